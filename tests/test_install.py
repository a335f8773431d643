"""A fresh install works: every module imports, and every import is named in requirements.txt."""
from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SIDIP_SHARED_DIR", ROOT.parent / "shared"))
LIB_MODULES = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                     for p in (ROOT / "lib").rglob("*.py"))


@pytest.mark.parametrize("module", LIB_MODULES)
def test_every_module_under_lib_imports(module):
    assert importlib.import_module(module).__name__ == module


def _top_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted([*(ROOT / "pages").glob("*.py"), ROOT / "app.py"]),
                         ids=lambda p: p.name)
def test_everything_a_page_imports_can_be_imported(path):
    for name in sorted(_top_imports(path)):
        assert importlib.import_module(name) is not None, name


def test_requirements_name_every_third_party_import():
    checker = SHARED / "tools" / "check_requirements.py"
    if not checker.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{checker} tidak ada: di CI folder shared wajib ada.")
        pytest.skip(f"{checker} tidak ada (folder shared tidak di samping checkout)")
    done = subprocess.run([sys.executable, str(checker)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
