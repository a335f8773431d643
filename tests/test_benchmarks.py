"""A benchmark never prints a figure for something that broke."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_dashboard_benchmark_fails_without_a_figure_when_the_page_raises(tmp_path):
    page = tmp_path / "rusak.py"
    page.write_text('raise RuntimeError("halaman rusak")\n')
    env = {**os.environ, "SIDIP_BENCH_PAGE": str(page)}
    done = subprocess.run([sys.executable, "bench/dashboard.py", "--sizes", "200"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "Halaman dasbor gagal pada 200 item: halaman rusak" in done.stderr
    assert "dashboard:" not in done.stdout and "Target" not in done.stdout


def run_pages_bench(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "bench/pages.py", "--items", "200", "--uploaded", "100", "--events",
                           "300", *args], cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True,
                          text=True, timeout=300)


def test_the_pages_benchmark_times_each_page_cold_and_warm_on_a_small_register():
    done = run_pages_bench("--pages", "riwayat,dip")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [ln.split(" | ")[0].strip() for ln in lines if " | " in ln][1:] == ["riwayat (ppid)", "riwayat (desk)", "dip"]
    assert re.fullmatch(r"pages: worst_warm=(riwayat|dip):\d+\.\d\ds worst_cold=(riwayat|dip):\d+\.\d\ds", lines[-1])


def test_the_pages_benchmark_fails_without_a_figure_when_a_page_raises(tmp_path):
    page = tmp_path / "rusak.py"
    page.write_text('raise RuntimeError("halaman rusak")\n')
    done = run_pages_bench("--pages", "masuk", env={"SIDIP_BENCH_PAGE": str(page)})
    assert done.returncode == 1
    assert "Halaman masuk gagal: halaman rusak" in done.stderr
    assert "pages:" not in done.stdout and "Targets" not in done.stdout


def test_the_sheets_benchmark_prints_no_summary_when_the_patterns_end_the_day_differently(capsys, monkeypatch):
    from tests.test_sheets_freshness import bench

    class Forgetful(bench.CachedGspread):
        """A baseline that loses its item updates: its day cannot be compared with SIDIP's."""
        @staticmethod
        def make_register(emu, sid, key, clock):
            return Forgetful(bench._client(emu), sid, clock)

        def _write(self, tab, key, current, row, event_row):
            if tab != "items" or current is None:
                super()._write(tab, key, current, row, event_row)

    day = bench.plan_day
    monkeypatch.setattr(bench, "plan_day", lambda world, seed: [s for s in day(world, seed) if s.t < 1500])
    monkeypatch.setattr(bench, "PATTERNS", {"sidip": bench.Sidip, "cached_gspread": Forgetful})
    code = bench.main(["--items", "30", "--staff", "4", "--no-scale"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "requests:" not in out and "Targets" not in out
    assert "The patterns ended the day in different states; no summary" in err
    # The forgetful baseline keeps the first revision of an item SIDIP moved on.
    assert re.search(r"cached_gspread: \d+ items differ from sidip's, e\.g\. inf-seed-\d{4} \('\w+', '1', [^)]*\) "
                     r"vs \('\w+', '2', ", err), err


def run_offices_bench(env: dict | None = None) -> subprocess.CompletedProcess:
    from tests.pg_support import require_postgres
    require_postgres()
    return subprocess.run([sys.executable, "bench/offices.py", "--offices", "4", "--items", "30", "--seconds", "2",
                           "--workers", "2", "--warmup", "6"], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=600)


def test_the_offices_benchmark_prints_every_figure_on_a_small_deployment():
    done = run_offices_bench()
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"offices: n=4 items=30 rollup_national=\d+\.\d\ds rollup_province=\d+\.\d\ds "
                        r"office_page=\d+\.\d\ds office_page_alone=\d+\.\d\ds actions_per_s=\d+ p95_ms=\d+ lost=0 "
                        r"events_per_action=1\.000", last), last


def test_the_offices_benchmark_fails_without_a_figure_when_a_page_raises(tmp_path):
    page = tmp_path / "rusak.py"
    page.write_text('raise RuntimeError("halaman rusak")\n')
    done = run_offices_bench({"SIDIP_BENCH_PAGE": str(page)})
    assert done.returncode == 1
    assert "GAGAL: dasbor: halaman rusak" in done.stderr
    assert "offices:" not in done.stdout
