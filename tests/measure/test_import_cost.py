"""Importing the tracker is cheap (issue 12: ``from aifootprint.measure import Tracker`` took 43 ms over bare Python;
target <= 30 ms): it imports neither typing nor dataclasses (with inspect, ast, dis, tokenize), nor numpy, typer,
rich, sqlite3 or the reference tables; those come on first use."""

from __future__ import annotations

import subprocess
import sys

HEAVY = {"typing", "dataclasses", "inspect", "ast", "numpy", "typer", "click", "rich", "sqlite3", "json",
         "aifootprint.reference.registry", "aifootprint.notice", "aifootprint.measure.measurement",
         "aifootprint.measure.config"}


def _new_modules(statement: str) -> set[str]:
    code = f"import sys\nbefore = set(sys.modules)\n{statement}\nprint(' '.join(sorted(set(sys.modules) - before)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_importing_the_tracker_imports_nothing_heavy() -> None:
    new = _new_modules("from aifootprint.measure import Tracker")
    assert "aifootprint.measure.tracker" in new
    assert not new & HEAVY, sorted(new & HEAVY)


def test_import_aifootprint_imports_no_typing() -> None:
    assert not _new_modules("import aifootprint") & HEAVY


def test_tracker_config_is_one_class_wherever_it_is_imported() -> None:
    from aifootprint.measure import TrackerConfig as a
    from aifootprint.measure.config import TrackerConfig as b
    from aifootprint.measure.tracker import TrackerConfig as c

    assert a is b is c
    assert a(hz=2.0).to_dict()["hz"] == 2.0


def test_a_human_view_outside_measure_does_not_open_the_run_store_module() -> None:
    """The human view's inputs line escapes control characters (:func:`aifootprint.measure.terminal.printable`);
    the helper lived in ``measure.runs``, so every command's human view (``aifootprint impacts``) imported the run
    store and ``sqlite3`` for it (~8 ms)."""
    code = ("import sys\nfrom aifootprint.cli.main import main\nmain(['impacts', '--energy-kwh', '1'])\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "inputs:" in done.stdout, done.stderr
    loaded = set(done.stderr.split())
    assert "aifootprint.measure.terminal" in loaded
    assert not loaded & {"sqlite3", "aifootprint.measure.store", "aifootprint.measure.runs"}
