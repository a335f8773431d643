"""Manual target, for offices whose website is a central CMS: SIDIP prepares, the officer uploads.

config: ``root``; the files land in ``<root>/manual/<slug>/``. Once uploaded by hand, ``verify``
checks the public copy against the checksum SIDIP recorded; only public hosts are fetched (lib.netguard).
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import requests

from lib.errors import SidipError
from lib.netguard import ALLOW_ENV, NotReached, RefusedAddress, fetch
from lib.publish import Published, Target, folder, register

MAX_BYTES = 20 * 1024 * 1024


def publish(files: dict[str, bytes], slug: str, config: dict, progress=None, latest: bool = True) -> Published:
    root = str(Path(config["root"]) / "manual")
    done = folder.publish(files, slug, {"root": root, "base_url": ""}, progress, latest)
    return dataclasses.replace(done, url="")  # only the officer knows where the CMS will put them


def verify(url: str, expected_sha256: str, timeout: float = 20) -> None:
    """Raise unless the file at ``url`` is byte for byte the one SIDIP prepared."""
    actual = _sha256_of(url, timeout)
    if actual != expected_sha256.strip().lower():
        raise SidipError(f"Berkas di {url} berbeda dari yang disiapkan SIDIP (checksum tidak cocok): "
                         f"diharapkan {expected_sha256.strip()[:12]}…, didapat {actual[:12]}…. "
                         "Unggah ulang berkas dari folder manual.")


def _sha256_of(url: str, timeout: float) -> str:
    if not url.lower().startswith(("http://", "https://")):
        raise SidipError(f"Tautan harus diawali http:// atau https://: \"{url[:80]}\".")
    try:
        with fetch(url, "GET", timeout) as response:
            _check_status(url, response)
            return _digest(url, response)
    except RefusedAddress:
        raise SidipError(f"Alamat {url} menunjuk ke jaringan internal atau alamat yang tidak publik; SIDIP "
                         f"tidak mengambilnya. Catat alamat publik situs PPID (admin dapat mengizinkan host "
                         f"tertentu lewat {ALLOW_ENV}).") from None
    except (NotReached, requests.RequestException, ValueError):
        raise SidipError(f"Berkas di {url} tidak dapat dijangkau. Periksa kembali tautan yang dicatat.") from None


def _check_status(url: str, response: requests.Response) -> None:
    if response.status_code >= 400:
        raise SidipError(f"Berkas di {url} tidak dapat diambil: HTTP {response.status_code}. "
                         "Periksa kembali tautan yang dicatat.")


def _digest(url: str, response: requests.Response) -> str:
    """Hash while reading, stopping at MAX_BYTES: a wrong link may point at something huge."""
    sha, size = hashlib.sha256(), 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BYTES:
            raise SidipError(f"Berkas di {url} lebih dari 20 MB; itu bukan berkas yang disiapkan SIDIP.")
        sha.update(chunk)
    return sha.hexdigest()


register(Target("manual", "Manual (CMS pusat): siapkan berkas, unggah sendiri", publish))
