"""Composition root: the one place that picks the register adapter and loads the keys."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from lib.domain.audit import EventSigner
from lib.services.context import AppContext
from lib.store.sqlite import SqliteRegister


def data_dir() -> Path:
    return Path(os.environ.get("SIDIP_DATA_DIR", "data"))


def secret_key(folder: Path) -> bytes:
    """From SIDIP_SECRET_KEY, else a random key kept (0600) in the data folder."""
    if os.environ.get("SIDIP_SECRET_KEY"):
        return os.environ["SIDIP_SECRET_KEY"].encode()
    path = folder / "secret.key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def _secret(name: str):
    """A value from .streamlit/secrets.toml (read directly: the CLI has no Streamlit runtime)."""
    import tomllib
    path = Path(".streamlit/secrets.toml")
    if not path.exists():
        return None
    return tomllib.loads(path.read_text()).get(name)


def sheets_register(key: bytes):
    """The Google Sheets register: service-account key from SIDIP_GOOGLE_CREDENTIALS (a JSON file) or the
    [gcp_service_account] table of the secrets; the Sheet from SIDIP_SHEETS_KEY."""
    import gspread
    from lib.store.sheets import SheetsRegister
    sheet = os.environ.get("SIDIP_SHEETS_KEY") or _secret("SIDIP_SHEETS_KEY")
    if not sheet:
        raise SystemExit("SIDIP_SHEETS_KEY (kunci Google Sheet) belum diisi; lihat README bagian Google Sheets.")
    path = os.environ.get("SIDIP_GOOGLE_CREDENTIALS")
    client = (gspread.service_account(filename=path) if path
              else gspread.service_account_from_dict(dict(_secret("gcp_service_account") or {})))
    client.set_timeout(30)
    return SheetsRegister(client, sheet, EventSigner(key), key)


def build_context(folder: Path | str | None = None) -> AppContext:
    folder = Path(folder) if folder else data_dir()
    key = secret_key(folder)
    backend = os.environ.get("SIDIP_BACKEND") or _secret("SIDIP_BACKEND") or "local"
    if backend == "sheets":
        register = sheets_register(key)
    elif backend == "local":
        register = SqliteRegister(folder / "sidip.sqlite3", EventSigner(key))
        register.init()
    else:
        raise SystemExit(f"SIDIP_BACKEND={backend} tidak dikenal; gunakan 'local' atau 'sheets'.")
    publish = os.environ.get("SIDIP_PUBLISH_DIR", str(Path(__file__).resolve().parent.parent / "static" / "dip"))
    return AppContext(register, EventSigner(key), key, publish_dir=publish, data_dir=str(folder))
