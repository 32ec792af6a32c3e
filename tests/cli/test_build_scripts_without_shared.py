"""The data build scripts without the shared folder: ``scripts/build_location_data.py --check`` ended in a
FileNotFoundError traceback when the shared folder was absent; it now prints one line pointing to ``--shared PATH``
and exits 2."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_location_data.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_location_data_audit2", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize(("make", "needle"), [(False, "does not exist"), (True, "lacks data/")])
def test_missing_shared_folder_is_one_line_exit_2(tmp_path: Path, make: bool, needle: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared"
    if make:
        (shared / "data").mkdir(parents=True)
    assert _script().main(["--check", "--shared", str(shared), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert f"--shared {shared}" in err and needle in err and "pass --shared PATH" in err, err
