"""``aifootprint.fileio.write_output``: the user's output path is written only if it is a regular file (or a link to
one, written through); FIFOs, devices and directories are refused untouched; ``-`` is standard output; an existing
file keeps its mode (issue 12: ``report --out /dev/full`` replaced the device node with a regular file)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.fileio import output_target, write_output


def test_regular_file_is_written_and_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    assert write_output(out, "new") == str(out)
    assert out.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary file left behind


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_output(tmp_path / "new.html", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o640


def test_fifo_is_refused_and_left_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"is a FIFO \(named pipe\).*only regular files"):
        write_output(fifo, "x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_device_and_link_to_device_are_refused() -> None:
    with pytest.raises(InputError, match="is a character device"):
        output_target("/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_link_to_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "null-link"
    link.symlink_to("/dev/null")
    with pytest.raises(InputError, match=r"character device.*the link points to /dev/null"):
        write_output(link, "x")
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is a directory.*give a file name"):
        write_output(tmp_path, "x")


def test_symlink_is_written_through_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.html"
    link.symlink_to(target)
    assert write_output(link, "new") == str(target)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.html"
    link.symlink_to(tmp_path / "made.html")
    write_output(link, "x")
    assert link.is_symlink() and (tmp_path / "made.html").read_text(encoding="utf-8") == "x"


def test_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    buf = io.BytesIO()
    assert write_output("-", "héllo", stdout=buf) == "standard output"
    assert buf.getvalue() == "héllo".encode()
    assert not (tmp_path / "-").exists()


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_output(tmp_path / "no" / "r.html", "x")


def test_report_refuses_a_fifo_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI check runs before the report is built: exit 2 with one line, the FIFO still there."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["report", "--out", str(fifo), "--draws", "1000"]) == 2
    err = capsys.readouterr().err
    assert "FIFO" in err and len(err.strip().splitlines()) == 1
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_report_out_dash_writes_html_to_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """``--out -`` used to write a file named ``-``."""
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--out", "-", "--draws", "1000"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    assert not (tmp_path / "-").exists()
