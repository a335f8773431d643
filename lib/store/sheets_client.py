"""The few Google Sheets calls the adapter makes, through the real gspread client, with bounded retries.

gspread 6.2.1's BackOffHTTPClient retries a lasting 429 forever: we retry ourselves, a few times, with
exponential backoff and jitter, and then give the user an Indonesian message.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable

import requests
from gspread.exceptions import APIError

from lib.errors import SidipError

RETRY_STATUS = {408, 429, 500, 502, 503, 504}


class SheetsUnavailable(SidipError):
    """Google did not answer usefully after every try; what the user typed is still in the form."""


@dataclass
class RetryPolicy:
    tries: int = 5
    base: float = 0.5
    cap: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep)  # injectable: tests run fast

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.cap, self.base * 2 ** attempt))


def _status(err: Exception) -> int | None:
    if isinstance(err, APIError):
        return err.response.status_code
    return None


def _retryable(err: Exception) -> bool:
    if isinstance(err, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
        return True
    return _status(err) in RETRY_STATUS


def message_for(err: Exception) -> str:
    status = _status(err)
    if status == 429:
        return ("Google Sheets sedang membatasi permintaan (kuota per menit habis). Tunggu satu menit lalu "
                "coba lagi; isian Anda tetap di formulir.")
    if status in (401, 403):
        return ("Akun layanan tidak punya akses ke Google Sheet ini. Bagikan Sheet kepada alamat akun layanan "
                "sebagai Editor (lihat README, bagian Google Sheets).")
    if status == 404:
        return "Google Sheet tidak ditemukan. Periksa kunci Sheet di pengaturan rahasia."
    if status == 400:
        detail = err.response.json().get("error", {}).get("message", "") if hasattr(err, "response") else ""
        return f"Google Sheets menolak perubahan ini: {detail[:200]}. Tidak ada yang berubah."
    return ("Google Sheets tidak dapat dihubungi atau lambat menjawab. Coba lagi sebentar lagi; isian Anda "
            "tetap di formulir.")


def call(policy: RetryPolicy, fn, *args, on_retry: Callable[[], bool] | None = None, **kwargs):
    """Run ``fn``; on a retryable failure wait and try again. ``on_retry`` returning True means the write
    is known to have been applied already (its idempotency key was found): stop and report success."""
    for attempt in range(policy.tries):
        try:
            return fn(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 — classified just below
            if not _retryable(err):
                if _status(err) is not None:
                    raise SheetsUnavailable(message_for(err)) from err
                raise
            if attempt == policy.tries - 1:
                raise SheetsUnavailable(message_for(err)) from err
            policy.sleep(policy.delay(attempt))
            if on_retry is not None and on_retry():
                return None
    raise AssertionError("unreachable")
