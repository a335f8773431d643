"""Folder target: files go into a new folder, swapped in last, so no visitor sees a mix.

config: ``root`` (the folder), ``base_url`` (where a web server, or Streamlit's static route, serves it).
Everything published is readable by a web server running as another user (files 0644, folders
0755, whatever the umask); a failure, a full disk included, leaves the public folder as it was.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

from lib.errors import SidipError
from lib.files import PUBLIC_DIR, PUBLIC_FILE, inside, is_disk_error, make_dir, storage_full, write_atomic
from lib.publish import Published, Target, describe, register

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")  # no '/', no '..', no hidden names
MAX_DEPTH = 3  # berkas/<item id>/<file name>


def publish(files: dict[str, bytes], slug: str, config: dict, progress=None, latest: bool = True) -> Published:
    """``latest=False`` publishes a folder that is not a version (the items' files) and leaves terkini.txt."""
    root = make_dir(config["root"], PUBLIC_DIR)
    final = checked_path(root, slug)
    for name in files:
        nested_path(final, name)
    staging = root / f".staging-{slug}-{secrets.token_hex(4)}"
    try:
        make_dir(staging, PUBLIC_DIR)
        _write_all(staging, files, progress)
        _swap_in(staging, final, root / f".old-{slug}-{secrets.token_hex(4)}")
    except BaseException as err:
        shutil.rmtree(staging, ignore_errors=True)
        if is_disk_error(err):
            raise storage_full(f"berkas publikasi {slug}") from err
        raise
    if latest:
        _point_latest(root, slug)
    return describe(files, f"{config['base_url'].rstrip('/')}/{slug}/dip.html")


def checked_path(folder: Path, name: str) -> Path:
    """``folder/name`` for a plain name that stays inside ``folder``; anything else is refused."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise SidipError(f"Nama \"{str(name)[:80]}\" tidak boleh dipakai sebagai nama folder atau berkas "
                         "publikasi (hanya huruf, angka, titik, garis bawah dan tanda hubung). "
                         "Tidak ada yang diterbitkan.")
    return inside(folder, name)


def nested_path(folder: Path, name: str) -> Path:
    """``folder/a/b/c`` for a name of at most MAX_DEPTH plain parts (item pages, items' files)."""
    parts = name.split("/") if isinstance(name, str) else [name]
    if len(parts) > MAX_DEPTH:
        parts = [name]  # too deep: refused below as not a plain name
    path = folder
    for part in parts:
        path = checked_path(path, part)
    return path


def _write_all(staging: Path, files: dict[str, bytes], progress) -> None:
    for n, (name, content) in enumerate(files.items(), start=1):
        path = nested_path(staging, name)
        make_dir(path.parent, PUBLIC_DIR)
        write_atomic(path, content, PUBLIC_FILE)
        if progress:
            progress(n / len(files), name)


def _swap_in(staging: Path, final: Path, aside: Path) -> None:
    """Move staging to final; an existing final goes aside first and comes back if the move fails."""
    present = final.exists()
    if present:
        os.replace(final, aside)
    try:
        os.replace(staging, final)
    except BaseException:
        if present:
            os.replace(aside, final)
        raise
    if present:
        shutil.rmtree(aside, ignore_errors=True)


def _point_latest(root: Path, slug: str) -> None:
    """'terkini.txt' names the current folder; replaced atomically."""
    write_atomic(root / "terkini.txt", slug.encode(), PUBLIC_FILE, what="terkini.txt")


register(Target("folder", "Folder publikasi (disajikan di /app/static/dip)", publish))
