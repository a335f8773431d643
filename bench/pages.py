"""Benchmark: every page, cold and warm, as the role that uses it.

Run: python bench/pages.py [--items 10000] [--uploaded 5000] [--events 50000] [--pages dasbor,riwayat]
(prints figures; not a test)

A register of ``--items`` items (the dashboard benchmark's synthetic mix), an uploaded DIP version of
``--uploaded`` snapshot rows and ``--events`` more audit events is built in a temporary folder. Each page
then runs under Streamlit's AppTest in a fresh Python process, logged in as the role that uses it:
"cold" is the first ``at.run()`` (the page's imports, the holidays tables and Streamlit's caches are all
paid inside it; Python start-up and the AppTest import are not); "warm" is a rerun after a widget change
(the page's filter, search box or picker; a plain rerun where the page has none outside a form): what a
user waits for after every click. Warm is the median of three changes back and forth.
Targets at 10k: warm <= 0.3 s for every page, cold <= 1 s. A page that raises fails the bench (exit 1,
no figures). The last line: ``pages: worst_warm=PAGE:Xs worst_cold=PAGE:Ys``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.register import USERNAME, add_staff, build_register  # noqa: E402

PAGE_TIMEOUT = 300
WARM_TARGET, COLD_TARGET = 0.3, 1.0
# (label, page file, user or None for the public, widget changed for the warm rerun: (kind, key, two values)
# where kind "index" picks a selectbox option by position, "select" by value; None: a plain rerun).
PAGES = [
    ("beranda", "beranda", USERNAME, None),
    ("dasbor", "dasbor", USERNAME, ("select", "dasbor:periode", ("30h", "12b"))),
    ("permintaan (desk)", "permintaan", "desk", ("index", "serah:pilih", (1, 0))),
    ("permintaan (ppid)", "permintaan", "ppid", ("index", "wa:pilih", (1, 0))),
    ("klasifikasi", "klasifikasi", "ppid", ("index", "klas:pilih", (1, 0))),
    ("penetapan", "penetapan", "ppid", None),
    ("persetujuan", "persetujuan", "atasan2", None),
    ("unggah", "unggah", "ppid", None),
    ("kelengkapan", "kelengkapan", "ppid", ("checkbox", "lengkap:berlaku", (False, True))),
    ("impor", "impor", "admin", None),
    ("riwayat (ppid)", "riwayat", "ppid", ("text", "riwayat:cari", ("inf-", ""))),
    ("riwayat (desk)", "riwayat", "desk", ("text", "riwayat:cari", ("inf-", ""))),
    ("pengguna", "pengguna", "admin", ("index", "ubah:pilih", (1, 0))),
    ("pengaturan", "pengaturan", "admin", None),
    ("dip", "dip", None, ("text", "dip:cari", ("informasi 1", ""))),
    ("masuk", "masuk", None, None),
]

_CHILD = r"""
import json, statistics, sys, time
root, page, spec, timeout = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), float(sys.argv[4])
sys.path.insert(0, root)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(page, default_timeout=timeout)
if spec["user"]:
    at.session_state["user"], at.session_state["epoch"] = spec["user"], spec["epoch"]


def timed():
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def broken():
    return [str(e.value)[:300] for e in at.exception]


def poke(value):
    kind, key = spec["poke"][0], spec["poke"][1]
    if kind == "index":
        at.selectbox(key=key).select_index(value)
    elif kind == "select":
        at.selectbox(key=key).set_value(value)
    elif kind == "checkbox":
        at.checkbox(key=key).set_value(value)
    else:
        at.text_input(key=key).input(value)


out = {"cold": float("nan"), "warm": float("nan"), "error": "", "exception": []}
try:
    out["cold"] = timed()
    out["exception"] = broken()
    warm = []
    for value in ((spec["poke"][2] * 2)[:3] if spec["poke"] else (None,) * 3):
        if out["exception"]:
            break
        if value is not None:
            poke(value)
        warm.append(timed())
        out["exception"] = broken()
    out["warm"] = statistics.median(warm) if warm else float("nan")
except Exception as err:  # e.g. the AppTest timeout, a widget the page no longer has
    out["error"] = f"{type(err).__name__}: {err}"
print("RESULT " + json.dumps(out))
"""


def page_path(name: str) -> str:
    override = os.environ.get("SIDIP_BENCH_PAGE")  # a test swaps in a page that raises
    return override or str(ROOT / "pages" / f"{name}.py")


def run_page(folder: Path, name: str, user: str | None, epoch: int, poke) -> dict:
    env = {**os.environ, "SIDIP_DATA_DIR": str(folder)}
    spec = json.dumps({"user": user, "epoch": epoch, "poke": poke})
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), page_path(name), spec, str(PAGE_TIMEOUT)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=PAGE_TIMEOUT * 5)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        return {"cold": float("nan"), "warm": float("nan"), "exception": [],
                "error": f"exit {proc.returncode}: {proc.stderr[-2000:]}"}
    return json.loads(lines[-1][len("RESULT "):])


def failure(result: dict) -> str:
    what = result["error"] or "; ".join(result["exception"])
    return what.strip().splitlines()[-1][:300] if what.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--uploaded", type=int, default=5_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--pages", default="", help="comma-separated labels or page names (default: all)")
    args = parser.parse_args()
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
    chosen = [p for p in PAGES if not wanted or p[0] in wanted or p[1] in wanted]
    results = []
    with tempfile.TemporaryDirectory(prefix="sidip-bench-pages-") as tmp:
        folder = Path(tmp) / "data"
        ctx, user, _, _, _ = build_register(folder, args.items, args.uploaded, args.events)
        epochs = {USERNAME: user.token_epoch, **{n: u.token_epoch for n, u in add_staff(ctx).items()}}
        ctx.register._conn().close()
        for label, name, who, poke in chosen:
            results.append((label, run_page(folder, name, who, epochs.get(who, 0), poke)))
            print(f"[{label} done]", file=sys.stderr, flush=True)
    broken = [(label, failure(r)) for label, r in results if r["error"] or r["exception"]]
    if broken:  # a page that raised has no time worth printing: say what broke and fail
        for label, what in broken:
            print(f"Halaman {label} gagal: {what or '?'}", file=sys.stderr)
        sys.exit(1)
    report(results, args)


def report(results: list[tuple[str, dict]], args) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip() or "?"
    print(f"\nPages benchmark (commit {commit}; {args.items:,} items, uploaded version of {args.uploaded:,} rows, "
          f"{args.events:,} more audit events; cold: fresh process, first at.run(); warm: median of 3 reruns "
          f"after a widget change)")
    head = f"{'page (role)':22} | {'cold':>7} | {'warm':>7} | check"
    print(head)
    print("-" * len(head))
    for label, r in results:
        check = "ok" if r["warm"] <= WARM_TARGET and r["cold"] <= COLD_TARGET else (
            "over target: " + ", ".join(k for k, t in (("cold", COLD_TARGET), ("warm", WARM_TARGET)) if r[k] > t))
        print(f"{label:22} | {r['cold']:>6.2f}s | {r['warm']:>6.2f}s | {check}")
    cold = max(results, key=lambda lr: lr[1]["cold"])
    warm = max(results, key=lambda lr: lr[1]["warm"])
    print(f"Targets: warm <= {WARM_TARGET}s every page ({'met' if warm[1]['warm'] <= WARM_TARGET else 'NOT met'}), "
          f"cold <= {COLD_TARGET:.0f}s ({'met' if cold[1]['cold'] <= COLD_TARGET else 'NOT met'})")
    print(f"pages: worst_warm={warm[0].split()[0]}:{warm[1]['warm']:.2f}s "
          f"worst_cold={cold[0].split()[0]}:{cold[1]['cold']:.2f}s")


if __name__ == "__main__":
    main()
