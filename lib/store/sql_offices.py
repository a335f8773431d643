"""Reads across offices for the SQL registers (SQLite, and PostgreSQL, which inherits them): the office tree and
what a roll-up reads of hundreds of offices in one statement each, never one per office. On PostgreSQL each
runs in the register's scope, so row-level security still shows only the offices the view may read."""
from __future__ import annotations

from datetime import date

from lib.domain.models import Item, SnapshotRow, Version
from lib.domain.versions import EXEMPTION_TERMS
from lib.domain.workdays import HolidayOverride
from lib.store import codec


class OfficeReads:
    """Mixed into SqliteRegister; needs its ``_tuples``."""

    def offices_item_frame(self, office_ids: frozenset[str], columns: tuple[str, ...]):
        import pandas as pd
        names = ["office_id", *columns]
        if not office_ids:
            return pd.DataFrame(columns=names)
        select = ", ".join(f'"{c}"' if c in codec.columns(Item) else "''" for c in names)
        marks = ", ".join("?" * len(office_ids))
        rows = self._tuples(f"SELECT {select} FROM items WHERE office_id IN ({marks}) ORDER BY office_id",
                            tuple(sorted(office_ids)))
        return pd.DataFrame.from_records(rows, columns=names)

    def rollup_item_frame(self, office_ids, columns, submitted_since):
        import pandas as pd
        names = ["office_id", *columns]
        if not office_ids:
            return pd.DataFrame(columns=names)
        select = ", ".join(f'"{c}"' if c in codec.columns(Item) else "''" for c in names)
        marks = ", ".join("?" * len(office_ids))
        rows = self._tuples(
            f"SELECT {select} FROM items WHERE office_id IN ({marks}) AND ("
            "(status <> 'ditarik' AND (requested_on <> '' OR info_created_on <> '') "
            " AND (submitted_on = '' OR submitted_on >= ?)) "
            "OR (status = 'diklasifikasi' AND kewajiban NOT IN ('', '[]'))) ORDER BY office_id",
            (*sorted(office_ids), submitted_since))
        return pd.DataFrame.from_records(rows, columns=names)

    def stale_berkala_counts(self, office_ids, before):
        marks = ", ".join("?" * len(office_ids))
        rows = self._tuples(
            f"SELECT office_id, COUNT(*) FROM items WHERE office_id IN ({marks}) AND status = 'diklasifikasi' "
            "AND kategori = 'berkala' AND (COALESCE(NULLIF(refreshed_on, ''), classified_on) = '' "
            "OR COALESCE(NULLIF(refreshed_on, ''), classified_on) < ?) GROUP BY office_id",
            (*sorted(office_ids), before)) if office_ids else []
        return {office: int(n) for office, n in rows}

    def offices_settings(self, office_ids):
        found: dict[str, dict[str, str]] = {o: {} for o in office_ids}
        for office, key, value in self._in("SELECT office_id, key, value FROM settings", office_ids):
            found[office][key] = value
        return found

    def offices_holidays(self, office_ids):
        found: dict[str, list[HolidayOverride]] = {o: [] for o in office_ids}
        for office, day, kind, name in self._in("SELECT office_id, day, kind, name FROM holidays", office_ids,
                                                "ORDER BY office_id, day"):
            found[office].append(HolidayOverride(date.fromisoformat(day), kind, name))
        return found

    def offices_versions(self, office_ids):
        found: dict[str, list[Version]] = {o: [] for o in office_ids}
        names = codec.columns(Version)
        select = ", ".join(f'"{c}"' for c in names)
        for row in self._in(f"SELECT {select} FROM versions", office_ids, "ORDER BY office_id, created_at, id"):
            version = codec.from_row(Version, dict(zip(names, row)))
            found[version.office_id].append(version)
        return found

    def snapshots(self, version_ids, kategori):
        found: dict[str, list[SnapshotRow]] = {v: [] for v in version_ids}
        if version_ids:
            marks = ", ".join("?" * len(version_ids))
            for v, item, nomor, kat, data in self._tuples(
                    f"SELECT version_id, item_id, nomor, kategori, data FROM version_items WHERE version_id IN ({marks}) "
                    "AND kategori = ?", (*version_ids, kategori)):
                found[v].append(codec.snapshot_row({"version_id": v, "item_id": item, "nomor": nomor,
                                                    "kategori": kat, "data": data}))
        return {v: sorted(rows, key=_snapshot_order) for v, rows in found.items()}

    def snapshot_fields(self, version_ids, kategori, fields):
        if kategori == "dikecualikan" and set(fields) <= set(EXEMPTION_TERMS):
            return self._exemption_terms(version_ids, fields)
        return self._json_fields(version_ids, kategori, fields)

    def _exemption_terms(self, version_ids, fields):
        """The exempt rows' terms as the register keeps them beside their data (migration 4): a few bytes a
        row, not the whole row; a row written before that column existed is read from its data."""
        import json
        found: dict[str, list[SnapshotRow]] = {v: [] for v in version_ids}
        if not version_ids:
            return found
        marks = ", ".join("?" * len(version_ids))
        for v, item, nomor, kat, terms, data in self._tuples(
                "SELECT version_id, item_id, nomor, kategori, exemption_terms, "
                "CASE WHEN exemption_terms IS NULL THEN data END FROM version_items "
                f"WHERE version_id IN ({marks}) AND kategori = 'dikecualikan'", tuple(version_ids)):
            known = json.loads(terms) if terms is not None else json.loads(data)
            found[v].append(SnapshotRow(v, item, int(nomor), kat, codec.pick(known, fields)))
        return {v: sorted(rows, key=_snapshot_order) for v, rows in found.items()}

    def _json_fields(self, version_ids, kategori, fields):
        import json
        found: dict[str, list[SnapshotRow]] = {v: [] for v in version_ids}
        if not version_ids:
            return found
        marks = ", ".join("?" * len(version_ids))
        for v, item, nomor, kat, picked in self._tuples(
                f"SELECT version_id, item_id, nomor, kategori, {self._json_pick('data', fields)} FROM version_items "
                f"WHERE version_id IN ({marks}) AND kategori = ?", (*version_ids, kategori)):
            found[v].append(SnapshotRow(v, item, int(nomor), kat, _nested(json.loads(picked))))
        return {v: sorted(rows, key=_snapshot_order) for v, rows in found.items()}

    @staticmethod
    def _json_pick(column: str, fields: tuple[str, ...]) -> str:
        """A small JSON object of some fields of a JSON text column (SQLite: true/false read as 1/0)."""
        return "json_object(" + ", ".join(f"'{f}', json_extract({column}, '$.{f}')" for f in fields) + ")"

    def _in(self, select: str, office_ids, order: str = "") -> list[tuple]:
        if not office_ids:
            return []
        marks = ", ".join("?" * len(office_ids))
        return self._tuples(f"{select} WHERE office_id IN ({marks}) {order}", tuple(sorted(office_ids)))

    def directory(self, keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        marks = ", ".join("?" * len(keys))
        for office, key, value in self._tuples(f"SELECT office_id, key, value FROM settings WHERE key IN ({marks})",
                                               tuple(keys)):
            found.setdefault(office, {})[key] = value
        return found


def _nested(flat: dict) -> dict:
    """{"a.b": x} -> {"a": {"b": x}}: the frozen row's own shape for the fields read."""
    out: dict = {}
    for path, value in flat.items():
        *parents, last = path.split(".")
        node = out
        for name in parents:
            node = node.setdefault(name, {})
        node[last] = value
    return out


def _snapshot_order(row: SnapshotRow):
    from lib.domain.models import CATEGORIES
    return (list(CATEGORIES).index(row.kategori) if row.kategori in CATEGORIES else 99, row.nomor)
