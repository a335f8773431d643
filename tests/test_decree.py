"""The decree and the lists as an office signs them: wording, legal bases, signature placement, imported versions."""
import io
from datetime import date

import pytest
from pypdf import PdfReader

from lib.domain.models import Decree, SnapshotRow, Version
from lib.errors import SidipError
from lib.export import EXPORTERS, render_all
from lib.export.decree_pdf import legal_basis_items, render_decree
from lib.export.document import PublicDocument, Signer
from lib.services import admin, publishing, versions
from lib.services.context import DEFAULT_SETTINGS
from tests.test_exports import DECREE, EXEMPT, add

OFFICE_POSITION = "PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI KOMISI PEMILIHAN UMUM KABUPATEN SAROLANGUN"


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def established(ctx, people, with_dik=True):
    add(ctx, people, "Rencana Strategis 2025-2029")
    if with_dik:
        add(ctx, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    v = versions.create_version(ctx, people["ppid"], 2026)
    return versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)


def test_the_decree_reads_in_full_from_heading_to_signature(ctx, people):
    v = established(ctx, people)
    text = " ".join(pages_text(render_decree(publishing.document(ctx, v, ctx.register.snapshot(v.id)))))
    body = text[:text.index("Halaman 1 dari")]
    for expected in (
            f"KEPUTUSAN {OFFICE_POSITION} NOMOR 07/PPID/KPU-SRL/III/2026 TENTANG PENETAPAN DAFTAR INFORMASI PUBLIK "
            "KOMISI PEMILIHAN UMUM KABUPATEN SAROLANGUN TAHUN 2026 DENGAN RAHMAT TUHAN YANG MAHA ESA "
            f"{OFFICE_POSITION}, Menimbang : a. bahwa untuk melaksanakan ketentuan Pasal 9, Pasal 10, Pasal 11, dan",
            "b. bahwa Pejabat Pengelola Informasi dan Dokumentasi Komisi Pemilihan Umum Kabupaten Sarolangun telah "
            "melakukan uji konsekuensi sebagaimana dimaksud dalam Pasal 19 Undang-Undang Nomor 14 Tahun 2008",
            "c. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan",
            "Mengingat : 1. Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik; "
            "2. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik; 3. Peraturan Pemerintah Nomor 61",
            "5. Peraturan Komisi Pemilihan Umum Nomor 22 Tahun 2023 tentang Pengelolaan dan Pelayanan Informasi "
            "Publik di Komisi Pemilihan Umum, Komisi Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum "
            "Kabupaten/Kota sebagaimana telah beberapa kali diubah terakhir dengan Peraturan Komisi Pemilihan Umum "
            "Nomor 4 Tahun 2025 tentang Perubahan Kedua atas", "Umum Kabupaten/Kota. MEMUTUSKAN:"):
        assert expected in body, expected
    assert "di Lingkungan Komisi Pemilihan Umum" not in text  # the title of the revoked PKPU 1/2015
    for expected in (
            "KEDUA : Menetapkan Daftar Informasi yang Dikecualikan Komisi Pemilihan Umum Kabupaten Sarolangun "
            "Tahun 2026 sebagaimana tercantum dalam Lampiran II",
            "Keputusan ini mulai berlaku pada tanggal ditetapkan. Ditetapkan di Sarolangun pada tanggal 20 Maret "
            f"2026 {OFFICE_POSITION}, Rina Marlina",
            f"LAMPIRAN I KEPUTUSAN {OFFICE_POSITION} NOMOR 07/PPID/KPU-SRL/III/2026 TANGGAL 20 MARET 2026 TENTANG "
            "PENETAPAN DAFTAR INFORMASI PUBLIK KOMISI PEMILIHAN UMUM KABUPATEN SAROLANGUN TAHUN 2026",
            "LAMPIRAN II KEPUTUSAN"):
        assert expected in text, expected


def test_without_exempt_items_the_menimbang_leaves_out_the_consequence_test(ctx, people):
    v = established(ctx, people, with_dik=False)
    text = " ".join(pages_text(render_decree(publishing.document(ctx, v, ctx.register.snapshot(v.id)))))
    assert "uji konsekuensi" not in text and "c. bahwa" not in text
    assert "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan" in text


@pytest.mark.parametrize("typed,printed", [
    (["UU 14/2008;", "Perki 1/2021."], ["1. UU 14/2008;", "2. Perki 1/2021."]),
    (["UU 14/2008", " ", "PP 61/2010 ;", "Perki 1/2021;"], ["1. UU 14/2008;", "2. PP 61/2010;", "3. Perki 1/2021."]),
    (["Perki 1/2021"], ["1. Perki 1/2021."]),
])
def test_each_legal_basis_ends_with_a_semicolon_and_the_last_with_a_full_stop(typed, printed):
    assert legal_basis_items(typed) == printed


def test_the_ppid_appointment_decree_is_cited_last_when_the_office_sets_it(ctx, people):
    assert publishing.legal_bases(ctx.settings())[-1].startswith("Peraturan Komisi Pemilihan Umum Nomor 22")
    appointment = ("Keputusan Ketua Komisi Pemilihan Umum Kabupaten Sarolangun Nomor 5 Tahun 2026 tentang "
                   "Penetapan Pejabat Pengelola Informasi dan Dokumentasi")
    admin.update_settings(ctx, people["admin"], {"ppid_appointment_decree": appointment + ".",
                                                 "legal_bases": "UU 14/2008;\nPerki 1/2021."})
    v = established(ctx, people)
    text = " ".join(pages_text(render_decree(publishing.document(ctx, v, ctx.register.snapshot(v.id)))))
    assert f"Mengingat : 1. UU 14/2008; 2. Perki 1/2021; 3. {appointment}. MEMUTUSKAN:" in text


def test_a_draft_decree_shows_the_office_a_blank_number_and_the_signature_block(ctx, people):
    admin.update_settings(ctx, people["admin"], {"ppid_name": "Rina Marlina"})
    add(ctx, people, "Rencana Strategis 2025-2029")
    v = versions.create_version(ctx, people["ppid"], 2026)
    _, pdf = publishing.export_bytes(ctx, people["ppid"], v.id, "keputusan")
    pages = pages_text(pdf)
    assert pages[0].startswith(f"KEPUTUSAN {OFFICE_POSITION} NOMOR … TENTANG PENETAPAN DAFTAR INFORMASI PUBLIK")
    assert f"Ditetapkan di Sarolangun pada tanggal …………………… {OFFICE_POSITION}, Rina Marlina" in " ".join(pages)
    assert all("DRAF" in p for p in pages)


def _doc(count: int, kind_rows: str = "berkala", bases: int = 5) -> PublicDocument:
    decree = Decree("07/PPID/2026", date(2026, 3, 20), "Sarolangun", "Rina Marlina", "PPID KPU Kabupaten Sarolangun")
    version = Version("dip-uji", 2026, status="disetujui", decree=decree)
    rows = [SnapshotRow(version.id, f"i{n}", n, kind_rows, {"judul": f"Informasi nomor {n}", "ringkasan": "Isi " * 40,
                                                            "pejabat_penguasa": "Sekretariat"}) for n in range(1, count + 1)]
    return PublicDocument(version, rows, "KPU Kabupaten Sarolangun", signer=Signer(
        "Sarolangun", decree.tanggal, decree.jabatan, decree.penandatangan),
        legal_bases=tuple(f"Dasar hukum nomor {n} " + "panjang " * 30 for n in range(bases)),
        decree_text=DEFAULT_SETTINGS["decree_template"])


def test_the_list_signature_never_stands_alone_whatever_the_number_of_rows():
    page_counts = set()
    for count in range(1, 25):
        pages = pages_text(EXPORTERS["pdf"].render(_doc(count, "setiap_saat"), "dip"))
        page_counts.add(len(pages))
        signed = [p for p in pages if "Rina Marlina" in p]
        assert len(signed) == 1 and "Informasi nomor" in signed[0], count
        assert f"Informasi nomor {count}" in signed[0], count  # the last row is on the signature's page
    assert len(page_counts) >= 3  # the table's end crossed page boundaries


def test_the_decree_signature_stays_with_its_last_article_whatever_the_length_of_the_legal_bases():
    page_counts = set()
    for bases in range(3, 16):
        pages = pages_text(render_decree(_doc(1, bases=bases)))
        signed = [p for p in pages if "Ditetapkan di Sarolangun" in p]
        page_counts.add(pages.index(signed[0]))
        assert "Keputusan ini mulai berlaku pada tanggal ditetapkan." in signed[0], bases
    assert len(page_counts) >= 2


def _imported(ctx, people, status="diimpor"):
    """A version established outside SIDIP, stored as the import records it."""
    add(ctx, people, "Rencana Strategis 2025-2029")
    add(ctx, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    v = versions.create_version(ctx, people["ppid"], 2024)
    decree = Decree("12/PPID/2024", date(2024, 2, 5), "Sarolangun", "Ahmad", "PPID KPU Kabupaten Sarolangun")
    imported = v.replace(status=status, decree=decree, history=[{"aksi": "diimpor", "oleh": "ppid"}])
    event = ctx.event(people["ppid"], "dip_historis_diimpor", "version", v.id)
    from lib.domain.versions import build_snapshot
    rows = build_snapshot(imported, ctx.register.list_items(ctx.office_id))
    stored = ctx.register.save_version(imported, event, v.revision, snapshot=rows)
    return publishing.document(ctx, stored, ctx.register.snapshot(v.id))


@pytest.mark.parametrize("status", ["diimpor", "diunggah"])
def test_an_imported_version_has_no_decree_of_sidip_and_its_lists_say_how_it_was_established(ctx, people, status):
    doc = _imported(ctx, people, status)
    assert not doc.draft and doc.imported
    files = render_all(doc)
    assert "keputusan.pdf" not in files and "dip.pdf" in files
    with pytest.raises(SidipError) as err:
        publishing.export_bytes(ctx, people["ppid"], doc.version.id, "keputusan")
    assert err.value.message == "Versi ini ditetapkan di luar SIDIP; lampirkan pindaian keputusan aslinya."
    text = " ".join(pages_text(files["dip.pdf"]))
    assert ("Ditetapkan dengan Keputusan PPID KPU Kabupaten Sarolangun Nomor 12/PPID/2024 tanggal 5 Februari 2024"
            in text)
    assert "Rencana Strategis 2025-2029" in text
    assert "DRAF" not in text and "Ahmad" not in text and "Lampiran" not in text
    assert "DRAF" not in files["dip.csv"].decode("utf-8-sig") and "DRAF" not in files["dip.html"].decode()


def test_a_draft_csv_and_xlsx_say_draf_first_and_a_lone_dash_stays_a_dash(ctx, people):
    import csv
    import openpyxl
    add(ctx, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    v = versions.create_version(ctx, people["ppid"], 2026)
    rows = list(csv.reader(io.StringIO(publishing.export_bytes(ctx, people["ppid"], v.id, "csv", "dik")[1]
                                       .decode("utf-8-sig"))))
    assert rows[0] == ["DRAF — belum disetujui"] and rows[1][:2] == ["Kategori", "Nomor"]
    assert rows[2][-2:] == ["Permanen", "-"]
    book = openpyxl.load_workbook(io.BytesIO(publishing.export_bytes(ctx, people["ppid"], v.id, "xlsx", "dik")[1]))
    assert book.sheetnames == ["DIK", "Data"] and book["DIK"]["A1"].value == "DRAF — belum disetujui"
    assert book["Data"]["H2"].value == "-" and book.properties.title.startswith("DRAF — ")


@pytest.mark.parametrize("cell,written", [
    ("-", "-"), ("- catatan", "- catatan"), ("-1+2", "'-1+2"), ("-A1", "'-A1"), ("=1+1", "'=1+1"),
    ("+62 812", "'+62 812"), ("@SUM(A1)", "'@SUM(A1)"), ("Data - pribadi", "Data - pribadi"), ("", ""),
])
def test_only_text_a_spreadsheet_could_take_for_a_formula_is_neutralised(cell, written):
    from lib.export.csv_export import neutralise
    assert neutralise(cell) == written
