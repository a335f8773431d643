"""Softcopy files in a Google Drive folder of the register's service account (Drive API v3, plain REST).

The calls go through the authorised session gspread already holds (google-auth's AuthorizedSession), so
the Sheet and the files share one key. Only four calls are used: files.list (find a folder, find a file
by its hash), files.create (a folder), a media upload (multipart up to 5 MB, resumable above) and
files.get (metadata, or the bytes with alt=media). tests/DRIVE_BEHAVIOURS.md lists what each relies on.

A file is named by its SHA-256 and carries it in ``appProperties`` (private to this app): ``put`` looks
the hash up first, so storing the same bytes twice, or retrying an upload whose answer was lost, never
makes a second copy. Files of an office live in a folder ``<office>`` inside the SIDIP folder: either a
folder chosen by id (a shared drive's folder: a service account has no storage quota of its own) or
one named ``SIDIP berkas`` that is found or created.
"""
from __future__ import annotations

import json
import random
import threading
import uuid
from dataclasses import dataclass
from typing import Callable

import requests

from lib.errors import SidipError
from lib.files import check_office_id
from lib.store.filestore import SHA256, FileStore, sha256_of
from lib.store.sheets_client import RetryPolicy

FILES_URL = "https://www.googleapis.com/drive/v3/files"
UPLOAD_URL = "https://www.googleapis.com/upload/drive/v3/files"
FOLDER_MIME = "application/vnd.google-apps.folder"
ROOT_FOLDER_NAME = "SIDIP berkas"
MULTIPART_LIMIT = 5 * 1024 * 1024      # Google: multipart for 5 MB or less, resumable above
CHUNK = 8 * 256 * 1024                 # resumable chunks are multiples of 256 KiB
RETRY_STATUS = {408, 429, 500, 502, 503, 504}
RATE_REASONS = {"userRateLimitExceeded", "rateLimitExceeded"}  # a 403 that is a quota, not a refusal
TIMEOUT = 60
_COMMON = {"supportsAllDrives": "true"}


class DriveUnavailable(SidipError):
    """Google Drive did not answer usefully after every try."""


@dataclass
class DriveRetry(RetryPolicy):
    """Google's Drive guide: wait 2^n seconds plus up to a second of random jitter, truncated at a maximum."""
    base: float = 1.0
    cap: float = 32.0

    def delay(self, attempt: int) -> float:
        return min(self.cap, self.base * 2 ** attempt) + random.uniform(0, 1)


class DriveFileStore(FileStore):
    def __init__(self, session: requests.Session, folder_id: str = "", retry: DriveRetry | None = None,
                 chunk: int = CHUNK, multipart_limit: int = MULTIPART_LIMIT):
        self.session = session
        self.folder_id = folder_id
        self.retry = retry or DriveRetry()
        self.chunk, self.multipart_limit = chunk, multipart_limit
        self._folders: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- the port -------------------------------------------------------------------------------------
    def put(self, office_id: str, data: bytes, sha256: str) -> str:
        check_office_id(office_id)
        if not SHA256.fullmatch(sha256 or "") or sha256_of(data) != sha256:
            raise SidipError("Sidik SHA-256 berkas tidak cocok dengan isinya; berkas tidak disimpan.")
        folder = self._office_folder(office_id)
        found = self._find_by_hash(folder, sha256)
        if found:
            return found["id"]
        meta = {"name": sha256, "parents": [folder], "description": f"SIDIP sha256:{sha256}",
                "appProperties": {"sidip_sha256": sha256, "sidip_office": office_id}}
        upload = self._multipart if len(data) <= self.multipart_limit else self._resumable
        # A create whose answer was lost may have happened: look the hash up before trying again.
        return self._call(lambda: upload(meta, data), lambda: self._find_by_hash(folder, sha256))["id"]

    def get(self, storage_ref: str) -> bytes:
        self._check_ref(storage_ref)
        response = self._call(lambda: self._request("GET", f"{FILES_URL}/{storage_ref}",
                                                    params={"alt": "media", **_COMMON}), missing_ok=True)
        if response is None:
            raise SidipError(f"Berkas {storage_ref} tidak ada di Google Drive ({self.describe()}): mungkin "
                             "dihapus atau dipindahkan di Drive.")
        return response.content

    def exists(self, storage_ref: str) -> bool:
        return self.content_sha256(storage_ref) is not None

    def content_sha256(self, storage_ref: str) -> str | None:
        """The SHA-256 Google computed over the stored bytes (None when the file is gone or in the
        trash): doctor checks every file without downloading it."""
        try:
            self._check_ref(storage_ref)
        except SidipError:
            return None
        info = self._call(lambda: self._json("GET", f"{FILES_URL}/{storage_ref}",
                                             params={"fields": "id,trashed,sha256Checksum", **_COMMON}),
                          missing_ok=True)
        if info is None or info.get("trashed"):
            return None
        return info.get("sha256Checksum", "")

    def describe(self) -> str:
        where = f"folder {self.folder_id}" if self.folder_id else f"folder \"{ROOT_FOLDER_NAME}\""
        return f"Google Drive, {where}"

    # -- folders and lookups --------------------------------------------------------------------------
    def _office_folder(self, office_id: str) -> str:
        with self._lock:  # one find-or-create at a time in this process
            if office_id not in self._folders:
                root = self.folder_id or self._folder(ROOT_FOLDER_NAME, "root")
                self._folders[office_id] = self._folder(office_id, root)
            return self._folders[office_id]

    def _folder(self, name: str, parent: str) -> str:
        q = (f"name = '{_quote(name)}' and mimeType = '{FOLDER_MIME}' and '{_quote(parent)}' in parents "
             "and trashed = false")
        # Drive names are not unique: two processes may each make the folder. The oldest is the one
        # every process then uses, so their files meet again.
        found = self._list(q, order="createdTime")
        if found:
            return found[0]["id"]
        meta = {"name": name, "mimeType": FOLDER_MIME, "parents": [parent]}
        return self._call(lambda: self._json("POST", FILES_URL, params={"fields": "id", **_COMMON}, json=meta),
                          lambda: (self._list(q, order="createdTime") or [None])[0])["id"]

    def _find_by_hash(self, folder: str, sha256: str) -> dict | None:
        q = (f"'{_quote(folder)}' in parents and appProperties has {{ key='sidip_sha256' and "
             f"value='{sha256}' }} and trashed = false")
        for candidate in self._list(q, "files(id,sha256Checksum)"):
            if candidate.get("sha256Checksum", sha256) == sha256:  # a hand-replaced revision is not ours
                return candidate
        return None

    def _list(self, q: str, fields: str = "files(id)", order: str = "") -> list[dict]:
        found, token = [], None
        while True:
            params = {"q": q, "fields": f"nextPageToken,{fields}", "pageSize": "100",
                      "includeItemsFromAllDrives": "true", **_COMMON, **({"orderBy": order} if order else {})}
            if token:
                params["pageToken"] = token
            page = self._call(lambda: self._json("GET", FILES_URL, params=params))
            found += page.get("files", [])
            token = page.get("nextPageToken")
            if not token:
                return found

    # -- uploads ----------------------------------------------------------------------------------------
    def _multipart(self, meta: dict, data: bytes) -> dict:
        boundary = f"sidip-{uuid.uuid4().hex}"
        body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{json.dumps(meta)}\r\n"
                f"--{boundary}\r\nContent-Type: application/octet-stream\r\n\r\n").encode() + data + \
            f"\r\n--{boundary}--".encode()
        return self._json("POST", UPLOAD_URL, data=body,
                          params={"uploadType": "multipart", "fields": "id", **_COMMON},
                          headers={"Content-Type": f"multipart/related; boundary={boundary}"})

    def _resumable(self, meta: dict, data: bytes) -> dict:
        start = self._request("POST", UPLOAD_URL, json=meta,
                              params={"uploadType": "resumable", "fields": "id", **_COMMON},
                              headers={"X-Upload-Content-Type": "application/octet-stream",
                                       "X-Upload-Content-Length": str(len(data))})
        session_uri, sent, failures = start.headers["Location"], 0, 0
        while True:
            piece = data[sent:sent + self.chunk]
            try:
                answer = self._request("PUT", session_uri, data=piece, headers={
                    "Content-Range": f"bytes {sent}-{sent + len(piece) - 1}/{len(data)}"})
            except _Missing:
                raise _Retryable(None) from None  # the session expired: start the upload again
            except _Retryable:
                failures += 1
                if failures >= self.retry.tries:
                    raise
                self.retry.sleep(self.retry.delay(failures - 1))
                sent = self._received(session_uri, len(data))  # ask how much arrived, then go on from there
                continue
            if answer.status_code != 308:
                return answer.json()
            sent = _range_end(answer.headers.get("Range"))

    def _received(self, session_uri: str, total: int) -> int:
        def ask():
            answer = self._request("PUT", session_uri, headers={"Content-Range": f"bytes */{total}"})
            if answer.status_code != 308:
                raise DriveUnavailable("Google Drive menyelesaikan unggahan yang tidak diduga; coba lagi.")
            return _range_end(answer.headers.get("Range"))
        return self._call(ask)

    # -- HTTP ----------------------------------------------------------------------------------------------
    def _json(self, method: str, url: str, **kw) -> dict:
        return self._request(method, url, **kw).json()

    def _request(self, method: str, url: str, **kw) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=TIMEOUT, **kw)
        except (requests.ConnectionError, requests.Timeout) as err:
            raise _Retryable(None) from err
        if response.status_code in RETRY_STATUS or _rate_limited(response):
            raise _Retryable(response)
        if response.status_code == 404:
            raise _Missing(response)
        if response.status_code >= 400:
            raise DriveUnavailable(_message(response))
        return response

    def _call(self, fn, done: Callable[[], dict | None] | None = None, missing_ok: bool = False):
        for attempt in range(self.retry.tries):
            try:
                return fn()
            except _Missing as err:
                if missing_ok:
                    return None
                raise DriveUnavailable(_message(err.response)) from None
            except _Retryable as err:
                if attempt == self.retry.tries - 1:
                    raise DriveUnavailable(_message(err.response)) from None
                self.retry.sleep(self.retry.delay(attempt))
                applied = done() if done else None
                if applied:
                    return applied
        raise AssertionError("unreachable")

    @staticmethod
    def _check_ref(storage_ref: str) -> None:
        if not storage_ref or not all(c.isalnum() or c in "-_" for c in storage_ref) or len(storage_ref) > 200:
            raise SidipError(f"Rujukan berkas Google Drive \"{str(storage_ref)[:80]}\" tidak sah.")


class _Retryable(Exception):
    def __init__(self, response: requests.Response | None):
        self.response = response


class _Missing(Exception):
    def __init__(self, response: requests.Response):
        self.response = response


def _rate_limited(response: requests.Response) -> bool:
    if response.status_code != 403:
        return False
    try:
        errors = response.json()["error"].get("errors", [])
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return any(e.get("reason") in RATE_REASONS for e in errors)


def _message(response: requests.Response | None) -> str:
    status = response.status_code if response is not None else None
    if status in (429, 403) and response is not None and _rate_limited(response) or status == 429:
        return "Google Drive sedang membatasi permintaan (kuota habis). Tunggu sebentar lalu coba lagi."
    if status in (401, 403):
        return ("Akun layanan tidak punya akses ke folder Google Drive ini. Bagikan folder (sebaiknya di Drive "
                "bersama) kepada alamat akun layanan sebagai Editor.")
    if status == 404:
        return "Folder Google Drive untuk berkas tidak ditemukan. Periksa SIDIP_DRIVE_FOLDER_ID."
    if status is not None and status < 500 and status != 408:
        return f"Google Drive menolak permintaan (HTTP {status}). Tidak ada berkas yang berubah."
    return "Google Drive tidak dapat dihubungi atau lambat menjawab. Coba lagi sebentar lagi."


def _range_end(header: str | None) -> int:
    """``Range: bytes=0-N`` means N+1 bytes arrived; no header means none did."""
    if not header:
        return 0
    return int(header.rsplit("-", 1)[1]) + 1


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
