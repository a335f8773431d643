"""One office's rows made ready for another register: its office id, its users' names and every signature.

Rows and events keep their content; what changes is the office they belong to (``office_id``, and the
names of the settings and holiday rows in the write ledger, which carry it), the usernames when the office's
users are renamed (every column and JSON key that names a user: ``username``, ``actor``, ``*_by``,
``oleh``, ``admin``), and the MACs: every row is signed and every event re-signed with the target's key, in
log order, keeping each event's id, time, actor, action, before/after and ``prev_id``. The move's own event
(the last one) carries in its write ledger every row the move wrote, so the target's ``doctor`` judges each
row against its new MAC, and the rows the office's earlier ledger names but the move did not carry as
deleted by the move.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from lib.domain.audit import EventSigner
from lib.domain.models import Event
from lib.errors import SidipError
from lib.services.backup_format import TABLES, WRITE_LEDGER
from lib.store import codec
from lib.store.sqlite_integrity import SIGNED_TABLES, _row_name

_USER_KEYS = ("username", "actor", "admin", "oleh", "by")


@dataclass(frozen=True)
class Plan:
    """How an office's rows change on the way: from ``source`` to ``target``, signed with ``key``."""
    source: str
    target: str
    key: bytes
    users: dict[str, str] = field(default_factory=dict)  # old username -> new ("" prefix: none)
    drop_settings: tuple[str, ...] = ()
    add_settings: dict[str, str] = field(default_factory=dict)


def offices_in(tables: dict[str, list[dict[str, str]]]) -> list[str]:
    """Every office id the rows name, in order of first appearance."""
    return list(dict.fromkeys(row["office_id"] for rows in tables.values() for row in rows if row.get("office_id")))


def office_rows(tables: dict[str, list[dict[str, str]]], office_id: str) -> dict[str, list[dict[str, str]]]:
    """One office's rows of a whole register's dump (a frozen version's rows go with their version)."""
    mine = {table: [dict(r) for r in tables.get(table, []) if r.get("office_id") == office_id]
            for table in TABLES if table != "version_items"}
    versions = {v["id"] for v in mine["versions"]}
    mine["version_items"] = [dict(r) for r in tables.get("version_items", []) if r["version_id"] in versions]
    return {table: mine[table] for table in TABLES}


def ledger_problems(tables: dict[str, list[dict[str, str]]], key: bytes) -> list[str]:
    """Rows that do not check out against the write ledger the events carry (changed, an older copy, deleted)."""
    ledger = codec.read_ledger(e.get(WRITE_LEDGER, "") for e in tables["events"] if e.get(WRITE_LEDGER))
    rows = ((table, _row_name(table, row), row) for table in SIGNED_TABLES for row in tables.get(table, []))
    return [f"{table} {name} ({finding})" for finding, table, name in
            codec.ledger_findings(codec.RowSigner(key), rows, ledger)]


def rekeyed(tables: dict[str, list[dict[str, str]]], plan: Plan) -> dict[str, list[dict[str, str]]]:
    """The rows for the target: rewritten as ``plan`` says, every row signed and every event re-signed."""
    out = {table: [_rewritten(table, row, plan) for row in tables.get(table, [])] for table in TABLES}
    out["settings"] = [r for r in out["settings"] if r["key"] not in plan.drop_settings and
                       r["key"] not in plan.add_settings]
    out["settings"] += [{"office_id": plan.target, "key": k, "value": v} for k, v in plan.add_settings.items()]
    return signed(out, plan.key)


def signed(tables: dict[str, list[dict[str, str]]], key: bytes) -> dict[str, list[dict[str, str]]]:
    rows, events = codec.RowSigner(key), EventSigner(key)
    out = {table: [rows.signed(table, row) for row in tables[table]] for table in TABLES if table != "events"}
    out["events"] = [{**row, "mac": events.sign(codec.from_row(Event, row))} for row in tables["events"]]
    return {table: out[table] for table in TABLES}


def closing_event(tables: dict[str, list[dict[str, str]]], event: Event, key: bytes) -> dict[str, str]:
    """The move's own event as a row, after the office's last event, signed, carrying the move's ledger."""
    event.prev_id = tables["events"][-1]["id"] if tables["events"] else ""
    event.mac = EventSigner(key).sign(event)
    written = {(table, _row_name(table, row)): row[codec.ROW_MAC] for table in SIGNED_TABLES for row in tables[table]}
    earlier = codec.read_ledger(e.get(WRITE_LEDGER, "") for e in tables["events"] if e.get(WRITE_LEDGER))
    gone = [[table, name, ""] for (table, name), mac in earlier.items() if mac and (table, name) not in written]
    ledger = [[table, name, mac] for (table, name), mac in written.items()] + gone
    return {**codec.to_row(event), WRITE_LEDGER: json.dumps(ledger, ensure_ascii=False)}


def renamed_users(usernames: list[str], prefix: str, limit: int) -> dict[str, str]:
    """prefix.name for every username; refused when the prefix is not a username's characters or too long."""
    if not prefix:
        return {}
    if not prefix.replace(".", "").replace("_", "").replace("-", "").isalnum() or prefix != prefix.lower():
        raise SidipError(f"Awalan pengguna \"{prefix}\" tidak sah: hanya huruf kecil, angka, titik, garis bawah "
                         "atau tanda hubung.")
    names = {name: f"{prefix}.{name}" for name in usernames}
    long = [new for new in names.values() if len(new) > limit]
    if long:
        raise SidipError(f"Nama pengguna dengan awalan itu melebihi {limit} karakter: {', '.join(long)}. "
                         "Pakai awalan yang lebih pendek.")
    return names


# -- one row -----------------------------------------------------------------------------------
def _rewritten(table: str, row: dict[str, str], plan: Plan) -> dict[str, str]:
    row = dict(row)
    if row.get("office_id") == plan.source:
        row["office_id"] = plan.target
    for column in list(row):
        if _names_user(column):
            row[column] = plan.users.get(row[column], row[column])
        elif column in codec.json_columns(table) and row[column] and plan.users:
            row[column] = _renamed_json(table, row[column], plan.users)
    if table == "events":
        if row["entity"] == "user":
            row["entity_id"] = plan.users.get(row["entity_id"], row["entity_id"])
        if row.get(WRITE_LEDGER):
            row[WRITE_LEDGER] = _renamed_ledger(row[WRITE_LEDGER], plan)
    return row


def _names_user(key: str) -> bool:
    return key in _USER_KEYS or key.endswith("_by")


def _renamed_json(table: str, text: str, users: dict[str, str]) -> str:
    value = json.loads(text)
    new = _renamed(value, users)
    if new == value:
        return text  # untouched: the stored text stays byte for byte
    if table == "version_items":  # as lib.store.codec.snapshot_cells writes it
        return json.dumps(new, ensure_ascii=False, default=str)
    return json.dumps(new, default=str, ensure_ascii=False, sort_keys=True)


def _renamed(value, users: dict[str, str], key: str = ""):
    if isinstance(value, dict):
        return {k: _renamed(v, users, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, users, key) for v in value]
    if isinstance(value, str) and _names_user(key):
        return users.get(value, value)
    return value


def _renamed_ledger(text: str, plan: Plan) -> str:
    entries = [[table, _renamed_row_name(table, name, plan), mac] for table, name, mac in json.loads(text)]
    return json.dumps(entries, ensure_ascii=False)


def _renamed_row_name(table: str, name: str, plan: Plan) -> str:
    if table in ("settings", "holidays") and name.startswith(f"{plan.source}/"):
        return f"{plan.target}/{name[len(plan.source) + 1:]}"
    if table == "users":
        return plan.users.get(name, name)
    return name
