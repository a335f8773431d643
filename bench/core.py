"""Benchmark: working-day deadlines (vectorised vs scalar) and register actions on a real file.

Run: python bench/core.py   (prints figures; not a test)
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.bootstrap import build_context  # noqa: E402
from lib.domain.workdays import WorkCalendar  # noqa: E402
from lib.services import auth, items  # noqa: E402
from lib.services.context import SYSTEM_ACTOR  # noqa: E402


def timed(label: str, fn, repeat: int = 1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    elapsed = (time.perf_counter() - start) / repeat
    print(f"{label:58} {elapsed * 1000:10.1f} ms")
    return result


def bench_calendar(n: int) -> None:
    cal = WorkCalendar()
    rng = np.random.default_rng(1)
    starts = np.datetime64("2024-01-01") + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    timed(f"due dates, vectorised, {n:,} requests", lambda: cal.due_dates(starts, 5))
    sample = [date(2024, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 3 * 365, 2_000)]
    per = timed("due dates, scalar, 2,000 requests", lambda: [cal.add_working_days(d, 5) for d in sample])
    assert len(per) == 2_000


def bench_register(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ctx = build_context(Path(folder))
        ppid = auth.add_user(ctx, SYSTEM_ACTOR, "ppid", "PPID", "rahasia-panjang-1", ["ppid"]).actor()
        unit = ctx.units()[0]
        start = time.perf_counter()
        for k in range(n):
            items.open_request(ctx, ppid, unit, f"Informasi {k}")
        per_action = (time.perf_counter() - start) / n
        print(f"{'open_request (item + audit event, one transaction)':58} {per_action * 1000:10.2f} ms/aksi")
        timed(f"visible_items with live deadlines, {n:,} items", lambda: items.visible_items(ctx, ppid))


if __name__ == "__main__":
    bench_calendar(100_000)
    bench_register(1_000)
