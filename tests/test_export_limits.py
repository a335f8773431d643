"""Whatever the forms accept exports: every field at its limit, any script, any clean text, in every format."""
import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pypdf import PdfReader

from lib.domain.models import TEXT_LIMITS, Decree, SnapshotRow, Version
from lib.domain.validation import clean_text
from lib.export import EXPORTERS, pdf_fonts, render_all
from lib.export.document import PublicDocument, Signer
from lib.export.plain import without_bidi_controls
from tests.ci_support import skip_or_fail

BASE = {"judul": "Rencana Strategis", "ringkasan": "Ringkasan", "pejabat_penguasa": "Sekretariat",
        "penanggung_jawab": "Sekretaris", "waktu_tempat": "Sarolangun, 2026", "bentuk": "Softcopy",
        "retensi": "5 tahun", "tahun": 2026, "tautan": "https://kpu.go.id/renstra"}
EXEMPT = {"pasal17_huruf": "h", "pasal17_angka": "2", "konsekuensi_dibuka": "Membuka data pribadi",
          "konsekuensi_ditutup": "Privasi terjaga", "pengecualian_permanen": True}
# The fields a published list prints, with the list that prints them.
PRINTED = {"judul": "both", "ringkasan": "dip", "pejabat_penguasa": "dip", "penanggung_jawab": "dip",
           "waktu_tempat": "dip", "bentuk": "dip", "retensi": "dip", "tautan": "dip", "pasal17_angka": "dik",
           "dasar_hukum_lain": "dik", "dasar_pengecualian": "dik", "masa_pengecualian_teks": "dik",
           "konsekuensi_dibuka": "dik", "konsekuensi_ditutup": "dik"}


def document(dip: dict | None = None, dik: dict | None = None, office="KPU Kabupaten Sarolangun") -> PublicDocument:
    rows = [SnapshotRow("v1", "i1", 1, "berkala", {**BASE, **(dip or {})}),
            SnapshotRow("v1", "i2", 1, "dikecualikan", {**BASE, **EXEMPT, **(dik or {})})]
    decree = Decree("07/PPID/KPU-SRL/III/2026", date(2026, 3, 20), "Sarolangun", "Rina Marlina")
    signer = Signer("Sarolangun", date(2026, 3, 20), "PPID KPU Kabupaten Sarolangun", "Rina Marlina")
    return PublicDocument(Version(id="v1", tahun=2026, decree=decree), rows, office, signer=signer,
                          decree_text="Menimbang: bahwa perlu menetapkan DIP;\nMEMUTUSKAN\nMenetapkan: DIP.",
                          legal_bases=("Undang-Undang Nomor 14 Tahun 2008",))


def longest(field: str, unbroken: bool) -> str:
    """A field's longest value: words (each "panjang" countable), or one token of x's."""
    n = TEXT_LIMITS[field]
    if field == "tautan":  # a form accepts one address per line
        line = "https://kpu.go.id/" + ("x" * n if unbroken else "panjang/berkas")
        return "\n".join([line[:n]] * (n // (len(line[:n]) + 1)))
    return ("x" * n) if unbroken else ("Informasi yang panjang sekali, " * n)[:n].strip()


def marks(text: str, unbroken: bool) -> int:
    return text.count("x") if unbroken else text.count("panjang")


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("unbroken", [False, True], ids=["words", "one_token"])
@pytest.mark.parametrize("field", sorted(PRINTED))
def test_every_printed_field_at_its_limit_exports_in_every_format_and_the_decree(field, unbroken):
    value = longest(field, unbroken)
    target = {"dip": "dip", "dik": "dik"}.get(PRINTED[field])
    doc = document(dip={field: value} if target != "dik" else None,
                   dik={field: value, "pengecualian_permanen": False} if target != "dip" else None)
    files = render_all(doc)
    assert sorted(files) == ["dik.csv", "dik.html", "dik.json", "dik.pdf", "dik.xlsx", "dip.csv", "dip.html",
                             "dip.json", "dip.pdf", "dip.xlsx", "keputusan.pdf"]
    expected = marks(value, unbroken)  # every word or character printed, none cut off
    assert marks(pdf_text(files[f"{target or 'dip'}.pdf"]), unbroken) == expected
    assert marks(pdf_text(files["keputusan.pdf"]), unbroken) == expected * (1 if target else 2)
    assert marks(files[f"{target or 'dip'}.csv"].decode("utf-8-sig"), unbroken) == expected


def test_a_summary_at_its_limit_runs_over_pages_with_every_word_printed():
    words = " ".join(f"kata{n:04d}" for n in range(TEXT_LIMITS["ringkasan"] // 9))
    content = EXPORTERS["pdf"].render(document(dip={"ringkasan": words}), "dip")
    text = pdf_text(content)
    assert len(PdfReader(io.BytesIO(content)).pages) >= 2
    assert [w for w in text.split() if w.startswith("kata")] == words.split()


def test_pdfs_embed_dejavu_sans_and_print_arabic_cyrillic_and_latin_extended_as_text():
    title = "Laporan تقرير Отчёт Łódź Čeština ğ"
    content = EXPORTERS["pdf"].render(document(dip={"judul": title}), "dip")
    reader = PdfReader(io.BytesIO(content))
    fonts = {f["/BaseFont"].split("+")[-1] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= fonts
    assert "Отчёт Łódź Čeština ğ" in pdf_text(content)
    assert all(ord(c) in pdf_fonts.covered() for c in "تقرير")


def require_fallback(char: str, package: str) -> None:
    """Skip when no installed fallback font has ``char``; in CI (CI=true) a missing font is a failure."""
    if pdf_fonts.fallback_for(char) is not None:
        return
    skip_or_fail(f"Paket {package} tidak terpasang: {char!r} tercetak sebagai kotak.")


def test_cjk_is_set_in_the_fallback_font_where_one_is_installed():
    require_fallback("公", "fonts-droid-fallback")
    content = EXPORTERS["pdf"].render(document(dip={"judul": "公開情報"}), "dip")
    fonts = {f["/BaseFont"].split("+")[-1] for p in PdfReader(io.BytesIO(content)).pages
             for f in p["/Resources"]["/Font"].values()}
    assert "DroidSansFallback" in fonts and "公開情報" in pdf_text(content)


def test_without_the_unicode_font_the_pdf_still_renders_in_helvetica_with_a_warning(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(pdf_fonts, "_DIRS", (str(tmp_path),))
    monkeypatch.delenv("SIDIP_FONT_DIR", raising=False)
    pdf_fonts.fonts.cache_clear()
    try:
        assert pdf_fonts.fonts() == ("Helvetica", "Helvetica-Bold")
    finally:
        pdf_fonts.fonts.cache_clear()
    assert "fonts-dejavu-core" in caplog.text


def test_bidi_overrides_held_by_an_old_version_are_dropped_from_every_format():
    doc = document(dip={"judul": "laporan\u202efdp.exe", "ringkasan": "a\u2066b\u2069c"},
                   dik={"judul": "rahasia\u202b.pdf"}, office="KPU \u202dKabupaten")
    files = render_all(doc)
    for name, content in files.items():
        if name.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(content))
            text = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)
        else:
            text = pdf_text(content) if name.endswith(".pdf") else content.decode("utf-8-sig")
        assert without_bidi_controls(text) == text, name
        assert "laporanfdp.exe" in text.replace(" ", "") or name.startswith("dik"), name
    assert json.loads(files["dip.json"])["kategori"][0]["informasi"][0]["ringkasan"] == "abc"


def test_a_lone_dash_stays_plain_and_a_leading_plus_is_quoted_only_in_csv():
    doc = document(dip={"judul": "+62 741 21000", "retensi": "-", "bentuk": "- cetak"})
    rows = list(csv.reader(io.StringIO(EXPORTERS["csv"].render(doc, "dip").decode("utf-8-sig"))))
    assert rows[1][2:9] == ["'+62 741 21000", "Ringkasan", "Sekretariat", "Sekretaris", "Sarolangun, 2026",
                            "- cetak", "-"]
    data = openpyxl.load_workbook(io.BytesIO(EXPORTERS["xlsx"].render(doc, "dip")))["Data"]
    assert [(c.value, c.quotePrefix) for c in data[2][2:9:6]] == [("+62 741 21000", True), ("-", False)]


def form_text(field: str):
    """What a form field lets through: clean_text of anything typed, within the field's limit."""
    return st.text(max_size=TEXT_LIMITS[field]).map(clean_text).filter(lambda t: len(t) <= TEXT_LIMITS[field])


def read_back(files: dict[str, bytes]) -> None:
    for name, content in files.items():
        if name.endswith(".xlsx"):
            assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames[-1] == "Data"
        elif name.endswith(".pdf"):
            assert len(PdfReader(io.BytesIO(content)).pages) >= 1
        elif name.endswith(".json"):
            json.loads(content)
        else:
            content.decode("utf-8")


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(judul=form_text("judul"), ringkasan=form_text("ringkasan"), unit=form_text("pejabat_penguasa"),
       bentuk=form_text("bentuk"), dibuka=form_text("konsekuensi_dibuka"), dasar=form_text("dasar_pengecualian"))
def test_any_text_the_forms_accept_exports_in_every_format_and_opens_again(judul, ringkasan, unit, bentuk,
                                                                             dibuka, dasar):
    doc = document(dip={"judul": judul, "ringkasan": ringkasan, "pejabat_penguasa": unit, "bentuk": bentuk},
                   dik={"judul": judul, "konsekuensi_dibuka": dibuka, "dasar_pengecualian": dasar})
    read_back(render_all(doc))
