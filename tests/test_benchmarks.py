"""A benchmark never prints a figure for something that broke."""
from __future__ import annotations

import os
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
