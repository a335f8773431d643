"""Establishing a version on Google Sheets writes its frozen rows once, even when Google's answer is lost."""
import pytest

from lib.domain.models import SnapshotRow, Version
from lib.errors import ConflictError
from lib.store.sheets_client import RetryPolicy, SheetsUnavailable
from tests.sheets_emulator import FaultPlan, SheetsEmulator
from tests.test_register_contract import OFFICE, ev, sheets_register


def rows(version_id: str, n: int, text: str = "Laporan") -> list[SnapshotRow]:
    return [SnapshotRow(version_id, f"i{k}", k, "berkala", {"judul": f"{text} {k}"}) for k in range(1, n + 1)]


@pytest.fixture
def emu():
    return SheetsEmulator(seed=1)


def quiet(emu):
    register = sheets_register(emu)
    register.policy = RetryPolicy(tries=8, sleep=lambda s: None)
    return register


def test_a_lost_answer_to_the_snapshot_write_does_not_double_the_rows(emu):
    register = quiet(emu)
    draft = register.save_version(Version("v1", 2026, office_id=OFFICE), ev("v1", entity="version"), None)
    emu.faults = FaultPlan(at=[1], fault="timeout_after", endpoints={"spreadsheets.batchUpdate"})
    register.save_version(draft.replace(status="ditetapkan"), ev("v1", entity="version"), draft.revision,
                          snapshot=rows("v1", 3))
    assert emu.faults.total == 1
    emu.faults = None
    register.invalidate()
    assert register.snapshot("v1") == rows("v1", 3)


def test_a_lost_answer_when_replacing_a_snapshot_leaves_only_the_new_rows(emu):
    register = quiet(emu)
    saved = register.save_version(Version("v1", 2026, office_id=OFFICE), ev("v1", entity="version"), None,
                                  snapshot=rows("v1", 2, "Lama"))
    emu.faults = FaultPlan(at=[1], fault="timeout_after", endpoints={"spreadsheets.batchUpdate"})
    register.save_version(saved.replace(status="ditetapkan"), ev("v1", entity="version"), saved.revision,
                          snapshot=rows("v1", 3, "Baru"))
    emu.faults = None
    register.invalidate()
    assert register.snapshot("v1") == rows("v1", 3, "Baru")


def test_under_random_faults_no_established_version_ever_holds_a_row_twice(emu):
    register = quiet(emu)
    emu.faults = FaultPlan(rates={"timeout_after": 0.15, "timeout_before": 0.05, "500": 0.05}, seed=5)
    established = []
    for n in range(13):
        vid = f"v{n}"
        try:
            draft = register.save_version(Version(vid, 2026, office_id=OFFICE), ev(vid, entity="version"), None)
            register.save_version(draft.replace(status="ditetapkan"), ev(vid, entity="version"), draft.revision,
                                  snapshot=rows(vid, 4))
            established.append(vid)
        except (SheetsUnavailable, ConflictError):
            pass
    injected = emu.faults.injected["timeout_after"]
    emu.faults = None
    register.invalidate()
    assert injected >= 5 and len(established) >= 10
    for vid in established:
        assert register.snapshot(vid) == rows(vid, 4), vid
