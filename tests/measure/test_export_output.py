"""``runs export -o PATH`` writes through :func:`aifootprint.fileio.write_output`, as ``report --out`` does.

Leftover found after the merge: the export still used ``Path.write_text``, which blocked on a FIFO, wrote into
``/dev/…`` device nodes, replaced a symlink's target mode with the default and wrote a file literally named ``-``.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from .test_cli import assert_one_line_error, cli, run_main


@pytest.fixture()
def run_id() -> str:
    done = cli("measure", "--json", "--", "true")
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["inputs"]["run_id"])


def test_export_refuses_what_is_not_a_regular_file(run_id: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # the old write_text blocked here forever (no reader)
    code, _out, err = run_main(capsys, "runs", "export", run_id, "-o", str(fifo))
    assert_one_line_error(code, err, "-o", "FIFO", "only regular files")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    code, _out, err = run_main(capsys, "runs", "export", run_id, "-o", str(tmp_path))
    assert_one_line_error(code, err, "is a directory")
    code, _out, err = run_main(capsys, "runs", "export", run_id, "-o", str(tmp_path / "missing" / "x.json"))
    assert_one_line_error(code, err, "does not exist")


def test_export_writes_through_a_symlink_keeps_the_mode_and_dash_is_stdout(
        run_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    code, _out, err = run_main(capsys, "runs", "export", run_id, "-o", str(link), "--force")
    assert code == 0, err
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["run"]["run_id"] == run_id
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(capsys, "runs", "export", run_id, "--format", "csv", "-o", "-")
    assert code == 0, err
    assert out.startswith("t_s,") or "," in out.splitlines()[0]
    assert not (tmp_path / "-").exists()  # `-` is standard output, not a file named "-"
