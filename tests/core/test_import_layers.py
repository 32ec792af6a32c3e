"""The faces depend on the library, never the other way round: no module outside ``aifootprint/cli/`` imports
``aifootprint.cli`` (docs/architecture.md: reference/ → estimate/ measure/ sector/ → impacts/ → report/ cli/, plus
server/ and integrations/). A static scan of the source tree (``ast``), so an import inside a function or under
``TYPE_CHECKING`` counts too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "aifootprint"
FACE = "aifootprint.cli"


def module_name(path: Path, src: Path) -> str:
    """``src/aifootprint/server/schemas.py`` -> ``aifootprint.server.schemas`` (``__init__.py``: the package)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, src: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``: ``import x``, ``from x import y`` (each ``y`` too,
    as ``x.y``: it may be a submodule), relative imports resolved, and ``importlib.import_module("x")`` with a
    literal name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, src)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))):
            yield node.lineno, node.args[0].value


def face_imports(src: Path) -> list[str]:
    """``path:line: module`` for each import of :data:`FACE` by a module outside it."""
    found = []
    for path in sorted((src / PACKAGE).rglob("*.py")):
        if module_name(path, src).startswith(FACE + ".") or module_name(path, src) == FACE:
            continue
        for line, target in imported(path, src):
            if target == FACE or target.startswith(FACE + "."):
                found.append(f"{path.relative_to(src).as_posix()}:{line}: {target}")
    return found


def test_no_library_module_imports_the_cli() -> None:
    """server/, integrations/, estimate/, measure/, sector/, impacts/, report/, reference/ (and every other module
    outside cli/) use the library; the server's input bounds come from :mod:`aifootprint.limits`, not the CLI."""
    modules = [p for p in (SRC / PACKAGE).rglob("*.py") if "cli" not in p.relative_to(SRC / PACKAGE).parts]
    assert len(modules) > 100, "the scan sees the package"
    found = face_imports(SRC)
    assert not found, "library modules importing the CLI:\n" + "\n".join(found)


def test_the_scan_resolves_relative_and_dynamic_imports(tmp_path: Path) -> None:
    """The scanner itself: a relative import two levels up, a ``from`` import naming the submodule, an
    ``import_module`` call and an import inside a function are each found; the CLI importing itself is not."""
    pkg = tmp_path / PACKAGE
    for folder in ("cli", "server", "report"):
        (pkg / folder).mkdir(parents=True)
        (pkg / folder / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "cli" / "validate.py").write_text("from ..limits import LIMITS\n", encoding="utf-8")
    (pkg / "cli" / "main.py").write_text("from .validate import check_range\n", encoding="utf-8")
    (pkg / "server" / "schemas.py").write_text("from ..cli.validate import LIMITS\n", encoding="utf-8")
    (pkg / "server" / "app.py").write_text("from .. import cli\n", encoding="utf-8")
    (pkg / "report" / "build.py").write_text(
        "import importlib\n\ndef f():\n    import aifootprint.cli.output\n"
        "    return importlib.import_module('aifootprint.cli.sector')\n", encoding="utf-8")
    (pkg / "limits.py").write_text("LIMITS = {}\n", encoding="utf-8")
    assert face_imports(tmp_path) == [
        "aifootprint/report/build.py:4: aifootprint.cli.output",
        "aifootprint/report/build.py:5: aifootprint.cli.sector",
        "aifootprint/server/app.py:1: aifootprint.cli",
        "aifootprint/server/schemas.py:1: aifootprint.cli.validate",
        "aifootprint/server/schemas.py:1: aifootprint.cli.validate.LIMITS",
    ]
