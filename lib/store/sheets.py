"""Google Sheets as the shared register (gspread 6.x), with the same contract as the local register.

Budget: one ``values.batchGet`` reads the tabs a call needs, with the stale small ones, and the audit log's
new rows (see ``sheets_cache``: cached briefly, stale after each write); an action is a fresh read, one
all-or-nothing ``spreadsheets.batchUpdate`` (the row and its audit event together) and one confirming read. Concurrency across processes: every write appends its event with the revision it started
from; the first such event in the sheet's (Google-ordered) append order wins, a loser repairs the row it
may have overwritten and is told who changed it. Rows are found by id, never by a remembered row number;
values are written as strings (``userEnteredValue.stringValue``), so user text never becomes a formula.
"""
from __future__ import annotations

import dataclasses
import json
import threading

from lib.domain.audit import EventSigner
from lib.domain.models import Attachment, Event, Item, SnapshotRow, User, Version, utc_now
from lib.domain.workdays import HolidayOverride
from lib.errors import ConflictError, SidipError, stale_error
from lib.store import codec
from lib.store.port import Register, stale_item
from lib.store.sheets_cache import SheetsReads
from lib.store.sheets_client import RetryPolicy, call
from lib.store.sheets_integrity import SheetsIntegrity
from lib.store.sheets_layout import (
    CACHE_SECONDS, HEADER_WORDS, KEYS, MAX_BATCH_ROWS, RECORDS, SIGNED, TABS, Table, _cell,
    _setting_token, _snapshot_key, _snapshot_rows, columns, header,
)

__all__ = ["CACHE_SECONDS", "SheetsRegister"]  # the freshness rule, read by the Sheets benchmark


class SheetsRegister(SheetsReads, SheetsIntegrity, Register):
    """Adapter over one spreadsheet. ``client`` is a ``gspread.Client`` (its session may be injected)."""

    def __init__(self, client, spreadsheet_id: str, signer: EventSigner, key: bytes,
                 policy: RetryPolicy | None = None):
        self.client, self.sid, self.signer, self._key = client, spreadsheet_id, signer, key
        self.policy = policy or RetryPolicy()
        self._rows = codec.RowSigner(key)
        self._lock = threading.Lock()
        self._init_cache()
        self._sheet_ids: dict[str, int] = {}
        self._layout: dict[str, list[str]] = {}  # column names in the order the Sheet's header holds them

    # -- plumbing ------------------------------------------------------------------------
    def _http(self):
        return self.client.http_client

    def _metadata(self) -> dict[str, int]:
        if not self._sheet_ids:
            meta = call(self.policy, self._http().spreadsheets_get, self.sid, {"fields": "sheets.properties"})
            self._sheet_ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in meta.get("sheets", [])}
        return self._sheet_ids

    def _add_columns(self, tables: dict[str, Table]) -> None:
        """A Sheet made by an earlier release: append the new columns' header words after the last one."""
        requests = []
        for tab, table in tables.items():
            if not table.missing:
                continue
            sheet_id, width = self._metadata()[TABS[tab]], max(table.positions.values()) + 1
            requests += [{"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                              "length": len(table.missing)}},
                         {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": width},
                                          "fields": "userEnteredValue", "rows": [{"values": [
                                              _cell(HEADER_WORDS.get(c, c)) for c in table.missing]}]}}]
            if "_mac" in table.missing and table.rows:  # rows written before this tab was signed: sign them now
                at = width + table.missing.index("_mac")
                requests.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": at},
                                                 "fields": "userEnteredValue", "rows": [
                                                     {"values": [_cell(self._rows.mac(tab, r))]} for _, r in table.rows]}})
        call(self.policy, self._http().batch_update, self.sid, {"requests": requests})

    def revision(self, office_id: str) -> str:
        """The audit log's length and newest event (every change writes one) and when it was read: it moves
        at once after an own write and at each refill (others' changes, hand edits included, within
        CACHE_SECONDS); reading it costs a request only when the cache is due anyway."""
        log = self._tab("events")
        newest = log.rows[-1][1].get("id", "") if log.rows else ""
        return f"sheets:{self.sid}#{len(log.rows)}:{newest}@{self._cache['events'][0]}"

    def _batch(self, requests: list[dict], event_id: str = "", applied=None) -> None:
        """One all-or-nothing batchUpdate; after a lost response, the event id (or ``applied``, a check of
        what the write leaves behind) tells whether it applied."""
        def event_written() -> bool:
            return bool(event_id) and self._read(("events",))["events"].find("id", event_id)[0] is not None
        try:
            call(self.policy, self._http().batch_update, self.sid, {"requests": requests},
                 on_retry=applied or event_written)
        finally:
            self._stale(requests)

    def _row_mac(self, tab: str, row: dict) -> str:
        return self._rows.mac(tab, row)

    def _values(self, tab: str, row: dict) -> list[dict]:
        """The row in the order of the Sheet's own header (a Sheet made earlier has newer columns last),
        signed: whatever SIDIP writes to a tab but the audit log carries its MAC."""
        if tab != "events":
            row = {**row, "_mac": self._rows.mac(tab, row)}
        layout = self._layout.get(tab) or columns(tab)
        return [_cell(row.get(c, "")) for c in layout + [c for c in columns(tab) if c not in layout]]

    def _append(self, tab: str, rows: list[dict]) -> dict:
        return {"appendCells": {"sheetId": self._metadata()[TABS[tab]], "fields": "userEnteredValue",
                                "rows": [{"values": self._values(tab, r)} for r in rows]}}

    def _update(self, tab: str, index: int, row: dict) -> dict:
        return {"updateCells": {"start": {"sheetId": self._metadata()[TABS[tab]], "rowIndex": index,
                                          "columnIndex": 0},
                                "fields": "userEnteredValue", "rows": [{"values": self._values(tab, row)}]}}

    # -- schema -----------------------------------------------------------------------------
    def init(self) -> None:
        self._add_missing_tabs()
        self.invalidate()

    def _add_missing_tabs(self) -> list[str]:
        """The tabs the Sheet lacks (one made by an earlier release), added with their header row; existing
        tabs and their data are not touched. Returns the tabs added."""
        self._sheet_ids = {}
        existing = self._metadata()
        missing = [t for t in TABS if TABS[t] not in existing]
        if missing:
            adds = [{"addSheet": {"properties": {"title": TABS[t], "gridProperties": {
                "rowCount": 1000, "columnCount": len(columns(t)) + 2}}}} for t in missing]
            call(self.policy, self._http().batch_update, self.sid, {"requests": adds})
            self._sheet_ids = {}
            self._batch([{"appendCells": {"sheetId": self._metadata()[TABS[t]], "fields": "userEnteredValue",
                                          "rows": [{"values": [_cell(h) for h in header(t)]}]}} for t in missing])
        return missing

    def schema_problems(self) -> list[str]:
        """For ``doctor``: missing tabs, wrong or missing header words."""
        problems, tables = [], self._read(full=True)
        for tab, table in tables.items():
            absent = [HEADER_WORDS.get(c, c) for c in columns(tab) if c not in table.positions]
            if absent:
                problems.append(f"Tab {TABS[tab]}: kolom hilang {', '.join(absent)}")
        return problems

    # -- decoding ---------------------------------------------------------------------------
    def _record(self, tab: str, row: dict):
        return codec.from_row(RECORDS[tab], {c: row.get(c, "") for c in codec.columns(RECORDS[tab])})


    # -- reads ------------------------------------------------------------------------------
    def get_item(self, item_id: str) -> Item | None:
        self.record_hand_edits()
        _, row = self._tables()["items"].find("id", item_id)
        return self._record("items", row) if row else None

    def list_items(self, office_id: str) -> list[Item]:
        self.record_hand_edits()
        rows = [r for _, r in self._tables()["items"].rows if r.get("office_id") == office_id]
        return sorted((self._record("items", r) for r in rows), key=lambda i: (i.created_at, i.id))

    def get_version(self, version_id: str) -> Version | None:
        return next((v for v in self._versions() if v.id == version_id), None)

    def list_versions(self, office_id: str) -> list[Version]:
        rows = [v for v in self._versions() if v.office_id == office_id]
        return sorted(rows, key=lambda v: (v.created_at, v.id))

    def _versions(self) -> list[Version]:
        """Versions as SIDIP last wrote them: a row edited, replayed or deleted by hand in the Sheet
        does not change (or hide) a decreed version; the last signed write in the log stands, and
        ``doctor`` reports the Sheet's row."""
        tables = self._tables()
        rows = {r.get("id"): r for _, r in tables["versions"].rows}
        out = []
        for key in {*rows, *self._last_writes(tables)["versions"]}:
            row = rows.get(key)
            if row is None or not self._authentic("versions", row, tables):
                row = self._last_good_row("versions", key, tables)
            if row is not None:
                out.append(self._record("versions", row))
        return out

    def snapshot(self, version_id: str, kategori: str | None = None) -> list[SnapshotRow]:
        from lib.store.sqlite import _snapshot_order
        rows = [r for _, r in self._tables()["version_items"].rows
                if r.get("version_id") == version_id and kategori in (None, r.get("kategori"))
                and self._rows.valid("version_items", r)]
        snap = [codec.snapshot_row(r) for r in rows]
        return sorted(snap, key=_snapshot_order)

    def list_attachments(self, office_id: str, item_id: str | None = None) -> list[Attachment]:
        """Attachment rows edited by hand in the Sheet are not read (their hash or place could be forged)."""
        rows = [r for _, r in self._tables()["attachments"].rows if r.get("office_id") == office_id
                and item_id in (None, r.get("item_id")) and self._valid("attachments", r)]
        return sorted((self._record("attachments", r) for r in rows), key=lambda a: (a.uploaded_at, a.id))

    def get_attachment(self, attachment_id: str) -> Attachment | None:
        _, row = self._tables()["attachments"].find("id", attachment_id)
        return self._record("attachments", row) if row and self._valid("attachments", row) else None

    def get_user(self, username: str) -> User | None:
        """A user row edited by hand (role, hash) fails its MAC and is refused."""
        _, row = self._tables()["users"].find("username", username)
        return self._record("users", row) if row and self._valid("users", row) else None

    def list_users(self) -> list[User]:
        rows = [r for _, r in self._tables()["users"].rows if self._valid("users", r)]
        return sorted((self._record("users", r) for r in rows), key=lambda u: u.username)

    def settings(self, office_id: str) -> dict[str, str]:
        return {r["key"]: r["value"] for _, r in self._tables()["settings"].rows
                if r.get("office_id") == office_id and self._rows.valid("settings", r)}

    def directory(self, keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for _, r in self._tables()["settings"].rows:
            if r.get("key") in keys and self._rows.valid("settings", r):
                found.setdefault(r.get("office_id", ""), {})[r["key"]] = r["value"]
        return found

    def holiday_overrides(self, office_id: str) -> list[HolidayOverride]:
        from datetime import date
        rows = [r for _, r in self._tables()["holidays"].rows
                if r.get("office_id") == office_id and self._rows.valid("holidays", r)]
        return sorted((HolidayOverride(date.fromisoformat(r["day"]), r["kind"], r["name"]) for r in rows),
                      key=lambda o: o.day)

    def events(self, office_id: str, newest: int | None = None) -> list[Event]:
        rows = [r for _, r in self._tables()["events"].rows if r.get("office_id") == office_id]
        return [self._record("events", r) for r in (rows if newest is None else rows[max(len(rows) - newest, 0):])]

    # -- writes -----------------------------------------------------------------------------
    def _signed_event(self, events: Table, event: Event, base: int | None, row: dict | None,
                      written: list | None = None) -> dict:
        """The event row; ``written`` is the write ledger of the plain tabs ([tab, key, MAC], "" = deleted)."""
        mine = [r for _, r in events.rows if r.get("office_id") == event.office_id]
        event.prev_id = mine[-1]["id"] if mine else ""
        event.mac = self.signer.sign(event)
        values = codec.to_row(event)
        values["_base"] = "" if base is None else str(base)
        values["_row"] = json.dumps(row, ensure_ascii=False) if row else ""
        values["_rows"] = json.dumps(written, ensure_ascii=False) if written else ""
        return values

    def _sign_row(self, tab: str, obj, event_id: str) -> dict:
        row = codec.to_row(obj)
        row["_mac"], row["_event"] = self._row_mac(tab, row), event_id
        return row

    def _save_record(self, tab: str, obj, event: Event, expected: int | None, what: str, written=None):
        key = getattr(obj, KEYS[tab])
        with self._lock:
            tables = self._recent((tab, "events"))
            index, current = tables[tab].find(KEYS[tab], key)
            if tables["events"].find("id", event.id)[0] is not None:  # a retried action: already applied
                return self._record(tab, current)
            self._check(current, expected, what, key)
            new = obj.replace(revision=(expected or 0) + 1, updated_at=utc_now(), updated_by=event.actor)
            row = self._sign_row(tab, new, event.id)
            write = self._update(tab, index, row) if index is not None else self._append(tab, [row])
            logged = self._audit_row(tab, row)
            self._batch([write, self._append("events", [self._signed_event(tables["events"], event, expected, logged,
                                                                             written)])], event.id)
            self._confirm(tab, key, expected, event, what)
            return new

    def _check(self, current: dict | None, expected: int | None, what: str, key: str) -> None:
        if expected is None and current is not None:
            raise ConflictError(f"{what} dengan kode {key} sudah ada.")
        if expected is not None and (current is None or int(current.get("revision") or 0) != expected):
            raise stale_error(what, current.get("updated_by", "") if current else "",
                              current.get("updated_at", "") if current else "")

    def _confirm(self, tab: str, key: str, expected: int | None, event: Event, what: str) -> None:
        """The first event claiming this revision wins; a loser puts the winner's row back and is refused."""
        if expected is None:
            return
        tables = self._read((tab, "events"), warm=True)  # also refills what the next page run needs
        self._undo_misplaced(tab, key, tables)
        claims = [r for _, r in tables["events"].rows
                  if r.get("entity_id") == key and r.get("_base") == str(expected) and r.get("_row")]
        if not claims or claims[0]["id"] == event.id:
            return
        winner = claims[0]
        index, current = tables[tab].find(KEYS[tab], key)
        repair = [] if current is None or current.get("_event") != event.id else [
            self._update(tab, index, self._from_audit_row(tab, json.loads(winner["_row"]), current))]
        undo = self._signed_event(tables["events"], Event(
            action="penulisan_bersamaan_ditolak", actor=event.actor, role=event.role, entity=event.entity,
            entity_id=key, office_id=event.office_id, note=f"kalah dari {winner['id']}"), None, None)
        self._batch(repair + [self._append("events", [undo])])
        raise stale_error(what, winner.get("actor", ""), winner.get("at", ""))

    def _undo_misplaced(self, tab: str, key: str, tables: dict[str, Table]) -> None:
        """If the tab was sorted by hand between our read and our write, our row landed on someone
        else's: put theirs back from its last event, and ours where our record now is."""
        hits = [(i, r) for i, r in tables[tab].rows if r.get(KEYS[tab]) == key]
        if len(hits) < 2:
            return
        ours = next(((i, r) for i, r in hits if r.get("_event")), hits[-1])
        stale = next(i for i, r in hits if i != ours[0])
        present = {r.get(KEYS[tab]) for _, r in tables[tab].rows}
        latest: dict[str, dict] = {}
        for _, r in tables["events"].rows:
            if r.get("_row") and r.get("entity_id") not in present:
                latest[r["entity_id"]] = self._from_audit_row(tab, json.loads(r["_row"]), None)
        lost = next(iter(latest.values()), None)
        writes = [self._update(tab, stale, ours[1])]
        if lost is not None:
            writes.append(self._update(tab, ours[0], lost))
        self._batch(writes)
        tables.update(self._read((tab, "events")))

    def save_item(self, item: Item, event: Event, expected_revision: int | None) -> Item:
        return self._save_record("items", item, event, expected_revision, "Informasi")

    def save_user(self, user: User, event: Event, expected_revision: int | None) -> User:
        return self._save_record("users", user, event, expected_revision, "Pengguna")

    def save_attachment(self, att: Attachment, event: Event, expected_revision: int | None) -> Attachment:
        return self._save_record("attachments", att, event, expected_revision, "Berkas")

    def save_version(self, version, event, expected_revision, snapshot=None) -> Version:
        written = None
        if snapshot is not None:  # the version's event carries the snapshot's ledger: old rows gone, new ones
            held = [r for _, r in self._tables()["version_items"].rows if r.get("version_id") == version.id]
            written = [self._ledger_entry("version_items", None, r) for r in held]
            written += [self._ledger_entry("version_items", r, r) for r in _snapshot_rows(snapshot)]
        saved = self._save_record("versions", version, event, expected_revision, "Versi DIP", written)
        if snapshot is not None:
            self._replace_snapshot(version.id, snapshot)
        return saved

    def _delete_rows(self, tab: str, indexes: list[int]) -> list[dict]:
        """Delete from the bottom up so earlier indexes stay valid within one batchUpdate."""
        sheet = self._metadata()[TABS[tab]]
        return [{"deleteDimension": {"range": {"sheetId": sheet, "dimension": "ROWS", "startIndex": i,
                                               "endIndex": i + 1}}} for i in sorted(indexes, reverse=True)]

    def _replace_snapshot(self, version_id: str, rows: list[SnapshotRow]) -> None:
        with self._lock:
            table = self._read(("version_items",))["version_items"]
            old = [i for i, r in table.rows if r.get("version_id") == version_id]
            new = _snapshot_rows(rows)
            # A lost response must not append the rows twice: retry only while the tab does not already
            # hold exactly the new rows (the write is all-or-nothing, so it either did or did not apply).
            def applied() -> bool:
                now = [r for _, r in self._read(("version_items",))["version_items"].rows
                       if r.get("version_id") == version_id]
                return _snapshot_key(now) == _snapshot_key(new)
            self._batch(self._delete_rows("version_items", old) + ([self._append("version_items", new)] if new else []),
                        applied=applied)

    def _upsert_plain(self, tab: str, match: dict, row: dict | None, event: Event) -> None:
        with self._lock:
            tables = self._read((tab, "events"))
            index = next((i for i, r in tables[tab].rows if all(r.get(k) == v for k, v in match.items())), None)
            if row is None:
                writes = self._delete_rows(tab, [index]) if index is not None else []
            else:
                writes = [self._update(tab, index, row) if index is not None else self._append(tab, [row])]
            written = [self._ledger_entry(tab, row, match)]
            self._batch(writes + [self._append("events", [self._signed_event(tables["events"], event, None, None,
                                                                             written)])], event.id)

    def save_settings(self, office_id: str, values: dict[str, str], event: Event) -> None:
        """Every key and the event in one batchUpdate, like any other action."""
        with self._lock:
            tables = self._read(("settings", "events"))
            writes = []
            for key, value in values.items():
                index = next((i for i, r in tables["settings"].rows
                              if r.get("office_id") == office_id and r.get("key") == key), None)
                row = {"office_id": office_id, "key": key, "value": str(value)}
                writes.append(self._update("settings", index, row) if index is not None
                              else self._append("settings", [row]))
            written = [self._ledger_entry("settings", {"office_id": office_id, "key": k, "value": str(v)},
                                          {"office_id": office_id, "key": k}) for k, v in values.items()]
            event_row = self._signed_event(tables["events"], event, None, None, written)
            self._batch(writes + [self._append("events", [event_row])], event.id)

    def compare_and_set_setting(self, office_id, key, expected, value, event) -> bool:
        """A fresh read under the process lock decides between threads; across processes the event log
        decides (Google orders appends): see ``_setting_claims``. A loser undoes itself."""
        with self._lock:
            tables = self._read(("settings", "events"))
            index, current = self._setting_row(tables["settings"], office_id, key)
            if (current["value"] if current else None) != expected:
                self._stale()  # the caller reads again: let it see what we just saw
                return False
            row = {"office_id": office_id, "key": key, "value": str(value)}
            claim = {**self._signed_event(tables["events"], event, None, row, [self._ledger_entry("settings", row, row)]),
                     "_base": _setting_token(office_id, key, expected)}
            write = self._update("settings", index, row) if index is not None else self._append("settings", [row])
            self._batch([write, self._append("events", [claim])], event.id)
            return self._won_setting(event, row)

    @staticmethod
    def _setting_row(table: Table, office_id: str, key: str) -> tuple[int | None, dict | None]:
        hits = [(i, r) for i, r in table.rows if r.get("office_id") == office_id and r.get("key") == key]
        return hits[-1] if hits else (None, None)  # the last, as settings() reads it

    @staticmethod
    def _setting_claims(events: Table, office_id: str, key: str) -> tuple[set[str], dict | None]:
        """Claims in append order; one wins when it started from the value the last winner wrote (the first
        ever wins). Returns the winners' event ids and the last winner's row: the value the key must hold."""
        prefix, won, head = f"pengaturan:{key}:", set(), None
        for _, r in events.rows:
            if r.get("office_id") == office_id and r.get("_base", "").startswith(prefix) and (
                    head is None or r["_base"] == _setting_token(office_id, key, head["value"])):
                won.add(r["id"])
                head = json.loads(r["_row"])
        return won, head

    def _won_setting(self, event: Event, row: dict) -> bool:
        """A loser puts the last winner's value back if the key still holds its own, and renames its event
        in place: it never took effect, so it must not read as applied. Its id and prev_id are kept and it
        is signed again, so the chain still verifies."""
        tables = self._read(("settings", "events"))
        won, head = self._setting_claims(tables["events"], row["office_id"], row["key"])
        if event.id in won:
            return True
        mine = tables["events"].find("id", event.id)[0]
        index, current = self._setting_row(tables["settings"], row["office_id"], row["key"])
        repair = [self._update("settings", index, head)] if current and current["value"] == row["value"] else []
        refused = dataclasses.replace(event, action="penulisan_bersamaan_ditolak",
                                      note=f"tidak diterapkan ({event.action}); nilai telah diubah penulis lain")
        refused.mac = self.signer.sign(refused)
        ledger = json.dumps([self._ledger_entry("settings", head, head)]) if head else ""  # what the key holds now
        self._batch(repair + [self._update("events", mine, {**codec.to_row(refused), "_base": "", "_row": "",
                                                            "_rows": ledger})])
        return False

    def save_holiday_override(self, office_id, override, event, remove=False) -> None:
        row = {"office_id": office_id, "day": override.day.isoformat(), "kind": override.kind, "name": override.name}
        self._upsert_plain("holidays", {"office_id": office_id, "day": row["day"]}, None if remove else row, event)

    def append_event(self, event: Event) -> Event:
        with self._lock:
            events = self._read(("events",))["events"]
            self._batch([self._append("events", [self._signed_event(events, event, None, None)])], event.id)
        return event

    def save_many(self, items, events, version=None, snapshot=None) -> None:
        if len(items) + len(snapshot or []) > MAX_BATCH_ROWS:
            raise SidipError(f"Impor ke Google Sheets paling banyak {MAX_BATCH_ROWS:,} baris sekali jalan; "
                             "pecah berkasnya.".replace(",", "."))
        with self._lock:
            tables = self._read(("events",))
            stamp = utc_now()
            rows = [self._sign_row("items", i.replace(revision=1, updated_at=stamp, updated_by=i.created_by),
                                   events[0].id if events else "") for i in items]
            writes = [self._append("items", rows)] if rows else []
            written = None
            if version is not None:
                snap = _snapshot_rows(snapshot or [])
                writes.append(self._append("versions", [self._sign_row("versions", version.replace(revision=1), "")]))
                writes.append(self._append("version_items", snap))
                written = [self._ledger_entry("version_items", r, r) for r in snap]
            writes.append(self._append("events", self._chain(tables["events"], events, written)))
            self._batch(writes, events[-1].id if events else "")

    def update_many(self, items, events, expected_revisions) -> list[Item]:
        """Every revision checked on one fresh read, then every row and its event in one batchUpdate and
        one confirming read: a stale item writes nothing. Each event claims its row's revision like
        ``save_item``'s, so a writer in another process that wins a row is detected (see ``_confirm_many``)."""
        if len(items) > MAX_BATCH_ROWS:
            raise SidipError(f"Paling banyak {MAX_BATCH_ROWS:,} baris sekali simpan.".replace(",", "."))
        if not items:
            return []
        with self._lock:
            tables = self._read(("items", "events"))
            if tables["events"].find("id", events[-1].id)[0] is not None:  # a retried action: already applied
                return [self._record("items", tables["items"].find("id", i.id)[1]) for i in items]
            writes, saved, claims = [], [], []
            for item, event, expected in zip(items, events, expected_revisions, strict=True):
                index, current = tables["items"].find("id", item.id)
                try:
                    self._check(current, expected, "Informasi", item.id)
                except ConflictError as err:
                    raise stale_item(item, err.changed_by, err.changed_at) from err
                saved.append(item.replace(revision=expected + 1, updated_at=utc_now(), updated_by=event.actor))
                row = self._sign_row("items", saved[-1], event.id)
                writes.append(self._update("items", index, row))
                claims.append((event, expected, self._audit_row("items", row)))
            seen = Table("events", [])
            seen.rows = list(tables["events"].rows)
            for event, expected, logged in claims:
                seen.rows.append((0, self._signed_event(seen, event, expected, logged)))
            self._batch(writes + [self._append("events", [r for _, r in seen.rows[len(tables["events"].rows):]])],
                        events[-1].id)
            self._confirm_many(items, events, expected_revisions)
        return saved

    def _confirm_many(self, items, events, expected_revisions) -> None:
        """As ``_confirm`` for a batch, on one read: each row whose revision another process claimed first
        is put back to the winner's and refused. Rows this batch won stay written with their events (the
        race window is the one request between the fresh read and the write; a stale grid is refused
        before it)."""
        tables = self._read(("items", "events"))
        first = {}
        for _, r in tables["events"].rows:
            if r.get("entity") == "item" and r.get("_row"):
                first.setdefault((r.get("entity_id"), r.get("_base")), r)
        lost = [(i, e, first[(i.id, str(x))]) for i, e, x in zip(items, events, expected_revisions)
                if first.get((i.id, str(x)), {}).get("id", e.id) != e.id]
        if not lost:
            return
        repairs, refusals = [], []
        for item, event, winner in lost:
            index, current = tables["items"].find("id", item.id)
            if current is not None and current.get("_event") == event.id:
                repairs.append(self._update("items", index, json.loads(winner["_row"])))
            refusals.append(Event(action="penulisan_bersamaan_ditolak", actor=event.actor, role=event.role,
                                  entity=event.entity, entity_id=item.id, office_id=event.office_id,
                                  note=f"kalah dari {winner['id']}"))
        self._batch(repairs + [self._append("events", self._chain(tables["events"], refusals))])
        item, _, winner = lost[0]
        raise stale_item(item, winner.get("actor", ""), winner.get("at", ""))

    def record_hand_edits(self) -> None:
        """A hand edit to an item is recorded in the audit log (once) and the row re-signed: never silent."""
        if not self.tampered("items"):  # cached read: no request unless something was edited by hand
            return
        with self._lock:
            tables = self._read(("items", "events"))
            writes, events = [], []
            for index, row in tables["items"].rows:
                if self._authentic("items", row, tables):
                    continue
                last = self._last_writes(tables)["items"].get(row.get("id", ""))
                if last is not None:  # an older row pasted back: keep the revision order of the log
                    row = {**row, "revision": str(max(int(row.get("revision") or 0), last[0] + 1))}
                event = Event(action="diubah_di_luar_aplikasi", actor="(Google Sheet)", role="", entity="item",
                              entity_id=row["id"], unit=row.get("unit", ""), office_id=row.get("office_id", ""),
                              after={k: v for k, v in row.items() if not k.startswith("_")},
                              note="Baris diubah langsung di Google Sheet")
                events.append(event)
                writes.append(self._update("items", index, {**row, "_mac": self._row_mac("items", row),
                                                            "_event": event.id}))
            if writes:
                self._batch(writes + [self._append("events", self._chain(tables["events"], events))])

    def _chain(self, existing: Table, events: list[Event], written: list | None = None) -> list[dict]:
        """Sign several new events at once, each naming the one before it as this writer saw them; the
        last carries the write ledger of the plain tabs, if any."""
        seen = Table("events", [])
        seen.rows = list(existing.rows)
        out = []
        for n, event in enumerate(events, 1):
            out.append(self._signed_event(seen, event, None, None, written if n == len(events) else None))
            seen.rows.append((0, out[-1]))
        return out

    # -- backup ---------------------------------------------------------------------------
    def dump(self) -> dict[str, list[dict[str, str]]]:
        tables = self._read(full=True)
        order = getattr(Register, "DUMP_TABLES", tuple(TABS))
        plain = {t: [c for c in columns(t) if not c.startswith("_") or c in ("_mac", "_rows")] for t in TABS}
        return {t: [{c: r.get(c, "") for c in plain[t]} for _, r in tables[t].rows] for t in order}

    def load(self, tables: dict[str, list[dict[str, str]]]) -> None:
        current = self._read(full=True)
        if any(current[t].rows for t in ("users", "items", "versions", "events")):
            raise SidipError("Register tujuan tidak kosong: pulihkan hanya ke Google Sheet yang baru disiapkan.")
        writes = []
        for tab, rows in tables.items():
            if not rows:
                continue
            if tab in SIGNED:
                rows = [{**r, "_mac": self._row_mac(tab, r), "_event": ""} for r in rows]
            writes.append(self._append(tab, rows))
        if writes:  # load({}) only checks that the Sheet is empty
            self._batch(writes)
