"""In headless Chromium: the PPID uploads softcopies on the classification form and sees them listed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import (  # noqa: F401  (fixtures are used by name)
    TIMEOUT_MS, browser, fill_classification, login, main_area, open_path, seeded_server, settle, shot,
)
from tests import softcopy_samples as samples

pytestmark = pytest.mark.browser
TITLE = "Rencana Strategis dengan softcopy"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def submitted_item(server, monkeypatch):
    """The desk's submission, made through the services on the server's own register."""
    from lib.bootstrap import build_context
    from lib.services import items
    from tests.conftest import submission
    monkeypatch.delenv("SIDIP_SECRET_KEY", raising=False)
    monkeypatch.delenv("SIDIP_BACKEND", raising=False)
    ctx = build_context(server.data_dir)
    return items.submit_new(ctx, ctx.register.get_user("desk").actor(), submission(TITLE))


def test_the_ppid_uploads_a_file_on_the_classification_form_and_sees_it_listed(seeded_server, page, tmp_path,
                                                                               monkeypatch):
    submitted_item(seeded_server, monkeypatch)
    bad, good = tmp_path / "bukan-pdf.pdf", tmp_path / "Renstra 2026.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\0" * 300)
    good.write_bytes(samples.pdf_bytes("Renstra"))
    login(page, seeded_server, "ppid")
    open_path(page, seeded_server, "klasifikasi")
    expect(main_area(page).get_by_text("Pilih informasi", exact=True)).to_be_visible()
    klas = fill_classification(page, TITLE, bad)
    klas.get_by_role("button", name="Simpan klasifikasi").click()
    settle(page)
    expect(main_area(page).get_by_text('Berkas "bukan-pdf.pdf" bukan jenis yang diterima').first).to_be_visible()
    expect(klas.get_by_label("Lokasi hardcopy", exact=True)).to_have_value("Lemari arsip 2")  # kept as typed
    klas.get_by_role("button", name="Remove bukan-pdf.pdf").click()
    klas.locator('input[type="file"]').set_input_files(str(good))
    expect(klas.get_by_text("Renstra 2026.pdf")).to_be_visible()
    settle(page)
    klas.get_by_role("button", name="Simpan klasifikasi").click()
    expect(main_area(page).get_by_text("1 berkas softcopy disimpan.")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    listed = main_area(page).get_by_text(re.compile(r"^Renstra 2026\.pdf · \d+(,\d)? KB · PDF · ppid · "))
    expect(listed).to_be_visible()
    expect(main_area(page).get_by_role("button", name="Unduh")).to_have_count(1)
    shot(page, "berkas-klasifikasi")
