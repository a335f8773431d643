"""What the Google Sheets register reads, and when: each tab lazily, the audit log incrementally.

A tab is read when a call first needs it and kept ``CACHE_SECONDS`` (others' changes show within a
minute; an own write marks the tabs it wrote stale, so its effect shows at once, and leaves the others as
fresh as they were). A refill is one
``values.batchGet`` of the tab asked for, the small tabs (``LIGHT``) that are stale, the audit log's new
rows if it is stale, and every other stale tab a call used in the last ``WARM_SECONDS`` (so a page that
reads several tabs still costs one request, and a page that never reads the item list does not read it).

The audit log only grows: after the first whole read, a refill reads from the last row held to the end
(a bounded A1 range). The first row it answers must be the row held there, and every new event must name
a predecessor already known (the chain continues); otherwise, or when the tab shrank, the whole tab is read
again. An old event edited in the Sheet after it was read is not seen by a refill: ``doctor`` and backups
read the whole log (``_read(..., full=True)``), and every fresh process starts with a whole read.
"""
from __future__ import annotations

import time
from collections import Counter

from lib.store.sheets_client import SheetsUnavailable, _status, call
from lib.store.sheets_layout import CACHE_SECONDS, LIGHT, TABS, WARM_SECONDS, Table, column_letter

NEVER = float("-inf")
RECENT_SECONDS = 2.0  # a read this recent is as good as a fresh one for a write (the confirming read decides)


def _sheet_ids_in(node) -> set[int]:
    if isinstance(node, dict):
        found = {node["sheetId"]} if isinstance(node.get("sheetId"), int) else set()
        return found.union(*(_sheet_ids_in(v) for k, v in node.items() if k != "sheetId"))
    if isinstance(node, list):
        return set().union(*(_sheet_ids_in(v) for v in node))
    return set()


class TableView:
    """``tables[tab]``: the tab as cached, read (with what else is stale) when a call first needs it."""

    def __init__(self, register):
        self._register = register

    def __getitem__(self, tab: str) -> Table:
        return self._register._tab(tab)


class SheetsReads:
    """Mixin of SheetsRegister: needs ``client``, ``sid``, ``policy``, ``_http()``, ``_add_columns``,
    ``_add_missing_tabs``."""

    def _init_cache(self) -> None:
        self._cache: dict[str, tuple[float, Table]] = {}
        self._used: dict[str, float] = {}
        self.event_reads: Counter = Counter()  # "whole" / "new rows" / "fallback": how the log was read

    def _tables(self) -> TableView:
        return TableView(self)

    def _tab(self, tab: str) -> Table:
        now = time.monotonic()
        self._used[tab] = now
        held = self._cache.get(tab)
        if held is None or now - held[0] > CACHE_SECONDS:
            self._read((tab,), warm=True)
        return self._cache[tab][1]

    def invalidate(self) -> None:
        """Forget everything: the next read of every tab, the audit log included, is whole."""
        self._cache = {}

    def _stale(self, requests: list[dict] | None = None) -> None:
        """After an own write: the tabs it wrote (every tab when not known) are read again before use, the
        audit log from where it was. A tab the write did not touch keeps its age: only its own write makes it
        older than the freshness rule allows, so a login does not cost a page its item list."""
        written = self._written_tabs(requests) if requests else None
        self._cache = {tab: (NEVER if written is None or tab in written else at, table)
                       for tab, (at, table) in self._cache.items()}

    def _written_tabs(self, requests: list[dict]) -> set[str] | None:
        """The tabs a batchUpdate's requests name by sheetId; None if one names none (e.g. addSheet)."""
        by_id = {sheet_id: tab for tab in TABS if (sheet_id := self._sheet_ids.get(TABS[tab])) is not None}
        tabs = set()
        for request in requests:
            ids = _sheet_ids_in(request)
            if not ids or not ids <= set(by_id):
                return None
            tabs |= {by_id[i] for i in ids}
        return tabs

    def _fresh(self, tab: str, now: float) -> bool:
        held = self._cache.get(tab)
        return held is not None and now - held[0] <= CACHE_SECONDS

    def _companions(self, tabs: tuple[str, ...], now: float) -> tuple[str, ...]:
        """What else one batchGet brings while it is being made: the stale small tabs and audit log, and the
        stale tabs used lately."""
        more = [t for t in TABS if t not in tabs and not self._fresh(t, now) and (
            t in LIGHT or t == "events" or now - self._used.get(t, NEVER) <= WARM_SECONDS)]
        return tuple(tabs) + tuple(more)

    def _read(self, tabs=tuple(TABS), full: bool = False, warm: bool = False) -> dict[str, Table]:
        """A fresh read of ``tabs`` in one request (the audit log's new rows only, unless ``full``); with
        ``warm`` also the companions. Everything read is cached."""
        now = time.monotonic()
        wanted = self._companions(tuple(tabs), now) if warm else tuple(tabs)
        held = None if full or "events" not in self._cache else self._cache["events"][1]
        ranges = [self._events_range(held) if t == "events" and held is not None else f"'{TABS[t]}'"
                  for t in wanted]
        try:
            body = call(self.policy, self._http().values_batch_get, self.sid, ranges,
                        {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"})
        except SheetsUnavailable as err:
            if _status(err.__cause__) == 400 and self._add_missing_tabs():  # a Sheet from an earlier release
                return self._read(tabs, full=full, warm=warm)
            # rows deleted below the held count: the range now exceeds the grid
            if held is None or _status(err.__cause__) != 400 or "events" not in wanted:
                raise
            self.event_reads["fallback"] += 1
            return self._read(tabs, full=True, warm=warm)
        answers = [vr.get("values", []) for vr in body.get("valueRanges", [])]
        tables = {}
        for t, values in zip(wanted, answers):
            tables[t] = self._events_after(held, values) if t == "events" and held is not None else Table(t, values)
            if t == "events" and held is None:
                self.event_reads["whole"] += 1
        if any(table.missing for table in tables.values()):
            self._add_columns({t: table for t, table in tables.items() if table.missing})
            return self._read(tabs, full=True, warm=warm)
        for t, table in tables.items():
            if table.positions:
                self._layout[t] = sorted(table.positions, key=table.positions.get)
            self._cache[t] = (now, table)
        return {t: tables[t] for t in tabs}

    def _recent(self, tabs: tuple[str, ...]) -> dict[str, Table]:
        """For a write: the tabs as read within ``RECENT_SECONDS`` (by this run, or the confirming read of the
        write just before), else a fresh read. A writer who slips in between is caught by the confirming read,
        exactly as one between the read and the write always was."""
        now = time.monotonic()
        if all(t in self._cache and now - self._cache[t][0] <= RECENT_SECONDS for t in tabs):
            return {t: self._cache[t][1] for t in tabs}
        return self._read(tabs)

    @staticmethod
    def _events_range(held: Table) -> str:
        """From the last row held (read again, to check it is still there) to the end of the tab."""
        last = held.rows[-1][0] if held.rows else 0
        width = max(held.positions.values(), default=0) + 1
        return f"'{TABS['events']}'!A{last + 1}:{column_letter(width)}"

    def _events_after(self, held: Table, values: list[list[str]]) -> Table:
        grown = held.extended(values)
        if grown is None:  # the tab shrank, the held last row moved or changed, or the chain does not continue
            self.event_reads["fallback"] += 1
            whole = call(self.policy, self._http().values_batch_get, self.sid, [f"'{TABS['events']}'"],
                         {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"})
            return Table("events", whole.get("valueRanges", [{}])[0].get("values", []))
        self.event_reads["new rows"] += 1
        return grown
