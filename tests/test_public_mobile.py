"""The published list read on a phone (390 px) and on a laptop (1366 px), in real headless Chromium.

A realistic version of 38 items (30 public, 8 exempt) goes through the whole SOP on a real register
and is uploaded to the folder target; the HTML export is opened from that folder, the Streamlit
page from a real server on the same register. axe-core (bundled by the PyPI package
axe-playwright-python) checks accessibility.
"""
from __future__ import annotations

import dataclasses
import functools
import http.server
import threading
from unittest import mock

import pytest
from argon2 import PasswordHasher
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bench.export import SAMPLE_TITLES, make_rows
from lib.bootstrap import build_context
from lib.export.html_export import NO_MATCH
from lib.services import auth, items, publishing, versions
from lib.services.context import SYSTEM_ACTOR
from tests.browser_support import browser, launch_browser, main_area, open_path, settle, start_server  # noqa: F401

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
COUNTS = {"berkala": 16, "setiap_saat": 10, "serta_merta": 4, "dikecualikan": 8}
DECREE = {"nomor_keputusan": "12/PP.06-Kpt/1503/KPU-Kab/XII/2025", "tanggal_keputusan": "2025-12-15",
          "tempat_keputusan": "Sarolangun", "penandatangan": "Rina Marlina", "alasan_kelengkapan": "Pemutakhiran"}
FIELDS = ("judul", "ringkasan", "pejabat_penguasa", "penanggung_jawab", "waktu_tempat", "bentuk", "retensi",
          "tahun", "tautan")
EXEMPT_FIELDS = ("pasal17_huruf", "pasal17_angka", "dasar_hukum_lain", "konsekuensi_dibuka",
                 "konsekuensi_ditutup", "masa_pengecualian_tahun", "pengecualian_permanen")
# Measured at 390 px for the 30 public items of dip.html (the 8 exempt ones are on dik.html): 10,390 px
# as cards; the ten-column table that wrapped letter by letter was 23,079 px (and 425 px wide).
PHONE_HEIGHT_BOUND = 11_000


# -- a published version on a real register ----------------------------------------------------
def _summary(i: int, text: str) -> str:
    """Every third summary is written in short lines, as officers paste them from a letter."""
    return text.replace(". ", ".\n") if i % 3 == 0 else text


def _add_item(ctx, ppid, desk, i: int, row) -> None:
    data = {k: row.data[k] for k in FIELDS} | {"ringkasan": _summary(i, row.data["ringkasan"])}
    req = items.open_request(ctx, ppid, desk.unit, data["judul"])
    sub = items.submit(ctx, desk, req.id, {**data, "tahun": str(data["tahun"])}, req.revision)
    extra = {k: row.data[k] for k in EXEMPT_FIELDS if row.data.get(k) not in (None, "")}
    cls = {**{k: getattr(sub, k) for k in FIELDS}, "kategori": row.kategori, **extra,
           "lokasi_softcopy": row.data["lokasi_softcopy"] or "Drive PPID", "lokasi_hardcopy": "Rak 2"}
    items.classify(ctx, ppid, sub.id, cls, sub.revision)


def publish_sample(ctx) -> None:
    """38 items through the SOP, established, approved and uploaded (links are not fetched: offline)."""
    add = functools.partial(auth.add_user, ctx, SYSTEM_ACTOR, password="rahasia-panjang-1")
    ppid = add("ppid.uji", "PPID Uji", roles=["ppid"], unit="").actor()
    atasan = add("atasan.uji", "Atasan Uji", roles=["atasan"], unit="").actor()
    desks = {}
    for i, row in enumerate(make_rows(sum(COUNTS.values()), "v", counts=COUNTS, titles=SAMPLE_TITLES)):
        unit = row.data["pejabat_penguasa"]
        if unit not in desks:
            desks[unit] = add(f"desk.{len(desks)}", f"Desk {len(desks)}", roles=["desk"], unit=unit).actor()
        _add_item(ctx, ppid, desks[unit], i, row)
    v = versions.create_version(ctx, ppid, 2025)
    v = versions.establish(ctx, ppid, v.id, DECREE, v.revision)
    v = versions.approve(ctx, atasan, v.id, "Setuju", v.revision)
    with mock.patch.object(publishing, "check_links", return_value=[]):
        publishing.upload(ctx, ppid, v.id, v.revision)


@pytest.fixture(scope="module")
def published(tmp_path_factory, browser):  # noqa: F811 - the browser fixture is only needed to skip early
    """(data folder, publish folder) of a register with the sample version uploaded."""
    base = tmp_path_factory.mktemp("publik-hp")
    ctx = dataclasses.replace(build_context(base / "data"), publish_dir=str(base / "publik"))
    with mock.patch.object(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)):
        publish_sample(ctx)
    return base


@pytest.fixture(scope="module")
def export_url(published):
    """The uploaded dip.html served over HTTP from the publish folder, as a web server would."""
    folder = published / "publik" / (published / "publik" / "terkini.txt").read_text()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/dip.html"
    server.shutdown()


def open_export(browser, url: str, viewport: dict):  # noqa: F811
    page = browser.new_page(viewport=viewport)
    page.goto(url)
    return page


def scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def visible_rows(page) -> list[str]:
    return page.locator("table.daftar tbody tr:visible td.judul").all_inner_texts()


def axe_violations(page, context: str | None = None) -> list[str]:
    """Every axe-core rule broken on the page (or inside `context`), with the offending elements."""
    result = Axe().run(page, context=context)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result.response["violations"]]


# -- the HTML export ----------------------------------------------------------------------------
def test_on_a_phone_the_html_export_shows_each_item_as_a_card_without_sideways_scrolling(browser, export_url):
    page = open_export(browser, export_url, PHONE)
    assert scroll_width(page) <= PHONE["width"]
    assert page.evaluate("document.scrollingElement.scrollHeight") < PHONE_HEIGHT_BOUND
    first = page.locator("table.daftar tbody tr").first
    assert first.evaluate("tr => getComputedStyle(tr).display") == "block"
    assert first.evaluate("tr => getComputedStyle(tr, '::before').content") == '"Berkala"'
    assert page.locator("table.daftar thead").first.bounding_box()["height"] <= 1  # read aloud, not shown
    assert first.locator("td.pejabat_penguasa").evaluate("td => getComputedStyle(td, '::before').content") == (
        '"Unit: "')
    assert len(visible_rows(page)) == 30
    page.close()


def test_a_summary_keeps_its_line_breaks_in_the_html_export(browser, export_url):
    page = open_export(browser, export_url, PHONE)
    summary = page.locator("table.daftar tbody tr").nth(3).locator("td.ringkasan")  # typed in short lines
    assert summary.evaluate("td => getComputedStyle(td).whiteSpace") == "pre-line"
    lines = summary.inner_text().split("\n")
    assert len(lines) >= 2 and all(line.endswith(".") for line in lines)
    page.close()


def test_searching_nonsense_in_the_html_export_says_that_nothing_matches(browser, export_url):
    page = open_export(browser, export_url, PHONE)
    message = page.locator("#tidak-ada")
    expect(message).to_be_hidden()
    page.get_by_label("Cari:").fill("xyzzy tidak ada")
    expect(message).to_have_text(NO_MATCH)
    expect(message).to_have_attribute("role", "status")
    assert visible_rows(page) == [] and page.locator("table.daftar:visible").count() == 0
    page.get_by_label("Cari:").fill("rencana strategis")
    expect(message).to_be_hidden()
    assert visible_rows(page) == ["Rencana Strategis KPU Kabupaten Sarolangun 2025-2029"]
    page.close()


def test_on_a_laptop_the_html_export_keeps_the_category_tables_without_sideways_scrolling(browser, export_url):
    page = open_export(browser, export_url, LAPTOP)
    assert scroll_width(page) <= LAPTOP["width"]
    assert page.locator("table.daftar caption").all_inner_texts() == [
        "Informasi yang Wajib Disediakan dan Diumumkan secara Berkala",
        "Informasi yang Wajib Diumumkan secara Serta Merta", "Informasi yang Wajib Tersedia Setiap Saat"]
    assert page.locator("table.daftar tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    widths = page.evaluate("[...document.querySelectorAll('table.daftar')].map(t => [t.scrollWidth, t.clientWidth])")
    assert all(scroll <= client for scroll, client in widths)
    assert page.locator("table.daftar").first.locator("th[scope=col]").count() == 10
    page.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
@pytest.mark.parametrize("kind", ["dip", "dik"])
def test_the_html_export_has_no_accessibility_violations(browser, export_url, viewport, kind):
    page = open_export(browser, export_url.replace("dip.html", f"{kind}.html"), viewport)
    assert page.evaluate("document.documentElement.lang") == "id"
    assert axe_violations(page) == []
    page.close()


# -- the Streamlit page -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app_server(published):
    """`streamlit run app.py` on the register and publish folder of `published`."""
    server = start_server(published)
    yield server
    server.stop()


def open_public_page(browser, server, viewport: dict):  # noqa: F811
    page = browser.new_page(viewport=viewport)
    open_path(page, server, "dip")
    return page


def cards(page):
    return main_area(page).locator('[class*="st-key-kartu-"]')


def page_scroll_widths(page) -> list[int]:
    """The document and Streamlit's own scrolling main area."""
    return page.evaluate("[document.scrollingElement.scrollWidth,"
                         " document.querySelector('[data-testid=stMain]').scrollWidth]")


def test_on_a_phone_the_public_page_shows_cards_and_names_the_documents_it_links(browser, app_server):
    page = open_public_page(browser, app_server, PHONE)
    assert max(page_scroll_widths(page)) <= PHONE["width"]
    expect(cards(page)).to_have_count(38)
    assert cards(page).first.locator('[data-testid="stText"]').first.inner_text() == (
        "1. Rencana Strategis KPU Kabupaten Sarolangun 2025-2029")
    links = {name: main_area(page).get_by_role("link", name=name).first.get_attribute("href")
             for name in ("Daftar Informasi Publik (PDF)", "Keputusan PPID (PDF)",
                          "Daftar Informasi yang Dikecualikan (PDF)")}
    assert [href.rsplit("/", 1)[1] for href in links.values()] == ["dip.pdf", "keputusan.pdf", "dik.pdf"]
    assert main_area(page).get_by_text("dik.csv").count() == 0
    page.close()


def test_searching_nonsense_on_the_public_page_says_that_nothing_matches(browser, app_server):
    page = open_public_page(browser, app_server, PHONE)
    search = main_area(page).get_by_label("Cari informasi")
    search.fill("xyzzy tidak ada")
    search.press("Enter")
    settle(page)
    expect(main_area(page).get_by_text(NO_MATCH)).to_be_visible()
    expect(cards(page)).to_have_count(0)
    page.close()


def test_on_a_laptop_the_public_tables_fit_without_sideways_scrolling(browser, app_server):
    page = open_public_page(browser, app_server, LAPTOP)
    main_area(page).get_by_text("Tabel", exact=True).click()
    settle(page)
    grids = main_area(page).locator('[data-testid="stDataFrame"]')
    expect(grids).to_have_count(4)
    expect(cards(page)).to_have_count(0)
    page.wait_for_timeout(500)  # the grids measure their columns after they appear
    widths = grids.evaluate_all("gs => gs.map(g => { const s = g.querySelector('.dvn-scroller');"
                                " return [s.scrollWidth, s.clientWidth]; })")
    assert len(widths) == 4 and all(scroll <= client for scroll, client in widths)
    assert max(page_scroll_widths(page)) <= LAPTOP["width"]
    page.close()


@pytest.mark.parametrize(("viewport", "view"), [(PHONE, "Kartu"), (LAPTOP, "Kartu"), (LAPTOP, "Tabel")],
                         ids=["390px-cards", "1366px-cards", "1366px-tables"])
def test_the_public_page_has_no_accessibility_violations(browser, app_server, viewport, view):
    page = open_public_page(browser, app_server, viewport)
    page.wait_for_function("document.documentElement.lang === 'id'", timeout=5_000)  # set by the page
    if view == "Tabel":
        main_area(page).get_by_text("Tabel", exact=True).click()
        settle(page)
        expect(main_area(page).locator('[data-testid="stDataFrame"]')).to_have_count(4)
    assert axe_violations(page) == []
    page.close()
