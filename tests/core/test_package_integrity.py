"""The built wheel ships the data files, licences and built-in scenarios (built once, offline apart from the index)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(f"pip wheel failed: {proc.stderr[-2000:]}")
    (path,) = out.glob("aifootprint-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_contains_every_dataset_and_licence(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    data_dir = ROOT / "src" / "aifootprint" / "reference" / "data"
    for f in list(data_dir.glob("*.csv")) + list(data_dir.glob("*.toml")) + list(data_dir.glob("sources/*.csv")):
        rel = "aifootprint/" + f.relative_to(ROOT / "src" / "aifootprint").as_posix()
        assert rel in names, f"{rel} missing from the wheel"
    assert any(n.startswith("aifootprint/reference/LICENSES/") for n in names)
    assert "aifootprint/py.typed" in names
