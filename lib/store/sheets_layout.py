"""The Google Sheets register's layout: tab names, Indonesian header words, columns, a tab as read."""
from __future__ import annotations

import copy
import hashlib
import json

from lib.domain.models import Attachment, Event, Item, User, Version
from lib.store import codec

# Tab names and header words are Indonesian so staff can read the Sheet.
TABS = {"items": "informasi", "versions": "versi", "users": "pengguna", "events": "riwayat",
        "version_items": "isi_versi", "settings": "pengaturan", "holidays": "libur", "attachments": "berkas"}
FIXED = codec.FIXED
RECORDS = {"items": Item, "versions": Version, "users": User, "events": Event, "attachments": Attachment}
KEYS = {"items": "id", "versions": "id", "users": "username", "events": "id", "attachments": "id"}
SIGNED = {"items", "versions", "users", "attachments"}  # records: a MAC, the event that wrote them, replay checked
PLAIN_SIGNED = set(FIXED)  # isi_versi, pengaturan, libur: a MAC too; an edited row is not read
ENTITY = {"items": "item", "versions": "version", "users": "user", "attachments": "attachment"}  # the audit log's name for each signed tab
HEADER_WORDS = {"id": "kode", "office_id": "kantor", "status": "status", "created_at": "dibuat_pada",
                "created_by": "dibuat_oleh", "updated_at": "diubah_pada", "updated_by": "diubah_oleh",
                "revision": "revisi", "username": "nama_pengguna", "full_name": "nama_lengkap", "roles": "peran",
                "password_hash": "hash_kata_sandi", "active": "aktif", "key": "kunci", "value": "nilai",
                "day": "tanggal", "kind": "jenis", "name": "nama", "version_id": "kode_versi",
                "item_id": "kode_informasi", "data": "isi", "_mac": "_tanda", "_event": "_peristiwa",
                "_base": "_revisi_dasar", "_row": "_baris",
                "frozen": "dibekukan", "filename": "nama_berkas", "media_type": "jenis_isi", "size": "ukuran",
                "storage_ref": "lokasi_simpan", "uploaded_by": "diunggah_oleh", "uploaded_at": "diunggah_pada",
                "replaces": "menggantikan"}
MAX_BATCH_ROWS = 5000
CACHE_SECONDS = 50.0  # others' changes (other users, replicas, hand edits) show within a minute
LIGHT = ("users", "settings", "holidays", "versions")  # small tabs: refreshed with whatever else is read
WARM_SECONDS = 300.0  # a stale tab used this recently is refreshed with the one asked for (one request a page)


def columns(tab: str) -> list[str]:
    base = codec.columns(RECORDS[tab]) if tab in RECORDS else FIXED[tab]
    if tab in SIGNED or tab in PLAIN_SIGNED:
        return base + ["_mac", "_event"]
    if tab == "events":
        return base + ["_base", "_row", "_rows"]  # _rows: the local register's write ledger, kept through a restore
    return base


def _plain_key(tab: str, row: dict) -> str:
    return "/".join(str(row.get(c, "")) for c in FIXED[tab][:2])


def _snapshot_rows(rows) -> list[dict]:
    return [codec.snapshot_cells(r) for r in rows]


def header(tab: str) -> list[str]:
    return [HEADER_WORDS.get(c, c) for c in columns(tab)]


def _setting_token(office_id: str, key: str, value: str | None) -> str:
    """What a settings write claims to start from (kept in the event's _revisi_dasar column)."""
    return f"pengaturan:{key}:" + hashlib.sha256(json.dumps([office_id, key, value]).encode()).hexdigest()[:24]


def _snapshot_key(rows: list[dict]) -> list[tuple]:
    return sorted(tuple(r.get(c, "") for c in FIXED["version_items"]) for r in rows)


def column_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(value: str) -> dict:
    return {"userEnteredValue": {"stringValue": value}}


class Table:
    """One tab as read: its rows as dicts keyed by column name, with their 0-based grid row index."""

    def __init__(self, tab: str, values: list[list[str]]):
        names = {HEADER_WORDS.get(c, c): c for c in columns(tab)}
        head = values[0] if values else []
        self.tab, self.head = tab, head
        self.positions = {names.get(h, h): i for i, h in enumerate(head)}
        self.missing = [c for c in columns(tab) if c not in self.positions] if head else []
        self.last_writes = None  # (events tab only) filled on first use by SheetsRegister._last_writes
        self.rows = [(n + 1, self._row(r)) for n, r in enumerate(values[1:])]

    def _row(self, cells: list[str]) -> dict:
        return {c: (cells[i] if i < len(cells) else "") for c, i in self.positions.items()}

    def extended(self, values: list[list[str]]) -> "Table | None":
        """(The audit log) this table with the rows read from its last held row on, or None when they do not
        follow on: the first row is not the one held there, or a new event names a predecessor never seen."""
        if not values or (self._row(values[0]) != self.rows[-1][1] if self.rows else values[0] != self.head):
            return None
        known, start, rows = {r.get("id") for _, r in self.rows}, (self.rows[-1][0] if self.rows else 0), []
        for n, cells in enumerate(values[1:], start + 1):
            row = self._row(cells)
            if row.get("prev_id") and row["prev_id"] not in known:
                return None
            known.add(row.get("id"))
            rows.append((n, row))
        grown = copy.copy(self)
        grown.rows, grown.last_writes = self.rows + rows, None
        return grown

    def find(self, key: str, value: str) -> tuple[int | None, dict | None]:
        for index, row in self.rows:
            if row.get(key) == value:
                return index, row
        return None, None
