"""Folder target: files go into a new folder, swapped in last, so no visitor sees a mix.

config: ``root`` (the folder), ``base_url`` (where a web server, or Streamlit's static route, serves it).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from lib.publish import Published, Target, describe, register


def publish(files: dict[str, bytes], slug: str, config: dict, progress=None) -> Published:
    target = Path(config["root"])
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target))
    for n, (name, content) in enumerate(files.items(), start=1):
        (staging / name).write_bytes(content)
        if progress:
            progress(n / len(files), name)
    final = target / slug
    if final.exists():  # a re-run: move the old copy aside first, then swap
        old = target / f".old-{slug}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, final)
    _point_latest(target, slug)
    return describe(files, f"{config['base_url'].rstrip('/')}/{slug}/dip.html")


def _point_latest(root: Path, slug: str) -> None:
    """'terkini.txt' names the current folder; replaced atomically."""
    tmp = root / ".terkini.tmp"
    tmp.write_text(slug)
    os.replace(tmp, root / "terkini.txt")


register(Target("folder", "Folder publikasi (disajikan di /app/static/dip)", publish))
