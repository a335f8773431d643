"""An item's own page, in real headless Chromium: on the public Streamlit page (``?item=<id>``) and in the
published HTML, each with the item's softcopy downloadable from the website copy."""
from __future__ import annotations

import dataclasses
from unittest import mock

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import expect

from lib.bootstrap import build_context
from lib.demo import fill_demo
from lib.services import admin, attachments, auth, publishing
from lib.services.context import SYSTEM_ACTOR
from tests.browser_support import browser, main_area, open_path, start_server  # noqa: F401
from tests.httpd import folder_server, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):  # noqa: F811 - the browser fixture is only needed to skip early
    """The demo register (a PDF on every item) published to a folder that a local web server serves."""
    base = tmp_path_factory.mktemp("halaman-informasi")
    (base / "publik").mkdir()
    ctx = dataclasses.replace(build_context(base / "data"), publish_dir=str(base / "publik"))
    with mock.patch.object(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)):
        fill_demo(ctx)
    with serving(folder_server(base / "publik")) as url:
        admin.update_settings(ctx, SYSTEM_ACTOR, {"website_url": url})
        [version] = ctx.register.list_versions(ctx.office_id)
        version = publishing.republish(ctx, SYSTEM_ACTOR, version.id, version.revision)
        rows = ctx.register.snapshot(version.id)
        public = next(r for r in rows if r.kategori == "berkala")
        exempt = next(r for r in rows if r.kategori == "dikecualikan")
        app = start_server(base)
        yield dataclasses.make_dataclass("Site", ["ctx", "url", "version", "public", "exempt", "app"])(
            ctx, url, version, public, exempt, app)
        app.stop()


def _stored(site, row) -> bytes:
    return attachments.read(site.ctx, SYSTEM_ACTOR, row.data["berkas"][0]["id"])


def test_the_public_item_page_shows_the_seven_fields_and_downloads_the_softcopy(browser, site):  # noqa: F811
    page = browser.new_page()
    open_path(page, site.app, f"dip?item={site.public.item_id}")
    main = main_area(page)
    expect(main.get_by_role("heading", name=site.public.data["judul"])).to_be_visible()
    for label in ("Ringkasan isi informasi", "Pejabat / unit yang menguasai informasi",
                  "Penanggung jawab pembuatan / penerbitan informasi", "Waktu dan tempat pembuatan informasi",
                  "Bentuk informasi yang tersedia", "Jangka waktu penyimpanan / retensi arsip"):
        expect(main.get_by_text(f"{label}: ", exact=False).first).to_be_visible()
    name, size = site.public.data["berkas"][0]["filename"], site.public.data["berkas"][0]["size"]
    expect(main.get_by_text(f"{name} — PDF,", exact=False)).to_be_visible()
    link = main.get_by_role("link", name="Unduh berkas 1 (PDF,")
    href = link.get_attribute("href")
    assert href.startswith(f"{site.url}/berkas/{site.public.item_id}/") and href.endswith(".pdf")
    response = page.request.get(href)
    assert response.ok and response.body() == _stored(site, site.public) and len(response.body()) == size
    expect(main.get_by_role("link", name="Keputusan PPID (PDF)")).to_be_visible()
    page.close()


def test_a_card_links_to_its_item_page_and_an_exempt_item_page_offers_no_file(browser, site):  # noqa: F811
    page = browser.new_page()
    open_path(page, site.app, "dip")
    card = main_area(page).locator(f'[class*="st-key-kartu-{site.public.item_id}"]')
    assert card.get_by_role("link", name="Halaman informasi").get_attribute("href") == f"?item={site.public.item_id}"
    open_path(page, site.app, f"dip?item={site.exempt.item_id}")
    main = main_area(page)
    expect(main.get_by_role("heading", name=site.exempt.data["judul"])).to_be_visible()
    expect(main.get_by_text("Dasar pengecualian: Pasal 17 huruf h", exact=False)).to_be_visible()
    assert main.get_by_text("Berkas", exact=True).count() == 0
    assert main.get_by_role("link", name="Unduh berkas", exact=False).count() == 0
    assert site.exempt.data["berkas"][0]["filename"] not in main.inner_text()
    page.close()


def test_the_published_item_page_downloads_the_softcopy_in_chromium(browser, site):  # noqa: F811
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{site.url}/{site.version.id}/dip.html")
    page.locator(f'a[href="item/{site.public.item_id}.html"]').click()
    expect(page.locator("h1")).to_have_text(site.public.data["judul"])
    with page.expect_download() as wait:
        page.locator("main ul li a[download]").first.click()
    assert wait.value.suggested_filename.endswith(".pdf")
    assert open(wait.value.path(), "rb").read() == _stored(site, site.public)
    page.close()
