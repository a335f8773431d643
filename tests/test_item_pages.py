"""A publication's page per public item, and its files' links in every format (documents from a real register)."""
import dataclasses
import io
import json

import openpyxl
import pytest

from lib.export import EXPORTERS
from lib.export.document import public_files, public_name, size_text
from lib.export.html_item import item_pages
from lib.services import publishing
from tests.test_exports import doc  # noqa: F401  (the fixture: two public items and one exempt, approved)
from tests.test_pages import app  # noqa: F401  (pages read the ctx fixture's register)

PDF = {"id": "att-20260301000000000000-0000000a", "filename": "Renstra 2025–2029 (final).pdf",
       "media_type": "application/pdf", "size": 1536, "sha256": "a" * 64}
SECRET = {"id": "att-20260301000000000000-0000000b", "filename": "daftar-pemilih-RAHASIA.xlsx",
          "media_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "size": 10, "sha256": "b" * 64}
BASE = "https://ppid.example.go.id/dip"


@pytest.fixture
def published(doc):  # noqa: F811
    """The same document as a publication whose rows froze files; the exempt row froze one too."""
    rows = [dataclasses.replace(r, data=r.data | {"berkas": [SECRET] if r.kategori == "dikecualikan" else
                                                  [PDF] if r.nomor == 1 and r.kategori == "berkala" else []})
            for r in doc.rows]
    return dataclasses.replace(doc, rows=rows, publication=True, files_url=BASE)


def _row(doc, kategori):  # noqa: F811
    return next(r for r in doc.rows if r.kategori == kategori)


def test_published_file_names_are_plain_ascii_and_keep_their_extension():
    assert public_name("Renstra 2025–2029 (final).pdf") == "Renstra-2025-2029-final.pdf"
    assert public_name("../../etc/passwd") == "passwd"
    assert public_name(".htaccess") == "berkas.htaccess"
    assert public_name("Laporan\u202egnp.exe") == "Laporan-gnp.exe"
    assert public_name("دليل.PDF") == "berkas.pdf"


def test_two_files_of_one_item_with_the_same_name_get_distinct_stable_paths(published):
    row = _row(published, "berkala")
    row = dataclasses.replace(row, data=row.data | {"berkas": [PDF, PDF | {"id": "x", "filename": "Renstra 2025–2029 (final).PDF"}]})
    assert [f.path for f in public_files(row)] == [f"berkas/{row.item_id}/Renstra-2025-2029-final.pdf",
                                                   f"berkas/{row.item_id}/Renstra-2025-2029-final-2.pdf"]


def test_sizes_read_in_indonesian():
    assert [size_text(n) for n in (900, 1536, 1024 * 1024, 5 * 1024 * 1024 + 300_000)] == \
        ["900 B", "1,5 KB", "1 MB", "5,3 MB"]


def test_the_published_html_links_each_public_item_to_its_page_and_its_files(published):
    html = EXPORTERS["html"].render(published, "dip").decode()
    row = _row(published, "berkala")
    assert f'<td class="judul"><a href="item/{row.item_id}.html">Rencana Strategis 2025-2029</a></td>' in html
    assert (f'<a href="../berkas/{row.item_id}/Renstra-2025-2029-final.pdf" title="Renstra 2025–2029 (final).pdf" '
            'download>Berkas PDF</a> <small>(PDF, 1,5 KB)</small>') in html


def test_an_exempt_item_has_no_page_and_its_frozen_files_are_never_named(published):
    exempt = _row(published, "dikecualikan")
    pages = item_pages(published)
    assert sorted(pages) == sorted(f"item/{r.item_id}.html" for r in published.rows if r.kategori != "dikecualikan")
    everything = b"".join([*pages.values(), *(e.render(published, k) for e in EXPORTERS.values() for k in ("dip", "dik"))])
    for secret in (exempt.item_id, "daftar-pemilih-RAHASIA", "b" * 64, "RAHASIA-PRIBADI"):
        assert secret.encode() not in everything


def test_an_item_page_shows_the_seven_fields_its_files_and_its_version_and_decree(published):
    row = _row(published, "berkala")
    page = item_pages(published)[f"item/{row.item_id}.html"].decode()
    for label in ("Nomor", "Ringkasan Isi Informasi", "Pejabat / Unit yang Menguasai Informasi",
                  "Penanggung Jawab Pembuatan / Penerbitan Informasi", "Waktu dan Tempat Pembuatan Informasi",
                  "Bentuk Informasi yang Tersedia", "Jangka Waktu Penyimpanan / Retensi Arsip"):
        assert f"<dt>{label}</dt>" in page
    assert "<h1>Rencana Strategis 2025-2029</h1>" in page
    assert (f'<a href="../../berkas/{row.item_id}/Renstra-2025-2029-final.pdf" title="Renstra 2025–2029 (final).pdf" '
            'download>Renstra 2025–2029 (final).pdf</a> <small>(PDF, 1,5 KB)</small>') in page
    assert ("Bagian dari Daftar Informasi Publik KPU Kabupaten Sarolangun Tahun 2026, ditetapkan dengan Keputusan PPID "
            "KPU Kabupaten Sarolangun Nomor 07/PPID/KPU-SRL/III/2026 tanggal 20 Maret 2026.") in page
    assert '<a href="../dip.pdf">Daftar Informasi Publik (PDF)</a>' in page
    assert '<a href="../keputusan.pdf">Keputusan PPID (PDF)</a>' in page


def test_an_item_page_escapes_user_text(published):
    row = _row(published, "setiap_saat")
    page = item_pages(published)[f"item/{row.item_id}.html"].decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Belum ada salinan elektronik yang diterbitkan untuk informasi ini." in page


def test_the_flat_formats_link_the_files_at_their_public_address(published):
    row = _row(published, "berkala")
    url = f"{BASE}/berkas/{row.item_id}/Renstra-2025-2029-final.pdf"
    sheet = openpyxl.load_workbook(io.BytesIO(EXPORTERS["xlsx"].render(published, "dip")))["Data"]
    assert url in [str(c.value) for r in sheet.iter_rows() for c in r if c.value and url in str(c.value)][0]
    assert url.encode() in EXPORTERS["pdf"].render(published, "dip")  # a link annotation's URI
    assert url in EXPORTERS["csv"].render(published, "dip").decode("utf-8-sig")


def test_the_published_json_lists_each_items_id_page_and_files(published):
    body = json.loads(EXPORTERS["json"].render(published, "dip"))
    first = body["kategori"][0]["informasi"][0]
    row = _row(published, "berkala")
    assert first["id"] == row.item_id and first["halaman"] == f"item/{row.item_id}.html"
    assert first["berkas"] == [{"nama": "Renstra 2025–2029 (final).pdf", "jenis": "PDF", "media_type": "application/pdf",
                                "ukuran": 1536, "sha256": "a" * 64,
                                "alamat": f"{BASE}/berkas/{row.item_id}/Renstra-2025-2029-final.pdf"}]


def test_a_draft_export_has_no_item_pages_or_file_links(published):
    draft = dataclasses.replace(published, publication=False)
    html = EXPORTERS["html"].render(draft, "dip").decode()
    assert 'href="item/' not in html and "berkas/" not in html
    assert "berkas" not in json.loads(EXPORTERS["json"].render(draft, "dip"))["kategori"][0]["informasi"][0]


# -- the public page's item view (Streamlit, headless) ---------------------------------------------
def _item_view(item_id: str):
    from streamlit.testing.v1 import AppTest
    from tests.test_pages import ROOT
    at = AppTest.from_file(str(ROOT / "pages" / "dip.py"), default_timeout=30)
    at.query_params["item"] = item_id
    return at.run()


def test_the_public_page_opens_an_item_by_its_permalink_with_its_files_and_decree(app, people):  # noqa: F811
    from lib.services import attachments, versions
    from tests.softcopy_samples import pdf_bytes
    from tests.test_exports import DECREE, EXEMPT, add
    public = add(app, people, "Rencana Strategis 2025-2029")
    exempt = add(app, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    attachments.attach(app, people["ppid"], public.id, "Renstra.pdf", pdf_bytes("Renstra"))
    attachments.attach(app, people["ppid"], exempt.id, "NIK-pemilih.pdf", pdf_bytes("NIK"))
    v = versions.create_version(app, people["ppid"], 2026)
    v = versions.establish(app, people["ppid"], v.id, DECREE, v.revision)
    v = versions.approve(app, people["atasan"], v.id, "", v.revision)
    v = publishing.upload(app, people["ppid"], v.id, v.revision)

    at = _item_view(public.id)
    assert not at.exception and [h.value for h in at.header] == ["Rencana Strategis 2025-2029"]
    shown = [t.value for t in at.text]
    size = attachments.files_of(app, people["ppid"], public.id)[0].size
    assert shown == ["KPU Kabupaten Sarolangun", "Nomor: 1",
                     "Kategori: Informasi yang Wajib Disediakan dan Diumumkan secara Berkala",
                     "Ringkasan isi informasi: Laporan realisasi anggaran",
                     "Pejabat / unit yang menguasai informasi: Sekretariat",
                     "Penanggung jawab pembuatan / penerbitan informasi: Sekretaris",
                     "Waktu dan tempat pembuatan informasi: Sarolangun, 2026",
                     "Bentuk informasi yang tersedia: Softcopy dan hardcopy",
                     "Jangka waktu penyimpanan / retensi arsip: 5 tahun", "Tahun: 2026",
                     f"Renstra.pdf — PDF, {size_text(size)}",
                     "DIP Tahun 2026, ditetapkan dengan Keputusan PPID Nomor 07/PPID/KPU-SRL/III/2026 tanggal 20 Maret 2026."]
    [download] = [b for b in at.get("link_button") if b.proto.label.startswith("Unduh berkas")]
    assert download.proto.label == f"Unduh berkas 1 (PDF, {size_text(size)})"
    assert download.proto.url.endswith(f"/berkas/{public.id}/Renstra.pdf")

    hidden = _item_view(exempt.id)
    words = " ".join(t.value for t in hidden.text)
    assert "Dasar pengecualian: Pasal 17 huruf h angka 2 UU 14/2008" in words and "NIK-pemilih" not in words
    assert "Berkas" not in [s.value for s in hidden.subheader]

    gone = _item_view("inf-20990101000000000000-00000000")
    assert [i.value for i in gone.info] == ["Informasi ini tidak ada dalam Daftar Informasi Publik yang sedang berlaku."]
