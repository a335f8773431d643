"""Schema 4: each exempt row of a frozen DIP version carries, beside its data, the few fields that say when its
exemption ends (lib.domain.versions.EXEMPTION_TERMS) as a small JSON text.

A roll-up counts the exemptions ending in every office's latest decree: read from ``data`` that is 40,000
whole rows parsed in Python (two seconds of a national roll-up's first call); read from this column it is a
few bytes a row. The register fills it when it writes a frozen row (lib.store.codec.exemption_terms), this
migration for the rows already there. It is derived from ``data``, like ``office_id`` (schema 2): never
dumped, never loaded, outside the row's MAC, so backups keep their format.
"""
from lib.store import codec

NUMBER = 4
TITLE = "masa pengecualian pada baris DIK versi DIP"


def backfill(conn) -> None:
    """The terms of every exempt row the register already holds (Python's reading of the JSON, the same on
    both engines: SQLite's JSON functions read true as 1)."""
    rows = conn.execute("SELECT version_id, item_id, data FROM version_items WHERE kategori = 'dikecualikan'")
    for version_id, item_id, data in rows.fetchall():
        conn.execute("UPDATE version_items SET exemption_terms = ? WHERE version_id = ? AND item_id = ?",
                     (codec.exemption_terms("dikecualikan", data), version_id, item_id))


SQLITE = ("ALTER TABLE version_items ADD COLUMN exemption_terms TEXT", backfill)
POSTGRES = ('ALTER TABLE version_items ADD COLUMN exemption_terms TEXT COLLATE "C"', backfill)
