"""The grids in headless Chromium: the PPID classifies 20 items in one save, the desk pastes 10 rows.

Rows are pasted as a spreadsheet pastes them: tab-separated text on the clipboard and a paste event on
the selected cell (glide-data-grid reads the clipboard itself, so the context may read it).
Screenshots go to /tmp/sidip-grid-*.png.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_support import (  # noqa: F401  (fixtures are used by name)
    SEEDED_USERS, TIMEOUT_MS, browser, cli_add_user, login, main_area, open_path, settle, shot, start_server,
)
from lib.bootstrap import build_context
from lib.services import items
from tests.conftest import submission

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def grid_server(tmp_path_factory):
    """A server whose desk already submitted 20 items (through the services, before it started)."""
    base = tmp_path_factory.mktemp("sidip-tabel")
    for username, (role, unit, name) in SEEDED_USERS.items():
        cli_add_user(base, username, role, unit=unit, name=name)
    ctx = build_context(base / "data")
    desk = ctx.register.get_user("desk").actor()
    for n in range(20):
        items.submit_new(ctx, desk, submission(f"Informasi tabel {n:02d}"))
    server = start_server(base)
    yield server, ctx
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def open_grid_by_toggle(page, label: str):
    """Turn on the toggle that shows the grid (the grid only loads then) and return the grid."""
    grid = main_area(page).locator('.st-key-grid-klasifikasi [data-testid="stDataFrame"]')
    settle(page)
    if not grid.is_visible():
        main_area(page).get_by_text(label, exact=True).click()
        settle(page)
    expect(grid).to_be_visible()
    return grid


def open_grid(page, expander: str):
    """Open the expander holding the grid (again, if a rerun closed it) and return the grid."""
    details = main_area(page).locator("details").filter(has_text=expander)
    grid = details.locator('[data-testid="stDataFrame"]')
    for _ in range(3):
        settle(page)
        if grid.is_visible():
            break
        details.locator("summary").click()
        page.wait_for_timeout(500)
    expect(grid).to_be_visible()
    return grid


def click_first_cell(page, grid) -> None:
    settle(page)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)  # below the 35-pixel header row
    page.wait_for_timeout(300)


def paste(page, grid, rows: list[list[str]]) -> None:
    """What Ctrl+V after copying cells in a spreadsheet does: TSV on the clipboard, a paste event; then
    wait until the grid's accessible table shows the first pasted cell."""
    text = "\n".join("\t".join(cells) for cells in rows)
    page.evaluate("(t) => navigator.clipboard.writeText(t)", text)
    page.evaluate("() => document.activeElement.dispatchEvent(new ClipboardEvent('paste', {bubbles: true}))")
    expect(grid.locator("td", has_text=rows[0][0]).first).to_be_attached()


def test_the_ppid_classifies_twenty_items_in_the_grid_in_one_save(browser, grid_server, page):
    server, ctx = grid_server
    login(page, server, "ppid")
    open_path(page, server, "klasifikasi")
    grid = open_grid_by_toggle(page, "Klasifikasi banyak sekaligus (tabel)")
    click_first_cell(page, grid)  # Masalah; Status, Judul, then Kategori
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    paste(page, grid, [["berkala", f"Drive PPID/{n:02d}", f"Rak {n}"] for n in range(20)])
    shot(page, "grid-klasifikasi")
    main_area(page).get_by_role("button", name="Simpan semua perubahan").click()
    expect(main_area(page).get_by_text("20 informasi diklasifikasi dan disimpan sekaligus.")).to_be_visible()
    settle(page)
    stored = ctx.register.list_items(ctx.office_id)
    assert [(i.judul, i.status, i.kategori, i.lokasi_softcopy, i.lokasi_hardcopy, i.revision) for i in stored] == [
        (f"Informasi tabel {n:02d}", "diklasifikasi", "berkala", f"Drive PPID/{n:02d}", f"Rak {n}", 2)
        for n in range(20)]
    events = [e for e in ctx.register.events(ctx.office_id) if e.action == "informasi_diklasifikasi"]
    assert sorted(e.entity_id for e in events) == sorted(i.id for i in stored)


def desk_row(n: int, retensi: str = "5 tahun") -> list[str]:
    return [f"Tempelan {n}", "Ringkasan tempelan", "Sekretariat", "Sekretaris", "Sarolangun, 2026",
            "Softcopy", retensi, "2026", "", ""]


def test_the_desk_pastes_ten_rows_and_fixes_the_one_refused_without_retyping_the_rest(browser, grid_server, page):
    server, ctx = grid_server
    before = len(ctx.register.list_items(ctx.office_id))
    login(page, server, "desk")
    open_path(page, server, "permintaan")
    grid = open_grid(page, "Ajukan banyak sekaligus (tempel dari lembar kerja)")
    click_first_cell(page, grid)  # the empty grid's "add row" line: a new row, its editor open
    expect(page.locator("textarea.gdg-input")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("textarea.gdg-input")).to_have_count(0)
    paste(page, grid, [desk_row(n, retensi="" if n == 3 else "5 tahun") for n in range(10)])
    main_area(page).get_by_role("button", name="Ajukan semua ke PPID").click()
    settle(page)
    expect(main_area(page).get_by_text(
        'Tidak ada yang disimpan: 1 baris perlu diperbaiki. Baris 4 "Tempelan 3": Jangka waktu penyimpanan '
        "atau retensi arsip wajib diisi.")).to_be_visible()
    shot(page, "grid-tempel-ditolak")
    assert len(ctx.register.list_items(ctx.office_id)) == before

    grid = main_area(page).locator('[data-testid="stDataFrame"]').first
    click_first_cell(page, grid)  # the grid kept the pasted rows: fix row 4's Retensi only
    for key in ["ArrowDown"] * 3 + ["ArrowRight"] * 6:
        page.keyboard.press(key)
    paste(page, grid, [["7 tahun"]])
    shot(page, "grid-tempel-diperbaiki")
    main_area(page).get_by_role("button", name="Ajukan semua ke PPID").click()
    expect(main_area(page).get_by_text("10 informasi diajukan ke PPID sekaligus.")).to_be_visible()
    settle(page)
    new = ctx.register.list_items(ctx.office_id)[before:]
    assert [(i.judul, i.unit, i.status, i.retensi) for i in new] == [
        (f"Tempelan {n}", "Sekretariat", "diajukan", "7 tahun" if n == 3 else "5 tahun") for n in range(10)]
