"""Explicit conversion between domain records and flat rows of strings (SQLite, Sheets)."""
from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from datetime import date

from lib.domain.models import Attachment, Decree, Event, Item, SnapshotRow, User, Version


def _kind(tp) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _kind(args[0])
    if tp is frozenset or origin is frozenset:
        return "set"
    if origin in (list, dict) or tp in (list, dict):
        return "json"
    return {str: "str", int: "int", bool: "bool", date: "date", Decree: "decree"}.get(tp, "json")


def columns(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


@functools.lru_cache(maxsize=None)
def _kinds(cls) -> dict[str, str]:
    hints = typing.get_type_hints(cls)
    return {name: _kind(hints[name]) for name in columns(cls)}


def _encode(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == "set":
        return ",".join(sorted(value))
    if kind == "bool":
        return "1" if value else "0"
    if kind == "date":
        return value.isoformat()
    if kind == "decree":
        return json.dumps(dataclasses.asdict(value), default=str, ensure_ascii=False)
    if kind == "json":
        return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
    return str(value)


def _decode(kind: str, text):
    text = "" if text is None else str(text)
    if kind == "str":
        return text
    if kind == "set":
        return frozenset(p for p in text.split(",") if p)
    if kind == "bool":
        return text.strip().lower() in ("1", "true", "ya")
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "decree":
        data = json.loads(text)
        data["tanggal"] = date.fromisoformat(data["tanggal"])
        return Decree(**data)
    return json.loads(text)


def to_row(obj) -> dict[str, str]:
    kinds = _kinds(type(obj))
    return {name: _encode(kinds[name], getattr(obj, name)) for name in kinds}


def _decoder(kind: str):
    if kind == "str":
        return lambda text: text if type(text) is str else ("" if text is None else str(text))
    return lambda text: _decode(kind, text)


@functools.lru_cache(maxsize=None)
def _decoders(cls) -> tuple:
    return tuple((name, _decoder(kind)) for name, kind in _kinds(cls).items())


def from_row(cls, row: typing.Mapping[str, str]):
    """A record from its stored cells; an empty cell of a non-text column (e.g. a column added by an
    upgrade) takes the field's default. Called once per row of every list: kept lean."""
    values = {}
    for name, decode in _decoders(cls):
        if name in row:
            value = decode(row[name])
            if value is not None:
                values[name] = value
    return cls(**values)


def json_columns(table: str) -> list[str]:
    """The columns of a record table that hold JSON (a frozen version's ``data`` too)."""
    if table == "version_items":
        return ["data"]
    return [name for name, kind in _kinds(RECORDS[table]).items() if kind == "json"] if table in RECORDS else []

RECORDS = {"items": Item, "versions": Version, "users": User, "events": Event, "attachments": Attachment}
# Columns added after the first release. A register or backup made before them lacks them: they
# read as empty, Sheets gets them appended to its header, and a row signs them only when they hold
# a value, so every signature made before they existed still verifies.
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {"items": ("dasar_pengecualian", "masa_pengecualian_teks"),
                                             "versions": ("frozen",)}


def signed_columns(table: str, names: list[str], row: dict) -> list[str]:
    later = ADDED_COLUMNS.get(table, ())
    return [c for c in names if c not in later or row.get(c, "") != ""]


# Tables that are not records: their columns, in order (the same on every register and in backups).
FIXED: dict[str, list[str]] = {"version_items": ["version_id", "item_id", "nomor", "kategori", "data"],
                               "settings": ["office_id", "key", "value"],
                               "holidays": ["office_id", "day", "kind", "name"]}
ROW_MAC = "_mac"  # every row of every table but the audit log (whose events carry their own MAC)


def data_columns(table: str) -> list[str]:
    return columns(RECORDS[table]) if table in RECORDS else list(FIXED[table])


class RowSigner:
    """A keyed MAC over one row's data, the same on SQLite, Google Sheets and in backups, so a row
    edited outside SIDIP (a Sheet typed over, a backup changed, the database file edited) is found."""

    def __init__(self, key: bytes):
        self._key = key

    def mac(self, table: str, row: dict) -> str:
        import hashlib
        import hmac
        values = {c: "" if row.get(c) is None else str(row.get(c)) for c in data_columns(table)}
        names = signed_columns(table, list(values), values)
        payload = json.dumps([values[c] for c in names], ensure_ascii=False)
        return hmac.new(self._key, f"{table}\n{payload}".encode(), hashlib.sha256).hexdigest()[:32]

    def signed(self, table: str, row: dict) -> dict:
        return {**row, ROW_MAC: self.mac(table, row)}

    def valid(self, table: str, row: dict) -> bool:
        import hmac
        return hmac.compare_digest(str(row.get(ROW_MAC) or ""), self.mac(table, row))


def read_ledger(written: typing.Iterable[str]) -> dict[tuple[str, str], str]:
    """(table, row) -> MAC of the last write the log's ledger entries record ("" when deleted)."""
    last: dict[tuple[str, str], str] = {}
    for text in written:
        for table, name, mac in json.loads(text or "[]"):
            last[(table, name)] = mac
    return last


def ledger_findings(signer: RowSigner, rows: typing.Iterable[tuple[str, str, dict]],
                    ledger: dict[tuple[str, str], str]) -> list[tuple[str, str, str]]:
    """(finding, table, row) for rows as stored against the ledger: "diubah" (MAC fails), "lama" (a valid
    but older row: a replay), "dihapus" (the ledger wrote it, the table lacks it). Rows the ledger never
    saw (made before it existed) are judged by their MAC alone."""
    expected, found = dict(ledger), []
    for table, name, row in rows:
        if not signer.valid(table, row):
            found.append(("diubah", table, name))
        elif expected.get((table, name), row.get(ROW_MAC)) != row.get(ROW_MAC):
            found.append(("lama", table, name))
        expected.pop((table, name), None)
    found += [("dihapus", table, name) for (table, name), mac in sorted(expected.items()) if mac]
    return found


def snapshot_cells(row: SnapshotRow) -> dict[str, str]:
    """One frozen row as the register stores it (the same on SQLite, Sheets and in backups)."""
    return {"version_id": row.version_id, "item_id": row.item_id, "nomor": str(row.nomor), "kategori": row.kategori,
            "data": json.dumps(row.data, ensure_ascii=False, default=str)}


def pick(data: dict, fields: tuple[str, ...]) -> dict:
    """Some fields of a JSON object, in its own shape ("a.b" keeps {"a": {"b": ...}}); a missing one is None."""
    out: dict = {}
    for path in fields:
        *parents, last = path.split(".")
        source, node = data, out
        for name in parents:
            source = source.get(name) if isinstance(source, dict) else None
            node = node.setdefault(name, {})
        node[last] = source.get(last) if isinstance(source, dict) else None
    return out


def exemption_terms(kategori: str, data: dict | str) -> str | None:
    """What a register keeps beside a frozen row's ``data`` (the object or its JSON text): for an exempt row,
    the fields that say when its exemption ends (versions.EXEMPTION_TERMS) as a small JSON text; None for any
    other row, and for data that is not a JSON object (its readers then read ``data`` itself)."""
    from lib.domain.versions import EXEMPTION_TERMS
    if kategori != "dikecualikan":
        return None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return None
    if not isinstance(data, dict):
        return None
    return json.dumps(pick(data, EXEMPTION_TERMS), ensure_ascii=False, default=str)


def snapshot_row(cells: typing.Mapping) -> SnapshotRow:
    return SnapshotRow(cells["version_id"], cells["item_id"], int(cells["nomor"]), cells["kategori"],
                       json.loads(cells["data"]))
