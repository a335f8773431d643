"""Link checker for the ``tautan`` and softcopy fields: which recorded links still open?"""
from __future__ import annotations

import re
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

HEADERS = {"User-Agent": "SIDIP-linkcheck/1.0 (PPID)"}
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
    if not url.lower().startswith(("http://", "https://")):
        return LinkResult(url, False, None, "Bukan tautan http/https")
    try:
        status, final = _fetch(url, timeout)
    except requests.Timeout:
        return LinkResult(url, False, None, "Batas waktu habis")
    except requests.TooManyRedirects:
        return LinkResult(url, False, None, "Terlalu banyak pengalihan")
    except requests.RequestException as err:
        return LinkResult(url, False, None, f"Tidak dapat dihubungi: {reason(err)}")
    return LinkResult(url, status < 400, status, _message(url, status, final))


def _fetch(url: str, timeout: float) -> tuple[int, str]:
    """HEAD first; GET without reading the body when the server will not answer HEAD."""
    with requests.head(url, timeout=timeout, allow_redirects=True, headers=HEADERS) as response:
        if response.status_code not in RETRY_WITH_GET:
            return response.status_code, response.url
    with requests.get(url, timeout=timeout, stream=True, headers=HEADERS) as response:
        return response.status_code, response.url


def _message(url: str, status: int, final: str) -> str:
    if status >= 400:
        return f"HTTP {status}"
    return "Dapat dibuka" if final == url else f"Dapat dibuka (dialihkan ke {final})"


def reason(err: BaseException) -> str:
    """The root cause of a requests error, in a few words instead of urllib3's nested repr."""
    causes = list(_chain(err))
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return "sambungan ditolak"
        if isinstance(cause, socket.gaierror):
            return "nama server tidak ditemukan"
        if isinstance(cause, ssl.SSLError):
            return "sertifikat atau TLS server bermasalah"
    if isinstance(err, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema)):
        return "tautan tidak sah"
    return next((c.strerror for c in reversed(causes) if getattr(c, "strerror", None)), type(err).__name__)


def _chain(err: BaseException | None):
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield err
        err = err.__cause__ or err.__context__ or _wrapped(err)


def _wrapped(err: BaseException) -> BaseException | None:
    """requests puts urllib3's error in args, and urllib3 its own cause in ``reason``."""
    inner = getattr(err, "reason", None) or (err.args[0] if err.args else None)
    return inner if isinstance(inner, BaseException) else None
