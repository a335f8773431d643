"""A local emulator of the few Google Drive API v3 calls the Drive file store makes, for tests.

It serves HTTP on 127.0.0.1 only. The real store code talks to it through a requests session whose
``https://www.googleapis.com/`` calls are forwarded there (``tests.sheets_emulator.forwarding_session``)::

    emu = DriveEmulator()
    with emu.serve() as port:
        store = DriveFileStore(forwarding_session(port), ...)

Emulated (see tests/DRIVE_BEHAVIOURS.md for the documented behaviour each one follows):
``files.list`` (a subset of the ``q`` language, paging, ``fields``), ``files.create`` of a folder
(metadata only), media upload ``uploadType=multipart`` and ``uploadType=resumable`` (session URI in
``Location``, ``308`` with ``Range``, status query ``bytes */N``), ``files.get`` (metadata or
``alt=media``). Anything else answers 501, so no test relies on something made up here.

Instrumentation: ``emu.calls`` (list of (method, kind)); fault injection: ``emu.fail_next(kind, status,
count, applied=False)`` answers ``status`` to the next ``count`` calls of that kind, after doing the
work when ``applied`` (the answer is lost, the write happened).
"""
from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FOLDER = "application/vnd.google-apps.folder"
ROOT_ID = "emuRootFolderId"  # what the alias 'root' (My Drive) stands for
UPLOAD_BASE = "https://www.googleapis.com/upload/drive/v3/files"
_REASONS = {400: "invalid", 403: "userRateLimitExceeded", 404: "notFound", 429: "rateLimitExceeded",
            500: "backendError", 501: "notImplemented", 503: "backendError"}
_DEFAULT_FILE = ("kind", "id", "name", "mimeType")


class DriveError(Exception):
    def __init__(self, status: int, message: str, location: str = "", reason: str = ""):
        super().__init__(message)
        self.status, self.message, self.location = status, message, location
        self.reason = reason or _REASONS.get(status, "unknown")

    def body(self) -> dict:
        error = {"domain": "usageLimits" if self.reason in ("userRateLimitExceeded", "rateLimitExceeded") else "global",
                 "reason": self.reason, "message": self.message}
        if self.location:
            error.update(locationType="parameter", location=self.location)
        return {"error": {"code": self.status, "message": self.message, "errors": [error]}}


class DriveEmulator:
    def __init__(self, page_size: int = 100):
        self.files: dict[str, dict] = {}
        self.uploads: dict[str, dict] = {}
        self.calls: list[tuple[str, str]] = []
        self.page_size = page_size
        self._faults: list[list] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def fail_next(self, kind: str, status: int, count: int = 1, applied: bool = False, reason: str = "") -> None:
        self._faults.append([kind, status, count, applied, reason])

    def add_file(self, name: str, data: bytes, parents=(), **meta) -> str:
        """A file put there by someone else (a person in the Drive web UI)."""
        with self._lock:
            return self._create({"name": name, "parents": list(parents), **meta}, data)["id"]

    def content(self, file_id: str) -> bytes:
        return self.files[file_id]["data"]

    def corrupt(self, file_id: str, data: bytes) -> None:
        """New bytes under an old id, as a person uploading a new revision would leave it."""
        self.files[file_id].update(data=data, size=str(len(data)), sha256Checksum=hashlib.sha256(data).hexdigest())

    # -- dispatch -----------------------------------------------------------------------------------
    def handle(self, method: str, url: str, headers, body: bytes) -> tuple[int, dict, bytes]:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        kind, file_id = self._kind(method, parts.path, query)
        with self._lock:
            self.calls.append((method, kind))
            fault = self._fault(kind)
            try:
                if fault and not fault[3]:
                    raise DriveError(fault[1], "Emulated failure.", reason=fault[4])
                status, extra, payload = getattr(self, "_" + kind.replace(".", "_"))(file_id, query, headers, body)
                if fault:
                    raise DriveError(fault[1], "Emulated failure after the change was applied.", reason=fault[4])
            except DriveError as err:
                return err.status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(err.body()).encode()
        if isinstance(payload, (dict, list)):
            extra = {"Content-Type": "application/json; charset=UTF-8", **extra}
            payload = json.dumps(payload).encode()
        return status, extra, payload

    def _kind(self, method: str, path: str, query: dict) -> tuple[str, str]:
        if path == "/drive/v3/files":
            return {"GET": "files.list", "POST": "files.create"}.get(method, "unsupported"), ""
        if path == "/upload/drive/v3/files" and method == "POST":
            return {"multipart": "upload.multipart", "resumable": "upload.start"}.get(
                query.get("uploadType", ""), "unsupported"), ""
        if path == "/upload/drive/v3/files" and method == "PUT" and "upload_id" in query:
            return "upload.chunk", query["upload_id"]
        found = re.fullmatch(r"/drive/v3/files/([^/]+)", path)
        if found and method == "GET":
            return ("files.media" if query.get("alt") == "media" else "files.get"), found.group(1)
        return "unsupported", ""

    def _fault(self, kind: str):
        for fault in self._faults:
            if fault[0] == kind and fault[2] > 0:
                fault[2] -= 1
                return fault
        return None

    def _unsupported(self, *_):
        raise DriveError(501, "Not emulated by tests/drive_emulator.py.")

    # -- files ---------------------------------------------------------------------------------------
    def _create(self, meta: dict, data: bytes | None) -> dict:
        parents = [ROOT_ID if p == "root" else p for p in meta.get("parents") or [ROOT_ID]]
        for parent in parents:
            if parent != ROOT_ID and (parent not in self.files or self.files[parent]["mimeType"] != FOLDER):
                raise DriveError(404, f"File not found: {parent}.", "fileId")
        file_id = f"emu{next(self._ids):06d}DriveFileId"
        record = {"kind": "drive#file", "id": file_id, "name": meta.get("name", "Untitled"),
                  "mimeType": meta.get("mimeType") or ("application/octet-stream" if data is not None else FOLDER),
                  "parents": parents, "trashed": False,
                  "appProperties": dict(meta.get("appProperties") or {}), "description": meta.get("description", ""),
                  "createdTime": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")}
        if data is not None:
            record.update(data=data, size=str(len(data)), md5Checksum=hashlib.md5(data).hexdigest(),
                          sha256Checksum=hashlib.sha256(data).hexdigest())
        self.files[file_id] = record
        return record

    def _files_create(self, _id, query, headers, body):
        meta = _json(body)
        if meta.get("mimeType") != FOLDER:
            raise DriveError(501, "Only folders are created without content here.")
        return 200, {}, _select(self._create(meta, None), query.get("fields"))

    def _files_get(self, file_id, query, headers, body):
        return 200, {}, _select(self._file(file_id), query.get("fields"))

    def _files_media(self, file_id, query, headers, body):
        record = self._file(file_id)
        if "data" not in record:
            raise DriveError(403, "Only files with binary content can be downloaded. Use Export with Docs "
                                  "Editors files.", "alt")
        return 200, {"Content-Type": record["mimeType"]}, record["data"]

    def _file(self, file_id: str) -> dict:
        if file_id not in self.files:
            raise DriveError(404, f"File not found: {file_id}.", "fileId")
        return self.files[file_id]

    def _files_list(self, _id, query, headers, body):
        test = _parse_q(query.get("q", ""))
        if query.get("orderBy", "createdTime") != "createdTime":
            raise DriveError(501, "Only orderBy=createdTime is emulated.")
        matches = [f for f in self.files.values() if test(f)]  # kept in creation order
        size = min(int(query.get("pageSize") or self.page_size), self.page_size)
        start = int(query.get("pageToken") or 0)
        page = {"kind": "drive#fileList", "incompleteSearch": False, "files": matches[start:start + size]}
        if start + size < len(matches):
            page["nextPageToken"] = str(start + size)
        fields = query.get("fields") or "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"
        return 200, {}, _select(page, fields)

    # -- uploads -------------------------------------------------------------------------------------
    def _upload_multipart(self, _id, query, headers, body):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {headers.get('Content-Type', '')}\r\n\r\n".encode() + body)
        parts = list(message.iter_parts()) if message.is_multipart() else []
        if len(parts) != 2:
            raise DriveError(400, "Multipart upload must have exactly 2 parts: metadata and media.")
        meta = json.loads(parts[0].get_payload(decode=True) or b"{}")
        meta.setdefault("mimeType", parts[1].get_content_type())
        return 200, {}, _select(self._create(meta, parts[1].get_payload(decode=True)), query.get("fields"))

    def _upload_start(self, _id, query, headers, body):
        upload_id = f"emuUpload{next(self._ids):06d}"
        total = headers.get("X-Upload-Content-Length")
        self.uploads[upload_id] = {"meta": _json(body), "data": b"", "total": int(total) if total else None,
                                   "fields": query.get("fields")}
        return 200, {"Location": f"{UPLOAD_BASE}?uploadType=resumable&upload_id={upload_id}"}, b""

    def _upload_chunk(self, upload_id, query, headers, body):
        upload = self.uploads.get(upload_id)
        if upload is None:
            raise DriveError(404, "Upload session not found or expired.")
        found = re.fullmatch(r"bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)", headers.get("Content-Range", ""))
        if not found:
            raise DriveError(400, "Invalid Content-Range header.")
        first, last, total = found.groups()
        if first is not None:
            if int(first) != len(upload["data"]) or int(last) - int(first) + 1 != len(body):
                raise DriveError(400, "Content-Range does not continue the bytes received so far.")
            upload["data"] += body
        if total != "*" and len(upload["data"]) == int(total):
            del self.uploads[upload_id]
            return 200, {}, _select(self._create(upload["meta"], upload["data"]), upload["fields"])
        received = {"Range": f"bytes=0-{len(upload['data']) - 1}"} if upload["data"] else {}
        return 308, received, b""

    # -- serving -------------------------------------------------------------------------------------
    @contextmanager
    def serve(self):
        """Serve on 127.0.0.1 on a free port; yield the port."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.emulator = self  # type: ignore[attr-defined]
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.server_address[1]
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def _json(body: bytes) -> dict:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        raise DriveError(400, "Invalid JSON payload received.") from None


# -- the q language (the subset the store uses; anything else is a 400 like Google's "Invalid Value") --
_TERM = re.compile(r"""\s*(?:
    '(?P<parent>(?:[^'\\]|\\.)*)'\s+in\s+parents
  | (?P<field>name|mimeType)\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)'
  | trashed\s*=\s*(?P<trashed>true|false)
  | appProperties\s+has\s*\{\s*key\s*=\s*'(?P<key>(?:[^'\\]|\\.)*)'\s+and\s+value\s*=\s*'(?P<pv>(?:[^'\\]|\\.)*)'\s*\}
)\s*(?:and\b|$)""", re.X)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _parse_q(q: str):
    tests, pos = [], 0
    while pos < len(q):
        found = _TERM.match(q, pos)
        if not found or found.end() == pos:
            raise DriveError(400, "Invalid Value", "q")
        tests.append(_term_test(found))
        pos = found.end()
    return lambda record: all(test(record) for test in tests)


def _term_test(m):
    if m["parent"] is not None:
        parent = _unescape(m["parent"])
        return lambda r, p=ROOT_ID if parent == "root" else parent: p in r["parents"]
    if m["field"]:
        return lambda r, f=m["field"], v=_unescape(m["value"]): r.get(f) == v
    if m["trashed"]:
        return lambda r, t=m["trashed"] == "true": r["trashed"] == t
    return lambda r, k=_unescape(m["key"]), v=_unescape(m["pv"]): r["appProperties"].get(k) == v


# -- fields selection ("id,name", "nextPageToken,files(id,appProperties)") --------------------------
def _split(fields: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(fields):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(fields[start:i].strip())
            start = i + 1
    out.append(fields[start:].strip())
    return [f for f in out if f]


def _select(obj, fields: str | None):
    if fields is None:
        fields = ",".join(_DEFAULT_FILE)
    if fields == "*":
        return {k: v for k, v in obj.items() if k != "data"}
    if isinstance(obj, list):
        return [_select(item, fields) for item in obj]
    out = {}
    for field in _split(fields):
        name, _, inner = field.partition("(")
        if name in obj and name != "data":
            out[name] = _select(obj[name], inner[:-1]) if inner else obj[name]
    return out


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        emulator: DriveEmulator = self.server.emulator  # type: ignore[attr-defined]
        status, headers, payload = emulator.handle(self.command, f"https://www.googleapis.com{self.path}",
                                                   self.headers, body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, *args) -> None:  # quiet: tests read emu.calls instead
        pass
