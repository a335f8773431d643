"""From the classification form to the public item page, in real headless Chromium: the PPID uploads a softcopy
PDF, the DIP version is established, approved and uploaded, and anyone downloads exactly the same bytes."""
from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from unittest import mock

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import expect

from lib.bootstrap import build_context
from lib.services import admin, attachments, auth, items, publishing, versions
from lib.services.context import SYSTEM_ACTOR
from tests import softcopy_samples as samples
from tests.httpd import folder_server, serving
from tests.browser_support import (  # noqa: F401  (the browser fixture is used by name)
    PASSWORD, TIMEOUT_MS, browser, fill_classification, login, main_area, open_path, settle, shot, start_server,
)
from tests.conftest import submission

pytestmark = pytest.mark.browser
TITLE = "Rencana Strategis 2026 dengan softcopy"
FILENAME = "Renstra KPU 2026.pdf"
DECREE = {"nomor_keputusan": "07/PPID/IV/2026", "tanggal_keputusan": date(2026, 4, 2),
          "tempat_keputusan": "Sarolangun", "penandatangan": "Ketua PPID", "alasan_kelengkapan": "Uji"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kb(size: int) -> str:
    """The size as the public page writes it: 1536 -> "1,5 KB"."""
    assert 1024 <= size < 1024 ** 2, size
    return f"{size / 1024:.1f}".removesuffix(".0").replace(".", ",") + " KB"


@pytest.fixture
def office(tmp_path, monkeypatch, browser):  # noqa: F811 - the browser fixture skips early without Chromium
    """An empty register with a desk, a PPID and an atasan; the publish folder served by a local web server
    whose address is the office website; and a Streamlit server on that register."""
    monkeypatch.delenv("SIDIP_SECRET_KEY", raising=False)
    monkeypatch.delenv("SIDIP_BACKEND", raising=False)
    (tmp_path / "publik").mkdir()
    ctx = dataclasses.replace(build_context(tmp_path / "data"), publish_dir=str(tmp_path / "publik"))
    with mock.patch.object(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)):
        for username, role, unit in (("desk", "desk", "Sekretariat"), ("ppid", "ppid", ""), ("atasan", "atasan", "")):
            auth.add_user(ctx, SYSTEM_ACTOR, username, f"{username.title()} Uji", PASSWORD, [role], unit)
    with serving(folder_server(tmp_path / "publik")) as url:
        admin.update_settings(ctx, SYSTEM_ACTOR, {"website_url": url})
        app = start_server(tmp_path)
        yield ctx, url, app
        app.stop()


def classify_with_softcopy(page, app, pdf) -> None:
    """The PPID picks the submitted item, fills the classification and attaches the PDF, in the browser."""
    login(page, app, "ppid")
    open_path(page, app, "klasifikasi")
    klas = fill_classification(page, TITLE, pdf)
    expect(klas.get_by_text(FILENAME)).to_be_visible()
    settle(page)
    klas.get_by_role("button", name="Simpan klasifikasi").click()
    expect(main_area(page).get_by_text("1 berkas softcopy disimpan.")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)


def publish(ctx):
    """Steps 3–5 through the services: a new version, established by the PPID, approved, uploaded."""
    ppid, atasan = (ctx.register.get_user(u).actor() for u in ("ppid", "atasan"))
    v = versions.create_version(ctx, ppid, 2026)
    v = versions.establish(ctx, ppid, v.id, DECREE, v.revision)
    v = versions.approve(ctx, atasan, v.id, "Setuju", v.revision)
    return publishing.upload(ctx, ppid, v.id, v.revision)


def test_a_pdf_uploaded_on_the_classification_form_is_downloaded_unchanged_from_the_public_item_page(
        office, browser, tmp_path):  # noqa: F811
    ctx, web_url, app = office
    desk = ctx.register.get_user("desk").actor()
    item = items.submit_new(ctx, desk, submission(TITLE))
    content = samples.pdf_bytes("Rencana Strategis KPU 2026")
    pdf = tmp_path / FILENAME
    pdf.write_bytes(content)

    staff = browser.new_context(viewport={"width": 1400, "height": 1000})
    staff.set_default_timeout(TIMEOUT_MS)
    classify_with_softcopy(staff.new_page(), app, pdf)
    staff.close()
    classified = ctx.register.get_item(item.id)
    assert classified.status == "diklasifikasi" and classified.kategori == "berkala"
    stored = attachments.files_of(ctx, SYSTEM_ACTOR, item.id)
    assert [(f.filename, f.media_type, f.size, f.sha256) for f in stored] == [
        (FILENAME, "application/pdf", len(content), sha(content))]

    version = publish(ctx)
    assert version.status == "diunggah"
    published = list((tmp_path / "publik" / "berkas" / item.id).iterdir())
    assert [p.suffix for p in published] == [".pdf"] and sha(published[0].read_bytes()) == sha(content)

    visitor = browser.new_context(viewport={"width": 1400, "height": 1000})  # no login
    visitor.set_default_timeout(TIMEOUT_MS)
    page = visitor.new_page()
    open_path(page, app, f"dip?item={item.id}")
    main = main_area(page)
    expect(main.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(main.get_by_text(f"{FILENAME} — PDF, {kb(len(content))}", exact=True)).to_be_visible()
    link = main.get_by_role("link", name=f"Unduh berkas 1 (PDF, {kb(len(content))})")
    href = link.get_attribute("href")
    assert href == f"{web_url}/berkas/{item.id}/{published[0].name}"
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert sha(response.body()) == sha(content)
    shot(page, "softcopy-e2e-halaman-informasi")
    visitor.close()
