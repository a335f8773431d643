"""Benchmark: the Rekap Kantor roll-up a national pemantau watches.

Run: python bench/rollup.py [--offices 50] [--items 200]   (prints figures; not a test)
     python bench/rollup.py --offices 552 --items 1000     (the national deployment: 38 provinces, 514 regencies)

A register in a temporary folder holds KPU RI, its provinces and their regencies (settings rows, as
lib.services.offices writes them) and ``--items`` synthetic items per office (bench/register.py's mix, one
transaction); every second office has an uploaded DIP version. Timed: ``rollup.rollup`` as KPU RI's
pemantau, cold (first call in the process: holiday tables, obligations list) and warm (best of 3).
The last line is the summary: ``rollup: offices=N items=M cold=X.XXs warm=Y.YYs``.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.register import _insert, synthetic_items  # noqa: E402
from lib.bootstrap import build_context  # noqa: E402
from lib.domain.models import Decree, Event, Item, Version  # noqa: E402
from lib.domain.offices import LEVEL_KEY, NAME_KEY, PARENT_KEY  # noqa: E402
from lib.domain.workdays import WorkCalendar  # noqa: E402
from lib.services import admin, auth, offices, rollup  # noqa: E402
from lib.services.context import SYSTEM_ACTOR  # noqa: E402
from lib.store import codec  # noqa: E402


def tree(n: int) -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent) of ``n`` offices under KPU RI: up to 38 provinces, the rest regencies."""
    provinces = max(1, min(38, n // 10))
    found = [(f"prov-{p:02d}", f"KPU Provinsi {p:02d}", "provinsi", "") for p in range(provinces)]
    found += [(f"kab-{k:03d}", f"KPU Kabupaten {k:03d}", "kabkota", f"prov-{k % provinces:02d}")
              for k in range(n - provinces)]
    return found


def build(folder: Path, n_offices: int, n_items: int):
    ctx = build_context(folder)
    admin.update_settings(ctx, SYSTEM_ACTOR, {"office_name": "KPU Republik Indonesia"})
    offices.set_root(ctx, SYSTEM_ACTOR, "ri")
    pemantau = auth.add_user(ctx, SYSTEM_ACTOR, "pemantau", "Pemantau", "rahasia-panjang-1", ["pemantau"], "")
    found = tree(n_offices)
    settings = [{"office_id": code, "key": key, "value": value} for code, name, level, parent in found
                for key, value in ((LEVEL_KEY, level), (PARENT_KEY, parent or ctx.office_id), (NAME_KEY, name))]
    _insert(ctx, "settings", settings)
    template, _ = synthetic_items(n_items, ctx.today(), ctx.units(), WorkCalendar())
    names = codec.columns(Item)
    at_id, at_office = names.index("id"), names.index("office_id")
    rows = []
    for code, *_ in found:
        for row in template:
            row = list(row)
            row[at_id], row[at_office] = f"{code}-{row[at_id]}", code
            rows.append(dict(zip(names, row)))
    _insert(ctx, "items", rows)
    _uploaded_versions(ctx, [code for code, *_ in found][::2])
    return ctx, pemantau.actor()


def _uploaded_versions(ctx, codes: list[str]) -> None:
    year = ctx.today().year - 1
    for code in codes:
        version = Version(f"dip-{code}", year, status="diunggah", office_id=code,
                          uploaded_at=f"{year}-06-20T03:00:00+00:00",
                          decree=Decree("01/PPID/BENCH", date(year, 6, 10), "Jakarta", "Bench"))
        event = Event("dip_diunggah", "sistem", "", "version", version.id, office_id=code)
        ctx.register.save_version(version, event, None, [])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--items", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        ctx, pemantau = build(Path(folder), args.offices, args.items)
        print(f"register built: {args.offices} offices x {args.items} items in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        frame = rollup.rollup(ctx, pemantau)
        cold = time.perf_counter() - start
        warm = min(_timed(lambda: rollup.rollup(ctx, pemantau)) for _ in range(3))
        assert len(frame) == args.offices, len(frame)
        print(frame.drop(columns="office_id").head(5).to_string(index=False))
        print(f"offices per DIP status: {frame['Status DIP'].value_counts().to_dict()}")
        print(f"rollup: offices={args.offices} items={args.items} cold={cold:.2f}s warm={warm:.2f}s")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
