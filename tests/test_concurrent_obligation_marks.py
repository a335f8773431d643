"""Marking and adding obligations from many threads at once: no change is lost, on either register."""
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor

from lib.domain import obligations as ob
from lib.domain.audit import EventSigner, verify_chain
from lib.domain.models import Actor
from lib.services import completeness
from tests.sheets_emulator import SheetsEmulator
from tests.test_register_contract import KEY, sheets_register

ADMIN = Actor("admin", frozenset({"admin"}))


def _work(ctx, thread: int, marks: list[str], adds: int) -> None:
    for n, oid in enumerate(marks):
        completeness.mark(ctx, ADMIN, oid, "tidak_berlaku", f"alasan {thread}-{n}")
        if n < adds:
            completeness.add(ctx, ADMIN, {"judul": f"Tambahan {thread}-{n}", "kelompok": "tata_kelola"})


def _run(contexts: list, marks_per_thread: int, adds_per_thread: int) -> list[str]:
    ids = [o.id for o in ob.load_default()]
    jobs = [(ctx, n, ids[n * marks_per_thread:(n + 1) * marks_per_thread]) for n, ctx in enumerate(contexts)]
    with ThreadPoolExecutor(len(jobs)) as pool:
        for done in [pool.submit(_work, ctx, n, marks, adds_per_thread) for ctx, n, marks in jobs]:
            done.result()
    return [oid for _, _, marks in jobs for oid in marks]


def _stored(ctx) -> dict:
    return json.loads(ctx.register.settings(ctx.office_id)[completeness.SETTINGS_KEY])


def test_eight_threads_marking_and_adding_at_once_lose_nothing_on_the_local_register(ctx):
    marked = _run([ctx] * 8, marks_per_thread=11, adds_per_thread=9)       # 88 marks + 72 adds = 160
    stored = _stored(ctx)
    assert sorted(stored["status"]) == sorted(marked)
    assert sorted(a["judul"] for a in stored["tambahan"]) == sorted(
        f"Tambahan {t}-{n}" for t in range(8) for n in range(9))
    assert len({a["id"] for a in stored["tambahan"]}) == 72
    actions = [e.action for e in ctx.register.events(ctx.office_id)]
    assert (actions.count("kewajiban_status_diubah"), actions.count("kewajiban_ditambahkan")) == (88, 72)


def test_four_sheets_clients_writing_at_once_lose_nothing_and_losers_are_logged_as_not_applied(ctx):
    emu = SheetsEmulator(seed=2)
    first = sheets_register(emu)
    sid = emu.spreadsheet_ids()[-1]
    registers = [first] + [_another(first, sid) for _ in range(3)]
    contexts = [dataclasses.replace(ctx, register=r) for r in registers]
    marked = _run(contexts, marks_per_thread=8, adds_per_thread=4)         # 32 marks + 16 adds
    first.invalidate()
    check = dataclasses.replace(ctx, register=first)
    stored = _stored(check)
    assert sorted(stored["status"]) == sorted(marked)
    assert sorted(a["judul"] for a in stored["tambahan"]) == sorted(
        f"Tambahan {t}-{n}" for t in range(4) for n in range(4))
    events = first.events(ctx.office_id)
    actions = [e.action for e in events]
    # Every change applied exactly once under its own name; a loser's event says it was not applied.
    assert (actions.count("kewajiban_status_diubah"), actions.count("kewajiban_ditambahkan")) == (32, 16)
    losers = [e for e in events if e.action == "penulisan_bersamaan_ditolak"]
    assert losers  # the clients really raced
    assert all(e.note.startswith("tidak diterapkan (kewajiban_") for e in losers)
    report = verify_chain(events, EventSigner(KEY))
    assert (report.bad_mac, report.missing_prev) == ([], [])


def _another(register, sid):
    """A second client of the same Sheet with its own process lock: what another app replica is."""
    from lib.store.sheets import SheetsRegister
    return SheetsRegister(register.client, sid, EventSigner(KEY), KEY, register.policy)
