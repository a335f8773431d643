"""End to end in headless Chromium against a real `streamlit run app.py` (see browser_support.py).

The first test drives the whole SOP through the UI on an empty install. The others do not depend
on it: they use a second server whose users were made with the CLI before it started (and the last
one restarts its own server). Screenshots of key screens go to /tmp/sidip-*.png.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import (  # noqa: F401  (fixtures are used by name)
    PASSWORD, SEEDED_USERS, TIMEOUT_MS, browser, choose, cli_add_user, form, fresh_server, heading,
    login, logout, main_area, open_path, seeded_server, settle, shot, sidebar, start_server,
)

pytestmark = pytest.mark.browser

TITLE = "Laporan Realisasi Anggaran Uji Browser 2026"
REQUEST_TITLE = "Laporan realisasi anggaran (permintaan uji)"
BERKALA = "Informasi yang Wajib Disediakan dan Diumumkan secara Berkala"
PAGE_HEADINGS = {  # url path -> the page's own st.title
    "klasifikasi": "Klasifikasi & Dokumentasi",
    "penetapan": "Penetapan DIP",
    "persetujuan": "Persetujuan DIP",
    "pengguna": "Pengguna",
    "pengaturan": "Pengaturan",
    "riwayat": "Riwayat (jejak audit)",
}


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def flash_ok(page, text: str) -> None:
    expect(main_area(page).get_by_text(text)).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)


def search(page, text: str) -> None:
    box = main_area(page).get_by_label("Cari informasi", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value(text)
    settle(page)


def add_user(page, username: str, full_name: str, role: str, unit: str = "") -> None:
    tambah = form(page, "Tambah")
    tambah.get_by_label("Nama pengguna", exact=True).fill(username)
    tambah.get_by_label("Nama lengkap", exact=True).fill(full_name)
    choose(page, tambah, "Peran", role)
    if unit:
        choose(page, tambah, "Unit (wajib untuk Desk Pelayanan)", unit)
    tambah.get_by_label("Kata sandi awal (minimal 10 karakter)", exact=True).fill(PASSWORD)
    tambah.get_by_role("button", name="Tambah", exact=True).click()
    flash_ok(page, f"Pengguna {username} ditambahkan.")


def test_the_whole_sop_runs_from_first_admin_to_the_public_list(browser, fresh_server, page):
    server = fresh_server

    # First run: the one-time setup code is printed on the server console for the first visitor.
    open_path(page, server, "penyiapan")
    expect(heading(page, "Penyiapan SIDIP")).to_be_visible()
    code = server.wait_for_setup_code()
    setup = form(page, "Buat akun admin")
    setup.get_by_label("Kode penyiapan", exact=True).fill(code)
    setup.get_by_label("Nama pengguna admin", exact=True).fill("admin")
    setup.get_by_label("Nama lengkap", exact=True).fill("Administrator Uji")
    setup.get_by_label("Kata sandi (minimal 10 karakter)", exact=True).fill(PASSWORD)
    setup.get_by_label("Ulangi kata sandi", exact=True).fill(PASSWORD)
    setup.get_by_role("button", name="Buat akun admin").click()
    flash_ok(page, "Akun admin dibuat.")
    expect(heading(page, "Beranda")).to_be_visible()
    expect(sidebar(page)).to_contain_text("Administrator Uji")

    # Admin adds the people of the SOP.
    open_path(page, server, "pengguna")
    expect(heading(page, "Pengguna")).to_be_visible()
    add_user(page, "ppid1", "PPID Satu", "PPID")
    add_user(page, "atasan1", "Atasan Satu", "Atasan PPID")
    add_user(page, "desk1", "Desk Satu", "Desk Pelayanan", unit="Sekretariat")
    shot(page, "pengguna")
    logout(page)

    # Step 1a: the PPID opens a request to the Sekretariat.
    login(page, server, "ppid1")
    open_path(page, server, "permintaan")
    main_area(page).get_by_text("Buka permintaan informasi ke unit").click()
    minta = form(page, "Buka permintaan")
    choose(page, minta, "Unit", "Sekretariat")
    minta.get_by_label("Judul informasi yang diminta", exact=True).fill(REQUEST_TITLE)
    minta.get_by_role("button", name="Buka permintaan").click()
    flash_ok(page, "Permintaan dibuka")
    logout(page)

    # Step 1b: the Sekretariat desk answers it with the DIP columns.
    login(page, server, "desk1")
    open_path(page, server, "permintaan")
    choose(page, main_area(page), "Pilih permintaan", re.compile(re.escape(REQUEST_TITLE)))
    serah = form(page, "Ajukan ke PPID")
    expect(serah.get_by_label("Judul informasi", exact=True)).to_have_value(REQUEST_TITLE)
    for label, value in {
        "Judul informasi": TITLE,
        "Ringkasan isi informasi": "Realisasi anggaran tahun berjalan per akun belanja",
        "Pejabat atau unit/satuan kerja yang menguasai informasi": "Sekretariat",
        "Penanggung jawab pembuatan atau penerbitan informasi": "Sekretaris",
        "Waktu dan tempat pembuatan informasi": "Sarolangun, 2026",
        "Bentuk informasi yang tersedia": "Softcopy dan hardcopy",
        "Jangka waktu penyimpanan atau retensi arsip": "5 tahun",
        "Tahun": "2026",
    }.items():
        serah.get_by_label(label, exact=True).fill(value)
    shot(page, "pengajuan")
    serah.get_by_role("button", name="Ajukan ke PPID").click()
    flash_ok(page, "Informasi diajukan ke PPID.")

    # A reload starts a new Streamlit session: the signed cookie keeps the desk logged in.
    page.reload()
    settle(page)
    expect(sidebar(page)).to_contain_text("Desk Satu")
    expect(sidebar(page).get_by_role("button", name="Keluar")).to_be_visible()
    expect(heading(page, "Masuk ke SIDIP")).to_have_count(0)
    logout(page)

    # Step 2: the PPID classifies and documents.
    login(page, server, "ppid1")
    open_path(page, server, "klasifikasi")
    expect(heading(page, "Klasifikasi & Dokumentasi")).to_be_visible()
    choose(page, main_area(page), "Pilih informasi", re.compile(re.escape(TITLE)))
    klas = form(page, "Simpan klasifikasi")
    expect(klas.get_by_label("Judul informasi", exact=True)).to_have_value(TITLE)
    choose(page, klas, "Kategori", BERKALA)
    klas.get_by_label("Lokasi softcopy", exact=True).fill("Drive PPID/2026/Keuangan")
    klas.get_by_label("Lokasi hardcopy", exact=True).fill("Lemari arsip 2, rak 3")
    klas.get_by_role("button", name="Simpan klasifikasi").click()
    flash_ok(page, "Informasi diklasifikasi dan didokumentasikan.")

    # Step 3: a version, established by the PPID's decree.
    open_path(page, server, "penetapan")
    page.get_by_role("button", name="Buat versi").click()
    flash_ok(page, "Versi draf dibuat.")
    tetap = form(page, "Tetapkan DIP")
    tetap.get_by_label("Nomor keputusan", exact=True).fill("01/PPID/2026")
    tetap.get_by_label("Penandatangan (PPID)", exact=True).fill("PPID Satu")
    # One item cannot cover every mandatory obligation: the guard asks for a reason, it does not block.
    tetap.get_by_label("Alasan tetap menetapkan meski belum lengkap (dicatat di riwayat)").fill(
        "DIP awal; dilengkapi bertahap.")
    tetap.get_by_role("button", name="Tetapkan DIP").click()
    flash_ok(page, "DIP ditetapkan dan dikirim ke Atasan PPID untuk persetujuan.")
    logout(page)

    # Step 4: the Atasan PPID approves and orders the upload.
    login(page, server, "atasan1")
    open_path(page, server, "persetujuan")
    expect(main_area(page)).to_contain_text("01/PPID/2026")
    shot(page, "persetujuan")
    page.get_by_role("button", name="Setujui dan perintahkan unggah").click()
    flash_ok(page, "DIP disetujui; perintah unggah dikirim.")
    logout(page)

    # Step 5: the desk exports and uploads.
    login(page, server, "desk1")
    open_path(page, server, "unggah")
    page.get_by_role("button", name="Ekspor semua format dan unggah").click()
    flash_ok(page, "DIP diunggah.")
    expect(main_area(page)).to_contain_text("dip.html")

    # A citizen, not logged in, reads the public list.
    public = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        citizen = public.new_page()
        open_path(citizen, server, "dip")
        expect(heading(citizen, "Daftar Informasi Publik")).to_be_visible()
        pdf_link = main_area(citizen).get_by_role("link", name="Daftar Informasi Publik (PDF)")
        expect(pdf_link).to_have_attribute("href", re.compile(r"/dip\.pdf$"))
        expect(main_area(citizen).get_by_role("link", name="Keputusan PPID (PDF)")).to_have_attribute(
            "href", re.compile(r"/keputusan\.pdf$"))
        main_area(citizen).get_by_text("Format lain (HTML, Excel, CSV, JSON)").click()
        html_link = main_area(citizen).get_by_role("link", name="Daftar Informasi Publik (HTML)")
        expect(html_link).to_have_attribute("href", re.compile(r"/dip\.html$"))
        html_href = html_link.get_attribute("href")
        expect(citizen.get_by_text("Keputusan PPID Nomor 01/PPID/2026", exact=False)).to_be_visible()
        berkala = main_area(citizen).get_by_role("heading", name=BERKALA)
        expect(berkala).to_be_visible()
        expect(main_area(citizen).get_by_text(f"1. {TITLE}", exact=True)).to_be_visible()
        search(citizen, "Uji Browser 2026")
        expect(main_area(citizen).get_by_text(f"1. {TITLE}", exact=True)).to_be_visible()
        expect(main_area(citizen).get_by_text("yang cocok dengan pencarian")).to_have_count(3)
        shot(citizen, "dip-publik")
        search(citizen, "tidak ada judul seperti ini")
        expect(main_area(citizen).get_by_text(f"1. {TITLE}", exact=True)).to_have_count(0)
        expect(main_area(citizen).get_by_text("Tidak ada informasi yang cocok dengan pencarian.")).to_be_visible()
        expect(sidebar(citizen).get_by_role("button", name="Keluar")).to_have_count(0)
    finally:
        public.close()

    # The published folder holds the HTML with the title; the public page links it.
    slug = (server.publish_dir / "terkini.txt").read_text().strip()
    html = server.publish_dir / slug / "dip.html"
    assert html.is_file(), sorted(p.name for p in server.publish_dir.rglob("*"))
    assert TITLE in html.read_text(encoding="utf-8")
    assert html_href.endswith(f"/{slug}/dip.html")


@pytest.mark.parametrize("path", list(PAGE_HEADINGS))
def test_a_protected_page_opened_by_url_while_logged_out_shows_the_login_page(
        seeded_server, page, path):
    open_path(page, seeded_server, path)
    expect(heading(page, "Masuk ke SIDIP")).to_be_visible()
    expect(heading(page, PAGE_HEADINGS[path])).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(sidebar(page).get_by_role("button", name="Keluar")).to_have_count(0)


REFUSALS = {"klasifikasi": "Halaman Klasifikasi hanya untuk PPID.",
            "penetapan": "Halaman Penetapan DIP hanya untuk PPID.",
            "persetujuan": "Halaman Persetujuan hanya untuk Atasan PPID.",
            "pengguna": "Halaman Pengguna hanya untuk Administrator.",
            "pengaturan": "Halaman Pengaturan hanya untuk Administrator."}


def test_a_desk_user_opening_other_roles_pages_by_url_reads_the_pages_own_refusal(seeded_server, page):
    login(page, seeded_server, "desk")
    for path, refusal in REFUSALS.items():
        open_path(page, seeded_server, path)
        expect(main_area(page).get_by_text(refusal)).to_be_visible()
        expect(heading(page, PAGE_HEADINGS[path])).to_have_count(0)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        expect(sidebar(page)).to_contain_text(SEEDED_USERS["desk"][2])
        expect(sidebar(page).get_by_role("link", name="Klasifikasi")).to_have_count(0)
    shot(page, "desk-url-lain")


def test_the_login_is_shared_by_tabs_of_one_browser_but_not_by_another_browser(
        browser, seeded_server, context, page):
    login(page, seeded_server, "ppid")
    expect(heading(page, "Beranda")).to_be_visible()

    other = browser.new_context()
    try:
        stranger = other.new_page()
        open_path(stranger, seeded_server, "beranda")
        expect(heading(stranger, "Masuk ke SIDIP")).to_be_visible()
        expect(heading(stranger, "Beranda")).to_have_count(0)
    finally:
        other.close()

    tab = context.new_page()
    open_path(tab, seeded_server, "beranda")
    expect(heading(tab, "Beranda")).to_be_visible()
    expect(sidebar(tab)).to_contain_text(SEEDED_USERS["ppid"][2])
    expect(heading(tab, "Masuk ke SIDIP")).to_have_count(0)


def test_after_a_restart_a_deep_link_goes_through_the_router_and_the_cookie_still_logs_in(
        browser, tmp_path):
    """Streamlit runs pages/*.py directly until st.navigation is first called in the process: the
    first request after a start, if it is a deep link, must still be routed by app.py."""
    cli_add_user(tmp_path, "ppid", "ppid", name="PPID Setelah Restart")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        before = start_server(tmp_path)
        try:
            page = context.new_page()
            login(page, before, "ppid")
            page.close()
        finally:
            before.stop()

        after = start_server(tmp_path)  # same data folder and key; cookies ignore the port
        try:
            tab = context.new_page()
            open_path(tab, after, "klasifikasi")
            expect(heading(tab, "Klasifikasi & Dokumentasi")).to_be_visible()
            expect(sidebar(tab)).to_contain_text("PPID Setelah Restart")
            expect(sidebar(tab).get_by_role("button", name="Keluar")).to_be_visible()
            # The router's menu for a PPID, not one link per file in pages/.
            nav = sidebar(tab)
            expect(nav.get_by_role("link", name="Penetapan DIP")).to_be_visible()
            for other in ("Pengguna", "Pengaturan", "Persetujuan", "pengguna", "penyiapan", "app"):
                expect(nav.get_by_role("link", name=other, exact=True)).to_have_count(0)
        finally:
            after.stop()
    finally:
        context.close()


def test_a_deep_link_opened_logged_out_continues_to_that_page_after_login(seeded_server, page):
    open_path(page, seeded_server, "penetapan")
    expect(heading(page, "Masuk ke SIDIP")).to_be_visible()
    page.get_by_label("Nama pengguna").fill("ppid")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(heading(page, "Penetapan DIP")).to_be_visible()
    assert page.url.endswith("/penetapan")
