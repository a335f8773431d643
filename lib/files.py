"""Files written whole or not at all, with modes set explicitly, and paths kept inside their folder.

A file is written to a temporary name in its own folder, flushed and fsynced, then renamed over
the final name: a reader (or a crash, or a full disk) sees the old file or the new one, never
half of one. Modes never depend on the umask: public files 0644 in 0755 folders, private ones
(register, backups, keys, attachments) 0600 in 0700 folders.
"""
from __future__ import annotations

import errno
import os
import re
import sqlite3
import tempfile
from pathlib import Path

from lib.errors import SidipError, StorageFull

PUBLIC_FILE, PUBLIC_DIR = 0o644, 0o755
PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_DISK_WORDS = ("database or disk is full", "disk i/o error")


def storage_full(what: str) -> StorageFull:
    return StorageFull(f"Penyimpanan penuh: {what} tidak dapat ditulis; tidak ada yang berubah. "
                       "Kosongkan ruang disk lalu ulangi.")


def is_disk_error(err: BaseException) -> bool:
    """A full disk (or quota), or SQLite's words for one; other errors are not about space."""
    if isinstance(err, OSError) and err.errno in _FULL:
        return True
    text = str(err).lower()
    return isinstance(err, sqlite3.OperationalError) and any(w in text for w in _DISK_WORDS)


def make_dir(path: Path | str, mode: int = PUBLIC_DIR) -> Path:
    """Create the folder (and missing parents with the same mode) and set its mode, whatever the umask."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for created in (*missing, path):
        os.chmod(created, mode)
    return path


def write_atomic(path: Path | str, data: bytes, mode: int = PUBLIC_FILE, what: str | None = None) -> Path:
    """Replace ``path`` by ``data`` in one step; on any failure the old file (or none) stays, no temp file."""
    path = Path(path)
    what = what or f"berkas {path.name}"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            os.fchmod(fd, mode)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as err:
        _remove_quietly(tmp)
        if is_disk_error(err):
            raise storage_full(what) from err
        raise
    _sync_dir(path.parent)
    return path


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _sync_dir(folder: Path) -> None:
    """The rename itself is durable only once the folder is synced (best effort: not every system can)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: Path | str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def inside(root: Path | str, *parts: str) -> Path:
    """``root/part/…`` resolved, refused unless it stays inside ``root`` (no '..', no absolute part, no link out)."""
    base = Path(root).resolve()
    candidate = base.joinpath(*parts).resolve()
    if candidate == base or not candidate.is_relative_to(base):
        shown = "/".join(parts)[:120]
        raise SidipError(f"Nama \"{shown}\" tidak boleh dipakai: jalurnya keluar dari folder {base.name}. "
                         "Tidak ada berkas yang ditulis.")
    return candidate


# -- ids that become folder and file names ---------------------------------------------------
GENERATED_ID = re.compile(r"[a-z]+-[0-9]{20}-[0-9a-f]{8}")   # lib.domain.models.new_id
OFFICE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")         # e.g. "kpu-sarolangun"


def check_id(value: str, what: str = "Kode") -> str:
    """A record id as SIDIP makes it; anything else (e.g. "../../x" in an edited backup) is refused."""
    if not isinstance(value, str) or not GENERATED_ID.fullmatch(value):
        raise SidipError(f"{what} \"{str(value)[:80]}\" tidak sah: kode dibuat SIDIP dalam bentuk "
                         "awalan-20angka-8heksadesimal (misalnya dip-20260317020000000000-1a2b3c4d).")
    return value


def check_office_id(value: str) -> str:
    if not isinstance(value, str) or len(value) > 64 or not OFFICE_ID.fullmatch(value):
        raise SidipError(f"Kode kantor \"{str(value)[:80]}\" tidak sah: hanya huruf kecil, angka dan tanda "
                         "hubung (misalnya kpu-sarolangun).")
    return value
