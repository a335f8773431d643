"""Every export read back as a user's program would read it: parsed HTML, openpyxl, PDF text, JSON, CSV."""
import csv
import io
import json
from html.parser import HTMLParser

import openpyxl
import pytest
from pypdf import PdfReader

from lib.export import EXPORTERS, render_all
from lib.export.document import DIK_COLUMNS, DIP_COLUMNS
from lib.services import items, publishing, versions
from tests.conftest import UNIT_A, classification, submission

DECREE = {"nomor_keputusan": "07/PPID/KPU-SRL/III/2026", "tanggal_keputusan": "2026-03-20",
          "tempat_keputusan": "Sarolangun", "penandatangan": "Rina Marlina", "alasan_kelengkapan": "Uji"}
EXEMPT = {"pasal17_huruf": "h", "pasal17_angka": "2", "konsekuensi_dibuka": "Membuka data pribadi pemilih",
          "konsekuensi_ditutup": "Privasi terjaga", "lokasi_softcopy": "Drive/RAHASIA-PRIBADI"}
TRICKY = "<script>alert(1)</script> =cmd|' /C calc'!A0"


def add(ctx, people, judul, kategori="berkala", **extra):
    req = items.open_request(ctx, people["ppid"], UNIT_A, judul)
    sub = items.submit(ctx, people["desk"], req.id, submission(judul), req.revision)
    return items.classify(ctx, people["ppid"], sub.id, classification(sub, kategori, **extra), sub.revision)


@pytest.fixture
def doc(ctx, people):
    add(ctx, people, "Rencana Strategis 2025-2029")
    add(ctx, people, TRICKY, "setiap_saat")
    add(ctx, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
    return publishing.document(ctx, v, ctx.register.snapshot(v.id))


class Cells(HTMLParser):
    """Collects table captions, header cells and data cells as text."""

    def __init__(self):
        super().__init__()
        self.captions, self.heads, self.cells, self.scripts, self._tag = [], [], [], [], None

    def handle_starttag(self, tag, attrs):
        self._tag = tag

    def handle_data(self, data):
        target = {"caption": self.captions, "th": self.heads, "td": self.cells, "script": self.scripts}.get(self._tag)
        if target is not None and data.strip():
            target.append(data.strip())


def test_the_html_dip_has_the_perki_columns_categories_and_escaped_text(doc):
    html = EXPORTERS["html"].render(doc, "dip").decode()
    page = Cells()
    page.feed(html)
    assert page.heads[:len(DIP_COLUMNS)] == list(DIP_COLUMNS)
    assert page.captions == ["Informasi yang Wajib Disediakan dan Diumumkan secara Berkala",
                             "Informasi yang Wajib Diumumkan secara Serta Merta",
                             "Informasi yang Wajib Tersedia Setiap Saat"]
    assert TRICKY in page.cells and "<script>alert(1)</script>" not in html.replace("<script>(function", "")
    assert "Data pribadi pemilih" not in html and "RAHASIA" not in html
    assert "Keputusan PPID KPU Kabupaten Sarolangun Nomor 07/PPID/KPU-SRL/III/2026 tanggal 20 Maret 2026" in html
    assert "Rina Marlina" in html and "DRAF" not in html


def test_the_html_dik_publishes_only_its_public_fields(doc):
    html = EXPORTERS["html"].render(doc, "dik").decode()
    page = Cells()
    page.feed(html)
    assert page.heads == list(DIK_COLUMNS)
    assert page.cells == ["1", "Data pribadi pemilih", "Pasal 17 huruf h angka 2 UU 14/2008",
                          "Membuka data pribadi pemilih", "Privasi terjaga", "Permanen", "-"]
    assert "RAHASIA" not in html


def test_the_xlsx_is_a_printable_list_with_a_plain_data_sheet_for_programs(doc):
    book = openpyxl.load_workbook(io.BytesIO(EXPORTERS["xlsx"].render(doc, "dip")))
    assert book.sheetnames == ["DIP", "Data"]
    sheet = book["DIP"]
    rows = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    assert rows[:7] == [
        ["DAFTAR INFORMASI PUBLIK"], ["KOMISI PEMILIHAN UMUM KABUPATEN SAROLANGUN"], ["TAHUN 2026"],
        ["Lampiran Keputusan PPID KPU Kabupaten Sarolangun Nomor 07/PPID/KPU-SRL/III/2026 tanggal 20 Maret 2026"],
        [], ["No", "Judul dan Ringkasan Isi Informasi", "Pejabat / Unit yang Menguasai Informasi",
             "Penanggung Jawab Pembuatan / Penerbitan Informasi", "Waktu dan Tempat Pembuatan Informasi",
             "Bentuk Informasi yang Tersedia", "Jangka Waktu Penyimpanan / Retensi Arsip"],
        ["Informasi yang Wajib Disediakan dan Diumumkan secara Berkala"]]
    assert rows[7] == ["1", "Rencana Strategis 2025-2029\nLaporan realisasi anggaran", UNIT_A, "Sekretaris",
                       "Sarolangun, 2026", "Softcopy dan hardcopy", "5 tahun"]
    assert rows[-9:] == [["Informasi yang Wajib Tersedia Setiap Saat"], ["1", TRICKY + "\nLaporan realisasi anggaran",
                         UNIT_A, "Sekretaris", "Sarolangun, 2026", "Softcopy dan hardcopy", "5 tahun"], [],
                         ["Sarolangun, 20 Maret 2026"],
                         ["PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI KOMISI PEMILIHAN UMUM KABUPATEN SAROLANGUN,"],
                         [], [], [], ["Rina Marlina"]]
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$6:$6"
    assert sheet.freeze_panes == "A7" and sheet["B6"].font.bold
    assert all(sheet.cell(8, c).border.left.style == "thin" and sheet.cell(8, c).alignment.wrap_text
               for c in range(1, 8))
    data = book["Data"]
    assert [c.value for c in data[1]] == ["Kategori", *DIP_COLUMNS] and data.freeze_panes == "A2"
    titles = [row[2] for row in data.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Rencana Strategis 2025-2029", TRICKY]  # starts with '<', not a formula prefix


def test_a_formula_in_a_title_is_an_apostrophed_csv_cell_and_a_quote_prefixed_xlsx_text(ctx, people):
    add(ctx, people, "=HYPERLINK(\"http://x\",\"klik\")")
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    doc = publishing.document(ctx, v, ctx.register.snapshot(v.id))
    rows = list(csv.reader(io.StringIO(EXPORTERS["csv"].render(doc, "dip").decode("utf-8-sig"))))[1:]
    book = openpyxl.load_workbook(io.BytesIO(EXPORTERS["xlsx"].render(doc, "dip")))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\",\"klik\")"
    data, printed = book["Data"]["C2"], book["DIP"]["B9"]  # under DRAF, four title lines, the header and the category
    assert data.value == "=HYPERLINK(\"http://x\",\"klik\")"  # exactly as typed: no apostrophe shows
    assert printed.value.startswith("=HYPERLINK(")
    assert (data.data_type, data.quotePrefix, printed.data_type, printed.quotePrefix) == ("s", True, "s", True)
    assert book["Data"]["A2"].quotePrefix is False  # only where a spreadsheet could take it for a formula


def test_the_pdf_has_the_columns_categories_decree_and_signer(doc):
    pdf = PdfReader(io.BytesIO(EXPORTERS["pdf"].render(doc, "dip")))
    text = " ".join(p.extract_text() for p in pdf.pages)
    flat = " ".join(text.split())
    for expected in ("DAFTAR INFORMASI PUBLIK KPU KABUPATEN SAROLANGUN TAHUN 2026",
                     "Lampiran Keputusan PPID KPU Kabupaten Sarolangun Nomor 07/PPID/KPU-SRL/III/2026 tanggal 20 Maret 2026",
                     "Informasi yang Wajib Disediakan dan Diumumkan secara Berkala",
                     "Informasi yang Wajib Tersedia Setiap Saat", "Rencana Strategis 2025-2029",
                     "<script>alert(1)</script>", "Sarolangun, 20 Maret 2026 PEJABAT PENGELOLA INFORMASI DAN "
                     "DOKUMENTASI KOMISI PEMILIHAN UMUM KABUPATEN SAROLANGUN, Rina Marlina", "Halaman 1 dari 1"):
        assert expected in flat, expected
    assert "Data pribadi pemilih" not in flat and "DRAF" not in flat
    assert pdf.pages[0].mediabox.width > pdf.pages[0].mediabox.height  # landscape


def test_an_unapproved_version_says_draf_on_every_page(ctx, people):
    for n in range(40):
        add(ctx, people, f"Informasi berkala nomor {n}")
    v = versions.create_version(ctx, people["ppid"], 2026)
    _, content = publishing.export_bytes(ctx, people["ppid"], v.id, "pdf")
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) > 1 and all("DRAF" in p.extract_text() for p in pages)
    _, decree = publishing.export_bytes(ctx, people["ppid"], v.id, "keputusan")
    assert all("DRAF" in p.extract_text() for p in PdfReader(io.BytesIO(decree)).pages)


def test_the_decree_cites_the_legal_bases_and_carries_both_lists(doc):
    from lib.export.decree_pdf import render_decree
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(render_decree(doc))).pages)
    assert text.startswith("KEPUTUSAN PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI KOMISI PEMILIHAN UMUM KABUPATEN "
                           "SAROLANGUN NOMOR 07/PPID/KPU-SRL/III/2026 TENTANG PENETAPAN DAFTAR INFORMASI PUBLIK "
                           "KOMISI PEMILIHAN UMUM KABUPATEN SAROLANGUN TAHUN 2026 DENGAN RAHMAT TUHAN YANG MAHA ESA")
    assert text.index("Mengingat") < text.index("MEMUTUSKAN:") < text.index("LAMPIRAN I") < text.index("LAMPIRAN II")
    assert "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik" in text
    assert "Membuka data pribadi pemilih" in text and "RAHASIA" not in text


def test_the_json_follows_its_documented_schema(doc):
    body = json.loads(EXPORTERS["json"].render(doc, "dip"))
    assert list(body) == ["schema", "jenis", "judul", "kantor", "draf", "versi", "jejak_audit", "kategori"]
    assert body["schema"] == "sidip-dip/1" and body["versi"]["keputusan"]["nomor"] == "07/PPID/KPU-SRL/III/2026"
    assert [len(k["informasi"]) for k in body["kategori"]] == [1, 0, 1]
    assert list(body["kategori"][0]["informasi"][0]) == ["nomor", "judul", "ringkasan", "pejabat_penguasa",
                                                         "penanggung_jawab", "waktu_tempat", "bentuk", "retensi",
                                                         "tahun", "tautan"]
    dik = json.loads(EXPORTERS["json"].render(doc, "dik"))
    assert dik["informasi"][0]["dasar_pengecualian"] == "Pasal 17 huruf h angka 2 UU 14/2008"


def test_nip_is_left_out_of_public_documents_unless_the_office_allows_it(ctx, people):
    from lib.services import admin
    admin.update_settings(ctx, people["admin"], {"ppid_nip": "198001012005011001"})
    add(ctx, people, "Renstra")
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    assert "198001012005011001" not in publishing.export_bytes(ctx, people["ppid"], v.id, "html")[1].decode()
    admin.update_settings(ctx, people["admin"], {"publish_nip": "1"})  # frozen: the established version keeps its choice
    assert "198001012005011001" not in publishing.export_bytes(ctx, people["ppid"], v.id, "html")[1].decode()
    v = versions.send_back(ctx, people["atasan"], v.id, "Tetapkan ulang", v.revision)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    assert "NIP. 198001012005011001" in publishing.export_bytes(ctx, people["ppid"], v.id, "html")[1].decode()


def test_a_publication_has_every_format_of_both_lists_and_the_decree(doc):
    assert sorted(render_all(doc)) == ["dik.csv", "dik.html", "dik.json", "dik.pdf", "dik.xlsx", "dip.csv",
                                       "dip.html", "dip.json", "dip.pdf", "dip.xlsx", "keputusan.pdf"]


def test_a_manual_upload_is_checked_against_the_files_prepared(ctx, people, doc, tmp_path, monkeypatch):
    import functools
    monkeypatch.setenv("SIDIP_LINKCHECK_ALLOW", "127.0.0.1")  # the test's CMS is local
    import http.server
    v = publishing.upload(ctx, people["ppid"], doc.version.id, doc.version.revision, target="manual")
    assert v.upload_url == ""
    prepared = tmp_path / "publik" / "manual" / v.id
    assert sorted(p.name for p in prepared.iterdir() if p.is_file()) == sorted(v.upload_files)
    assert sorted(p.name for p in (prepared / "item").iterdir()) == sorted(f"{r.item_id}.html" for r in doc.rows
                                                                          if r.kategori != "dikecualikan")
    cms = tmp_path / "cms"
    cms.mkdir()
    (cms / "dip.html").write_bytes((prepared / "dip.html").read_bytes())
    (cms / "ubah.html").write_bytes(b"<html>diubah CMS</html>")
    from tests.httpd import serving
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(cms))
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as base:
        with pytest.raises(Exception, match="checksum tidak cocok"):
            publishing.record_public_url(ctx, people["ppid"], v.id, f"{base}/ubah.html", v.revision)
        done = publishing.record_public_url(ctx, people["ppid"], v.id, f"{base}/dip.html", v.revision)
    assert done.upload_url == f"{base}/dip.html"
    assert ctx.register.events(ctx.office_id)[-1].action == "dip_alamat_publik_dicek"


def test_the_signed_decree_is_kept_with_the_version_and_published_with_it(ctx, people):
    from lib.errors import ValidationError, WorkflowError
    add(ctx, people, "Renstra")
    v = versions.create_version(ctx, people["ppid"], 2026)
    with pytest.raises(WorkflowError):
        publishing.attach_signed_decree(ctx, people["ppid"], v.id, b"%PDF-1.4 ttd", v.revision)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    with pytest.raises(ValidationError):
        publishing.attach_signed_decree(ctx, people["ppid"], v.id, b"bukan pdf", v.revision)
    v = publishing.attach_signed_decree(ctx, people["ppid"], v.id, b"%PDF-1.4 ttd", v.revision)
    v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
    v = publishing.upload(ctx, people["ppid"], v.id, v.revision)
    assert "keputusan-ditandatangani.pdf" in v.upload_files
    assert (tmp_published := (ctx.publish_dir + f"/{v.id}/keputusan-ditandatangani.pdf"))
    assert open(tmp_published, "rb").read() == b"%PDF-1.4 ttd"
