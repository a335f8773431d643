"""The Sheets benchmark's step done again after a 429: a user who saw an error redoes the step a minute later.
A change that had applied before the error (st-gsheets-connection rewrites the item tab, then the audit tab,
with no retry) must read as done, new items keep the ids the script gave them, and a redo refused for a change
the step did not make is still an error."""
import pytest

from lib.errors import ConflictError
from tests.sheets_emulator import FaultPlan
from tests.test_sheets_freshness import bench


@pytest.fixture(scope="module")
def world():
    people = [bench.Person("ppid1", "ppid", "", 0), bench.Person("ppid2", "ppid", "", 1),
              bench.Person("admin1", "admin", "", 0)]
    return bench.build_world(n_items=30, people=people, seed=7)


def _request(t: float, n: int, user: str = "ppid1") -> bench.Step:
    return bench.Step(t, "request", user, item=f"inf-sim-{n:04d}", unit="Sekretariat", title=f"Permintaan {n}")


def _fault_after_act(day: bench.Day, plan: FaultPlan) -> None:
    """The next requests after the step's change meet ``plan`` (once: the redo runs without it)."""
    act = day._act

    def act_then_arm(step, ctx):
        out = act(step, ctx)
        if not getattr(day, "_armed", False):
            day._armed, day.emu.faults = True, plan
        return out
    day._act = act_then_arm


def _fault_inside_act(day: bench.Day, plan: FaultPlan) -> None:
    act = day._act

    def arm_then_act(step, ctx):
        if not getattr(day, "_armed", False):
            day._armed, day.emu.faults = True, plan
        return act(step, ctx)
    day._act = arm_then_act


def test_a_429_on_the_rerun_after_a_request_keeps_the_next_requests_id(world, tmp_path):
    day = bench.Day(bench.GsheetsConnection, world, tmp_path, quota=False)
    _fault_after_act(day, FaultPlan(at=[0], fault="429"))  # the rerun's first read after the new item
    with day.running():
        day.step(_request(0, 1))
        day.step(_request(200, 2))
    items = day.final_items()
    assert day.result.user_errors == 1
    assert [i for i in sorted(items) if i.startswith("inf-sim")] == ["inf-sim-0001", "inf-sim-0002"]
    assert items["inf-sim-0002"][:2] == ("diminta", "1")


def test_a_429_between_the_item_tab_and_the_audit_tab_rewrite_reads_as_done_when_redone(world, tmp_path):
    day = bench.Day(bench.GsheetsConnection, world, tmp_path, quota=False)
    # values.clear of the item tab goes through; the audit tab's clear (its rewrite) gets the 429
    _fault_inside_act(day, FaultPlan(at=[1], fault="429", endpoints={"values.clear"}))
    with day.running():
        assert day.step(_request(0, 1)) is None  # redone: the item is there, made by this step
        day.step(_request(200, 2))
    items = day.final_items()
    assert day.result.user_errors == 1
    assert {i: items[i][:2] for i in items if i.startswith("inf-sim")} == {
        "inf-sim-0001": ("diminta", "1"), "inf-sim-0002": ("diminta", "1")}
    events = bench.Table("events", day.emu.get_values(world.sid, bench.TABS["events"]))
    assert [r["entity_id"] for _, r in events.rows if r["entity_id"].startswith("inf-sim")] == ["inf-sim-0002"]


@pytest.mark.parametrize("name", ["sidip", "gsheets_connection"])  # gspread's backoff outlasts any 429
def test_a_redo_refused_for_a_change_the_step_did_not_make_is_still_an_error(name, world, tmp_path):
    day = bench.Day(bench.PATTERNS[name], world, tmp_path, quota=False)
    item = next(i for i in world.items if i.status == "diajukan")
    other = bench.Step(0, "classify", "ppid2", item=item.id, revision=1, unit=item.unit, title=item.judul)
    mine = bench.Step(100, "return", "ppid1", item=item.id, revision=1, unit=item.unit, title=item.judul)
    wait = day.clock.sleep

    def user_waits(seconds: float) -> None:  # the user's minute before the redo: Google answers again
        day.emu.faults = None
        wait(seconds)
    with day.running():
        day.step(other)
        day.emu.faults, day.clock.sleep = FaultPlan(at=range(30), fault="429"), user_waits
        with pytest.raises(ConflictError, match="sudah diubah oleh ppid2"):
            day.step(mine)
    assert day.result.user_errors == 1


def test_a_logout_stopped_between_the_user_tab_and_the_audit_tab_rewrite_is_not_done_twice(world, tmp_path,
                                                                                             monkeypatch):
    day = bench.Day(bench.GsheetsConnection, world, tmp_path, quota=False)
    logout = bench.auth.logout

    def arm_then_logout(ctx, actor):
        if not getattr(day, "_armed", False):  # the user tab's clear goes through, the audit tab's gets the 429
            day._armed, day.emu.faults = True, FaultPlan(at=[1], fault="429", endpoints={"values.clear"})
        return logout(ctx, actor)
    monkeypatch.setattr(bench.auth, "logout", arm_then_logout)
    before = day.final_users()["ppid1"]
    with day.running():
        day.step(bench.Step(0, "logout", "ppid1"))
    assert day.result.user_errors == 1
    assert day.final_users()["ppid1"] == (str(int(before[0] or 0) + 1), *before[1:])
