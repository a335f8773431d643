"""Helpers for the end-to-end browser tests: a real Streamlit server and headless Chromium.

Used by tests/test_browser.py only. The server runs `streamlit run app.py` from the project root
on a free local port, with its own data and publish folders under a temporary directory.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from tests.ci_support import free_port, skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SETUP_LINE = re.compile(r"SIDIP kode penyiapan admin pertama: ([0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6})")
HEALTH_TIMEOUT = 60.0
PASSWORD = "rahasia-panjang-1"


def require_chromium() -> None:
    """Skip when Chromium is missing locally; in CI (CI=true) a missing browser is a failure."""
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium tidak ditemukan di {CHROMIUM}: tes browser tidak dapat dijalankan."
    skip_or_fail(reason)


def server_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SIDIP_SECRET_KEY", None)  # a random key kept in the temporary data folder
    env.pop("SIDIP_BACKEND", None)
    env["SIDIP_DATA_DIR"] = str(base / "data")
    env["SIDIP_PUBLISH_DIR"] = str(base / "publik")
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def cli_add_user(base: Path, username: str, role: str, unit: str = "", name: str = "",
                 password: str = PASSWORD) -> None:
    """Create a user with `python -m lib.cli user add` against the server's data folder."""
    cmd = [sys.executable, "-m", "lib.cli", "user", "add", username, "--role", role,
           "--password-stdin"]
    if unit:
        cmd += ["--unit", unit]
    if name:
        cmd += ["--name", name]
    done = subprocess.run(cmd, cwd=ROOT, env=server_env(base), input=password + "\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"CLI user add {username} gagal: {done.stdout}{done.stderr}"


@dataclass
class Server:
    base: Path
    port: int
    proc: subprocess.Popen
    log_path: Path
    _log: object = field(repr=False, default=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def publish_dir(self) -> Path:
        return self.base / "publik"

    def page_url(self, path: str = "") -> str:
        return f"{self.url}/{path.lstrip('/')}"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_setup_code(self, timeout: float = 30.0) -> str:
        """The code is printed when the first browser session runs the app (not at start-up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = SETUP_LINE.search(self.output())
            if found:
                return found.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"Kode penyiapan tidak muncul di konsol server:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()


def launch_app(base: Path, env: dict[str, str]) -> Server:
    """`streamlit run app.py` on a free port of 127.0.0.1, not yet waited for (replicas start side by side)."""
    base.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = base / f"server-{port}.log"
    log = open(log_path, "w", buffering=1)
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return Server(base, port, proc, log_path, log)


def wait_healthy(url: str, proc: subprocess.Popen, output, stop, timeout: float) -> None:
    """Until ``url`` answers 200; a process that ends, or the timeout, stops it and fails with its output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            stop()
            raise AssertionError(f"{url}: proses berhenti (kode {proc.returncode}):\n{output()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.25)
    stop()
    raise AssertionError(f"{url} tidak siap dalam {timeout:.0f} detik:\n{output()[-3000:]}")


def start_server(base: Path) -> Server:
    """Start `streamlit run app.py` and wait until /_stcore/health answers (at most 60 s)."""
    server = launch_app(base, server_env(base))
    wait_healthy(f"{server.url}/_stcore/health", server.proc, server.output, server.stop, HEALTH_TIMEOUT)
    return server


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


# -- fixtures (imported by tests/test_browser.py) ----------------------------------------------
@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module; every test opens its own contexts."""
    require_chromium()
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """A server on an empty register: the first visitor sees Penyiapan."""
    require_chromium()
    server = start_server(tmp_path_factory.mktemp("sidip-baru"))
    yield server
    server.stop()


SEEDED_USERS = {  # username: (role, unit, full name)
    "admin": ("admin", "", "Admin Uji"),
    "ppid": ("ppid", "", "PPID Uji"),
    "atasan": ("atasan", "", "Atasan Uji"),
    "desk": ("desk", "Sekretariat", "Desk Sekretariat Uji"),
}


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory):
    """A server whose users were made with the CLI before it started (independent of the SOP test)."""
    require_chromium()
    base = tmp_path_factory.mktemp("sidip-berisi")
    for username, (role, unit, name) in SEEDED_USERS.items():
        cli_add_user(base, username, role, unit=unit, name=name)
    server = start_server(base)
    yield server
    server.stop()


# -- page helpers -------------------------------------------------------------------------------
TIMEOUT_MS = 20_000


def settle(page) -> None:
    """Wait until the Streamlit script run is over (connected, not running, no status widget)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]',
                           timeout=TIMEOUT_MS)
    page.wait_for_timeout(150)  # let a just-sent rerun request reach the app state
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=TIMEOUT_MS)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT_MS)


def open_path(page, server: Server, path: str = "") -> None:
    page.goto(server.page_url(path))
    settle(page)


def main_area(page):
    return page.locator('[data-testid="stMain"]')


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def heading(page, text: str):
    """The page's own title (st.title renders an h1)."""
    return main_area(page).get_by_role("heading", name=text, exact=True)


def form(page, submit: str):
    """The st.form that holds the submit button `submit`."""
    return page.locator('[data-testid="stForm"]').filter(
        has=page.get_by_role("button", name=submit, exact=True))


def choose(page, scope, label: str, option) -> None:
    """Pick `option` (text or compiled regex) in the selectbox/multiselect labelled `label`."""
    widget = scope.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True))
    expect(widget).to_have_count(1)
    multi = widget.get_attribute("data-testid") == "stMultiSelect"
    settle(page)
    combobox = widget.locator('[role="combobox"]').first
    wanted = page.get_by_role("option", name=option).first
    for attempt in range(3):
        # The list closes when its scroll container moves: scroll first, then open it.
        combobox.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        combobox.click()
        try:
            wanted.wait_for(state="visible", timeout=3000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    wanted.click()
    if multi:
        page.keyboard.press("Escape")  # the list stays open after a pick
    expect(page.get_by_role("listbox")).to_have_count(0)
    settle(page)  # a selectbox outside a form reruns the script


def login(page, server: Server, username: str, password: str = PASSWORD) -> None:
    open_path(page, server)
    expect(heading(page, "Masuk ke SIDIP")).to_be_visible()
    page.get_by_label("Nama pengguna", exact=True).fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(sidebar(page).get_by_role("button", name="Keluar")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)


def logout(page) -> None:
    sidebar(page).get_by_role("button", name="Keluar").click()
    expect(heading(page, "Masuk ke SIDIP")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)


def shot(page, name: str) -> str:
    path = f"/tmp/sidip-{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def fill_classification(page, title: str, softcopy) -> object:
    """On Klasifikasi: pick ``title``, make it berkala with both locations, attach ``softcopy`` (not saved yet);
    returns the form."""
    from lib.domain.models import CATEGORIES
    choose(page, main_area(page), "Pilih informasi", re.compile(re.escape(title)))
    klas = form(page, "Simpan klasifikasi")
    choose(page, klas, "Kategori", CATEGORIES["berkala"])
    klas.get_by_label("Lokasi softcopy", exact=True).fill("Disimpan di SIDIP")
    klas.get_by_label("Lokasi hardcopy", exact=True).fill("Lemari arsip 2")
    klas.locator('input[type="file"]').set_input_files(str(softcopy))
    return klas
