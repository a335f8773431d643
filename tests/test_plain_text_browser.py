"""In a real browser, a return reason and a request note written in Markdown and HTML show as typed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import (  # noqa: F401  (fixtures are used by name)
    TIMEOUT_MS, browser, choose, login, main_area, open_path, seeded_server, settle, shot,
)
from conftest import submission
from lib.bootstrap import build_context
from lib.services import items

pytestmark = pytest.mark.browser
MARKUP = "[unggah di sini](https://contoh.test) **tebal** <b>x</b> :smile: ppid@contoh.test www.contoh.test"


def test_a_return_reason_in_markdown_shows_as_typed_with_no_link_or_bold(seeded_server, browser):
    ctx = build_context(seeded_server.data_dir)
    desk, ppid = (ctx.register.get_user(name).actor() for name in ("desk", "ppid"))
    item = items.submit_new(ctx, desk, submission("Laporan Uji Markah"))
    items.return_item(ctx, ppid, item.id, MARKUP, item.revision)
    items.open_request(ctx, ppid, desk.unit, "Permintaan Uji Markah", MARKUP)

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    login(page, seeded_server, "desk")
    open_path(page, seeded_server, "permintaan")
    main = main_area(page)
    for title, box in (("Laporan Uji Markah", "stAlertContentWarning"),
                       ("Permintaan Uji Markah", "stAlertContentInfo")):
        choose(page, main, "Pilih permintaan", re.compile(title))
        settle(page)
        alert = main.locator(f'[data-testid="{box}"]').filter(has_text="unggah di sini")
        expect(alert).to_have_count(1)
        assert MARKUP in alert.inner_text().replace("\u2060", "")  # the invisible word joiners aside
        assert alert.locator("a, strong, b, img").count() == 0, alert.inner_html()
        assert "😄" not in alert.inner_text()
    assert main.locator('a[href*="contoh.test"]').count() == 0
    shot(page, "catatan-polos")
