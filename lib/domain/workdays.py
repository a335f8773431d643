"""Working-day calendar (hari kerja) for statutory deadlines.

Working days are Monday–Friday minus Indonesian national holidays
(``public``) and cuti bersama (``government``) from the ``holidays``
package, adjusted by admin overrides. Pure module: stdlib, numpy, holidays.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

import holidays
import numpy as np

WEEKMASK = "1111100"
KIND_LIBUR = "libur"
KIND_KERJA = "kerja"
DEFAULT_LIBUR_NAME = "Hari libur tambahan"

_MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
    "Agustus", "September", "Oktober", "November", "Desember",
)


def format_date_id(d: date) -> str:
    """Format a date the Indonesian way, e.g. '25 November 2026'."""
    return f"{d.day} {_MONTHS_ID[d.month - 1]} {d.year}"


# A deadline explained today starts within these bounds: older requests predate any register we hold,
# and one more than a year ahead is a typing error (9999-12-31 would overflow the calendar).
DEADLINE_EARLIEST = date(1990, 1, 1)
DEADLINE_AHEAD_DAYS = 366
MAX_DEADLINE_DAYS = 365


def deadline_start_bounds(today: date) -> tuple[date, date]:
    """(earliest, latest) start date of a deadline, ``today`` being the office's."""
    return DEADLINE_EARLIEST, today + timedelta(days=DEADLINE_AHEAD_DAYS)


def _to_date(d: date) -> date:
    # datetime is a date subclass but never compares equal to a date,
    # so set lookups would silently miss holidays without this.
    return d.date() if isinstance(d, datetime) else d


def _is_weekend(d: date) -> bool:
    return d.weekday() >= 5


def _check_n(n: int) -> None:
    if n < 1:
        raise ValueError(f"n must be >= 1 working day, got {n}")


@dataclass(frozen=True)
class HolidayOverride:
    """Admin adjustment: 'libur' adds a day off, 'kerja' makes a day a working day."""

    day: date
    kind: str
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (KIND_LIBUR, KIND_KERJA):
            raise ValueError(f"override kind must be 'libur' or 'kerja', got {self.kind!r}")
        object.__setattr__(self, "day", _to_date(self.day))

    def sort_key(self) -> tuple[str, str, str]:
        return (self.day.isoformat(), self.kind, self.name)


@dataclass(frozen=True)
class SkippedDay:
    """A weekday that was not counted, with the reason in Indonesian."""

    day: date
    name: str


@dataclass(frozen=True)
class DeadlineExplanation:
    """Why a deadline falls where it does."""

    start: date
    due: date
    working_days: int
    count_from_next_day: bool
    skipped: tuple[SkippedDay, ...]
    weekend_days: int

    def lines_id(self) -> list[str]:
        """Human-readable explanation lines in Indonesian."""
        lines = [f"Mulai: {format_date_id(self.start)}", self._due_line()]
        lines += [f"Dilewati: {format_date_id(s.day)} — {s.name}" for s in self.skipped]
        if self.weekend_days:
            lines.append(f"Akhir pekan dilewati: {self.weekend_days} hari")
        return lines

    def _due_line(self) -> str:
        mode = ("dihitung mulai hari kerja berikutnya" if self.count_from_next_day
                else "dihitung termasuk hari mulai")
        return (f"Batas waktu: {format_date_id(self.due)} "
                f"({self.working_days} hari kerja, {mode})")


def _resolve_overrides(overrides: Iterable[HolidayOverride]) -> dict[date, HolidayOverride]:
    # Conflicting entries for one day would make the result depend on input
    # order while the fingerprint (sorted) would not, so refuse them.
    by_day: dict[date, HolidayOverride] = {}
    for o in overrides:
        prev = by_day.setdefault(o.day, o)
        if prev != o:
            raise ValueError(f"conflicting holiday overrides for {o.day.isoformat()}: {prev} vs {o}")
    return by_day


def _as_day_array(values) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def _year_of(d64: np.datetime64) -> int:
    return int(d64.astype("datetime64[Y]").astype(int)) + 1970


@functools.lru_cache(maxsize=8)
def _national_holidays(lo: int, hi: int) -> tuple[tuple[date, str], ...]:
    """Built once per year range: the package computes lunar dates, which is slow per call."""
    h = holidays.country_holidays(
        "ID", years=range(lo, hi + 1), categories=("public", "government"), language="id")
    return tuple((d, "; ".join(h.get_list(d))) for d in sorted(h))


class WorkCalendar:
    """Indonesian working-day calendar with admin overrides.

    Holiday years are loaded lazily, so dates outside first_year..last_year
    still see their holidays instead of being treated as ordinary days.
    """

    def __init__(self, overrides: Iterable[HolidayOverride] = (),
                 first_year: int = 2020, last_year: int = 2035) -> None:
        self._overrides = _resolve_overrides(overrides)
        self._lock = threading.Lock()  # Streamlit may share one instance across threads
        self._lo = self._hi = None
        self._names: dict[date, str] = {}
        self._ensure_years(first_year, last_year)

    # ---- holiday data -------------------------------------------------

    def _ensure_years(self, lo: int, hi: int) -> None:
        if self._lo is not None and self._lo <= lo and hi <= self._hi:
            return
        with self._lock:
            new_lo = lo if self._lo is None else min(lo, self._lo)
            new_hi = hi if self._hi is None else max(hi, self._hi)
            self._load(new_lo, new_hi)

    def _load(self, lo: int, hi: int) -> None:
        names = self._national_names(lo, hi)
        for day, o in self._overrides.items():
            self._apply_override(names, day, o)
        days = np.array(sorted(names), dtype="datetime64[D]")
        self._names = names
        self._busdaycal = np.busdaycalendar(weekmask=WEEKMASK, holidays=days)
        self._lo, self._hi = lo, hi  # published last: readers check these first

    @staticmethod
    def _national_names(lo: int, hi: int) -> dict[date, str]:
        return dict(_national_holidays(lo, hi))  # a copy: overrides are applied to it

    @staticmethod
    def _apply_override(names: dict[date, str], day: date, o: HolidayOverride) -> None:
        if o.kind == KIND_KERJA:
            names.pop(day, None)
        else:
            names[day] = o.name or names.get(day) or DEFAULT_LIBUR_NAME

    def _ensure_dates(self, *days: date) -> None:
        self._ensure_years(min(d.year for d in days), max(d.year for d in days))

    def _ensure_array(self, arr: np.ndarray) -> None:
        # NaT (a missing date) must not reach min/max: it would ask for holidays of absurd years.
        known = arr[~np.isnat(arr)]
        if known.size:
            self._ensure_years(_year_of(known.min()), _year_of(known.max()))

    # ---- scalar API ---------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """True for Monday–Friday that is not a holiday, cuti bersama or 'libur' override."""
        d = _to_date(d)
        self._ensure_dates(d)
        return not _is_weekend(d) and d not in self._names

    def holiday_name(self, d: date) -> str | None:
        """Holiday / cuti bersama / override name; None for ordinary days and plain weekends."""
        d = _to_date(d)
        self._ensure_dates(d)
        return self._names.get(d)

    def add_working_days(self, start: date, n: int, count_from_next_day: bool = True) -> date:
        """Date of the n-th working day counted from start."""
        result = self.due_dates([_to_date(start)], n, count_from_next_day)[0]
        return result.item()

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 if end <= start."""
        return int(self.working_days_between_many([_to_date(start)], [_to_date(end)])[0])

    def explain(self, start: date, n: int, count_from_next_day: bool = True) -> DeadlineExplanation:
        """Due date plus the skipped holidays and weekend count behind it.

        The span is (start, due]; with count_from_next_day=False the start
        day itself is a candidate day 1, so the span is [start, due].
        """
        start = _to_date(start)
        due = self.add_working_days(start, n, count_from_next_day)
        span = self._span(start, due, include_start=not count_from_next_day)
        skipped = tuple(SkippedDay(d, self._names[d]) for d in span
                        if not _is_weekend(d) and d in self._names)
        weekend_days = sum(1 for d in span if _is_weekend(d))
        return DeadlineExplanation(start, due, n, count_from_next_day, skipped, weekend_days)

    @staticmethod
    def _span(start: date, due: date, include_start: bool) -> list[date]:
        first = start if include_start else start + timedelta(days=1)
        return [first + timedelta(days=i) for i in range((due - first).days + 1)]

    # ---- vectorised API -----------------------------------------------

    def due_dates(self, starts, n: int, count_from_next_day: bool = True) -> np.ndarray:
        """Vectorised add_working_days: array of start dates -> datetime64[D] due dates."""
        _check_n(n)
        arr = _as_day_array(starts)
        self._ensure_array(arr)
        while True:
            result = self._offset(arr, n, count_from_next_day)
            # Holidays of a year not yet loaded could push dates further out;
            # once every result lies inside the loaded range, it is final.
            known = result[~np.isnat(result)]
            if not known.size or _year_of(known.max()) <= self._hi:
                return result
            self._ensure_years(self._lo, _year_of(known.max()))

    def _offset(self, arr: np.ndarray, n: int, count_from_next_day: bool) -> np.ndarray:
        # Rolling backward to the last working day <= start and then moving n
        # days makes day 1 the first working day strictly after start.
        if count_from_next_day:
            return np.busday_offset(arr, n, roll="backward", busdaycal=self._busdaycal)
        return np.busday_offset(arr, n - 1, roll="forward", busdaycal=self._busdaycal)

    def working_days_between_many(self, starts, ends) -> np.ndarray:
        """Vectorised working_days_between: working days in (start, end], 0 if end <= start."""
        s, e = np.broadcast_arrays(_as_day_array(starts), _as_day_array(ends))
        self._ensure_array(np.concatenate([s.ravel(), e.ravel()]))
        one = np.timedelta64(1, "D")
        # busday_count counts [begin, end); shifting both by a day gives (start, end].
        counts = np.busday_count(s + one, e + one, busdaycal=self._busdaycal)
        return np.maximum(counts, 0)

    # ---- identity -----------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """Short stable id: holidays package version + sorted overrides."""
        parts = [f"holidays={holidays.__version__}", f"weekmask={WEEKMASK}"]
        parts += ["|".join(o.sort_key()) for o in sorted(self._overrides.values(),
                                                          key=HolidayOverride.sort_key)]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]
