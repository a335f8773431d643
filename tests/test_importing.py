"""Importing an existing DIP: the real sample lists, the layouts offices use, and hostile files."""
import io
import os
from pathlib import Path

import openpyxl
import pytest

from lib.domain.import_mapping import plan
from lib.errors import SidipError
from lib.reader import read_grid
from lib.services import importing, versions

# ../shared sits beside the project (and beside CI's clone); SIDIP_SHARED_DIR can point elsewhere.
SHARED = Path(os.environ.get("SIDIP_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
SAMPLES = SHARED / "data" / "samples"


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"../shared/data/samples/{name} tidak ada: di CI folder shared wajib ada.")
        pytest.skip(f"../shared/data/samples/{name} tidak ada di mesin ini")
    return path.read_bytes()


def xlsx(rows, merges=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def planned(name: str, data: bytes):
    return plan(read_grid(name, data))


# -- the real samples -------------------------------------------------------------------------
def test_the_pktj_list_imports_every_row_complete_with_its_categories(ctx, people):
    result = importing.preview(ctx, people["ppid"], "pktj.csv", sample("pktj_tegal_dip_2026.csv"))
    assert result.counts() == {"berkala": 25, "serta_merta": 3, "setiap_saat": 10, "dikecualikan": 0}
    assert (len(result.rows), len(result.rejected), [r.incomplete for r in result.rows if r.incomplete]) == (38, 0, [])
    first = result.rows[0].fields
    assert (first["judul"], first["waktu_tempat"], first["tahun"], first["bentuk"], first["retensi"]) == (
        "Profil Unit Kerja di PKTJ Tegal", "Tegal, 2026", 2026, "Website, hardcopy, dan softcopy", "1 Tahun")
    relative = [r for r in result.rows if r.warnings]
    assert [r.row for r in relative] == [24] and "bukan alamat http/https lengkap" in relative[0].warnings[0]


def test_the_bawaslu_list_imports_every_row_marked_to_be_completed(ctx, people):
    result = importing.preview(ctx, people["admin"], "bawaslu.csv", sample("bawaslu_kutim_daftar_informasi.csv"))
    assert result.counts() == {"berkala": 10, "serta_merta": 9, "setiap_saat": 5, "dikecualikan": 0}
    assert len(result.rows) == 24 and all(r.incomplete for r in result.rows) and not result.rejected
    assert result.rows[0].fields["judul"] == "Laporan Realisasi Anggaran Satker Periode Juni 202"


def test_an_import_as_a_historical_version_is_the_base_of_the_next_update(ctx, people):
    result = importing.preview(ctx, people["ppid"], "pktj.csv", sample("pktj_tegal_dip_2026.csv"))
    decree = {"tahun": 2026, "nomor_keputusan": "KP-SKJ 9 Tahun 2026", "tanggal_keputusan": "2026-01-15",
              "tempat_keputusan": "Jakarta", "penandatangan": "Sekretaris Jenderal"}
    done = importing.run(ctx, people["ppid"], result, ctx.units()[0], "pktj.csv", decree)
    assert (done.items, done.incomplete, done.version.status) == (38, 0, "diimpor")
    assert len(ctx.register.snapshot(done.version.id)) == 38
    nxt = versions.create_version(ctx, people["ppid"], 2027)
    assert nxt.base_version_id == done.version.id
    assert versions.preview(ctx, people["ppid"], nxt.id).diff.is_empty
    imported = [e for e in ctx.register.events(ctx.office_id) if e.action == "informasi_diimpor"]
    assert len(imported) == 38


def test_incomplete_imported_items_cannot_enter_a_version_until_completed(ctx, people):
    result = importing.preview(ctx, people["ppid"], "bawaslu.csv", sample("bawaslu_kutim_daftar_informasi.csv"))
    importing.run(ctx, people["ppid"], result, ctx.units()[0], "bawaslu.csv")
    v = versions.create_version(ctx, people["ppid"], 2026)
    view = versions.preview(ctx, people["ppid"], v.id)
    assert (len(view.rows), len(view.incomplete)) == (0, 24)


# -- layouts offices use ----------------------------------------------------------------------
def test_two_row_headers_column_numbers_group_rows_ticks_and_a_signature_block():
    rows = [["DAFTAR INFORMASI PUBLIK KPU KABUPATEN CONTOH TAHUN 2025"], [],
            ["No", "Ringkasan Isi Informasi", "Pejabat/Unit/Satker yang Menguasi Informasi",
             "PenanggungJawab Pembuatan atau Penerbitan Informasi", "Tempat dan Waktu Pembuatan", None,
             "Bentuk Informasi", None, None, "Jangka Waktu Penyimpanan", "Nama Informasi"],
            [None, None, None, None, "Tempat", "Waktu", "Cetak", "Rekam", "Online", None, None],
            ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"],
            ["I. INFORMASI YANG WAJIB DISEDIAKAN DAN DIUMUMKAN SECARA BERKALA"] + [None] * 10,
            ["1", "Profil kantor", "Sekretariat", "Sekretaris", "Contoh", "2025", "√", "✓", "", "5 tahun", "Profil"],
            ["II. INFORMASI YANG WAJIB TERSEDIA SETIAP SAAT"] + [None] * 10,
            ["1", "Daftar aset", "Umum", "Sekretaris", "Contoh", "2024", "", "v", "v", "Selama berlaku", "Aset"],
            ["III. INFORMASI YANG DIKECUALIKAN"] + [None] * 10,
            ["1", "Data pribadi pegawai", "SDM", "Sekretaris", "Contoh", "2025", "√", "", "",
             "Pasal 17 huruf h angka 2 UU 14/2008", "Data pegawai"],
            [], [None, None, None, None, None, None, None, "Contoh, 2 Januari 2025"],
            [None, None, None, None, None, None, None, "PPID KPU Kabupaten Contoh"],
            [None, None, None, None, None, None, None, "NIP. 19800101 200501 1 001"]]
    merges = ["A6:K6", "A8:K8", "A10:K10", "E3:F3", "G3:I3"]
    result = planned("contoh.xlsx", xlsx(rows, merges))
    fields = [(r.fields["kategori"], r.fields["judul"], r.fields["bentuk"], r.fields["waktu_tempat"], r.fields["tahun"])
              for r in result.rows]
    assert fields == [("berkala", "Profil", "Cetak, Rekam", "Contoh, 2025", 2025),
                      ("setiap_saat", "Aset", "Rekam, Online", "Contoh, 2024", 2024),
                      ("dikecualikan", "Data pegawai", "Cetak", "Contoh, 2025", 2025)]
    assert (result.rows[2].fields["pasal17_huruf"], result.rows[2].fields["pasal17_angka"]) == ("h", "2")
    assert result.rows[0].fields["pejabat_penguasa"] == "Sekretariat"  # 'Menguasi' typo understood
    assert not result.rejected and [r.reason for r in result.ignored] == [
        "blok tanda tangan atau catatan di bawah tabel"] * 3


def test_a_user_can_override_how_a_column_was_understood():
    data = "Kategori;Judul;Catatan\nBerkala;Renstra;penting\n".encode()
    result = plan(read_grid("x.csv", data), overrides={2: "ringkasan"})
    assert result.rows[0].fields["ringkasan"] == "penting"


# -- hostile files ----------------------------------------------------------------------------
@pytest.mark.parametrize("name,data,message", [
    ("kosong.csv", b"", "Berkas kosong."),
    ("sampah.xlsx", os.urandom(4096), "Berkas ini bukan XLSX yang sah"),
    ("biner.csv", b"\x00\x01\x02" * 100, "Berkas ini bukan teks CSV"),
    ("besar.csv", b"a" * (50 * 1024 * 1024), "Berkas terlalu besar (50 MB); paling besar 20 MB."),
    ("lain.csv", b"nama,umur\nbudi,3\n", "Judul kolom DIP tidak ditemukan"),
])
def test_a_hostile_file_gets_a_clear_message_and_changes_nothing(ctx, people, name, data, message):
    with pytest.raises(SidipError) as err:
        importing.preview(ctx, people["admin"], name, data)
    assert message in str(err.value)
    assert ctx.register.list_items(ctx.office_id) == []


def test_a_header_without_rows_imports_nothing_and_says_so(ctx, people):
    result = importing.preview(ctx, people["admin"], "judul.csv", "Jenis Informasi,Judul Informasi\n".encode())
    with pytest.raises(SidipError) as err:
        importing.run(ctx, people["admin"], result, ctx.units()[0], "judul.csv")
    assert "Tidak ada baris yang dapat diimpor: 0 baris ditolak." in str(err.value)
    assert ctx.register.list_items(ctx.office_id) == []


def test_a_windows_1252_csv_with_semicolons_reads_right():
    data = "Kategori;Judul Informasi;Ringkasan\nBerkala;Laporan Keuangan – Triwulan;Rp 1.000\n".encode("cp1252")
    result = planned("win.csv", data)
    assert result.rows[0].fields["judul"] == "Laporan Keuangan – Triwulan"


def test_formula_cells_and_duplicate_headers_are_read_as_text():
    rows = [["Kategori", "Judul Informasi", "Judul Informasi", "Tautan"],
            ["Berkala", "=1+1", "Cadangan", "https://contoh.go.id"]]
    result = planned("rumus.xlsx", xlsx(rows))
    assert result.rows[0].fields["judul"] in ("=1+1", "Cadangan")
    assert result.rows[0].fields["tautan"] == "https://contoh.go.id"


def test_a_row_without_category_is_reported_with_its_reason():
    data = b"Kategori,Judul Informasi\nBerkala,Renstra\nRahasia,Data\n"
    result = planned("x.csv", data)
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "kategori tidak dikenali (berkala, serta merta, setiap saat, dikecualikan)")]
    assert result.summary_line() == "rows=2 mapped=1 warnings=0 rejected=1"


def test_a_failed_import_changes_nothing(ctx, people, monkeypatch):
    result = importing.preview(ctx, people["ppid"], "pktj.csv", sample("pktj_tegal_dip_2026.csv"))
    original = ctx.register.signer.sign
    calls = {"n": 0}

    def failing(event):
        calls["n"] += 1
        if calls["n"] == 20:
            raise OSError("disk penuh")
        return original(event)
    monkeypatch.setattr(ctx.register.signer, "sign", failing)
    with pytest.raises(OSError):
        importing.run(ctx, people["ppid"], result, ctx.units()[0], "pktj.csv")
    assert ctx.register.list_items(ctx.office_id) == [] and ctx.register.events(ctx.office_id)[-1].action != "impor_dip"


def test_a_large_valid_file_imports(ctx, people):
    lines = ["Kategori,Judul Informasi,Ringkasan Isi Informasi"] + [f"Berkala,Informasi {n},Isi {n}" for n in range(20_000)]
    result = importing.preview(ctx, people["ppid"], "besar.csv", "\n".join(lines).encode())
    seen = []
    done = importing.run(ctx, people["ppid"], result, ctx.units()[0], "besar.csv", progress=lambda f, t: seen.append(f))
    assert done.items == 20_000 and seen[-1] == 1.0 and len(seen) > 10


def _broken_xml_xlsx() -> bytes:
    import zipfile
    good = xlsx([["Kategori", "Judul Informasi"], ["Berkala", "Renstra"]])
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for name in source.namelist():
            data = source.read(name)
            broken.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


@pytest.mark.parametrize("name,data,message", [
    ("petik.csv", b'Kategori,Judul Informasi\nBerkala,"Tidak ditutup\nBerkala,B\n',
     "Berkas CSV rusak di sekitar baris 3: ada tanda petik"),
    ("xml.xlsx", _broken_xml_xlsx(), "Berkas ini bukan XLSX yang sah"),
])
def test_a_broken_csv_or_xlsx_gets_a_clear_message_not_a_traceback(ctx, people, name, data, message):
    with pytest.raises(SidipError, match=message):
        importing.preview(ctx, people["ppid"], name, data)
    assert ctx.register.list_items(ctx.office_id) == []


def test_a_cell_over_128_kb_is_read_and_cut_at_a_word_with_a_warning():
    long = "kata " * 40_000  # 200,000 characters: over csv's default field limit
    data = f'Kategori,Judul Informasi,Ringkasan Isi Informasi\nBerkala,Renstra,"{long}"\n'.encode()
    row = planned("besar.csv", data).rows[0]
    assert row.fields["ringkasan"] == ("kata " * 800).strip()[:3995].rsplit(" ", 1)[0] + "…"
    assert "dipotong menjadi 4000 karakter (di batas kata)" in row.warnings[0]


def test_imported_text_is_cleaned_like_form_text():
    data = "Kategori,Judul Informasi,Ringkasan Isi Informasi\nBerkala,Ren\u202estra\ufffe,Baris satu\x0bbaris dua\n"
    row = planned("bersih.csv", data.encode()).rows[0]
    assert (row.fields["judul"], row.fields["ringkasan"]) == ("Renstra", "Baris satu\nbaris dua")
