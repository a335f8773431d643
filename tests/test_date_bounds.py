"""Dates out of any plausible range are refused with a message naming the field, never a crash."""
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest

from lib.domain.validation import INFO_DATE_FLOOR, parse_date
from lib.domain.workdays import deadline_start_bounds, format_date_id
from lib.errors import ValidationError
from lib.services import items
from tests.conftest import submission
from tests.test_cli import ROOT

TODAY = date(2026, 3, 17)


@pytest.mark.parametrize("typed,message", [
    ("2026-03-18", "Tanggal informasi dibuat tidak boleh setelah hari ini (17 Maret 2026): 18 Maret 2026."),
    ("9999-12-31", "Tanggal informasi dibuat tidak boleh setelah hari ini (17 Maret 2026): 31 Desember 9999."),
    ("1945-08-16", "Tanggal informasi dibuat paling awal 17 Agustus 1945, bukan 16 Agustus 1945."),
    (date(9999, 12, 31), "Tanggal informasi dibuat tidak boleh setelah hari ini (17 Maret 2026): 31 Desember 9999."),
])
def test_an_information_date_after_today_or_before_1945_is_refused(typed, message):
    errors = {}
    assert parse_date(typed, "info_created_on", errors, today=TODAY, earliest=INFO_DATE_FLOOR) is None
    assert errors == {"info_created_on": message}


@pytest.mark.parametrize("typed", ["2026-03-17", "1945-08-17", date(2000, 1, 1)])
def test_an_information_date_from_1945_up_to_today_is_accepted(typed):
    errors = {}
    got = parse_date(typed, "info_created_on", errors, today=TODAY, earliest=INFO_DATE_FLOOR)
    assert (got, errors) == (date.fromisoformat(str(typed)), {})


@pytest.mark.parametrize("typed", ["9999-12-31", "2026-03-18"])
def test_the_desk_form_refuses_a_future_creation_date_instead_of_judging_it_on_time(ctx, people, typed):
    with pytest.raises(ValidationError) as refused:
        items.submit_new(ctx, people["desk"], submission(info_created_on=typed))
    assert list(refused.value.fields) == ["info_created_on"]
    assert refused.value.fields["info_created_on"].startswith("Tanggal informasi dibuat tidak boleh setelah hari ini")
    assert ctx.register.list_items(ctx.office_id) == []


def test_the_desk_form_accepts_today_in_the_offices_time_zone(ctx, people):
    item = items.submit_new(ctx, people["desk"], submission(info_created_on="2026-03-17"))
    assert item.info_created_on == TODAY


def test_deadline_start_bounds_run_from_1990_to_a_year_ahead():
    assert deadline_start_bounds(TODAY) == (date(1990, 1, 1), date(2027, 3, 18))


def cli(tmp_path, *args):
    env = {**os.environ, "SIDIP_DATA_DIR": str(tmp_path / "data"), "SIDIP_PUBLISH_DIR": str(tmp_path / "pub")}
    return subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_deadline_command_refuses_the_year_9999_and_1989_with_a_message(tmp_path):
    # The command uses the real clock: the latest start is a year after the office's today.
    late, early = cli(tmp_path, "deadline", "9999-12-31"), cli(tmp_path, "deadline", "1989-12-31")
    latest = format_date_id(deadline_start_bounds(date.today())[1])
    latest_next = format_date_id(deadline_start_bounds(date.today() + timedelta(days=1))[1])
    assert late.returncode == 1 and late.stderr.strip() in (
        f"Galat: Tanggal mulai paling lambat {d}, bukan 31 Desember 9999." for d in (latest, latest_next))
    assert (early.returncode, early.stderr.strip()) == (
        1, "Galat: Tanggal mulai paling awal 1 Januari 1990, bukan 31 Desember 1989.")
