"""Folder target: files go into a new folder, swapped in last, so no visitor sees a mix."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from lib.publish import Published, Target, register


def publish(files: dict[str, bytes], slug: str, root: str, base_url: str) -> Published:
    target = Path(root)
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target))
    for name, content in files.items():
        (staging / name).write_bytes(content)
    final = target / slug
    if final.exists():
        shutil.rmtree(final)
    os.replace(staging, final)
    _point_latest(target, slug)
    sums = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    return Published(f"{base_url.rstrip('/')}/{slug}/dip.html", sorted(files), sums)


def _point_latest(root: Path, slug: str) -> None:
    """'terkini.txt' names the current folder; replaced atomically."""
    tmp = root / ".terkini.tmp"
    tmp.write_text(slug)
    os.replace(tmp, root / "terkini.txt")


register(Target("folder", "Folder publikasi (disajikan di /app/static/dip)", publish))
