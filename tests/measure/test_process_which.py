"""``measure.process.which`` is ``shutil.which`` without importing shutil (issue 12: measure's fixed overhead)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from aifootprint.measure.process import which


def test_which_matches_shutil_which(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "tool").write_text("#!/bin/sh\n")  # not executable: skipped
    (second / "tool").write_text("#!/bin/sh\n")
    (second / "tool").chmod(0o755)
    (first / "adir").mkdir()  # a directory is never the command
    (second / "adir").write_text("#!/bin/sh\n")
    (second / "adir").chmod(0o755)
    monkeypatch.chdir(first)
    paths = [f"{first}{os.pathsep}{second}", f"{first}{os.pathsep}{first}{os.pathsep}{second}", "", os.pathsep,
             str(second), os.environ.get("PATH", "")]
    for path in paths:
        monkeypatch.setenv("PATH", path)
        for name in ("tool", "adir", "sh", "true", "no-such-command-xyz"):
            assert which(name) == shutil.which(name), (path, name)
    monkeypatch.delenv("PATH")
    for name in ("sh", "no-such-command-xyz"):
        assert which(name) == shutil.which(name)
