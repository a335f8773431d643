"""The export benchmark prints figures only for publications it could make."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROKEN_DECREE = """
import runpy, sys
import lib.export.decree_pdf as decree

def broken(doc):
    raise RuntimeError("keputusan rusak")

decree.render_decree = broken
sys.argv = ["bench/export.py", "--sizes", "30"]
runpy.run_path("bench/export.py", run_name="__main__")
"""


def test_the_export_benchmark_fails_without_a_figure_when_a_render_raises():
    done = subprocess.run([sys.executable, "-c", BROKEN_DECREE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().endswith("Export benchmark failed: RuntimeError: keputusan rusak")
    assert done.stdout == ""

