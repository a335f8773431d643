"""In headless Chromium: the PPID imports a ZIP holding the list and its softcopies on the Impor page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import (  # noqa: F401  (fixtures are used by name)
    TIMEOUT_MS, browser, login, main_area, open_path, seeded_server, settle,
)
from tests.test_import_zip import good_zip

pytestmark = pytest.mark.browser


def test_the_ppid_imports_a_zip_and_sees_which_files_go_nowhere_before_importing(seeded_server, browser, tmp_path):  # noqa: F811
    archive = tmp_path / "dip-2025.zip"
    archive.write_bytes(good_zip())
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    login(page, seeded_server, "ppid")
    open_path(page, seeded_server, "impor")
    main_area(page).locator('input[type="file"]').set_input_files(str(archive))
    main = main_area(page)
    expect(main.get_by_text("Berkas softcopy: 3 akan dilampirkan")).to_be_visible()
    report = main.locator('[data-testid="stDataFrame"]').filter(has_text="tidak disebut baris mana pun")
    expect(report).to_have_count(1)
    expect(report).to_contain_text("catatan-lain.pdf")
    expect(report).to_contain_text("disebut di daftar, tidak ada di ZIP")
    settle(page)
    main.get_by_role("button", name="Impor 4 baris").click()
    expect(main.get_by_text("4 informasi diimpor;", exact=False)).to_contain_text("3 berkas dilampirkan.")
    context.close()
