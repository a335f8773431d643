"""Google Sheets register specifics: hand edits, the request budget, faults and several processes."""
import multiprocessing
import types

import gspread
import pytest

from lib.domain.audit import EventSigner, verify_chain
from lib.domain.models import Item, User
from lib.errors import ConflictError
from lib.store import sheets_cache
from lib.store.sheets import SheetsRegister
from lib.store.sheets_layout import header as layout_header
from lib.store.sheets_client import RetryPolicy, SheetsUnavailable
from tests.sheets_emulator import FaultPlan, SheetsEmulator, forwarding_session
from tests.test_register_contract import KEY, OFFICE, ev, sheets_register


@pytest.fixture
def emu():
    return SheetsEmulator(seed=1)


@pytest.fixture
def reg(emu):
    return sheets_register(emu)


def sheet_id(emu) -> str:
    return emu.spreadsheet_ids()[-1]


def hand_edit(emu, tab: str, row: int, header: str, value: str) -> None:
    """What a staff member does in the browser: type over one cell of the Sheet."""
    from tests.sheets_emulator import col_letters
    column = emu.get_values(sheet_id(emu), tab)[0].index(header)
    client = gspread.Client(auth=None, session=emu.session())
    client.http_client.values_update(sheet_id(emu), f"'{tab}'!{col_letters(column)}{row + 1}",
                                     params={"valueInputOption": "RAW"}, body={"values": [[value]]})


def test_a_hand_edited_role_is_refused_and_reported(emu, reg):
    reg.save_user(User("budi", "Budi", frozenset({"desk"}), "$argon2id$x", unit="Sekretariat"), ev("budi"), None)
    hand_edit(emu, "pengguna", 1, "peran", "admin")
    reg.invalidate()
    assert reg.get_user("budi") is None
    assert [r["username"] for r in reg.tampered("users")] == ["budi"]


def test_a_hand_edited_item_is_recorded_in_the_audit_log_never_silently_trusted(emu, reg):
    reg.save_item(Item("i1", "Sekretariat", "Renstra"), ev(), None)
    hand_edit(emu, "informasi", 1, "judul", "Renstra (diubah di Sheet)")
    reg.invalidate()
    assert reg.get_item("i1").judul == "Renstra (diubah di Sheet)"
    last = reg.events(OFFICE)[-1]
    assert (last.action, last.actor, last.after["judul"]) == (
        "diubah_di_luar_aplikasi", "(Google Sheet)", "Renstra (diubah di Sheet)")
    reg.invalidate()
    reg.list_items(OFFICE)
    assert [e.action for e in reg.events(OFFICE)].count("diubah_di_luar_aplikasi") == 1


def test_an_action_costs_three_requests_the_page_after_it_none_and_a_page_a_minute_later_one(emu, reg, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(sheets_cache, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    item = reg.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    emu.reset_counters()
    reg.save_item(item.replace(judul="B"), ev(), item.revision)
    assert emu.request_count() == 3
    emu.reset_counters()
    page = lambda: (reg.list_items(OFFICE), reg.list_versions(OFFICE), reg.events(OFFICE), reg.settings(OFFICE))
    assert page()[0][0].judul == "B" and emu.request_count() == 0  # the confirming read refilled the cache
    clock[0] += 61
    page()
    assert emu.request_count() == 1


def quiet_register(emu, tries=5) -> SheetsRegister:
    register = sheets_register(emu)
    register.policy = RetryPolicy(tries=tries, sleep=lambda s: None)
    return register


def test_a_write_whose_response_was_lost_is_not_applied_twice(emu):
    register = quiet_register(emu)
    emu.faults = FaultPlan(at=[1], fault="timeout_after", endpoints={"spreadsheets.batchUpdate"})
    register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    emu.faults = None
    assert len(register.list_items(OFFICE)) == 1 and len(register.events(OFFICE)) == 1


def test_a_lasting_429_ends_after_bounded_tries_with_an_indonesian_message(emu):
    register = quiet_register(emu, tries=3)
    emu.faults = FaultPlan(probability=1.0, fault="429", endpoints={"spreadsheets.batchUpdate"})
    with pytest.raises(SheetsUnavailable, match="kuota per menit habis"):
        register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    emu.faults = None
    assert register.list_items(OFFICE) == [] and register.events(OFFICE) == []


def test_with_a_fifth_of_requests_failing_nothing_is_partial_or_duplicated(emu):
    register = quiet_register(emu, tries=8)
    outcomes = {"ok": 0, "pesan": 0}
    emu.faults = FaultPlan(rates={"429": 0.05, "500": 0.05, "timeout_before": 0.05, "timeout_after": 0.05}, seed=3)
    for n in range(40):
        try:
            saved = register.save_item(Item(f"i{n % 10}-{n // 10}", "Sekretariat", f"A{n}"), ev(f"i{n % 10}-{n // 10}"), None)
            register.save_item(saved.replace(judul=f"B{n}"), ev(saved.id), saved.revision)
            outcomes["ok"] += 1
        except (SheetsUnavailable, ConflictError) as err:
            assert str(err)  # a clear message, not a traceback
            outcomes["pesan"] += 1
    injected = emu.faults.total
    emu.faults = None
    register.invalidate()
    items, events = register.list_items(OFFICE), register.events(OFFICE)
    assert injected > 20 and outcomes["ok"] >= 30
    assert len({e.id for e in events}) == len(events)                     # no duplicate event
    assert len({i.id for i in items}) == len(items)                       # no duplicate item
    for item in items:                                                    # no row without its event
        written = [e for e in events if e.entity_id == item.id and e.action == "uji"]
        assert len(written) == item.revision
    assert verify_chain(events, EventSigner(KEY)).bad_mac == []                # no forged or torn event


def _worker(port: int, sid: str, worker: int, results) -> None:
    client = gspread.Client(auth=None, session=forwarding_session(port))
    register = SheetsRegister(client, sid, EventSigner(KEY), KEY, RetryPolicy(sleep=lambda s: None))
    own = register.save_item(Item(f"eigen-{worker}", "Sekretariat", "awal"), ev(f"eigen-{worker}"), None)
    applied, refused = [], 0
    for n in range(100):
        target = f"bersama-{n % 5}" if n % 2 == 0 else own.id
        register.invalidate()
        current = register.get_item(target)
        event = ev(target, actor=f"p{worker}")
        try:
            saved = register.save_item(current.replace(judul=f"p{worker}-{n}"), event, current.revision)
            applied.append(event.id)
            if target == own.id:
                own = saved
        except ConflictError:
            refused += 1
    results.put((worker, applied, refused))


def test_eight_processes_never_overwrite_each_other(emu):
    with emu.serve() as server:
        register = sheets_register(emu)
        sid = sheet_id(emu)
        for k in range(5):
            register.save_item(Item(f"bersama-{k}", "Sekretariat", "awal"), ev(f"bersama-{k}"), None)
        results = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=_worker, args=(server.port, sid, w, results)) for w in range(8)]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=600) for _ in procs]
        for p in procs:
            p.join(60)
    register.invalidate()
    applied = {e for _, ids, _ in outcomes for e in ids}
    total = sum(len(ids) + refused for _, ids, refused in outcomes)
    assert total == 800 and len(applied) >= 400
    events = register.events(OFFICE)
    counted = {}
    for e in events:
        counted[e.id] = counted.get(e.id, 0) + 1
    assert all(counted.get(e) == 1 for e in applied)                      # one audit event per applied action
    for item in register.list_items(OFFICE):
        updates = [e for e in events if e.entity_id == item.id and e.id in applied]
        assert item.revision == 1 + len(updates), item.id                 # nothing lost, nothing doubled


def test_a_tab_sorted_by_hand_mid_write_does_not_lose_another_row(emu, reg, monkeypatch):
    first = reg.save_item(Item("a", "Sekretariat", "Aaa"), ev("a"), None)
    reg.save_item(Item("b", "Sekretariat", "Bbb"), ev("b"), None)
    original = reg._batch

    def sort_then_write(requests, event_id=""):
        if event_id and not getattr(sort_then_write, "done", False):
            sort_then_write.done = True  # a colleague sorts the tab Z→A just before our write lands
            values = emu.get_values(sheet_id(emu), "informasi")
            client = gspread.Client(auth=None, session=emu.session())
            client.http_client.values_update(sheet_id(emu), "'informasi'!A2", params={"valueInputOption": "RAW"},
                                             body={"values": [values[2], values[1]]})
        return original(requests, event_id)
    monkeypatch.setattr(reg, "_batch", sort_then_write)
    reg.save_item(first.replace(judul="Aaa baru"), ev("a"), first.revision)
    reg.invalidate()
    assert {i.id: i.judul for i in reg.list_items(OFFICE)} == {"a": "Aaa baru", "b": "Bbb"}


def test_a_sheet_made_before_the_exemption_text_columns_is_upgraded_and_its_rows_still_verify(emu, reg):
    reg.save_item(Item("i1", "Sekretariat", "Renstra"), ev(), None)
    client = gspread.Client(auth=None, session=emu.session())
    sheet = client.open_by_key(sheet_id(emu)).worksheet("informasi")
    head = sheet.row_values(1)
    for name in ("masa_pengecualian_teks", "dasar_pengecualian"):  # the header an earlier release wrote
        sheet.delete_columns(head.index(name) + 1)
        head.remove(name)
    again = SheetsRegister(client, sheet_id(emu), EventSigner(KEY), KEY, RetryPolicy(sleep=lambda s: None))
    assert again.get_item("i1").judul == "Renstra"
    assert emu.get_values(sheet_id(emu), "informasi")[0] == head + ["dasar_pengecualian", "masa_pengecualian_teks"]
    exempt = Item("i2", "Sekretariat", "Data pribadi", kategori="dikecualikan",
                  dasar_pengecualian="Pasal 17 huruf h angka 4 UU 14/2008 jo. UU 27/2022",
                  masa_pengecualian_teks="Selama berlaku")
    again.save_item(exempt, ev(entity_id="i2"), None)
    again.invalidate()
    back = again.get_item("i2")
    assert (back.dasar_pengecualian, back.masa_pengecualian_teks, back.judul) == (
        exempt.dasar_pengecualian, "Selama berlaku", "Data pribadi")
    assert again.tampered("items") == [] and again.schema_problems() == []
    assert "diubah_di_luar_aplikasi" not in [e.action for e in again.events(OFFICE)]


def paste_back(emu, tab: str, row: int, values: list[str]) -> None:
    """What someone with edit rights does with an old copy of the Sheet: paste a whole row back."""
    client = gspread.Client(auth=None, session=emu.session())
    client.open_by_key(sheet_id(emu)).worksheet(tab).update([values], f"A{row + 1}", value_input_option="RAW")


def test_an_older_signed_user_row_pasted_back_is_refused_as_a_replay(emu, reg):
    admin = reg.save_user(User("budi", "Budi", frozenset({"admin"}), "$argon2id$x"), ev("budi", entity="user"), None)
    old_row = emu.get_values(sheet_id(emu), "pengguna")[1]
    reg.save_user(admin.replace(roles=frozenset({"desk"}), unit="Sekretariat"), ev("budi", entity="user"), 1)
    reg.invalidate()
    assert reg.get_user("budi").roles == frozenset({"desk"})
    paste_back(emu, "pengguna", 1, old_row)  # the demoted admin's own old row, validly signed
    reg.invalidate()
    assert reg.get_user("budi") is None and [r["username"] for r in reg.tampered("users")] == ["budi"]
    assert reg.integrity_problems() == [
        "Tab pengguna: baris budi adalah salinan lama yang dipasang kembali (revisi 1)"]


def test_a_version_row_edited_or_deleted_in_the_sheet_reads_as_sidip_last_wrote_it(emu, reg):
    from lib.domain.models import Version
    version = reg.save_version(Version("dip-1", 2026, status="diunggah"), ev("dip-1", entity="version"), None)
    hand_edit(emu, "versi", 1, "status", "draf")
    reg.invalidate()
    assert reg.get_version("dip-1").status == "diunggah" and len(reg.list_versions(OFFICE)) == 1
    assert reg.integrity_problems() == ["Tab versi: baris dip-1 diubah langsung di Sheet"]
    client = gspread.Client(auth=None, session=emu.session())
    client.open_by_key(sheet_id(emu)).worksheet("versi").delete_rows(2)
    reg.invalidate()
    assert [v.id for v in reg.list_versions(OFFICE)] == ["dip-1"] and version.revision == 1
    assert reg.integrity_problems() == ["Tab versi: baris dip-1 dihapus dari Sheet (tercatat di riwayat)"]


def test_an_older_item_row_pasted_back_is_recorded_never_silently_trusted(emu, reg):
    item = reg.save_item(Item("i1", "Sekretariat", "Renstra"), ev(), None)
    old_row = emu.get_values(sheet_id(emu), "informasi")[1]
    reg.save_item(item.replace(judul="Renstra 2025-2029"), ev(), 1)
    paste_back(emu, "informasi", 1, old_row)
    reg.invalidate()
    back = reg.get_item("i1")
    assert (back.judul, back.revision) == ("Renstra", 2)
    last = reg.events(OFFICE)[-1]
    assert (last.action, last.after["judul"]) == ("diubah_di_luar_aplikasi", "Renstra")
    reg.invalidate()
    assert reg.integrity_problems() == []


def test_password_hashes_never_enter_the_audit_log(emu, reg):
    user = reg.save_user(User("budi", "Budi", frozenset({"desk"}), "$argon2id$rahasia-hash", unit="Sekretariat"),
                         ev("budi", entity="user"), None)
    reg.save_user(user.replace(full_name="Budi S."), ev("budi", entity="user"), 1)
    log = emu.get_values(sheet_id(emu), "riwayat")
    assert len(log) == 3 and not any("$argon2id$" in cell for row in log for cell in row)
    reg.invalidate()
    assert reg.get_user("budi").password_hash == "$argon2id$rahasia-hash"


def test_a_sheet_from_the_release_before_files_gets_its_berkas_tab_on_first_read_and_attaching_works(ctx):
    """An office's Sheet made before stored files had no 'berkas' tab: reading it must not break the app."""
    import dataclasses

    from lib.services import attachments, auth, items
    from tests import softcopy_samples as samples
    from lib.services.context import SYSTEM_ACTOR
    from tests.conftest import PASSWORD, UNIT_A, submission
    emu = SheetsEmulator(seed=1)
    sid = emu.create("SIDIP rilis lama")
    session = gspread.Client(auth=None, session=emu.session())

    def register() -> SheetsRegister:  # a fresh process: its own cache and sheet ids
        return SheetsRegister(session, sid, ctx.signer, ctx.secret_key, RetryPolicy(sleep=lambda s: None))
    register().init()
    old = dataclasses.replace(ctx, register=register())
    desk = auth.add_user(old, SYSTEM_ACTOR, "desk", "Desk", PASSWORD, ["desk"], UNIT_A).actor()
    item = items.submit_new(old, desk, submission())
    book = session.open_by_key(sid)
    book.del_worksheet(book.worksheet("berkas"))
    before = {ws.title: ws.get_all_values() for ws in book.worksheets()}
    assert "berkas" not in before

    now = dataclasses.replace(ctx, register=register())
    assert attachments.files_of(now, desk, item.id) == [] and now.register.list_attachments(OFFICE) == []
    after = {ws.title: ws.get_all_values() for ws in session.open_by_key(sid).worksheets()}
    assert {t: v for t, v in after.items() if t != "berkas"} == before  # existing tabs untouched
    assert after["berkas"] == [layout_header("attachments")]
    pdf = samples.pdf_bytes()
    att = attachments.attach(now, desk, item.id, "Laporan.pdf", pdf)
    assert attachments.files_of(dataclasses.replace(ctx, register=register()), desk, item.id) == [att]
    assert attachments.read(now, desk, att.id) == pdf
