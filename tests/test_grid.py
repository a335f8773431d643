"""Working in a grid: the PPID classifies many items in one save, the desk submits pasted rows."""
import pytest

from lib.errors import PermissionDenied
from lib.services import bulk, items
from tests.conftest import UNIT_A, UNIT_B, submission


def submitted(ctx, desk, n: int) -> list:
    return [items.submit_new(ctx, desk, submission(f"Informasi {k:02d}")) for k in range(n)]


def edit(row: dict, **typed) -> bulk.RowEdit:
    return bulk.RowEdit(row["id"], row["revision"], dict(row), {**row, **typed})


def classified(row: dict, **more) -> bulk.RowEdit:
    return edit(row, **{"kategori": "berkala", "lokasi_softcopy": "Drive/PPID", "lokasi_hardcopy": "Rak 2", **more})


def item_events(ctx) -> list:
    return [e for e in ctx.register.events(ctx.office_id) if e.entity == "item"]


def test_twenty_items_classified_in_one_save_leave_twenty_events(ctx, people):
    submitted(ctx, people["desk"], 20)
    rows = bulk.grid_rows(ctx, people["ppid"])
    saved = bulk.classify_many(ctx, people["ppid"], [classified(r) for r in rows])
    assert [(i.judul, i.status, i.kategori, i.lokasi_hardcopy, i.revision) for i in saved] == [
        (f"Informasi {k:02d}", "diklasifikasi", "berkala", "Rak 2", 2) for k in range(20)]
    events = item_events(ctx)[20:]
    assert [(e.action, e.entity_id, e.actor) for e in events] == [
        ("informasi_diklasifikasi", i.id, "ppid") for i in saved]
    assert events[0].after["kategori"] == "berkala" and events[0].before["kategori"] == ""


def test_unchanged_rows_are_not_written_and_leave_no_event(ctx, people):
    submitted(ctx, people["desk"], 3)
    rows = bulk.grid_rows(ctx, people["ppid"])
    saved = bulk.classify_many(ctx, people["ppid"], [edit(rows[0]), classified(rows[1]), edit(rows[2])])
    assert [i.id for i in saved] == [rows[1]["id"]]
    assert len(item_events(ctx)) == 4
    assert [i.revision for i in ctx.register.list_items(ctx.office_id)] == [1, 2, 1]


def test_an_invalid_row_is_named_with_its_message_and_nothing_is_saved(ctx, people):
    submitted(ctx, people["desk"], 3)
    rows = bulk.grid_rows(ctx, people["ppid"])
    edits = [classified(rows[0]), classified(rows[1], tahun="dua ribu", lokasi_hardcopy=""), classified(rows[2])]
    with pytest.raises(bulk.RowErrors) as caught:
        bulk.classify_many(ctx, people["ppid"], edits)
    assert caught.value.fields == {rows[1]["id"]: "Lokasi hardcopy wajib diisi. Tahun harus berupa angka, contoh 2026."}
    assert caught.value.message == ('Tidak ada yang disimpan: 1 baris perlu diperbaiki. Baris "Informasi 01": '
                                    "Lokasi hardcopy wajib diisi. Tahun harus berupa angka, contoh 2026.")
    assert {i.status for i in ctx.register.list_items(ctx.office_id)} == {"diajukan"}
    assert len(item_events(ctx)) == 3


def test_an_exempt_row_without_its_exemption_record_is_refused_with_the_forms_rules(ctx, people):
    submitted(ctx, people["desk"], 1)
    row = bulk.grid_rows(ctx, people["ppid"])[0]
    with pytest.raises(bulk.RowErrors) as caught:
        bulk.classify_many(ctx, people["ppid"], [classified(row, kategori="dikecualikan")])
    assert caught.value.fields[row["id"]].startswith("Pilih dasar pengecualian: Pasal 17 huruf a sampai j.")


def test_a_row_changed_by_someone_else_since_loading_is_refused_saying_who_what_and_when(ctx, people):
    first, second = submitted(ctx, people["desk"], 2)
    rows = bulk.grid_rows(ctx, people["ppid"])
    items.return_item(ctx, people["ppid"], second.id, "Lengkapi ringkasan", second.revision)
    again = items.submit(ctx, people["desk"], second.id, submission("Informasi 01", bentuk="Cetak"), 2)
    with pytest.raises(bulk.RowErrors) as caught:
        bulk.classify_many(ctx, people["ppid"], [classified(rows[0]), classified(rows[1])])
    when = again.updated_at.replace("T", " ")[:16]
    assert caught.value.fields == {second.id: (
        f"Informasi ini sudah diubah oleh desk pada {when} UTC setelah Anda membukanya. Isian Anda "
        "masih di formulir: muat ulang data terbaru, lalu simpan lagi. Yang diubah: Bentuk informasi yang tersedia.")}
    assert ctx.register.get_item(first.id).status == "diajukan"
    assert ctx.register.get_item(second.id) == again


def test_the_ppid_may_move_an_item_to_a_registered_unit_only(ctx, people):
    submitted(ctx, people["desk"], 2)
    rows = bulk.grid_rows(ctx, people["ppid"])
    with pytest.raises(bulk.RowErrors) as caught:
        bulk.classify_many(ctx, people["ppid"], [classified(rows[0], unit=UNIT_B), classified(rows[1], unit="Gudang")])
    assert caught.value.fields == {rows[1]["id"]: 'Unit "Gudang" tidak terdaftar di Pengaturan.'}
    saved = bulk.classify_many(ctx, people["ppid"], [classified(rows[0], unit=UNIT_B)])
    assert saved[0].unit == UNIT_B


def test_only_the_ppid_classifies_in_the_grid(ctx, people):
    submitted(ctx, people["desk"], 1)
    rows = bulk.grid_rows(ctx, people["ppid"])
    with pytest.raises(PermissionDenied):
        bulk.classify_many(ctx, people["desk"], [classified(rows[0])])
    with pytest.raises(PermissionDenied):
        bulk.grid_rows(ctx, people["desk"])


def pasted(n: int, **extra) -> list[dict]:
    return [{**submission(f"Tempelan {k}"), **extra} for k in range(n)] + [{"judul": None, "bentuk": ""}]


def test_the_desk_submits_ten_pasted_rows_as_ten_items_with_ten_events(ctx, people):
    saved = bulk.submit_many(ctx, people["desk"], pasted(10))
    stored = ctx.register.list_items(ctx.office_id)
    assert [(i.judul, i.unit, i.status, i.submitted_by, i.revision) for i in stored] == [
        (f"Tempelan {k}", UNIT_A, "diajukan", "desk", 1) for k in range(10)]
    assert [i.id for i in saved] == [i.id for i in stored]
    assert [(e.action, e.entity_id) for e in item_events(ctx)] == [("informasi_diajukan", i.id) for i in stored]


def test_a_desk_officer_cannot_submit_rows_for_another_unit(ctx, people):
    rows = pasted(2)
    rows[1]["unit"] = UNIT_B
    with pytest.raises(bulk.RowErrors) as caught:
        bulk.submit_many(ctx, people["desk"], rows)
    assert caught.value.fields == {"2": f"Informasi ini milik unit {UNIT_B}; Anda hanya dapat menangani "
                                        f"informasi unit {UNIT_A}."}
    assert caught.value.labels == {"2": 'Baris 2 "Tempelan 1"'}
    assert ctx.register.list_items(ctx.office_id) == []


def test_invalid_pasted_rows_are_each_named_and_nothing_is_saved(ctx, people):
    rows = pasted(3)
    rows[0]["retensi"] = ""
    rows[2]["info_created_on"] = "17/03/2026"
    with pytest.raises(bulk.RowErrors) as caught:
        bulk.submit_many(ctx, people["desk"], rows)
    assert caught.value.fields == {
        "1": "Jangka waktu penyimpanan atau retensi arsip wajib diisi.",
        "3": 'Tanggal informasi dibuat tidak valid: "17/03/2026". Gunakan format TTTT-BB-HH, contoh 2026-03-17.'}
    assert ctx.register.list_items(ctx.office_id) == [] and item_events(ctx) == []


def test_an_empty_paste_grid_says_what_to_do(ctx, people):
    with pytest.raises(bulk.ValidationError, match="Tabel masih kosong"):
        bulk.submit_many(ctx, people["desk"], [{"judul": "", "ringkasan": None}])


def test_only_the_desk_submits_pasted_rows(ctx, people):
    with pytest.raises(PermissionDenied):
        bulk.submit_many(ctx, people["ppid"], pasted(1))


def test_a_save_by_someone_else_between_reading_and_writing_is_refused_on_its_row(ctx, people, monkeypatch):
    _, second = submitted(ctx, people["desk"], 2)
    rows = bulk.grid_rows(ctx, people["ppid"])
    write = ctx.register.update_many

    def someone_saves_first(items_, events, revisions):
        items.return_item(ctx, people["ppid"], second.id, "Lengkapi", second.revision)
        return write(items_, events, revisions)
    monkeypatch.setattr(ctx.register, "update_many", someone_saves_first)
    with pytest.raises(bulk.RowErrors) as caught:
        bulk.classify_many(ctx, people["ppid"], [classified(rows[0]), classified(rows[1])])
    assert list(caught.value.fields) == [second.id]
    assert caught.value.fields[second.id].startswith('Informasi "Informasi 01" ini sudah diubah oleh ppid pada ')
    assert [i.status for i in ctx.register.list_items(ctx.office_id)] == ["diajukan", "dikembalikan"]
