"""The layering of DESIGN §4, checked on the source: arrows point inwards only."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {f"{n.func.value.id}.{n.func.attr}" for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name)}


@pytest.mark.parametrize("path", sorted((ROOT / "lib" / "domain").glob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_no_ui_storage_or_sheets_library(path):
    forbidden = {"streamlit", "sqlite3", "gspread", "plotly", "lib.store", "lib.services", "lib.ui"}
    bad = {m for m in imported_modules(path) if m.split(".")[0] in forbidden or
           any(m.startswith(f) for f in forbidden)}
    assert bad == set()


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_call_services_never_the_register_and_never_route(path):
    assert not {m for m in imported_modules(path) if m.startswith(("lib.store", "sqlite3", "pandas"))}
    assert not calls(path) & {"st.set_page_config", "st.navigation"}
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 90


def test_only_app_py_routes_and_it_registers_every_page_file():
    from lib.ui import PAGES
    assert {"st.set_page_config", "st.navigation"} <= calls(ROOT / "app.py")
    files = {p.name for p in (ROOT / "pages").glob("*.py")}
    assert files == {Path(s.path).name for s in PAGES.values()} | {"masuk.py", "penyiapan.py"}


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_every_protected_page_guards_itself_first(path):
    text = path.read_text(encoding="utf-8")
    public = {"dip.py", "masuk.py", "penyiapan.py"}
    if path.name in public:
        assert "ui.guard(" not in text
    else:
        assert f'ui.guard("{path.stem}")' in text
