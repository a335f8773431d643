"""Link checker for the ``tautan`` and softcopy fields: which recorded links still open?

Only public hosts are contacted (lib.netguard); an internal address gets no request at all."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lib.netguard import ALLOW_ENV, NotReached, RefusedAddress, fetch

REFUSED = ("Alamat jaringan internal atau tidak publik: tidak diperiksa (admin dapat mengizinkan host "
           f"tertentu lewat {ALLOW_ENV})")
RETRY_WITH_GET = {403, 405, 501}  # servers that refuse or do not implement HEAD
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    status: int | None
    message: str


def links_of(text: str) -> list[str]:
    """The http(s) links in a field holding one link per line; other text is skipped."""
    return [_trim(url) for url in _URL.findall(text or "")]


def _trim(url: str) -> str:
    """Drop punctuation that ends the sentence around a link, not the link itself."""
    url = url.rstrip(".,;:!?\"'>")
    return url[:-1] if url.endswith(")") and "(" not in url else url


def check_links(urls: list[str], timeout: float = 10, workers: int = 8) -> list[LinkResult]:
    """One result per distinct URL, in the order first given; checked in parallel."""
    unique = list(dict.fromkeys(u.strip() for u in urls if u.strip()))
    if not unique:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(unique)))) as pool:
        return list(pool.map(lambda url: check_link(url, timeout), unique))


def check_link(url: str, timeout: float = 10) -> LinkResult:
    """Reachable, unreachable or an HTTP status: no timings or socket errors (they would map ports)."""
    if not url.lower().startswith(("http://", "https://")):
        return LinkResult(url, False, None, "Bukan tautan http/https")
    try:
        status, final = _fetch(url, timeout)
    except RefusedAddress:
        return LinkResult(url, False, None, REFUSED)
    except (NotReached, ValueError):
        return LinkResult(url, False, None, "Tidak dapat dijangkau")
    return LinkResult(url, status < 400, status, _message(url, status, final))


def _fetch(url: str, timeout: float) -> tuple[int, str]:
    """HEAD first; GET without reading the body when the server will not answer HEAD."""
    with fetch(url, "HEAD", timeout) as response:
        if response.status_code not in RETRY_WITH_GET:
            return response.status_code, response.url
    with fetch(url, "GET", timeout) as response:
        return response.status_code, response.url


def _message(url: str, status: int, final: str) -> str:
    if status >= 400:
        return f"HTTP {status}"
    return "Dapat dibuka" if final == url else f"Dapat dibuka (dialihkan ke {final})"
