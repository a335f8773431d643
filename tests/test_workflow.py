"""The SOP's state machines: every transition × every role, and the 5-working-day clock."""
from datetime import date

import pytest

from lib.domain import workflow
from lib.domain.models import ROLES, Actor, Item
from lib.domain.workdays import WorkCalendar
from lib.domain.workflow import ITEM_TRANSITIONS, VERSION_TRANSITIONS, ClockSettings, check_transition
from lib.errors import PermissionDenied, WorkflowError

ALL_ITEM_STATES = (None, "diminta", "diajukan", "dikembalikan", "diklasifikasi", "ditarik")
ALL_VERSION_STATES = (None, "draf", "ditetapkan", "disetujui", "diunggah", "diimpor")

EXPECTED_ITEM_ROLES = {"open_request": {"ppid"}, "submit": {"desk"}, "resubmit": {"desk"},
                       "return": {"ppid"}, "classify": {"ppid"}, "withdraw": {"ppid"},
                       "mark_refreshed": {"ppid"}}
EXPECTED_VERSION_ROLES = {"create": {"ppid"}, "edit": {"ppid"}, "establish": {"ppid"},
                          "approve": {"atasan"}, "send_back": {"atasan"}, "upload": {"desk", "ppid"},
                          "import": {"ppid"}}


def actor(role: str, unit: str = "Sekretariat") -> Actor:
    return Actor(f"u-{role}", frozenset({role}), unit)


@pytest.mark.parametrize("table,expected,states", [
    (ITEM_TRANSITIONS, EXPECTED_ITEM_ROLES, ALL_ITEM_STATES),
    (VERSION_TRANSITIONS, EXPECTED_VERSION_ROLES, ALL_VERSION_STATES),
])
def test_every_transition_allows_exactly_its_roles_in_exactly_its_states(table, expected, states):
    for action, rule in table.items():
        for role in ROLES:
            for state in states:
                if role not in expected[action]:
                    with pytest.raises(PermissionDenied):
                        check_transition(table, action, actor(role), state)
                elif state in rule.sources:
                    assert check_transition(table, action, actor(role), state) == rule.target
                else:
                    with pytest.raises(WorkflowError):
                        check_transition(table, action, actor(role), state)


def test_a_wrong_role_gets_an_indonesian_message_naming_who_may_act():
    with pytest.raises(PermissionDenied) as err:
        check_transition(VERSION_TRANSITIONS, "approve", actor("ppid"), "ditetapkan")
    assert str(err.value) == "Hanya Atasan PPID yang boleh menyetujui dan memerintahkan unggah DIP."


def test_a_wrong_state_names_the_current_status():
    with pytest.raises(WorkflowError) as err:
        check_transition(ITEM_TRANSITIONS, "classify", actor("ppid"), "diminta")
    assert str(err.value) == 'Tidak dapat mengklasifikasi dan mendokumentasikan informasi: status saat ini "diminta".'


def test_a_desk_officer_cannot_act_for_another_unit():
    item = Item("i1", "Keuangan", "Judul", status="diminta")
    with pytest.raises(PermissionDenied):
        workflow.check_unit(actor("desk", "Sekretariat"), item)
    workflow.check_unit(actor("desk", "Keuangan"), item)


CAL = WorkCalendar()
CLOCK = ClockSettings()


def requested(on: date) -> Item:
    return Item("i1", "Sekretariat", "Judul", status="diminta", requested_on=on)


@pytest.mark.parametrize("submitted,result", [
    (date(2026, 3, 31), "tepat_waktu"),   # the due date itself is on time
    (date(2026, 4, 1), "terlambat"),
    (date(2026, 3, 18), "tepat_waktu"),
])
def test_first_submission_is_judged_against_the_5_working_day_deadline(submitted, result):
    item = workflow.submit(actor("desk"), requested(date(2026, 3, 17)), {}, submitted, CAL, CLOCK)
    assert (item.status, item.clock_result, item.judged_due_on) == ("diajukan", result, date(2026, 3, 31))
    assert item.judged_calendar == CAL.fingerprint


def test_an_unprompted_submission_is_on_the_clock_only_with_the_date_the_information_came_to_be():
    blank = Item("i2", "Sekretariat", "Judul", status="")
    free = workflow.submit(actor("desk"), blank, {}, date(2026, 5, 4), CAL, CLOCK, is_new=True)
    assert free.clock_result == "tanpa_tenggat" and free.judged_due_on is None
    dated = workflow.submit(actor("desk"), blank, {"info_created_on": date(2026, 4, 1)},
                            date(2026, 5, 4), CAL, CLOCK, is_new=True)
    assert (dated.clock_result, dated.judged_due_on) == ("terlambat", date(2026, 4, 9))


def test_a_resubmission_keeps_the_first_judgement_and_the_return_starts_a_correction_clock():
    first = workflow.submit(actor("desk"), requested(date(2026, 3, 17)), {}, date(2026, 3, 25), CAL, CLOCK)
    back = workflow.return_item(actor("ppid"), first, "Lengkapi retensi", date(2026, 3, 26))
    fix_by = workflow.correction_deadline(back, CAL, ClockSettings(correction_days=3))
    assert fix_by.due == date(2026, 3, 31)
    again = workflow.submit(actor("desk"), back, {}, date(2026, 4, 10), CAL, CLOCK)
    assert (again.clock_result, again.resubmitted_on, again.submitted_on) == (
        "tepat_waktu", date(2026, 4, 10), date(2026, 3, 25))
