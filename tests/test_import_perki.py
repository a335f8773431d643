"""The DIP as Perki 1/2021 prescribes it imports: no title column, two-row headers, groups I–IV, DIK grounds."""
from __future__ import annotations

import pytest

from dip_layouts import EXPECTED_COUNTS, LONG_SUMMARY, dik_table_csv, perki_csv, perki_xlsx
from lib.domain.grounds import parse_ground, parse_period
from lib.domain.import_mapping import cut_at_word, plan
from lib.export.document import dik_record
from lib.reader import read_grid
from lib.services import importing, versions
from test_cli import cli

LAYOUTS = {"csv": ("dip.csv", perki_csv), "csv-titik-koma": ("dip.csv", lambda: perki_csv(";")),
           "xlsx": ("dip.xlsx", perki_xlsx)}


@pytest.fixture(params=sorted(LAYOUTS))
def perki_plan(request):
    name, make = LAYOUTS[request.param]
    return plan(read_grid(name, make()))


def test_every_row_of_the_seven_column_list_maps_with_the_right_counts(perki_plan):
    assert perki_plan.counts() == EXPECTED_COUNTS
    assert perki_plan.rejected == []
    assert [r.reason for r in perki_plan.ignored] == ["blok tanda tangan atau catatan di bawah tabel"] * 4


def test_titles_come_from_the_summary_which_is_kept_whole(perki_plan):
    rows = {r.fields["judul"]: r.fields for r in perki_plan.rows}
    assert list(rows)[:3] == [
        "Profil KPU Kabupaten Contoh",
        "Laporan keuangan yang memuat laporan realisasi anggaran, neraca, laporan operasional, laporan perubahan "
        "ekuitas dan catatan atas laporan keuangan…",
        "Rencana Strategis KPU Kabupaten Contoh 2025-2029"]
    assert rows["Profil KPU Kabupaten Contoh"]["ringkasan"] == (
        "Profil KPU Kabupaten Contoh. Memuat sejarah, visi, misi, tugas dan fungsi.")
    long = perki_plan.rows[1].fields
    assert long["ringkasan"] == LONG_SUMMARY and LONG_SUMMARY.startswith(long["judul"].rstrip("…"))
    assert rows["Rencana Strategis KPU Kabupaten Contoh 2025-2029"]["ringkasan"].count("\n") == 1


def test_ticked_cetak_rekam_online_columns_become_one_bentuk_listing_each_form(perki_plan):
    assert [r.fields["bentuk"] for r in perki_plan.rows] == [
        "Cetak, Rekam, Online", "Cetak, Online", "Rekam, Online", "Online", "Cetak, Rekam, Online", "Cetak, Rekam",
        "Rekam", "Cetak", "Cetak, Rekam", "Cetak", "Cetak"]


def test_exempt_rows_keep_their_ground_as_written_and_read_its_letters_laws_and_period(perki_plan):
    dik = [r.fields for r in perki_plan.rows if r.fields["kategori"] == "dikecualikan"]
    got = [(d["pasal17_huruf"], d["pasal17_angka"], d["dasar_hukum_lain"], d["masa_pengecualian_tahun"],
            d["pengecualian_permanen"], d["masa_pengecualian_teks"], d["dasar_pengecualian"]) for d in dik]
    assert got == [
        ("h", "1", "UU 27/2022", None, True, "", "Pasal 17 huruf h angka 1 UU 14/2008 jo. UU 27/2022"),
        ("h", "2", "", None, False, "Selama berlaku", "huruf h angka 2"),
        ("c", "", "", 2, False, "", "Pasal 17, huruf c"),
        ("a", "1", "", 5, False, "", "Pasal 17 huruf a angka 1 dan huruf b"),
        ("j", "", "UU 43/2009 Pasal 44", 25, False, "", "UU 43/2009 Pasal 44")]


def test_exempt_rows_without_a_consequence_test_are_flagged_incomplete(perki_plan):
    dik = [r for r in perki_plan.rows if r.fields["kategori"] == "dikecualikan"]
    assert {tuple(r.incomplete) for r in dik} == {("Konsekuensi apabila dibuka", "Konsekuensi apabila ditutup")}
    assert all(not r.incomplete for r in perki_plan.rows if r.fields["kategori"] != "dikecualikan")


@pytest.mark.parametrize("text,letters,laws", [
    ("Pasal 17 huruf h angka 4", [("h", ["4"])], []),
    ("huruf h angka 4", [("h", ["4"])], []),
    ("Pasal 17, huruf c", [("c", [])], []),
    ("Pasal 17 huruf b dan huruf h angka 1, 2 UU 14/2008", [("b", []), ("h", ["1", "2"])], []),
    ("Pasal 17 huruf a, b, dan c", [("a", []), ("b", []), ("c", [])], []),
    ("UU 43/2009 Pasal 44", [], ["UU 43/2009 Pasal 44"]),
    ("UU 27/2022", [], ["UU 27/2022"]),
    ("Pasal 17 huruf h Undang-Undang Nomor 14 Tahun 2008 dan Undang-Undang Nomor 24 Tahun 2013 tentang "
     "Administrasi Kependudukan", [("h", [])],
     ["Undang-Undang Nomor 24 Tahun 2013 tentang Administrasi Kependudukan"]),
    ("Pasal 44 UU 43/2009 tentang Kearsipan", [], ["Pasal 44 UU 43/2009 tentang Kearsipan"]),
])
def test_a_ground_is_read_in_every_form_real_lists_write_it(text, letters, laws):
    ground = parse_ground(text)
    assert (ground.letters, ground.other_laws, ground.text) == (letters, laws, text)


@pytest.mark.parametrize("text,years,permanent,words", [
    ("5 tahun", 5, False, ""), ("5 (lima) Tahun", 5, False, ""), ("Permanen", None, True, ""),
    ("Selama berlaku", None, False, "Selama berlaku"), ("selama masih berlaku", None, False, "selama masih berlaku"),
    ("-", None, False, ""), ("", None, False, ""),
])
def test_a_period_in_words_or_years_or_permanent_is_read(text, years, permanent, words):
    period = parse_period(text)
    assert (period.years, period.permanent, period.text) == (years, permanent, words)


def test_a_permanent_period_under_letters_a_to_f_is_not_taken_and_says_why():
    result = plan(read_grid("dik.csv", dik_table_csv()))
    second = result.rows[1]
    assert (second.fields["pengecualian_permanen"], second.fields["masa_pengecualian_tahun"]) == (False, None)
    assert "tidak dapat permanen (Pasal 20 UU 14/2008)" in second.warnings[0]
    assert "Jangka waktu pengecualian" in second.incomplete


def test_a_separate_dik_titled_as_such_needs_no_category_column():
    result = plan(read_grid("dik.csv", dik_table_csv()))
    assert result.counts()["dikecualikan"] == 2 and not result.rejected
    assert result.rows[0].fields["konsekuensi_dibuka"] == "Membuka data pribadi pemilih"


def test_a_long_ground_is_kept_whole_and_shown_in_the_dik():
    ground = "Pasal 17 huruf h angka 4 UU 14/2008; " + "; ".join(f"pertimbangan {n} dari uji konsekuensi" for n in range(20))
    assert len(ground) > 600
    data = ("Kategori,Judul Informasi,Dasar Hukum Pengecualian\n"
            f'Dikecualikan,Data pribadi,"{ground}"\n').encode()
    fields = plan(read_grid("x.csv", data)).rows[0].fields
    assert fields["dasar_pengecualian"] == ground

    class Row:
        nomor, data = 1, fields
    assert dik_record(Row, None)["dasar_pengecualian"] == ground


@pytest.mark.parametrize("text,limit,expected", [
    ("satu dua tiga empat", 12, "satu dua…"), ("pendek", 20, "pendek"),
    ("Kata-kata panjang sekali", 10, "Kata-kata…"),
])
def test_text_is_never_cut_in_the_middle_of_a_word(text, limit, expected):
    assert cut_at_word(text, limit) == expected


def test_a_dik_row_missing_its_grounds_never_enters_an_established_version(ctx, people):
    result = importing.preview(ctx, people["ppid"], "dip.csv", perki_csv())
    importing.run(ctx, people["ppid"], result, ctx.units()[0], "dip.csv")
    v = versions.create_version(ctx, people["ppid"], 2026)
    view = versions.preview(ctx, people["ppid"], v.id)
    assert {r.kategori for r in view.rows} == {"berkala", "serta_merta", "setiap_saat"}
    assert sorted(i.judul for i in view.incomplete)[0] == "Arsip yang dinyatakan tertutup"
    assert len(view.incomplete) == 5


def test_a_file_whose_rows_are_all_rejected_shows_the_mapping_and_every_reason(ctx, people):
    data = b"Kategori,Judul Informasi,Tautan\nRahasia,Data A,\nLainnya,Data B,\n"
    result = importing.preview(ctx, people["ppid"], "x.csv", data)
    assert (result.rows, [(r.row, r.reason) for r in result.rejected]) == ([], [
        (2, "kategori tidak dikenali (berkala, serta merta, setiap saat, dikecualikan)"),
        (3, "kategori tidak dikenali (berkala, serta merta, setiap saat, dikecualikan)")])
    assert result.mapping.describe() == [(1, "Kategori", "Kategori"), (2, "Judul Informasi", "Judul informasi"),
                                         (3, "Tautan", "Tautan")]
    with pytest.raises(Exception) as err:
        importing.run(ctx, people["ppid"], result, ctx.units()[0], "x.csv")
    assert "2 baris ditolak" in str(err.value) and ctx.register.list_items(ctx.office_id) == []


def test_the_cli_prints_the_mapping_and_rejected_rows_when_nothing_imports(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"Kategori,Judul Informasi\nRahasia,Data A\n")
    out = cli(tmp_path, "import", str(path))
    assert out.returncode == 1
    assert out.stdout.splitlines()[:4] == [
        "Pemetaan kolom:", '  kolom  1 "Kategori" -> Kategori', '  kolom  2 "Judul Informasi" -> Judul informasi',
        "ditolak  baris 2: kategori tidak dikenali (berkala, serta merta, setiap saat, dikecualikan) "
        "(Kategori: Rahasia)"]
    assert "Tidak ada baris yang dapat diimpor: 1 baris ditolak." in out.stderr


def test_an_imported_historical_version_is_the_latest_and_exports(tmp_path):
    path = tmp_path / "dip.xlsx"
    path.write_bytes(perki_xlsx())
    refused = cli(tmp_path, "import", str(path), "--as-version", "2025", "--decree", "01/PPID/2025",
                  "--decree-date", "2025-01-10")
    assert refused.returncode == 1 and "--signer" in refused.stderr
    done = cli(tmp_path, "import", str(path), "--as-version", "2025", "--decree", "01/PPID/2025",
               "--decree-date", "2025-01-10", "--signer", "Budi Santoso")
    assert done.returncode == 0, done.stderr
    version_id = next(line.rsplit(" ", 1)[1] for line in done.stdout.splitlines() if line.startswith("Versi historis"))
    listed = cli(tmp_path, "versions").stdout.splitlines()
    assert listed == [f"{version_id}  DIP Tahun 2025  [Diimpor (historis)]  Keputusan Nomor 01/PPID/2025 tanggal "
                      "10 Januari 2025"]
    exported = cli(tmp_path, "export", "--format", "csv", "--version", "latest", "--out", str(tmp_path))
    assert exported.returncode == 0, exported.stderr
    text = (tmp_path / "dip.csv").read_text(encoding="utf-8-sig")
    assert "Profil KPU Kabupaten Contoh" in text and "Data pribadi pemilih" not in text


def test_cetak_rekam_online_as_columns_of_a_one_row_csv_header_list_each_ticked_form():
    data = ("Kategori,Judul Informasi,Cetak,Rekam,Online\n"
            "Berkala,Renstra,√,,√\nSetiap Saat,Daftar aset,,V,\nBerkala,Profil,,,\n").encode()
    rows = plan(read_grid("bentuk.csv", data)).rows
    assert [(r.fields["judul"], r.fields["bentuk"]) for r in rows] == [
        ("Renstra", "Cetak, Online"), ("Daftar aset", "Rekam"), ("Profil", "")]
    assert "Bentuk informasi yang tersedia" in rows[2].incomplete
