"""The many-office PostgreSQL register of the offices benchmark: KPU RI, its provinces and their regencies,
each office with its settings, users, items, their audit events (chained and signed per office) and an
uploaded DIP version, loaded with COPY (as the database administrator: COPY FROM is not allowed under
row-level security) so 553 offices × 1,000 items take a minute or two, not the hours the services would.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from bench.register import USERNAME, synthetic_items
from lib.domain import versions as dv
from lib.domain.audit import EventSigner
from lib.domain.models import Decree, Event, Item, User, Version
from lib.domain.offices import LEVEL_KEY, NAME_KEY, PARENT_KEY
from lib.domain.workdays import WorkCalendar
from lib.services.context import DEFAULT_SETTINGS
from lib.store import codec
from lib.store.sqlite_integrity import WRITTEN

UPLOADED_SHARE = 0.7
STAFF = (("admin", "admin"), ("ppid", "ppid"), ("ppid2", "ppid"), ("atasan", "atasan"), ("pemantau", "pemantau"),
         *[(f"desk{k}", "desk") for k in range(1, 16)])  # 20 accounts an office: 11,060 for 553 offices


@dataclass(frozen=True)
class BenchOffice:
    index: int
    id: str
    name: str
    level: str
    parent: str


def office_tree(n: int) -> list[BenchOffice]:
    """KPU RI, then provinces (38 of 553, in proportion for fewer), then regencies spread over the provinces."""
    provinces = 0 if n <= 1 else max(1, min(n - 1, round((n - 1) * 38 / 552)))
    found = [BenchOffice(0, "kpu-ri", "KPU Republik Indonesia", "ri", "")]
    found += [BenchOffice(k, f"kpu-prov-{k:02d}", f"KPU Provinsi {k:02d}", "provinsi", "kpu-ri")
              for k in range(1, provinces + 1)]
    for k in range(provinces + 1, n):
        parent = found[1 + (k - provinces - 1) % provinces].id
        found.append(BenchOffice(k, f"kpu-kab-{k:03d}", f"KPU Kabupaten {k:03d}", "kabkota", parent))
    return found


class Filler:
    """Rows of every office from one template office (the benchmarks' synthetic mix), remapped per office."""

    def __init__(self, key: bytes, items: int, today: date, password_hash: str):
        self.signer, self.rows = EventSigner(key), codec.RowSigner(key)
        self.units = json.loads(DEFAULT_SETTINGS["units"])
        self.today, self.password_hash = today, password_hash
        template, _ = synthetic_items(items, today, self.units, WorkCalendar())
        self.cols = codec.columns(Item)
        self.items = [dict(zip(self.cols, row)) for row in template]
        objects = [codec.from_row(Item, row) for row in self.items]
        classified = [i for i in objects if i.status == "diklasifikasi"][: int(items * UPLOADED_SHARE)]
        version = Version("v", today.year - 1)
        # As the register writes a frozen row: with the terms of an exempt one beside it (migration 4).
        self.snapshot = [codec.snapshot_cells(r) | {"exemption_terms": codec.exemption_terms(r.kategori, r.data)}
                         for r in dv.build_snapshot(version, classified)]

    def office(self, office: BenchOffice, alone: bool = False) -> dict[str, list[dict]]:
        """Every table's rows for one office; ``alone``: as a single-office register (no place in a tree)."""
        oid, n = office.id, office.index
        settings = {NAME_KEY: office.name, "units": DEFAULT_SETTINGS["units"]}
        if not alone:
            settings |= {LEVEL_KEY: office.level, PARENT_KEY: office.parent}
        tables = {"settings": [self.rows.signed("settings", {"office_id": oid, "key": k, "value": v})
                               for k, v in settings.items()]}
        tables["users"] = [self.rows.signed("users", codec.to_row(User(
            f"{name}.{oid}", f"{name.title()} {office.name}", frozenset({role}), self.password_hash,
            unit=self.units[0] if role == "desk" else "", office_id=oid))) for name, role in STAFF]
        ids = {row["id"]: f"{row['id']}-{n:03d}" for row in self.items}
        tables["items"] = [self.rows.signed("items", {**row, "id": ids[row["id"]], "office_id": oid})
                           for row in self.items]
        version = Version(f"dip-bench-{n:04d}", self.today.year - 1, status="diunggah", office_id=oid,
                          uploaded_at=f"{self.today.year - 1}-01-20T03:00:00+00:00",
                          decree=Decree(f"{n}/PPID/BENCH", date(self.today.year - 1, 1, 10), office.name, "Ketua"))
        tables["versions"] = [self.rows.signed("versions", codec.to_row(version))]
        tables["version_items"] = [self.rows.signed("version_items", {**cells, "version_id": version.id,
                                                                      "item_id": ids[cells["item_id"]]})
                                   for cells in self.snapshot]
        tables["events"] = self._events(oid, n, tables["items"], version.id)
        return tables

    def _events(self, oid: str, n: int, items: list[dict], version_id: str) -> list[dict]:
        """One event per revision of each item, then the version's upload: the office's chain."""
        out, prev = [], ""
        steps = [(row["id"], "informasi_diajukan" if r else "permintaan_dibuka", row["created_at"])
                 for row in items for r in range(int(row["revision"]))]
        steps.append((version_id, "dip_diunggah", f"{self.today.year - 1}-01-20T03:00:00+00:00"))
        for k, (entity_id, action, at) in enumerate(steps):
            event = Event(action, USERNAME, "ppid", "version" if action == "dip_diunggah" else "item", entity_id,
                          at=at, id=f"evt-{n:04d}-{k:06d}", office_id=oid, prev_id=prev)
            event.mac = self.signer.sign(event)
            prev = event.id
            out.append({**codec.to_row(event), WRITTEN: ""})
        return out


def copy_rows(conn, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    names = list(rows[0])
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in names)}) "
                                        "FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in names])


def load(superuser_url: str, filler: Filler, offices: list[BenchOffice], alone: bool = False) -> int:
    """COPY every office's rows in; returns the number of rows written."""
    import psycopg
    written = 0
    with psycopg.connect(superuser_url) as conn:
        for office in offices:
            for table, rows in filler.office(office, alone).items():
                copy_rows(conn, table, rows)
                written += len(rows)
        conn.execute("ANALYZE")
        conn.commit()
    return written
