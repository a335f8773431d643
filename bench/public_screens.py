"""Screenshots of the published list on a phone (390 px) and a laptop (1366 px), for docs/.

Run: python bench/public_screens.py [--out docs]   (not a test; needs Chromium at /usr/bin/chromium)

The sample version of tests/test_public_mobile.py (38 items, uploaded to the folder target) is built
on a temporary register; the HTML export is opened from the publish folder, the Streamlit page from
a real server. Writes dip-html-390.png, dip-html-1366.png, dip-page-390.png, dip-page-1366.png and
dip-page-1366-tabel.png, each the first 2,500 px (phone) or 1,600 px (laptop).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from lib.bootstrap import build_context  # noqa: E402
from tests.browser_support import launch_browser, open_path, settle, start_server  # noqa: E402
from tests.test_public_mobile import publish_sample  # noqa: E402

SHOTS = {390: 2500, 1366: 1600}  # width: height captured


def html_shots(browser, folder: Path, out: Path) -> None:
    for width, height in SHOTS.items():
        page = browser.new_page(viewport={"width": width, "height": 844 if width == 390 else 768})
        page.goto((folder / "dip.html").as_uri())
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(out / f"dip-html-{width}.png"), full_page=True, clip=clip)
        page.close()


def page_shots(browser, server, out: Path) -> None:
    """Streamlit scrolls inside its main area, so a tall window stands in for a full-page shot."""
    for width, height in SHOTS.items():
        page = browser.new_page(viewport={"width": width, "height": height})
        open_path(page, server, "dip")
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / f"dip-page-{width}.png"))
        if width == 1366:
            page.get_by_text("Tabel", exact=True).click()
            settle(page)
            page.wait_for_timeout(800)
            page.screenshot(path=str(out / "dip-page-1366-tabel.png"))
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    out = Path(parser.parse_args().out)
    with tempfile.TemporaryDirectory(prefix="sidip-layar-") as tmp:
        base = Path(tmp)
        ctx = dataclasses.replace(build_context(base / "data"), publish_dir=str(base / "publik"))
        publish_sample(ctx)
        folder = base / "publik" / (base / "publik" / "terkini.txt").read_text()
        server = start_server(base)
        try:
            with sync_playwright() as playwright:
                browser = launch_browser(playwright)
                html_shots(browser, folder, out)
                page_shots(browser, server, out)
                browser.close()
        finally:
            server.stop()
    for path in sorted(out.glob("dip-*-*.png")):
        print(f"{path.name}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
