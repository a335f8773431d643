"""Every script a user can type prints in SIDIP's PDFs: shaped right-to-left lines, fallback fonts per
character, and the dashboard and completeness reports in the same embedded fonts."""
import io

import pandas as pd
from arabic_reshaper import reshape
from pypdf import PdfReader

from lib.export import EXPORTERS, pdf_fonts
from lib.export.pdf_rtl import visual
from tests.test_export_limits import document, pdf_text, require_fallback

ARABIC_TITLE = "تقرير الميزانية السنوية"
# The same words in joined letter forms (initial, medial, final), as DejaVu Sans draws them.
SHAPED = "\ufe97\ufed8\ufeae\ufef3\ufeae \ufe8d\ufedf\ufee4\ufef4\ufeb0\ufe8d\ufee7\ufef4\ufe94 " \
         "\ufe8d\ufedf\ufeb4\ufee8\ufeee\ufef3\ufe94"


def font_names(content: bytes) -> set[str]:
    return {f["/BaseFont"].split("+")[-1] for p in PdfReader(io.BytesIO(content)).pages
            for f in p["/Resources"]["/Font"].values()}


def dip_pdf(title: str, **fields) -> bytes:
    return EXPORTERS["pdf"].render(document(dip={"judul": title, **fields}), "dip")


def test_an_arabic_line_becomes_joined_letter_forms_in_right_to_left_order():
    assert reshape(ARABIC_TITLE) == SHAPED
    assert visual(ARABIC_TITLE) == SHAPED[::-1]


def test_only_right_to_left_runs_are_reordered_and_other_lines_are_left_as_typed():
    # A number after a Hebrew phrase belongs to it (Unicode bidi rules): it moves to the phrase's left end.
    assert visual("Laporan שלום עולם 2026\nBiro <Umum> & Łódź") == "Laporan 2026 םלוע םולש\nBiro <Umum> & Łódź"
    assert visual("Laporan 2026 שלום, selesai") == "Laporan 2026 םולש, selesai"


def test_an_arabic_title_prints_shaped_as_extractable_text():
    text = pdf_text(dip_pdf(ARABIC_TITLE))
    assert SHAPED in text and ARABIC_TITLE not in text  # joined forms, never the isolated letters


def test_hangul_is_set_in_nanum_gothic_and_reads_back_as_text():
    require_fallback("한", "fonts-nanum")
    content = dip_pdf("공개 정보 목록 한국어")
    assert "NanumGothic" in font_names(content) and "공개 정보 목록 한국어" in pdf_text(content)


def test_an_emoji_is_set_in_symbola_and_reads_back_as_text():
    require_fallback("📄", "fonts-symbola")
    content = dip_pdf("Laporan 📄 tahunan")
    assert "Symbola" in font_names(content) and "Laporan 📄 tahunan" in pdf_text(content)


def test_each_character_takes_the_first_fallback_font_that_has_it():
    require_fallback("한", "fonts-nanum")
    require_fallback("📄", "fonts-symbola")
    require_fallback("公", "fonts-droid-fallback")
    assert [pdf_fonts.fallback_for(c) for c in "公한📄"] == ["SidipFallback", "SidipHangul", "SidipSymbols"]


def korean_pdf_with_fonts_as_they_are_now() -> bytes:
    """A DIP PDF with a Korean title, its fallback fonts looked up afresh (and forgotten again after)."""
    pdf_fonts.fallbacks.cache_clear()
    try:
        return dip_pdf("Laporan 한국어")
    finally:
        pdf_fonts.fallbacks.cache_clear()


def test_a_missing_fallback_font_leaves_a_box_but_the_pdf_still_renders(monkeypatch):
    monkeypatch.setattr(pdf_fonts, "FALLBACKS", (("SidipHangul", ("TidakAda.ttf",)),))
    content = korean_pdf_with_fonts_as_they_are_now()
    assert "NanumGothic" not in font_names(content) and "Laporan" in pdf_text(content)


def test_the_dashboard_summary_pdf_prints_unit_names_in_any_script(ctx, people):
    from lib.export.summary_pdf import render
    from lib.services import dashboard
    from lib.services.dashboard import Filters
    board = dashboard.build(ctx, people["atasan"], Filters("bulan"))
    units = pd.DataFrame({"Unit": ["Biro Łódź", "قسم الميزانية"], "Lewat tenggat": [1, 2]})
    content = render(board, "KPU Kota Łódź", {"Per unit": units})
    text = pdf_text(content)
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= font_names(content) and "Helvetica" not in font_names(content)
    assert "KPU Kota Łódź" in text and "Biro Łódź" in text and reshape("قسم الميزانية") in text


def test_the_completeness_report_pdf_prints_the_office_in_any_script(ctx, people):
    from lib.completeness_views import report_pdf
    from lib.services import completeness
    report = completeness.report(ctx, people["atasan"])
    content = report_pdf(report, "KPU Kota Łódź تقرير", ctx.today())
    text = pdf_text(content)
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= font_names(content)
    assert "ŁÓDŹ" in text and reshape("تقرير") in text


def test_a_broken_fallback_font_file_is_skipped_with_a_warning_and_the_pdf_still_renders(monkeypatch, tmp_path,
                                                                                         caplog):
    (tmp_path / "NanumGothic.ttf").write_bytes(b"bukan berkas huruf")
    monkeypatch.setenv("SIDIP_FONT_DIR", str(tmp_path))
    content = korean_pdf_with_fonts_as_they_are_now()
    assert "NanumGothic" not in font_names(content) and "Laporan" in pdf_text(content)
    assert "NanumGothic.ttf tidak dapat dipakai" in caplog.text
