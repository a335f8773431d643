"""What the local register checks of its own rows: MACs, and the write ledger the audit log carries.

Every row of every table but the log carries a MAC over its data; every event records the rows its
action wrote ([table, row, MAC], "" when deleted). ``doctor`` compares: an edited row fails its MAC, an
older row put back is not the last one written, a deleted row is missing. A register made before rows
were signed is signed once at ``init``, and the log says so.
"""
from __future__ import annotations

from lib.domain.models import Event
from lib.store import codec

SIGNED_TABLES = ("settings", "holidays", "users", "items", "versions", "version_items", "attachments")
WRITTEN = "_rows"  # on each event: [table, key, MAC] of every row its action wrote ("" = deleted)
_ROW_KEYS = {"settings": ("office_id", "key"), "holidays": ("office_id", "day"), "users": ("username",),
             "items": ("id",), "versions": ("id",), "version_items": ("version_id", "item_id"),
             "attachments": ("id",)}
TABLE_WORDS = {"settings": "pengaturan", "holidays": "hari libur", "users": "pengguna",
               "items": "informasi", "versions": "versi DIP", "version_items": "baris versi DIP",
               "attachments": "berkas", "events": "peristiwa audit"}


def _row_name(table: str, row: dict) -> str:
    return "/".join(str(row.get(k, "")) for k in _ROW_KEYS[table])


class SqliteIntegrity:
    """Mixin of SqliteRegister: needs ``rows`` (a RowSigner), ``_rows()``, ``_conn()``, ``_written()``
    and ``_append()``."""

    def _sign_older_rows(self, conn) -> None:
        """A register made before rows were signed: sign what it holds, once, and say so in the log."""
        if conn.execute("SELECT 1 FROM meta WHERE key = 'rows_signed'").fetchone():
            return
        signed = 0
        for table in SIGNED_TABLES:
            for row in conn.execute(f"SELECT rowid AS _rowid, * FROM {table} WHERE _mac IS NULL OR _mac = ''"):
                data = {k: row[k] for k in row.keys() if k != "_rowid"}
                mac = self.rows.mac(table, data)
                conn.execute(f"UPDATE {table} SET _mac = ? WHERE rowid = ?", (mac, row["_rowid"]))
                self._written().append([table, _row_name(table, data), mac])  # the upgrade event carries them
                signed += 1
        conn.execute("INSERT INTO meta VALUES ('rows_signed', '1')")
        if signed:
            offices = [r[0] for r in conn.execute("SELECT DISTINCT office_id FROM events")]
            for office in offices:
                self._append(conn, Event("baris_register_ditandatangani", "sistem", "", "register", office,
                                         office_id=office, note=f"{signed} baris yang dibuat sebelum penandatanganan "
                                                                "baris ditandatangani saat pemutakhiran"))

    def integrity_problems(self) -> list[str]:
        """For ``doctor``: rows changed outside SIDIP (MAC), older rows put back (replay) and rows deleted,
        judged against the write ledger the audit log carries."""
        ledger = codec.read_ledger(w for (w,) in self._conn().execute(
            f"SELECT {WRITTEN} FROM events WHERE {WRITTEN} != '' ORDER BY seq"))
        rows = ((table, _row_name(table, dict(r)), dict(r)) for table in SIGNED_TABLES
                for r in self._rows(f"SELECT * FROM {table}"))
        return [f"Tabel {TABLE_WORDS[table]}: baris {name} {_SAID[kind]}"
                for kind, table, name in codec.ledger_findings(self.rows, rows, ledger)]


_SAID = {"diubah": "diubah di luar SIDIP (tanda tangannya tidak cocok)",
         "lama": "bukan yang terakhir ditulis SIDIP (salinan lama dipasang kembali)",
         "dihapus": "dihapus di luar SIDIP (tercatat di riwayat)"}
