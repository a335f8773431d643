"""The Sheets register reads the audit log incrementally (new rows since its last read) and each tab only when
a call needs it, on the emulator through the real gspread client, with a simulated clock."""
import types

import gspread
import pytest

from lib.domain.audit import EventSigner, verify_chain
from lib.domain.models import Item
from lib.store import sheets_cache
from lib.store.sheets import SheetsRegister
from lib.store.sheets_client import RetryPolicy
from tests.sheets_emulator import SheetsEmulator
from tests.test_register_contract import KEY, OFFICE, ev, sheets_register


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(sheets_cache, "time", types.SimpleNamespace(monotonic=lambda: now[0]))
    return now


@pytest.fixture
def emu():
    return SheetsEmulator(seed=1)


@pytest.fixture
def writer(emu):
    return sheets_register(emu)


def reader_of(emu) -> SheetsRegister:
    """Another process (another replica, or doctor) on the same Sheet: its own cache."""
    client = gspread.Client(auth=None, session=emu.session())
    return SheetsRegister(client, emu.spreadsheet_ids()[-1], EventSigner(KEY), KEY, RetryPolicy(sleep=lambda s: None))


def worksheet(emu, title: str):
    return gspread.Client(auth=None, session=emu.session()).open_by_key(emu.spreadsheet_ids()[-1]).worksheet(title)


def add_items(register, *ids: str) -> None:
    for item_id in ids:
        register.save_item(Item(item_id, "Sekretariat", f"Judul {item_id}"), ev(item_id), None)


def test_events_another_writer_appends_are_seen_within_the_minute_reading_only_the_new_rows(emu, writer, clock):
    add_items(writer, "i1", "i2", "i3")
    reader = reader_of(emu)
    assert [e.entity_id for e in reader.events(OFFICE)] == ["i1", "i2", "i3"]
    add_items(writer, "i4", "i5")
    clock[0] += 30
    assert len(reader.events(OFFICE)) == 3  # within the cache time: not yet
    clock[0] += 31
    emu.reset_counters()
    events = reader.events(OFFICE)
    assert [e.entity_id for e in events] == ["i1", "i2", "i3", "i4", "i5"]
    assert verify_chain(events, EventSigner(KEY)).ok
    assert dict(reader.event_reads) == {"whole": 1, "new rows": 1}
    # the last row held and the two new ones, plus the small tabs refilled in the same request
    small_tabs = cells(emu, "pengguna", "pengaturan", "libur", "versi")
    assert emu.request_count() == 1
    assert emu.counters()["cells_read"] - small_tabs == 3 * len(emu.get_values(emu.spreadsheet_ids()[-1], "riwayat")[1])


def test_an_own_write_is_seen_at_once_and_its_event_read_as_a_new_row(emu, writer, clock):
    add_items(writer, "i1")
    writer.events(OFFICE)
    add_items(writer, "i2")
    assert [e.entity_id for e in writer.events(OFFICE)] == ["i1", "i2"]
    assert writer.event_reads["whole"] == 1 and writer.event_reads["fallback"] == 0


def test_an_old_event_edited_in_the_sheet_is_still_found_by_doctor_after_incremental_reads(emu, writer, clock):
    add_items(writer, "i1", "i2", "i3")
    reader = reader_of(emu)
    reader.events(OFFICE)
    ws = worksheet(emu, "riwayat")
    note = ws.row_values(1).index("note") + 1
    ws.update([["dihapus diam-diam"]], gspread.utils.rowcol_to_a1(3, note), raw=True)  # the event of i2
    add_items(writer, "i4")
    clock[0] += 61
    assert [e.entity_id for e in reader.events(OFFICE)] == ["i1", "i2", "i3", "i4"]
    assert reader.event_reads["fallback"] == 0  # the edit is behind the rows a refill reads
    doctor = reader_of(emu)  # a fresh process reads the whole log
    report = verify_chain(doctor.events(OFFICE), EventSigner(KEY))
    assert report.bad_mac == [doctor.events(OFFICE)[1].id]


def test_a_truncated_log_falls_back_to_a_whole_read(emu, writer, clock):
    add_items(writer, "i1", "i2", "i3", "i4")
    reader = reader_of(emu)
    assert len(reader.events(OFFICE)) == 4
    worksheet(emu, "riwayat").delete_rows(4, 5)  # the events of i3 and i4
    clock[0] += 61
    assert [e.entity_id for e in reader.events(OFFICE)] == ["i1", "i2"]
    assert reader.event_reads["fallback"] == 1


def test_a_log_cut_below_the_rows_held_and_its_grid_shrunk_falls_back_to_a_whole_read(emu, writer, clock):
    add_items(writer, "i1", "i2", "i3", "i4")
    reader = reader_of(emu)
    reader.events(OFFICE)
    ws = worksheet(emu, "riwayat")
    ws.delete_rows(3, 5)
    ws.resize(rows=2)  # the held last row (5) is now beyond the grid: Google answers 400 to that range
    clock[0] += 61
    assert [e.entity_id for e in reader.events(OFFICE)] == ["i1"]
    assert reader.event_reads["fallback"] == 1


def test_a_row_deleted_in_the_middle_of_the_log_falls_back_to_a_whole_read(emu, writer, clock):
    add_items(writer, "i1", "i2", "i3")
    reader = reader_of(emu)
    reader.events(OFFICE)
    worksheet(emu, "riwayat").delete_rows(2)  # the event of i1
    add_items(writer, "i4")
    clock[0] += 61
    assert [e.entity_id for e in reader.events(OFFICE)] == ["i2", "i3", "i4"]
    assert reader.event_reads["fallback"] == 1


def cells(emu, *titles: str) -> int:
    return sum(len(r) for t in titles for r in emu.get_values(emu.spreadsheet_ids()[-1], t))


def test_a_page_that_never_lists_items_does_not_read_the_item_tab(emu, writer, clock):
    add_items(writer, "i1", "i2")
    reader = reader_of(emu)
    emu.reset_counters()
    reader.get_user("budi"), reader.settings(OFFICE), reader.events(OFFICE)
    assert emu.request_count() == 1
    assert emu.counters()["cells_read"] == cells(emu, "pengguna", "pengaturan", "libur", "versi", "riwayat")
    emu.reset_counters()
    assert [i.id for i in reader.list_items(OFFICE)] == ["i1", "i2"]
    assert emu.request_count() == 1 and emu.counters()["cells_read"] == cells(emu, "informasi")


def test_an_own_write_to_one_tab_does_not_make_the_item_list_read_again(emu, writer, clock):
    from lib.domain.models import User
    add_items(writer, "i1", "i2")
    reader = reader_of(emu)
    assert [i.id for i in reader.list_items(OFFICE)] == ["i1", "i2"]
    reader.save_user(User("budi", "Budi", frozenset({"desk"}), "x", unit="Sekretariat"), ev("budi", entity="user"), None)
    emu.reset_counters()
    assert [i.id for i in reader.list_items(OFFICE)] == ["i1", "i2"]
    tail = emu.get_values(emu.spreadsheet_ids()[-1], "riwayat")[-2:]  # the row held, the user write's event
    assert emu.request_count() == 1  # the item tab left as fresh as it was: the written tabs only
    assert emu.counters()["cells_read"] == sum(len(r) for r in tail) + cells(emu, "pengguna")
    add_items(reader, "i3")
    emu.reset_counters()
    assert [i.id for i in reader.list_items(OFFICE)] == ["i1", "i2", "i3"]  # an own item write: seen at once
    clock[0] += 51
    emu.reset_counters()
    reader.list_items(OFFICE)
    assert emu.request_count() == 1  # and the rule's 50 s still hold for the tab the user write did not touch
