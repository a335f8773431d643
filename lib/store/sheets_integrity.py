"""What the Google Sheets register checks of the rows it reads: MACs, replays, deletions, the write ledger.

Staff can edit a Sheet by hand. Every row of every tab carries a MAC; record tabs (informasi, versi,
pengguna) are also checked against the last write the audit log records for them (an older, validly
signed row pasted back is a replay); the plain tabs (isi_versi, pengaturan, libur) against the write
ledger their events carry. Password hashes never enter the log: a keyed digest stands for them.
"""
from __future__ import annotations

import hashlib
import hmac
import json

from lib.store import codec
from lib.store.sheets_layout import ENTITY, KEYS, PLAIN_SIGNED, SIGNED, TABS, Table, _plain_key


class SheetsIntegrity:
    """Mixin of SheetsRegister: needs ``_tables()``, ``_read()``, ``_rows`` (a RowSigner), ``_key`` and ``_row_mac``."""

    def tampered(self, tab: str) -> list[dict]:
        """Rows edited by hand in the Sheet (their MAC no longer matches) or an older signed row pasted back."""
        tables = self._tables()
        return [row for _, row in tables[tab].rows if not self._authentic(tab, row, tables)]

    def _valid(self, tab: str, row: dict) -> bool:
        return tab not in SIGNED or self._authentic(tab, row, self._tables())

    def _authentic(self, tab: str, row: dict, tables: dict[str, Table]) -> bool:
        """Signed by SIDIP, and not older than the last write the audit log records for it (a replay)."""
        if row.get("_mac") != self._row_mac(tab, row):
            return False
        last = self._last_writes(tables)[tab].get(row.get(KEYS[tab], ""))
        return last is None or int(row.get("revision") or 0) >= last[0] + 1

    def _last_writes(self, tables: dict[str, Table]) -> dict[str, dict[str, tuple[int, str]]]:
        """Per signed tab and key: (base revision, row as written) of the last write the log records.

        Each write's event keeps the row it wrote; of several claims on one revision the first won,
        so a later claim on the same base is a refused concurrent write, not the last word.
        """
        events = tables["events"]
        if events.last_writes is None:
            tab_of = {name: tab for tab, name in ENTITY.items()}
            found: dict[str, dict[str, tuple[int, str]]] = {tab: {} for tab in SIGNED}
            for _, r in events.rows:
                tab = tab_of.get(r.get("entity", ""))
                if tab is None or not r.get("_row"):
                    continue
                base, seen = int(r.get("_base") or 0), found[tab].get(r.get("entity_id", ""))
                if seen is None or base > seen[0]:
                    found[tab][r["entity_id"]] = (base, r["_row"])
            events.last_writes = found
        return events.last_writes

    def _last_good_row(self, tab: str, key: str, tables: dict[str, Table]) -> dict | None:
        """The row the last recorded write left, when it is itself signed by SIDIP."""
        last = self._last_writes(tables)[tab].get(key)
        if last is None:
            return None
        row = json.loads(last[1])
        return row if row.get("_mac") == self._row_mac(tab, row) else None

    def integrity_problems(self) -> list[str]:
        """For ``doctor``: every signed tab's rows edited by hand, older rows pasted back, rows deleted."""
        tables, lines = self._read(full=True), []  # doctor: the whole log, old rows edited since included
        for tab in sorted(SIGNED):
            present = {r.get(KEYS[tab]) for _, r in tables[tab].rows}
            for _, row in tables[tab].rows:
                if row.get("_mac") != self._row_mac(tab, row):
                    lines.append(f"Tab {TABS[tab]}: baris {row.get(KEYS[tab])} diubah langsung di Sheet")
                elif not self._authentic(tab, row, tables):
                    lines.append(f"Tab {TABS[tab]}: baris {row.get(KEYS[tab])} adalah salinan lama yang "
                                 f"dipasang kembali (revisi {row.get('revision')})")
            for key in sorted(set(self._last_writes(tables)[tab]) - present):
                lines.append(f"Tab {TABS[tab]}: baris {key} dihapus dari Sheet (tercatat di riwayat)")
        ledger = {k: v for k, v in codec.read_ledger(r.get("_rows") for _, r in tables["events"].rows).items()
                  if k[0] in PLAIN_SIGNED}
        rows = ((tab, _plain_key(tab, r), r) for tab in sorted(PLAIN_SIGNED) for _, r in tables[tab].rows)
        lines += [f"Tab {TABS[tab]}: baris {name} {_SAID[kind]}"
                  for kind, tab, name in codec.ledger_findings(self._rows, rows, ledger)]
        return lines

    def _hash_digest(self, password_hash: str) -> str:
        return "sidik:" + hmac.new(self._key, password_hash.encode(), hashlib.sha256).hexdigest()[:32]

    def _audit_row(self, tab: str, row: dict) -> dict:
        """The row as the audit log keeps it: a password hash never enters the log, only a keyed digest."""
        if tab != "users" or not row.get("password_hash"):
            return row
        return {**row, "password_hash": self._hash_digest(row["password_hash"])}

    def _from_audit_row(self, tab: str, logged: dict, current: dict | None) -> dict:
        """A row put back from the log: its hash comes from the Sheet when the digests agree; otherwise
        it stays unusable (its MAC fails, the user is refused until an admin resets the password)."""
        if tab != "users" or not str(logged.get("password_hash", "")).startswith("sidik:"):
            return logged
        held = (current or {}).get("password_hash", "")
        return {**logged, "password_hash": held if held and self._hash_digest(held) == logged["password_hash"] else ""}

    def _ledger_entry(self, tab: str, row: dict | None, key_row: dict) -> list:
        return [tab, _plain_key(tab, key_row), self._rows.mac(tab, row) if row is not None else ""]


_SAID = {"diubah": "diubah langsung di Sheet (tidak dipakai)", "lama": "adalah salinan lama yang dipasang kembali",
         "dihapus": "dihapus dari Sheet (tercatat di riwayat)"}
