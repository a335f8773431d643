"""The local register: a real SQLite file (WAL), atomic action + event, revisions, audit chain."""
import multiprocessing
import sqlite3
from datetime import date

import pytest

from lib.domain.audit import EventSigner, verify_chain
from lib.domain.models import Event, Item, SnapshotRow, User
from lib.errors import ConflictError
from lib.store.sqlite import SqliteRegister

KEY = b"kunci-uji"


@pytest.fixture
def register(tmp_path):
    reg = SqliteRegister(tmp_path / "r.sqlite3", EventSigner(KEY))
    reg.init()
    return reg


def ev(action="uji", actor="budi", entity_id="i1") -> Event:
    return Event(action=action, actor=actor, role="desk", entity="item", entity_id=entity_id)


def test_the_register_is_a_wal_file_on_disk(register):
    mode = sqlite3.connect(register.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal" and register.path.exists()


def test_an_item_round_trips_with_its_values_unchanged(register):
    item = Item("i1", "Sekretariat", "0012 <script>", tahun=2026, requested_on=date(2026, 3, 17),
                tautan="=HYPERLINK(\"x\")")
    saved = register.save_item(item, ev(), None)
    assert register.get_item("i1") == saved
    assert (saved.judul, saved.tautan, saved.revision) == ("0012 <script>", "=HYPERLINK(\"x\")", 1)


def test_a_stale_write_is_refused_naming_who_changed_it_and_when(register):
    first = register.save_item(Item("i1", "Sekretariat", "A"), ev(actor="budi"), None)
    register.save_item(first.replace(judul="B"), ev(actor="sari"), first.revision)
    with pytest.raises(ConflictError) as err:
        register.save_item(first.replace(judul="C"), ev(actor="budi"), first.revision)
    assert "sudah diubah oleh sari pada " in str(err.value)
    assert register.get_item("i1").judul == "B"


def test_an_item_and_its_event_are_written_together_or_not_at_all(register, monkeypatch):
    def broken_sign(event):
        raise RuntimeError("disk penuh")
    monkeypatch.setattr(register.signer, "sign", broken_sign)
    with pytest.raises(RuntimeError):
        register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    assert register.get_item("i1") is None and register.events("kpu-sarolangun") == []


def test_events_form_a_signed_chain_and_an_edited_event_is_detected(register):
    for n in range(3):
        register.append_event(ev(entity_id=f"i{n}"))
    events = register.events("kpu-sarolangun")
    assert [e.prev_id for e in events] == ["", events[0].id, events[1].id]
    assert verify_chain(events, EventSigner(KEY)).ok
    with sqlite3.connect(register.path) as conn:
        conn.execute("UPDATE events SET actor = 'penyusup' WHERE id = ?", (events[1].id,))
    report = verify_chain(register.events("kpu-sarolangun"), EventSigner(KEY))
    assert (report.ok, report.bad_mac) == (False, [events[1].id])


def test_a_snapshot_replaces_the_previous_one(register):
    from lib.domain.models import Version
    v = register.save_version(Version("v1", 2026), ev(entity_id="v1"), None,
                              [SnapshotRow("v1", "i1", 1, "berkala", {"judul": "A"})])
    register.save_version(v, ev(entity_id="v1"), v.revision,
                          [SnapshotRow("v1", "i2", 1, "setiap_saat", {"judul": "B"})])
    assert register.snapshot("v1") == [SnapshotRow("v1", "i2", 1, "setiap_saat", {"judul": "B"})]


def test_init_twice_keeps_existing_data_and_adds_missing_columns(register):
    register.save_user(User("budi", "Budi", frozenset({"desk"}), "h", unit="Sekretariat"), ev(), None)
    with sqlite3.connect(register.path) as conn:
        conn.execute("ALTER TABLE users DROP COLUMN token_epoch")
    register.init()
    assert register.get_user("budi").unit == "Sekretariat"
    assert register.get_user("budi").token_epoch == 0


def _racer(path: str, revision: int, name: str, results):
    reg = SqliteRegister(path, EventSigner(KEY))
    item = reg.get_item("i1")
    try:
        reg.save_item(item.replace(judul=name, revision=item.revision), ev(actor=name), revision)
        results.put(("ok", name))
    except ConflictError:
        results.put(("konflik", name))


def test_two_processes_writing_the_same_revision_never_both_win(register):
    register.save_item(Item("i1", "Sekretariat", "awal"), ev(), None)
    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_racer, args=(str(register.path), 1, f"p{n}", results))
             for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    outcomes = sorted(results.get(timeout=5)[0] for _ in procs)
    assert outcomes == ["konflik", "konflik", "konflik", "ok"]
    assert register.get_item("i1").revision == 2
    assert len(register.events("kpu-sarolangun")) == 2
