"""The storage port: one interface, several adapters (local SQLite, Google Sheets).

Every write takes the audit event that describes it; the adapter stores both or neither.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from lib.domain.models import Attachment, Event, Item, SnapshotRow, User, Version
from lib.domain.workdays import HolidayOverride
from lib.errors import ConflictError, SidipError, stale_error


class Register(ABC):
    """The office's register of items, versions, users, settings and the audit log."""

    DUMP_TABLES = ("settings", "holidays", "users", "items", "versions", "version_items", "attachments",
                   "events")

    @abstractmethod
    def init(self) -> None:
        """Create missing tables/tabs; never touch existing data."""

    # -- reads -----------------------------------------------------------------------------
    @abstractmethod
    def get_item(self, item_id: str) -> Item | None:
        """The item with this id, or None."""

    @abstractmethod
    def list_items(self, office_id: str) -> list[Item]:
        """All items of an office, oldest first."""

    def item_frame(self, office_id: str, columns: tuple[str, ...] | None = None):
        """Items of an office as a pandas DataFrame of raw strings (the dashboard's fast path)."""
        import pandas as pd
        from lib.store import codec
        names = list(columns or codec.columns(Item))
        return pd.DataFrame([codec.to_row(i) for i in self.list_items(office_id)],
                            columns=codec.columns(Item))[names]

    def offices_item_frame(self, office_ids: frozenset[str], columns: tuple[str, ...]):
        """``item_frame`` of several offices at once, with an ``office_id`` column first (a roll-up reads
        hundreds of offices: one query, not one per office), its rows grouped by office in no set order within
        one. Call it on a ``scoped`` view of exactly those offices, so a database that enforces the scope shows
        nothing more."""
        import pandas as pd
        frames = [self.item_frame(o, columns).assign(office_id=o) for o in sorted(office_ids)]
        names = ["office_id", *columns]
        return pd.concat(frames, ignore_index=True)[names] if frames else pd.DataFrame(columns=names)

    def rollup_item_frame(self, office_ids: frozenset[str], columns: tuple[str, ...], submitted_since: str):
        """``offices_item_frame`` cut to the items a roll-up judges: on the clock and open or submitted on or
        after ``submitted_since`` (ISO date), or classified as meeting an obligation. A superset of what the
        figures count; the figures themselves are computed on it with their usual definitions."""
        frame = self.offices_item_frame(office_ids, tuple(dict.fromkeys((*columns, *_ROLLUP_COLUMNS))))
        return frame[_may_count(frame, submitted_since)][["office_id", *columns]].reset_index(drop=True)

    def stale_berkala_counts(self, office_ids: frozenset[str], before: str) -> dict[str, int]:
        """office -> its classified berkala items last refreshed (or classified) before ``before`` (ISO date),
        or never: lib.domain.metrics.stale_berkala counted per office without reading the items."""
        frame = self.offices_item_frame(office_ids, ("status", "kategori", "classified_on", "refreshed_on"))
        last = frame["refreshed_on"].where(frame["refreshed_on"] != "", frame["classified_on"])
        stale = (frame["status"] == "diklasifikasi") & (frame["kategori"] == "berkala") & ((last == "") | (last < before))
        return frame[stale].groupby("office_id").size().to_dict()

    def offices_settings(self, office_ids: frozenset[str]) -> dict[str, dict[str, str]]:
        """``settings`` of several offices (one read on a database)."""
        return {o: self.settings(o) for o in office_ids}

    def offices_holidays(self, office_ids: frozenset[str]) -> dict[str, list[HolidayOverride]]:
        return {o: self.holiday_overrides(o) for o in office_ids}

    def offices_versions(self, office_ids: frozenset[str]) -> dict[str, list[Version]]:
        return {o: self.list_versions(o) for o in office_ids}

    def snapshots(self, version_ids: list[str], kategori: str) -> dict[str, list[SnapshotRow]]:
        """``snapshot(v, kategori)`` of several versions: version id -> its rows."""
        return {v: self.snapshot(v, kategori) for v in version_ids}

    def snapshot_fields(self, version_ids: list[str], kategori: str,
                        fields: tuple[str, ...]) -> dict[str, list[SnapshotRow]]:
        """``snapshots`` with each row's data cut to ``fields`` (a dotted name reaches into an object): a
        roll-up needs four fields of 40,000 frozen rows, not the whole of each."""
        from lib.store import codec
        out = {}
        for version_id, rows in self.snapshots(version_ids, kategori).items():
            out[version_id] = [SnapshotRow(r.version_id, r.item_id, r.nomor, r.kategori, codec.pick(r.data, fields))
                               for r in rows]
        return out

    @abstractmethod
    def get_version(self, version_id: str) -> Version | None:
        """The version with this id, or None."""

    @abstractmethod
    def list_versions(self, office_id: str) -> list[Version]:
        """All versions of an office, oldest first."""

    @abstractmethod
    def snapshot(self, version_id: str, kategori: str | None = None) -> list[SnapshotRow]:
        """The frozen rows of an established version, by category and nomor; only one category's rows
        when ``kategori`` is given (the dashboard reads only the DIK of a 70,000-row version)."""

    @abstractmethod
    def list_attachments(self, office_id: str, item_id: str | None = None) -> list[Attachment]:
        """Every stored file of an office (or of one item), current and replaced, oldest first."""

    @abstractmethod
    def get_attachment(self, attachment_id: str) -> Attachment | None:
        """The attachment with this id, or None."""

    @abstractmethod
    def get_user(self, username: str) -> User | None:
        """The user with this username, or None."""

    @abstractmethod
    def list_users(self) -> list[User]:
        """All users, by username."""

    @abstractmethod
    def settings(self, office_id: str) -> dict[str, str]:
        """Stored settings of an office as raw strings (defaults live in the services)."""

    def directory(self, keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
        """The given settings keys of every office that holds one: office -> {key: value}.

        The office tree (lib.domain.offices) is read this way; it is the one read across offices, and a
        register with row-level security answers it for the whole deployment."""
        return {}

    def scoped(self, read: frozenset[str], write: frozenset[str]) -> "Register":
        """This register limited to the rows of the offices in ``read`` (and writes to ``write``).

        A database that can enforce it (PostgreSQL, row-level security) returns a view that does, so a
        query that forgets its office still sees nothing of another office; the others return themselves
        (their services are the one guard, and they hold one office)."""
        return self

    @abstractmethod
    def holiday_overrides(self, office_id: str) -> list[HolidayOverride]:
        """The admin's additions to and removals from the holiday calendar."""

    @abstractmethod
    def events(self, office_id: str, newest: int | None = None) -> list[Event]:
        """The audit log of an office, in the order it was written; only its last ``newest`` events
        when given (Riwayat shows the latest few of a log of 50,000)."""

    def revision(self, office_id: str) -> str:
        """A cheap token that changes whenever what this register holds for the office may have changed.

        Read-path caches key on it (with the office, the user's roles and unit, and the date): every
        write appends an audit event, so the last event is the revision on a database; a register that
        reads through a cache of its own returns the identity of that snapshot, so its freshness rule
        applies. Distinct registers never share a token. "" means "unknown": callers do not cache.
        """
        return ""

    def revision_of(self, office_ids: frozenset[str]) -> str:
        """``revision`` of several offices at once (a roll-up's cache key): it changes when any of them writes."""
        return "|".join(self.revision(o) for o in sorted(office_ids))

    # -- writes: each stores its audit event atomically ---------------------------------
    @abstractmethod
    def save_item(self, item: Item, event: Event, expected_revision: int | None) -> Item:
        """Insert (expected_revision None) or update an item; stale revision -> ConflictError."""

    @abstractmethod
    def save_version(self, version: Version, event: Event, expected_revision: int | None,
                     snapshot: list[SnapshotRow] | None = None) -> Version:
        """Insert or update a version; ``snapshot`` (if given) replaces its frozen rows."""

    @abstractmethod
    def save_attachment(self, att: Attachment, event: Event, expected_revision: int | None) -> Attachment:
        """Insert (expected_revision None) or update an attachment's record with its audit event;
        stale revision -> ConflictError. The bytes are put in the file store before, never here."""

    @abstractmethod
    def save_user(self, user: User, event: Event, expected_revision: int | None) -> User:
        """Insert or update a user."""

    @abstractmethod
    def save_settings(self, office_id: str, values: dict[str, str], event: Event) -> None:
        """Upsert settings keys."""

    def compare_and_set_setting(self, office_id: str, key: str, expected: str | None, value: str,
                                event: Event) -> bool:
        """Write one key only if it still holds ``expected`` (None: the key is absent), with its event.

        Returns False, changing nothing that reads as applied, when another writer got there first:
        the caller reads again and retries (a bounded number of times).
        """
        raise NotImplementedError

    @abstractmethod
    def save_holiday_override(self, office_id: str, override: HolidayOverride, event: Event,
                              remove: bool = False) -> None:
        """Add/replace (or remove) the override for ``override.day``."""

    @abstractmethod
    def save_many(self, items: list[Item], events: list[Event], version: Version | None = None,
                  snapshot: list[SnapshotRow] | None = None) -> None:
        """Insert many new items (and optionally a version with its snapshot) with their events,
        all or nothing: an import that fails halfway changes nothing."""

    def update_many(self, items: list[Item], events: list[Event], expected_revisions: list[int]) -> list[Item]:
        """Update several existing items, each with its own event, all or nothing.

        ``expected_revisions[n]`` is the revision ``items[n]`` was read at. Every revision is checked
        before anything is written: if one item has moved on (or is gone), nothing is written and a
        ConflictError (see ``stale_item``) names that item, who changed it and when. Returns the items
        as stored (revision + 1), in the order given.
        """
        raise NotImplementedError

    @abstractmethod
    def append_event(self, event: Event) -> Event:
        """Append an event that has no record change of its own (a login, an export)."""

    @abstractmethod
    def integrity_problems(self) -> list[str]:
        """Rows of any table whose MAC does not match what SIDIP wrote (changed outside SIDIP), in
        Indonesian, one line each; an empty list for a register that checks out."""

    # -- backup and restore --------------------------------------------------------------
    @abstractmethod
    def dump(self) -> dict[str, list[dict[str, str]]]:
        """Every table as rows of raw strings, keyed and ordered as ``DUMP_TABLES``.

        All offices, every stored column; events in the order they were written.
        """

    @abstractmethod
    def load(self, tables: dict[str, list[dict[str, str]]]) -> None:
        """Insert ``dump()``-shaped rows exactly as given, in one transaction, into an empty register.

        Events keep their id, prev_id and mac (nothing is re-signed). A register holding any row
        is refused with SidipError("Register tujuan tidak kosong: ...") and left unchanged.
        """


    def load_office(self, office_id: str, tables: dict[str, list[dict[str, str]]]) -> None:
        """Insert one office's ``dump()``-shaped rows exactly as given, in one transaction, into a register that
        holds other offices (an office moving in). Every row must belong to ``office_id``; an office that
        already holds any row, or a key another office holds (a username, an id), is refused with SidipError
        and nothing is written. A register of one office (Google Sheets) cannot take a second one."""
        raise SidipError("Register ini hanya memuat satu kantor: kantor lain tidak dapat dipindahkan ke dalamnya. "
                         "Gunakan register PostgreSQL (atau SQLite) untuk banyak kantor.")

_ROLLUP_COLUMNS = ("status", "requested_on", "info_created_on", "submitted_on", "kewajiban")


def _may_count(frame, since: str):
    on_clock = ((frame["requested_on"] != "") | (frame["info_created_on"] != "")) & (frame["status"] != "ditarik")
    judged = on_clock & ((frame["submitted_on"] == "") | (frame["submitted_on"] >= since))
    return judged | ((frame["status"] == "diklasifikasi") & ~frame["kewajiban"].isin(["", "[]"]))


def stale_item(item: Item, by: str, at: str) -> ConflictError:
    """The stale-write refusal of one item of a batch: the item's title, who changed it and when;
    ``err.item_id`` tells the caller which row it was."""
    err = stale_error(f"Informasi \"{item.judul[:80]}\"", by, at)
    err.item_id = item.id
    return err
