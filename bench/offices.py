"""Benchmark: one PostgreSQL deployment of many offices.

Run: python bench/offices.py [--offices 553] [--items 1000] [--seconds 60] [--workers 16]
(prints figures; not a test; needs Debian's PostgreSQL binaries: a throwaway server on 127.0.0.1)

Builds KPU RI + 38 provinces + 514 regencies (or ``--offices N`` in proportion), each with ``--items``
items (the dashboards' synthetic mix), one event per item revision, an uploaded DIP version of 70% of them
and 20 accounts (11,060 at full size), through the ordinary role the app uses (row-level security on).
Measures:
* the national roll-up (a pemantau at KPU RI: every office) and one province's: the recomputation a pemantau
  waits for after any write below (the first call after a server start, which also reads every office's frozen
  exempt rows, is printed beside it);
* one regency's Dasbor Kepatuhan (as its atasan) plus its Permintaan page (as its PPID), run by AppTest
  with every per-process cache emptied before each run (median of 3 after a first, import-paying run), on
  the full database and on a database holding only that office: the price of sharing the server;
* ``--workers`` processes doing the SOP (PPID opens a request, desk hands it over, PPID classifies) in
  their own offices for ``--seconds``: actions/s, p50/p95 latency, actions lost (acknowledged but not in
  the register afterwards) and audit events per action.
Targets: national roll-up <= 2 s; office pages <= 1.2x alone; >= 200 actions/s with p95 <= 100 ms; 0 lost;
exactly 1 event per action. Anything broken (a page or a roll-up that raises, an action that fails) exits 1.
Last line: ``offices: n=N items=M rollup_national=Xs rollup_province=Xs office_page=Xs office_page_alone=Xs
actions_per_s=N p95_ms=N lost=N events_per_action=X``.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.offices_fill import Filler, load, office_tree  # noqa: E402

KEY = "5f1c5f1c5f1c5f1c9ab3e7d29ab3e7d29ab3e7d29ab3e7d29ab3e7d29ab3e7d2"
PAGE_RUNS = 3
PAGE_CHILD = r"""
import json, statistics, sys, time
root, spec = sys.argv[1], json.loads(sys.argv[2])
sys.path.insert(0, root)
from streamlit.testing.v1 import AppTest
from lib import ui, ui_cache
times, errors = [], []
for run in range(1 + spec["runs"]):
    ui_cache._memo.clear()  # every run reads the register again, as a first visit after a change does
    total = 0.0
    for page, user, epoch in spec["pages"]:
        at = AppTest.from_file(spec["override"] or f"{root}/pages/{page}.py", default_timeout=600)
        at.session_state["user"], at.session_state["epoch"] = user, epoch
        start = time.perf_counter()
        at.run()
        total += time.perf_counter() - start
        errors += [f"{page}: {str(e.value)[:300]}" for e in at.exception]
        base = ui._context(spec["data_dir"])
        base._frame = None
        for view in base._views.values():
            view._frame = None
    if run:
        times.append(total)
print("RESULT " + json.dumps({"median": statistics.median(times), "errors": errors}))
"""


def start_postgres():
    from tests.pg_support import as_superuser, start_server
    server = start_server()
    return server, as_superuser


def new_register(server, as_superuser) -> tuple[str, str]:
    """(app url, superuser url) of a new database with the current schema."""
    from lib.domain.audit import EventSigner
    from lib.store.postgres import PostgresRegister
    url = server.create_database()
    register = PostgresRegister(url, EventSigner(KEY.encode()), pool_size=1)
    register.init()
    register.close()
    return url, as_superuser(url)


def pemantau_view(url: str, office_id: str):
    from lib.bootstrap import postgres_register
    from lib.domain.models import Actor
    from lib.services.context import AppContext
    from lib.domain.audit import EventSigner
    register = postgres_register(url, KEY.encode(), "postgres")
    ctx = AppContext(register, EventSigner(KEY.encode()), KEY.encode(), office_id="kpu-ri").for_office(office_id)
    return ctx, Actor(f"pemantau.{office_id}", frozenset({"pemantau"}), office_id=office_id)


def time_rollup(url: str, office_id: str) -> tuple[float, float, int]:
    """(first call in this process, the next call, offices in the table). Nothing is cached between the two
    but the exempt rows of frozen versions (rollup._dik_records): the second is what a pemantau waits for
    after any write below, the first what the first pemantau after a server start waits for."""
    from lib.services import rollup
    ctx, actor = pemantau_view(url, office_id)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        table = rollup.rollup(ctx, actor)
        times.append(time.perf_counter() - start)
    ctx.register.close()
    return times[0], times[1], len(table)


def time_pages(url: str, office_id: str, data_dir: str, home: str) -> dict:
    """The office's two pages as its own staff see them; ``home`` is the deployment's office (KPU RI on the
    shared database, so the staff get their office's row-level-security view; the office itself when alone)."""
    env = {**os.environ, "SIDIP_DATABASE_URL": url, "SIDIP_SECRET_KEY": KEY, "SIDIP_DATA_DIR": data_dir,
           "SIDIP_OFFICE_ID": home, "SIDIP_PUBLISH_DIR": f"{data_dir}/pub"}
    spec = {"runs": PAGE_RUNS, "data_dir": data_dir, "override": os.environ.get("SIDIP_BENCH_PAGE", ""),
            "pages": [["dasbor", f"atasan.{office_id}", 0], ["permintaan", f"ppid.{office_id}", 0]]}
    proc = subprocess.run([sys.executable, "-c", PAGE_CHILD, str(ROOT), json.dumps(spec)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=3600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        return {"median": float("nan"), "errors": [f"exit {proc.returncode}: {proc.stderr[-1500:]}"]}
    return json.loads(lines[-1][len("RESULT "):])


# -- the SOP under load -------------------------------------------------------------------------------------
def worker(url: str, offices: list[str], seconds: float, start_at: float, out) -> None:
    from lib.bootstrap import postgres_register
    from lib.domain.audit import EventSigner
    from lib.domain.models import Actor
    from lib.services import items
    from lib.services.context import AppContext, DEFAULT_SETTINGS
    unit = json.loads(DEFAULT_SETTINGS["units"])[0]
    register = postgres_register(url, KEY.encode(), "postgres")
    base = AppContext(register, EventSigner(KEY.encode()), KEY.encode(), office_id="kpu-ri",
                      data_dir=tempfile.mkdtemp(prefix="sidip-bench-w-"))
    views = [(base.for_office(o), Actor(f"ppid.{o}", frozenset({"ppid"}), office_id=o),
              Actor(f"desk1.{o}", frozenset({"desk"}), unit=unit, office_id=o)) for o in offices]
    data = {"ringkasan": "Ringkasan", "pejabat_penguasa": unit, "penanggung_jawab": "Sekretaris",
            "waktu_tempat": "Jambi, 2026", "bentuk": "Softcopy", "retensi": "5 tahun", "tahun": "2026", "tautan": ""}
    latencies, done, failures, k = [], [], [], 0
    while time.time() < start_at:
        time.sleep(0.01)
    end = start_at + seconds
    while time.time() < end:
        ctx, ppid, desk = views[k % len(views)]
        k += 1
        steps = (lambda: items.open_request(ctx, ppid, unit, f"Permintaan beban {k}"),
                 lambda item: items.submit(ctx, desk, item.id, {**data, "judul": item.judul}, item.revision),
                 lambda item: items.classify(ctx, ppid, item.id, {**data, "judul": item.judul, "kategori": "berkala",
                                                                 "lokasi_softcopy": "Drive", "lokasi_hardcopy": "Rak"},
                                             item.revision))
        item = None
        for n, step in enumerate(steps):
            t0 = time.perf_counter()
            try:
                item = step() if n == 0 else step(item)
            except Exception as err:  # every failure is counted and named
                failures.append(f"{type(err).__name__}: {err}"[:200])
                break
            latencies.append(time.perf_counter() - t0)
            done.append([ctx.office_id, item.id, item.revision, item.status])
    register.close()
    out.put({"latencies": latencies, "done": done, "failures": failures[:5], "failed": len(failures)})


def run_load(url: str, superuser_url: str, offices: list[str], workers: int, seconds: float,
             warmup: float = 15) -> dict:
    spawn = mp.get_context("spawn")
    out = spawn.Queue()
    start_at = time.time() + warmup  # every worker imported and connected before the clock starts
    shares = [offices[w::workers] for w in range(workers)]
    procs = [spawn.Process(target=worker, args=(url, share, seconds, start_at, out)) for share in shares if share]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 600) for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for r in results for x in r["latencies"])
    done = [d for r in results for d in r["done"]]
    final = {}
    for office, item_id, revision, status in done:
        final[item_id] = (office, revision, status)
    import psycopg
    with psycopg.connect(superuser_url) as conn:
        stored = dict(conn.execute("SELECT id, revision || '/' || status FROM items WHERE id = ANY(%s)",
                                   (list(final),)).fetchall())
        events = conn.execute("SELECT count(*) FROM events WHERE entity_id = ANY(%s)", (list(final),)).fetchone()[0]
    lost = sum(stored.get(i) != f"{rev}/{status}" for i, (_, rev, status) in final.items())
    return {"actions": len(latencies), "per_s": len(latencies) / seconds,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
            "lost": lost, "events_per_action": events / len(latencies) if latencies else float("nan"),
            "failed": sum(r["failed"] for r in results), "failures": [f for r in results for f in r["failures"]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=553)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=15, help="seconds the workers get to start before the clock")
    args = parser.parse_args()
    from argon2 import PasswordHasher
    from lib.domain.models import utc_now
    from datetime import date
    tree = office_tree(args.offices)
    province = next((o for o in tree if o.level == "provinsi"), tree[0])
    office = next((o for o in tree if o.level == "kabkota"), tree[-1])
    server, as_superuser = start_postgres()
    broken: list[str] = []
    try:
        t0 = time.perf_counter()
        filler = Filler(KEY.encode(), args.items, date.fromisoformat(utc_now()[:10]),
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("rahasia-panjang-1"))
        url, su_url = new_register(server, as_superuser)
        rows = load(su_url, filler, tree)
        alone_url, alone_su = new_register(server, as_superuser)
        load(alone_su, filler, [office], alone=True)
        print(f"[isi: {len(tree)} kantor, {rows:,} baris dalam {time.perf_counter() - t0:.0f} s]", file=sys.stderr)
        national_cold, national, n_nat = time_rollup(url, "kpu-ri")
        _, provincial, n_prov = time_rollup(url, province.id)
        if n_nat != len(tree) - 1:
            broken.append(f"rekap nasional memuat {n_nat} kantor, seharusnya {len(tree) - 1}")
        with tempfile.TemporaryDirectory(prefix="sidip-bench-offices-") as tmp:
            shared = time_pages(url, office.id, f"{tmp}/bersama", tree[0].id)
            alone = time_pages(alone_url, office.id, f"{tmp}/sendiri", office.id)
        broken += shared["errors"] + alone["errors"]
        load_run = run_load(url, su_url, [o.id for o in tree if o.level == "kabkota"] or [tree[0].id],
                            args.workers, args.seconds, args.warmup)
        broken += [f"aksi gagal ({load_run['failed']}x): {f}" for f in load_run["failures"]]
    finally:
        server.stop()
    if broken:
        for line in broken:
            print(f"GAGAL: {line}", file=sys.stderr)
        sys.exit(1)
    report(args, tree, n_prov, (national_cold, national), provincial, shared, alone, load_run)


def report(args, tree, n_prov, nationals, provincial, shared, alone, load_run) -> None:
    national_cold, national = nationals
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip() or "?"
    ratio = shared["median"] / alone["median"] if alone["median"] else float("nan")
    print(f"\nOffices benchmark (commit {commit}; {len(tree)} offices x {args.items:,} items, PostgreSQL, "
          f"row-level security on; {args.workers} workers for {args.seconds:.0f} s)")
    print(f"roll-up national ({len(tree) - 1} offices): {national:.2f} s (target <= 2 s: "
          f"{'met' if national <= 2 else 'NOT met'}; first call after a start {national_cold:.2f} s); "
          f"one province ({n_prov} offices): {provincial:.2f} s")
    print(f"office pages (Dasbor + Permintaan): {shared['median']:.2f} s shared, {alone['median']:.2f} s alone, "
          f"x{ratio:.2f} (target <= 1.2: {'met' if ratio <= 1.2 else 'NOT met'})")
    print(f"SOP load: {load_run['actions']:,} actions, {load_run['per_s']:.0f}/s (target >= 200), p50 "
          f"{load_run['p50_ms']:.0f} ms, p95 {load_run['p95_ms']:.0f} ms (target <= 100), lost {load_run['lost']}, "
          f"events per action {load_run['events_per_action']:.3f}")
    print(f"offices: n={len(tree)} items={args.items} rollup_national={national:.2f}s rollup_province={provincial:.2f}s "
          f"office_page={shared['median']:.2f}s office_page_alone={alone['median']:.2f}s "
          f"actions_per_s={load_run['per_s']:.0f} p95_ms={load_run['p95_ms']:.0f} lost={load_run['lost']} "
          f"events_per_action={load_run['events_per_action']:.3f}")


if __name__ == "__main__":
    main()
