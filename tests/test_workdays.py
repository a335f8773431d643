"""Tests for the Indonesian working-day calendar."""

from datetime import date, datetime, timedelta

import numpy as np
import pytest

from lib.domain.workdays import (
    DeadlineExplanation,
    HolidayOverride,
    SkippedDay,
    WorkCalendar,
    format_date_id,
)

NYEPI_CUTI = "Cuti Bersama Hari Suci Nyepi"
NYEPI = "Hari Suci Nyepi"
LEBARAN_CUTI = "Cuti Bersama Hari Raya Idul Fitri"


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar()


def march(day):
    return date(2026, 3, day)


# ---- holiday data ---------------------------------------------------------

@pytest.mark.parametrize("day, name", [
    (march(18), NYEPI_CUTI),
    (march(19), NYEPI),
    (march(20), LEBARAN_CUTI),
    (march(21), "Hari Raya Idul Fitri"),
    (march(22), "Hari kedua dari Hari Raya Idul Fitri"),
    (march(23), LEBARAN_CUTI),
    (march(24), LEBARAN_CUTI),
    (march(25), None),
    (march(28), None),
])
def test_march_2026_holiday_names_match_the_official_calendar(cal, day, name):
    assert cal.holiday_name(day) == name


def test_two_holidays_on_one_day_are_joined_with_semicolon(cal):
    assert cal.holiday_name(date(2021, 5, 13)) == "Hari Raya Idul Fitri; Kenaikan Yesus Kristus"


@pytest.mark.parametrize("day, working", [
    (march(17), True),    # ordinary Tuesday
    (march(18), False),   # cuti bersama
    (march(19), False),   # Nyepi
    (march(21), False),   # Saturday (and Idul Fitri)
    (march(28), False),   # plain Saturday
    (march(25), True),
])
def test_is_working_day_excludes_weekends_holidays_and_cuti_bersama(cal, day, working):
    assert cal.is_working_day(day) is working


def test_datetime_inputs_are_treated_as_their_date(cal):
    assert cal.is_working_day(datetime(2026, 3, 18, 9, 30)) is False
    assert cal.add_working_days(datetime(2026, 3, 17, 16, 0), 5) == march(31)


# ---- add_working_days / explain -------------------------------------------

def test_five_working_days_from_17_march_2026_land_on_31_march(cal):
    assert cal.add_working_days(march(17), 5) == march(31)


def test_explanation_lists_skipped_weekday_holidays_and_counts_weekends(cal):
    # 21-22 March (Idul Fitri) fall on a weekend: counted as weekend days,
    # not listed; 28-29 March are plain weekend days in the same span.
    assert cal.explain(march(17), 5) == DeadlineExplanation(
        start=march(17),
        due=march(31),
        working_days=5,
        count_from_next_day=True,
        skipped=(
            SkippedDay(march(18), NYEPI_CUTI),
            SkippedDay(march(19), NYEPI),
            SkippedDay(march(20), LEBARAN_CUTI),
            SkippedDay(march(23), LEBARAN_CUTI),
            SkippedDay(march(24), LEBARAN_CUTI),
        ),
        weekend_days=4,
    )


def test_explanation_lines_read_as_indonesian_sentences(cal):
    assert cal.explain(march(17), 5).lines_id() == [
        "Mulai: 17 Maret 2026",
        "Batas waktu: 31 Maret 2026 (5 hari kerja, dihitung mulai hari kerja berikutnya)",
        "Dilewati: 18 Maret 2026 — Cuti Bersama Hari Suci Nyepi",
        "Dilewati: 19 Maret 2026 — Hari Suci Nyepi",
        "Dilewati: 20 Maret 2026 — Cuti Bersama Hari Raya Idul Fitri",
        "Dilewati: 23 Maret 2026 — Cuti Bersama Hari Raya Idul Fitri",
        "Dilewati: 24 Maret 2026 — Cuti Bersama Hari Raya Idul Fitri",
        "Akhir pekan dilewati: 4 hari",
    ]


def test_explanation_without_skips_has_only_start_and_due_lines(cal):
    assert cal.explain(date(2026, 4, 6), 1, count_from_next_day=False).lines_id() == [
        "Mulai: 6 April 2026",
        "Batas waktu: 6 April 2026 (1 hari kerja, dihitung termasuk hari mulai)",
    ]


@pytest.mark.parametrize("start, n, from_next, due", [
    # Saturday start: day 1 is Monday
    (date(2026, 4, 11), 1, True, date(2026, 4, 13)),
    (date(2026, 4, 11), 5, True, date(2026, 4, 17)),
    # Friday start: day 1 is the next Monday
    (date(2026, 4, 10), 1, True, date(2026, 4, 13)),
    # Holiday start (Nyepi, Thursday): day 1 is the first working day after
    (march(19), 1, True, march(25)),
    # Holiday start at new year
    (date(2026, 1, 1), 1, True, date(2026, 1, 2)),
    # Working-day start counted as day 1
    (date(2026, 4, 6), 1, False, date(2026, 4, 6)),
    (date(2026, 4, 6), 5, False, date(2026, 4, 10)),
    # Non-working start with from_next False: day 1 is the next working day
    (date(2026, 4, 11), 1, False, date(2026, 4, 13)),
    (march(19), 2, False, march(26)),
    # Crossing a year boundary (Christmas + cuti bersama 24-25 Dec 2026)
    (date(2026, 12, 23), 2, True, date(2026, 12, 29)),
])
def test_add_working_days_edge_cases(cal, start, n, from_next, due):
    assert cal.add_working_days(start, n, from_next) == due


@pytest.mark.parametrize("n", [0, -1])
def test_fewer_than_one_working_day_is_rejected(cal, n):
    with pytest.raises(ValueError):
        cal.add_working_days(march(17), n)
    with pytest.raises(ValueError):
        cal.due_dates([march(17)], n)


def test_holiday_start_with_from_next_false_lists_the_start_day_as_skipped(cal):
    e = cal.explain(march(19), 1, count_from_next_day=False)
    assert (e.due, e.skipped, e.weekend_days) == (
        march(25),
        (SkippedDay(march(19), NYEPI), SkippedDay(march(20), LEBARAN_CUTI),
         SkippedDay(march(23), LEBARAN_CUTI), SkippedDay(march(24), LEBARAN_CUTI)),
        2,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_explanation_span_is_exactly_working_plus_skipped_plus_weekend_days(cal, seed):
    rng = np.random.default_rng(seed)
    for _ in range(50):
        start = date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 1095)))
        n, from_next = int(rng.integers(1, 40)), bool(rng.integers(0, 2))
        e = cal.explain(start, n, from_next)
        span = (e.due - e.start).days + (0 if from_next else 1)
        assert span == n + len(e.skipped) + e.weekend_days


# ---- overrides -------------------------------------------------------------

def test_libur_override_pushes_the_due_date_and_is_listed_with_its_name():
    local = HolidayOverride(march(26), "libur", "Libur daerah HUT Kabupaten")
    e = WorkCalendar([local]).explain(march(17), 5)
    assert (e.due, e.skipped[-1]) == (date(2026, 4, 1), SkippedDay(march(26), "Libur daerah HUT Kabupaten"))


def test_libur_override_without_name_gets_a_default_name():
    cal = WorkCalendar([HolidayOverride(march(26), "libur")])
    assert cal.holiday_name(march(26)) == "Hari libur tambahan"


def test_kerja_override_on_cuti_bersama_makes_the_day_count():
    cal = WorkCalendar([HolidayOverride(march(18), "kerja")])
    e = cal.explain(march(17), 5)
    assert (cal.is_working_day(march(18)), cal.holiday_name(march(18)), e.due, e.skipped[0]) == (
        True, None, march(30), SkippedDay(march(19), NYEPI))


@pytest.mark.parametrize("bad", [
    [HolidayOverride(march(18), "kerja"), HolidayOverride(march(18), "libur", "x")],
    [HolidayOverride(march(26), "libur", "a"), HolidayOverride(march(26), "libur", "b")],
])
def test_conflicting_overrides_for_one_day_are_rejected(bad):
    with pytest.raises(ValueError):
        WorkCalendar(bad)


def test_unknown_override_kind_is_rejected():
    with pytest.raises(ValueError):
        HolidayOverride(march(26), "cuti")


# ---- fingerprint -----------------------------------------------------------

OVERRIDES = [
    HolidayOverride(march(26), "libur", "Libur daerah"),
    HolidayOverride(march(18), "kerja"),
]


def test_fingerprint_is_twelve_hex_chars_and_stable_across_instances():
    fp = WorkCalendar().fingerprint
    assert (len(fp), int(fp, 16) >= 0, WorkCalendar().fingerprint) == (12, True, fp)


def test_fingerprint_changes_when_an_override_is_added():
    assert WorkCalendar().fingerprint != WorkCalendar(OVERRIDES[:1]).fingerprint


def test_fingerprint_ignores_override_order():
    assert WorkCalendar(OVERRIDES).fingerprint == WorkCalendar(OVERRIDES[::-1]).fingerprint


def test_fingerprint_ignores_the_preloaded_year_range():
    assert WorkCalendar(first_year=2024, last_year=2026).fingerprint == WorkCalendar().fingerprint


# ---- lazy year extension ---------------------------------------------------

def test_dates_outside_the_preloaded_years_still_see_their_holidays():
    cal = WorkCalendar(first_year=2026, last_year=2026)
    assert (cal.holiday_name(date(2030, 12, 25)), cal.is_working_day(date(2030, 12, 25))) == (
        "Hari Raya Natal", False)


def test_due_dates_crossing_past_the_preloaded_years_skip_new_year():
    cal = WorkCalendar(first_year=2026, last_year=2026)
    # 1 January 2027 (Friday) is a holiday the preload did not contain.
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_vectorised_calls_extend_years_before_the_preloaded_range():
    cal = WorkCalendar(first_year=2026, last_year=2026)
    # 1 January 2021 is a Friday holiday, outside the preloaded year.
    assert cal.due_dates([date(2020, 12, 31)], 1)[0] == np.datetime64("2021-01-04")


# ---- working_days_between --------------------------------------------------

@pytest.mark.parametrize("start, end, used", [
    (march(17), march(31), 5),
    (march(17), march(17), 0),
    (march(31), march(17), 0),
    (march(17), march(24), 0),   # only holidays and a weekend in between
    (date(2026, 4, 10), date(2026, 4, 13), 1),  # Friday -> Monday
    (date(2026, 4, 11), date(2026, 4, 11), 0),
])
def test_working_days_between_counts_the_half_open_span(cal, start, end, used):
    assert cal.working_days_between(start, end) == used


# ---- vectorised agrees with scalar -----------------------------------------

def random_dates(seed, size):
    rng = np.random.default_rng(seed)
    return np.datetime64("2025-01-01") + rng.integers(0, 1095, size=size).astype("timedelta64[D]")


@pytest.mark.parametrize("n, from_next", [(1, True), (5, True), (10, True), (1, False), (14, False)])
def test_vectorised_due_dates_equal_scalar_results(cal, n, from_next):
    starts = random_dates(42 + n, 300)
    scalar = [cal.add_working_days(s.item(), n, from_next) for s in starts]
    assert cal.due_dates(starts, n, from_next).tolist() == scalar


def test_due_dates_accept_python_dates_and_return_day_precision(cal):
    result = cal.due_dates([march(17), date(2026, 4, 11)], 5)
    assert (result.dtype, result.tolist()) == (np.dtype("datetime64[D]"), [march(31), date(2026, 4, 17)])


def test_vectorised_working_days_between_equals_scalar_results(cal):
    starts, ends = random_dates(7, 300), random_dates(8, 300)
    scalar = [cal.working_days_between(s.item(), e.item()) for s, e in zip(starts, ends)]
    assert cal.working_days_between_many(starts, ends).tolist() == scalar


def test_working_days_between_inverts_add_working_days(cal):
    starts = random_dates(9, 300)
    dues = cal.due_dates(starts, 7)
    assert set(cal.working_days_between_many(starts, dues).tolist()) == {7}


def test_is_working_day_agrees_with_numpy_over_three_years(cal):
    days = np.arange("2025-01-01", "2028-01-01", dtype="datetime64[D]")
    one = np.timedelta64(1, "D")
    numpy_says = cal.working_days_between_many(days - one, days) == 1
    assert numpy_says.tolist() == [cal.is_working_day(d.item()) for d in days]


# ---- formatting ------------------------------------------------------------

@pytest.mark.parametrize("d, text", [
    (date(2026, 11, 25), "25 November 2026"),
    (date(2026, 1, 1), "1 Januari 2026"),
    (date(2026, 2, 9), "9 Februari 2026"),
    (date(2026, 3, 17), "17 Maret 2026"),
    (date(2026, 5, 31), "31 Mei 2026"),
    (date(2026, 6, 1), "1 Juni 2026"),
    (date(2026, 7, 4), "4 Juli 2026"),
    (date(2026, 8, 17), "17 Agustus 2026"),
    (date(2026, 12, 31), "31 Desember 2026"),
])
def test_format_date_id_uses_indonesian_month_names(d, text):
    assert format_date_id(d) == text
