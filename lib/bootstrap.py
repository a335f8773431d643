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


def build_context(folder: Path | str | None = None) -> AppContext:
    folder = Path(folder) if folder else data_dir()
    key = secret_key(folder)
    backend = os.environ.get("SIDIP_BACKEND", "local")
    if backend != "local":
        raise SystemExit(f"SIDIP_BACKEND={backend} belum didukung; gunakan 'local'.")
    register = SqliteRegister(folder / "sidip.sqlite3", EventSigner(key))
    register.init()
    publish = os.environ.get("SIDIP_PUBLISH_DIR", str(Path(__file__).resolve().parent.parent / "static" / "dip"))
    return AppContext(register, EventSigner(key), key, publish_dir=publish)
