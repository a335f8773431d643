"""One contract for every register adapter: the local SQLite file, Google Sheets (on the emulator,
through the real gspread client) and PostgreSQL (a throwaway server). The services cannot tell them apart."""
import dataclasses
from datetime import date

import gspread
import pytest

from lib.domain.audit import EventSigner, verify_chain
from lib.domain.models import Attachment, Event, Item, SnapshotRow, User, Version
from lib.domain.workdays import HolidayOverride
from lib.errors import ConflictError
from lib.store.sheets import SheetsRegister
from lib.store.sheets_client import RetryPolicy
from lib.store.sqlite import SqliteRegister
from tests.pg_support import emptied, pg_register_url, pg_server  # noqa: F401 (fixtures)
from tests.sheets_emulator import SheetsEmulator

KEY = b"kunci-kontrak-" + b"7d3a9c41e6f2b805" * 4
OFFICE = "kpu-sarolangun"
TRICKY = ["=IMPORTXML(\"http://x\",\"//a\")", "+1", "0012", "2026-01-01", "<script>alert(1)</script>",
          "baris satu\nbaris dua", "  spasi  ", "-5", "@SUM(A1)"]


def sheets_register(emulator: SheetsEmulator, key: bytes = KEY) -> SheetsRegister:
    sid = emulator.create("SIDIP uji")
    client = gspread.Client(auth=None, session=emulator.session())
    register = SheetsRegister(client, sid, EventSigner(key), key, RetryPolicy(sleep=lambda s: None))
    register.init()
    return register


@pytest.fixture(params=["local", "sheets", "postgres"])
def register(request, tmp_path):
    if request.param == "postgres":
        reg = emptied(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_register_url"), KEY)
        yield reg
        reg.close()
        return
    if request.param == "local":
        reg = SqliteRegister(tmp_path / "r.sqlite3", EventSigner(KEY))
        reg.init()
        yield reg
        return
    yield sheets_register(SheetsEmulator())


def ev(entity_id="i1", actor="budi", entity="item") -> Event:
    return Event(action="uji", actor=actor, role="desk", entity=entity, entity_id=entity_id, office_id=OFFICE)


@pytest.mark.parametrize("text", TRICKY)
def test_user_text_reads_back_exactly_as_typed(register, text):
    register.save_item(Item("i1", "Sekretariat", text, ringkasan=text, tautan=text), ev(), None)
    got = register.get_item("i1")
    assert (got.judul, got.ringkasan, got.tautan) == (text, text, text)


def test_an_item_round_trips_with_its_types(register):
    item = Item("i1", "Sekretariat", "Renstra", tahun=2026, requested_on=date(2026, 3, 17),
                kewajiban=["BK-01.1"], pengecualian_permanen=True)
    saved = register.save_item(item, ev(), None)
    assert register.get_item("i1") == saved and saved.revision == 1
    assert register.list_items(OFFICE) == [saved]


def test_a_stale_write_is_refused_with_the_same_words_on_every_register(register):
    first = register.save_item(Item("i1", "Sekretariat", "A"), ev(actor="budi"), None)
    register.save_item(first.replace(judul="B"), ev(actor="sari"), first.revision)
    with pytest.raises(ConflictError, match="sudah diubah oleh sari pada "):
        register.save_item(first.replace(judul="C"), ev(actor="budi"), first.revision)
    assert register.get_item("i1").judul == "B"


def test_an_existing_key_cannot_be_inserted_twice(register):
    register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    with pytest.raises(ConflictError, match="sudah ada"):
        register.save_item(Item("i1", "Sekretariat", "B"), ev(), None)


def test_every_write_leaves_a_signed_chained_event(register):
    item = register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    register.save_item(item.replace(judul="B"), ev(), item.revision)
    register.append_event(ev(entity_id="login", entity="user"))
    events = register.events(OFFICE)
    assert [e.prev_id for e in events] == ["", events[0].id, events[1].id]
    assert verify_chain(events, EventSigner(KEY)).ok


def test_versions_and_their_snapshots(register):
    v = register.save_version(Version("v1", 2026), ev("v1", entity="version"), None,
                              [SnapshotRow("v1", "i1", 1, "berkala", {"judul": "A", "tahun": 2026})])
    v = register.save_version(v.replace(status="ditetapkan"), ev("v1", entity="version"), v.revision,
                              [SnapshotRow("v1", "i2", 1, "setiap_saat", {"judul": "=B"})])
    assert register.get_version("v1").status == "ditetapkan"
    assert register.snapshot("v1") == [SnapshotRow("v1", "i2", 1, "setiap_saat", {"judul": "=B"})]
    assert [x.id for x in register.list_versions(OFFICE)] == ["v1"]


def test_users_settings_and_holiday_overrides(register):
    register.save_user(User("budi", "Budi", frozenset({"desk", "ppid"}), "$argon2id$x", unit="Sekretariat"),
                       ev("budi", entity="user"), None)
    register.save_settings(OFFICE, {"sla_days": "7", "office_name": "KPU"}, ev("s", entity="settings"))
    register.save_settings(OFFICE, {"sla_days": "5"}, ev("s", entity="settings"))
    day = HolidayOverride(date(2026, 3, 25), "libur", "Libur daerah")
    register.save_holiday_override(OFFICE, day, ev("h", entity="calendar"))
    assert register.get_user("budi").roles == frozenset({"desk", "ppid"})
    assert register.settings(OFFICE) == {"sla_days": "5", "office_name": "KPU"}
    assert register.holiday_overrides(OFFICE) == [day]
    register.save_holiday_override(OFFICE, day, ev("h", entity="calendar"), remove=True)
    assert register.holiday_overrides(OFFICE) == []


def test_many_items_are_saved_together_with_their_events(register):
    items = [Item(f"i{n}", "Sekretariat", f"Informasi {n}", created_by="ppid") for n in range(30)]
    events = [ev(i.id) for i in items]
    register.save_many(items, events)
    assert len(register.list_items(OFFICE)) == 30 and len(register.events(OFFICE)) == 30
    assert verify_chain(register.events(OFFICE), EventSigner(KEY)).ok


def test_a_dump_loads_into_an_empty_register_of_the_other_kind_and_back(register, tmp_path):
    item = register.save_item(Item("i1", "Sekretariat", "0012", kewajiban=["SS-01"]), ev(), None)
    register.save_item(item.replace(judul="=A"), ev(), item.revision)
    register.save_user(User("budi", "Budi", frozenset({"desk"}), "h", unit="Sekretariat"), ev("budi", entity="user"), None)
    register.save_settings(OFFICE, {"sla_days": "7"}, ev("s", entity="settings"))
    register.save_attachment(attachment("b1", "=laporan.pdf"), ev("b1", entity="attachment"), None)
    dumped = register.dump()
    assert [r["filename"] for r in dumped["attachments"]] == ["=laporan.pdf"]
    local = SqliteRegister(tmp_path / "lain.sqlite3", EventSigner(KEY))
    local.init()
    other = sheets_register(SheetsEmulator()) if type(register) is SqliteRegister else local
    other.load(dumped)
    assert other.dump() == dumped
    assert verify_chain(other.events(OFFICE), EventSigner(KEY)).ok


def test_the_services_run_the_sop_on_google_sheets(tmp_path, monkeypatch):
    """The same use cases as on the local register, end to end, on the emulated Sheet."""
    from lib.bootstrap import build_context
    from lib.services import auth, items, publishing, versions
    from lib.services.context import SYSTEM_ACTOR
    from tests.conftest import FIXED_NOW, classification, submission
    local = build_context(tmp_path / "data")
    ctx = dataclasses.replace(local, register=sheets_register(SheetsEmulator(), local.secret_key), now=lambda: FIXED_NOW,
                              publish_dir=str(tmp_path / "pub"))
    people = {r: auth.add_user(ctx, SYSTEM_ACTOR, r, r, "rahasia-panjang-1", [r], "Sekretariat" if r == "desk" else "")
              .actor() for r in ("ppid", "desk", "atasan")}
    req = items.open_request(ctx, people["ppid"], "Sekretariat", "Renstra")
    sub = items.submit(ctx, people["desk"], req.id, submission("Renstra"), req.revision)
    items.classify(ctx, people["ppid"], sub.id, classification(sub), sub.revision)
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, {"nomor_keputusan": "1", "tanggal_keputusan": "2026-03-20",
                                                       "tempat_keputusan": "S", "penandatangan": "P",
                                                       "alasan_kelengkapan": "Uji"}, v.revision)
    v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
    v = publishing.upload(ctx, people["desk"], v.id, v.revision)
    assert v.status == "diunggah" and publishing.latest_published(ctx).rows[0].data["judul"] == "Renstra"
    assert verify_chain(ctx.register.events(ctx.office_id), ctx.signer).ok


def test_a_backup_of_the_local_register_restores_into_google_sheets_and_back(tmp_path, monkeypatch):
    """How an office moves from the embedded register to the shared Sheet (and back)."""
    from lib.bootstrap import build_context
    from lib.services import backup
    from lib.services.context import SYSTEM_ACTOR
    monkeypatch.setenv("SIDIP_SECRET_KEY", KEY.decode())
    local = build_context(tmp_path / "lokal")
    from lib.services import auth, items
    ppid = auth.add_user(local, SYSTEM_ACTOR, "ppid", "PPID", "rahasia-panjang-1", ["ppid"]).actor()
    items.open_request(local, ppid, local.units()[0], "=Renstra 0012")
    data = backup.backup_xlsx(local, SYSTEM_ACTOR)
    sheet_ctx = dataclasses.replace(local, register=sheets_register(SheetsEmulator()))
    backup.restore_xlsx(sheet_ctx, SYSTEM_ACTOR, data)
    back = build_context(tmp_path / "kembali")
    backup.restore_xlsx(back, SYSTEM_ACTOR, backup.backup_xlsx(sheet_ctx, SYSTEM_ACTOR))
    original, returned = local.register.dump(), back.register.dump()
    assert {t: rows for t, rows in returned.items() if t != "events"} == {
        t: rows for t, rows in original.items() if t != "events"}
    assert returned["events"][:len(original["events"])] == original["events"]  # plus the second backup's event


def test_a_snapshot_can_be_read_for_one_category_alone(register):
    from lib.domain.models import SnapshotRow, Version
    rows = [SnapshotRow("v1", f"i{n}", n, kategori, {"judul": f"Informasi {n}"})
            for n, kategori in ((1, "berkala"), (2, "dikecualikan"), (3, "berkala"))]
    register.save_version(Version("v1", 2026, status="ditetapkan"), ev("v1", entity="version"), None, rows)
    assert [r.item_id for r in register.snapshot("v1", kategori="dikecualikan")] == ["i2"]
    assert len(register.snapshot("v1")) == 3


def attachment(att_id="b1", filename="Laporan 2025.pdf", item_id="i1", **extra) -> Attachment:
    sha = "ab" + "0" * 62
    return Attachment(att_id, item_id, OFFICE, filename, "application/pdf", 1234, sha, f"{OFFICE}/ab/{sha}",
                      "budi", "2026-03-17T02:00:00+00:00", **extra)


def test_an_attachment_round_trips_and_lists_by_item_oldest_first(register):
    first = register.save_attachment(attachment("b1", "=SUM(A1) 0012.pdf"), ev("b1", entity="attachment"), None)
    register.save_attachment(attachment("b2", "lain.pdf", item_id="i2"), ev("b2", entity="attachment"), None)
    later = attachment("b3", "ganti.pdf", replaces="b1")
    later.uploaded_at = "2026-03-18T02:00:00+00:00"
    third = register.save_attachment(later, ev("b3", entity="attachment"), None)
    assert first.revision == 1 and register.get_attachment("b1") == first
    assert register.list_attachments(OFFICE, "i1") == [first, third]
    assert [a.id for a in register.list_attachments(OFFICE)] == ["b1", "b2", "b3"]
    assert register.list_attachments("kantor-lain") == [] and register.get_attachment("tidak-ada") is None


def test_an_attachment_write_is_revision_checked_and_audited(register):
    saved = register.save_attachment(attachment(), ev("b1", entity="attachment"), None)
    replaced = register.save_attachment(saved.replace(status="diganti"), ev("b1", actor="sari", entity="attachment"),
                                        saved.revision)
    with pytest.raises(ConflictError, match="Berkas ini sudah diubah oleh sari pada "):
        register.save_attachment(saved.replace(filename="x.pdf"), ev("b1", entity="attachment"), saved.revision)
    with pytest.raises(ConflictError, match="sudah ada"):
        register.save_attachment(attachment(), ev("b1", entity="attachment"), None)
    assert register.get_attachment("b1") == replaced and replaced.status == "diganti"
    assert [e.entity_id for e in register.events(OFFICE)] == ["b1", "b1"]
    assert verify_chain(register.events(OFFICE), EventSigner(KEY)).ok and register.integrity_problems() == []


def _twenty(register) -> list[Item]:
    items = [Item(f"i{n:02d}", "Sekretariat", f"Informasi {n}", created_by="budi") for n in range(20)]
    return [register.save_item(i, ev(i.id), None) for i in items]


def test_many_items_are_updated_together_each_with_its_own_event(register):
    stored = _twenty(register)
    changed = [i.replace(kategori="berkala", bentuk="=Softcopy") for i in stored]
    events = [ev(i.id, actor="sari") for i in changed]
    saved = register.update_many(changed, events, [i.revision for i in stored])
    assert [(i.id, i.revision, i.updated_by) for i in saved] == [(i.id, 2, "sari") for i in stored]
    assert register.list_items(OFFICE) == saved
    log = register.events(OFFICE)
    assert [e.id for e in log[20:]] == [e.id for e in events]
    assert verify_chain(log, EventSigner(KEY)).ok
    assert register.integrity_problems() == []


def test_a_batch_update_with_one_stale_item_writes_nothing_and_names_that_item(register):
    stored = _twenty(register)
    register.save_item(stored[7].replace(bentuk="Cetak"), ev(stored[7].id, actor="sari"), stored[7].revision)
    changed = [i.replace(kategori="berkala") for i in stored]
    with pytest.raises(ConflictError, match='^Informasi "Informasi 7" ini sudah diubah oleh sari pada ') as caught:
        register.update_many(changed, [ev(i.id) for i in changed], [i.revision for i in stored])
    assert caught.value.item_id == "i07"
    assert [i.kategori for i in register.list_items(OFFICE)] == [""] * 20
    assert len(register.events(OFFICE)) == 21


def test_the_revision_moves_with_every_write_and_names_its_register(register):
    empty = register.revision(OFFICE)
    assert empty and register.revision(OFFICE) == empty
    register.save_item(Item("i1", "Sekretariat", "Renstra"), ev("i1"), None)
    first = register.revision(OFFICE)
    register.append_event(ev("i1", actor="sari"))
    second = register.revision(OFFICE)
    assert len({empty, first, second}) == 3 and "SANDI" not in second


def test_the_item_frame_holds_each_items_stored_strings_oldest_first(register):
    register.save_item(Item("i1", "Sekretariat", "Renstra", tahun=2026), ev("i1"), None)
    register.save_item(Item("i2", "Hukum", "=SUM(A1)"), ev("i2"), None)
    frame = register.item_frame(OFFICE, ("id", "judul", "tahun", "kategori"))
    assert frame.to_dict("records") == [{"id": "i1", "judul": "Renstra", "tahun": "2026", "kategori": ""},
                                        {"id": "i2", "judul": "=SUM(A1)", "tahun": "", "kategori": ""}]
    assert register.item_frame("kantor-lain", ("id",)).empty


def test_the_newest_events_are_read_without_the_rest_of_the_log(register):
    for n in range(5):
        register.append_event(ev(f"i{n}"))
    assert [e.entity_id for e in register.events(OFFICE, newest=2)] == ["i3", "i4"]
    assert [e.entity_id for e in register.events(OFFICE)] == [f"i{n}" for n in range(5)]


def test_the_reads_across_offices_say_what_reading_each_office_says(register):
    """A roll-up reads hundreds of offices in one statement each; each answer is the per-office reads' answer
    (the port's own definitions, which the Sheets register uses), here with the edge cases of its filters."""
    from lib.store.port import Register
    rows = [("kpu-a", "a1", dict(status="diminta", requested_on="2026-03-01")),  # open: on the clock
            ("kpu-a", "a2", dict(status="diklasifikasi", requested_on="2025-01-01", submitted_on="2025-01-05",
                                 kategori="berkala", classified_on="2025-01-09")),  # old: stale, not judged
            ("kpu-a", "a3", dict(status="diajukan", info_created_on="2026-03-02", submitted_on="2026-03-10")),
            ("kpu-a", "a4", dict(status="ditarik", requested_on="2026-03-01")),  # withdrawn: never judged
            ("kpu-b", "b1", dict(status="diklasifikasi", kategori="berkala", classified_on="2025-01-09",
                                 refreshed_on="2026-03-01", kewajiban='["p9-1"]')),  # refreshed: not stale
            ("kpu-b", "b2", dict(status="diklasifikasi", kategori="berkala", submitted_on="2024-01-01")),
            ("kpu-c", "c1", dict(status="diminta", requested_on="2026-03-03"))]
    for office, item_id, fields in rows:
        fields = {k: date.fromisoformat(v) if k.endswith("_on") else v for k, v in fields.items()}
        register.save_item(Item(item_id, "Sekretariat", f"Informasi {item_id}", office_id=office, **fields),
                           dataclasses.replace(ev(item_id), office_id=office), None)
    register.save_settings("kpu-b", {"sla_days": "7"}, dataclasses.replace(ev("s"), office_id="kpu-b"))
    register.save_holiday_override("kpu-a", HolidayOverride(date(2026, 3, 20), "libur", "Hari jadi"),
                                   dataclasses.replace(ev("h"), office_id="kpu-a"))
    register.save_version(Version("va", 2026, status="ditetapkan", office_id="kpu-a"),
                          dataclasses.replace(ev("va", entity="version"), office_id="kpu-a"), None,
                          [SnapshotRow("va", "a2", 1, "dikecualikan", {"judul": "A2"})])
    ids = frozenset({"kpu-a", "kpu-b"})
    columns = ("id", "status", "submitted_on", "kewajiban")
    frame = register.rollup_item_frame(ids, columns, "2026-03-01")
    def by_id(f) -> list[dict]:  # the order of the rows within an office is free
        return sorted(f.to_dict("records"), key=lambda r: r["id"])
    assert by_id(frame) == by_id(Register.rollup_item_frame(register, ids, columns, "2026-03-01"))
    assert sorted(frame["id"]) == ["a1", "a3", "b1"]
    assert register.stale_berkala_counts(ids, "2025-09-17") == Register.stale_berkala_counts(
        register, ids, "2025-09-17") == {"kpu-a": 1, "kpu-b": 1}
    assert register.offices_settings(ids) == {"kpu-a": {}, "kpu-b": {"sla_days": "7"}}
    assert register.offices_holidays(ids) == {"kpu-a": [HolidayOverride(date(2026, 3, 20), "libur", "Hari jadi")],
                                              "kpu-b": []}
    assert {o: [v.id for v in vs] for o, vs in register.offices_versions(ids).items()} == {"kpu-a": ["va"], "kpu-b": []}
    assert register.snapshots(["va"], "dikecualikan") == {"va": register.snapshot("va", "dikecualikan")}


def test_fields_of_frozen_rows_read_alone_are_what_the_whole_rows_hold(register):
    data = [{"judul": "A", "masa_pengecualian_tahun": 5, "pengecualian_permanen": False, "ringkasan": "x" * 50},
            {"judul": "B", "masa_pengecualian_tahun": None, "pengecualian_permanen": True,
             "diadopsi_dari": "KPU Provinsi Jambi", "keputusan_induk": {"nomor": "1", "tanggal": "2026-01-05"}}]
    rows = [SnapshotRow("v1", f"i{n}", n, "dikecualikan", d) for n, d in enumerate(data, 1)]
    register.save_version(Version("v1", 2026, status="ditetapkan"), ev("v1", entity="version"), None, rows)
    fields = ("judul", "masa_pengecualian_tahun", "pengecualian_permanen", "diadopsi_dari", "keputusan_induk.tanggal")
    from lib.store.port import Register
    picked = register.snapshot_fields(["v1"], "dikecualikan", fields)
    assert [r.data for r in picked["v1"]] == [r.data for r in Register.snapshot_fields(register, ["v1"], "dikecualikan",
                                                                                       fields)["v1"]]
    assert [bool(r.data["pengecualian_permanen"]) for r in picked["v1"]] == [False, True]
    assert picked["v1"][1].data["keputusan_induk"] == {"tanggal": "2026-01-05"}
    assert picked["v1"][0].data["keputusan_induk"] == {"tanggal": None}


def test_the_terms_of_exempt_rows_read_alone_are_what_the_whole_rows_hold(register):
    """What a roll-up reads to count ending exemptions: the registers keep it beside each exempt row; read alone
    it must say what the whole row says, and a row written before it was kept is read from its data."""
    from lib.domain.versions import EXEMPTION_TERMS, exemption_ends
    from lib.store.port import Register
    data = [{"judul": "Lima tahun", "masa_pengecualian_tahun": 5, "pengecualian_permanen": False, "ringkasan": "x"},
            {"judul": "Permanen", "masa_pengecualian_tahun": None, "pengecualian_permanen": True},
            {"judul": "Diadopsi", "masa_pengecualian_tahun": 3, "pengecualian_permanen": False,
             "diadopsi_dari": "KPU Provinsi Jambi", "keputusan_induk": {"nomor": "1", "tanggal": "2026-01-05"}}]
    rows = [SnapshotRow("v1", f"i{n}", n, "dikecualikan", d) for n, d in enumerate(data, 1)]
    rows.append(SnapshotRow("v1", "i4", 1, "berkala", {"judul": "Renstra", "masa_pengecualian_tahun": 9}))
    register.save_version(Version("v1", 2026, status="ditetapkan"), ev("v1", entity="version"), None, rows)

    def read() -> list:
        picked = register.snapshot_fields(["v1"], "dikecualikan", EXEMPTION_TERMS)["v1"]
        whole = Register.snapshot_fields(register, ["v1"], "dikecualikan", EXEMPTION_TERMS)["v1"]
        assert [(r.item_id, r.data) for r in picked] == [(r.item_id, r.data) for r in whole]
        return [exemption_ends(r, date(2026, 1, 10)) for r in picked]

    assert read() == [date(2031, 1, 10), None, date(2029, 1, 5)]
    if not isinstance(register, SheetsRegister):  # a register upgraded from before schema 4 holds no terms yet
        kept = "SELECT item_id FROM version_items WHERE exemption_terms IS NOT NULL ORDER BY item_id"
        assert register._tuples(kept) == [("i1",), ("i2",), ("i3",)]
        register._conn().execute("UPDATE version_items SET exemption_terms = NULL")
        assert register._tuples(kept) == []
        assert read() == [date(2031, 1, 10), None, date(2029, 1, 5)]
