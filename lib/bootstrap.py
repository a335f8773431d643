"""Composition root: the one place that picks the register adapter and loads the keys."""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from lib.domain.audit import EventSigner
from lib.domain.models import DEFAULT_OFFICE
from lib.errors import ConfigError
from lib.services.context import AppContext
from lib.store.filestore import LocalFileStore
from lib.store.sqlite import SqliteRegister

ROOT = Path(__file__).resolve().parent.parent
MIN_KEY_BYTES = 32
EXAMPLE_KEY = "ganti-dengan-64-karakter-acak"  # the placeholder of .streamlit/secrets.toml.example
NEW_KEY_HINT = "Buat kunci baru: python -c \"import secrets; print(secrets.token_hex(32))\""


def data_dir() -> Path:
    return Path(os.environ.get("SIDIP_DATA_DIR", "data"))


@dataclass(frozen=True)
class SecretKey:
    value: bytes
    source: str  # where it came from, in words: doctor prints it


def resolve_secret_key(folder: Path) -> SecretKey:
    """The one key for the app and the CLI alike: environment, then secrets.toml, then the key file.

    The app and the CLI must sign with the same key: two keys make every event of the other one
    look forged, and a backup restorable with neither.
    """
    if os.environ.get("SIDIP_SECRET_KEY"):
        return _checked(os.environ["SIDIP_SECRET_KEY"], "variabel lingkungan SIDIP_SECRET_KEY")
    found = _secret("SIDIP_SECRET_KEY")
    if found:
        return _checked(str(found), f"{_secrets_path()} (SIDIP_SECRET_KEY)")
    path = folder / "secret.key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(MIN_KEY_BYTES))
    return _checked(path.read_text().strip(), f"berkas {path}")


def secret_key(folder: Path) -> bytes:
    return resolve_secret_key(folder).value


def other_key(given: str) -> SecretKey:
    """Another register's secret key (an office moving in or out): the path of its ``secret.key`` file, or the
    key itself as written there (64 hexadecimal characters). Checked like this register's own."""
    path = Path(given)
    try:
        if path.is_file():
            return _checked(path.read_text(encoding="utf-8"), f"berkas {path}")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"Berkas kunci {path} tidak dapat dibaca.") from err
    if "/" in given or given.endswith(".key"):
        raise ConfigError(f"Berkas kunci {given} tidak ditemukan.")
    return _checked(given, "kunci yang diberikan")

def _checked(text: str, source: str) -> SecretKey:
    """Refuse the example's placeholder and any key with less than 32 random bytes in it."""
    text = text.strip()
    if text == EXAMPLE_KEY:
        raise ConfigError(f"Kunci rahasia dari {source} masih contoh dari secrets.toml.example: siapa pun yang "
                          f"membaca contoh itu dapat memalsukan sesi admin. {NEW_KEY_HINT}")
    if _key_bytes(text) < MIN_KEY_BYTES:
        raise ConfigError(f"Kunci rahasia dari {source} terlalu lemah: paling sedikit {MIN_KEY_BYTES} bita acak "
                          f"(64 karakter heksadesimal). {NEW_KEY_HINT}")
    return SecretKey(text.encode(), source)


def _key_bytes(text: str) -> int:
    """Random bytes a key can hold at most: hex carries 4 bits a character, base64 6, other text 8."""
    if len(set(text)) < 12:
        return 0  # "aaaa…" or "abab…" is long, not random
    if re.fullmatch(r"[0-9a-fA-F]+", text):
        return len(text) // 2
    if re.fullmatch(r"[A-Za-z0-9_\-+/=]+", text):
        return len(text) * 6 // 8
    return len(text.encode())


def _secrets_path() -> Path:
    """Where Streamlit looks: .streamlit/secrets.toml in the working folder, else beside app.py."""
    here = Path(".streamlit/secrets.toml")
    return here if here.exists() else ROOT / ".streamlit" / "secrets.toml"


def _secret(name: str):
    """A value from .streamlit/secrets.toml (read directly: the CLI has no Streamlit runtime)."""
    import tomllib
    path = _secrets_path()
    if not path.exists():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get(name)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} tidak dapat dibaca (TOML tidak sah): {err}.") from err


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


def postgres_register(url: str, key: bytes, backend: str):
    """The PostgreSQL register of SIDIP_DATABASE_URL, its schema brought up to date (as the local one is)."""
    from lib.store.postgres import PostgresRegister
    if backend not in ("local", "postgres"):
        raise SystemExit(f"SIDIP_DATABASE_URL dan SIDIP_BACKEND={backend} tidak dapat dipakai bersama; "
                         "hapus salah satunya.")
    register = PostgresRegister(url, EventSigner(key), int(os.environ.get("SIDIP_DATABASE_POOL", "10")))
    register.init()
    return register


def drive_files(register):
    """Softcopies beside a Google Sheets register: a Drive folder, through the register's authorised session
    (one service account for both). SIDIP_DRIVE_FOLDER_ID names a folder in a shared drive (a service
    account has no storage quota of its own); without it a folder "SIDIP berkas" is found or made."""
    from lib.store.drivestore import DriveFileStore
    folder = os.environ.get("SIDIP_DRIVE_FOLDER_ID") or _secret("SIDIP_DRIVE_FOLDER_ID") or ""
    return DriveFileStore(register.client.http_client.session, folder_id=str(folder))


def configured_register() -> tuple[str, str | None]:
    """(SIDIP_BACKEND, SIDIP_DATABASE_URL) from the environment, else the secrets: which register to open."""
    backend = os.environ.get("SIDIP_BACKEND") or _secret("SIDIP_BACKEND") or "local"
    return backend, os.environ.get("SIDIP_DATABASE_URL") or _secret("SIDIP_DATABASE_URL")


def build_context(folder: Path | str | None = None) -> AppContext:
    folder = Path(folder) if folder else data_dir()
    resolved = resolve_secret_key(folder)
    key = resolved.value
    backend, url = configured_register()
    # Softcopies: beside the register by default; several replicas of one PostgreSQL register share one folder.
    files = LocalFileStore(os.environ.get("SIDIP_FILES_DIR") or folder / "berkas")
    if url:
        register = postgres_register(url, key, backend)
    elif backend == "sheets":
        register = sheets_register(key)
        files = drive_files(register)
    elif backend == "local":
        register = SqliteRegister(folder / "sidip.sqlite3", EventSigner(key))
        register.init()
    else:
        raise SystemExit(f"SIDIP_BACKEND={backend} tidak dikenal; gunakan 'local' atau 'sheets'.")
    publish = os.environ.get("SIDIP_PUBLISH_DIR", str(Path(__file__).resolve().parent.parent / "static" / "dip"))
    office = os.environ.get("SIDIP_OFFICE_ID") or _secret("SIDIP_OFFICE_ID") or DEFAULT_OFFICE
    return AppContext(register, EventSigner(key), key, office_id=str(office), publish_dir=publish,
                      data_dir=str(folder), key_source=resolved.source, files=files)
