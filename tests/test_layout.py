"""The house's floors (shared/DESIGN.md, "Layout"; issue 10): the kernel (``parcours.core``)
imports no app of Parcours, and the screens (``parcours.www``) are imported by nothing but the
root URL conf. Every import counts, those inside functions too."""

import ast
from pathlib import Path

import parcours

SRC = Path(parcours.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name.startswith("parcours.")}


def _modules(below: str = ""):
    root = SRC / below if below else SRC
    for path in sorted(root.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), path


def test_the_kernel_imports_nothing_above_it():
    above = {}
    for name, path in _modules("core"):
        wrong = sorted(i for i in _imports(path) if not i.startswith("parcours.core"))
        if wrong:
            above[name] = wrong
    assert not above, f"parcours.core imports apps above it: {above}"


def test_the_screens_are_imported_by_nothing_but_the_root_url_conf():
    importers = {}
    for name, path in _modules():
        if name.startswith("www/") or name == "urls.py":
            continue
        found = sorted(i for i in _imports(path) if i.startswith("parcours.www"))
        if found:
            importers[name] = found
    assert not importers, f"modules below the screens import them: {importers}"


def test_the_guard_sees_an_import_inside_a_function(tmp_path):
    """The checks above could not fail if the parser missed imports written in functions."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from parcours.www.cases import views\n", encoding="utf-8")
    assert "parcours.www.cases" in _imports(module)
