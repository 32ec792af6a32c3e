"""``aifootprint.fileio.read_input``: every input file a command reads whole is a regular file or a pipe, at most
``MAX_INPUT_BYTES``. Before it, ``calibrate --from-csv /dev/zero``, ``--calibration /dev/zero``,
``impacts --intensity-profile /dev/zero`` and ``AIFOOTPRINT_CONFIG=/dev/zero`` read the device until memory ran out
(a MemoryError traceback under a 4 GB limit, the kernel's OOM killer without one); ``scenario run DIR`` said "not
found" for a folder that exists."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.fileio import MAX_INPUT_BYTES, read_input

ZERO = "/dev/zero"  # a character device that never ends
needs_dev_zero = pytest.mark.skipif(not os.path.exists(ZERO), reason="no /dev/zero on this system")


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300), limit=st.integers(min_value=0, max_value=300))
def test_regular_file_is_read_exactly_up_to_the_limit(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                      limit: int) -> None:
    path = tmp_path_factory.mktemp("in") / "f.bin"
    path.write_bytes(data)
    if len(data) <= limit:
        assert read_input(path, "test file", max_bytes=limit) == data
    else:
        with pytest.raises(InputError, match=rf"test file .* is larger than {limit:,} bytes"):
            read_input(path, "test file", max_bytes=limit)


def test_the_default_limit_is_far_above_any_real_input() -> None:
    assert MAX_INPUT_BYTES == 256 * 2**20


def test_pipe_is_read(tmp_path: Path) -> None:
    """A FIFO (what a shell's ``<(…)`` gives) is read to its end."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as fh:
            fh.write(b"a,b\n1,2\n")

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        assert read_input(fifo, "test file") == b"a,b\n1,2\n"
    finally:
        writer.join(timeout=10)


@needs_dev_zero
def test_device_directory_and_link_to_a_device_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"'/dev/zero' is a character device: only regular files and pipes"):
        read_input(ZERO, "scenario file")
    with pytest.raises(InputError, match=r"is a directory: only regular files and pipes"):
        read_input(tmp_path, "scenario file")
    link = tmp_path / "zero.csv"
    link.symlink_to(ZERO)
    with pytest.raises(InputError, match=r"'.*zero.csv' is a character device \(the link points to /dev/zero\)"):
        read_input(link, "intensity profile")


def test_missing_file_is_left_to_the_caller(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_input(tmp_path / "absent.toml", "config")


REQ = ["estimate", "request", "--model", "llama-3.1-8b", "--input-tokens", "10", "--output-tokens", "10"]


@needs_dev_zero
@pytest.mark.parametrize(("argv", "what"), [
    (["calibrate", "--from-csv", ZERO], "micro-benchmark CSV"),
    ([*REQ, "--calibration", ZERO], "calibration profile"),
    (["impacts", "--energy-kwh", "1", "--location", "FR", "--intensity-profile", ZERO,
      "--at", "2025-01-01T00:00:00Z"], "intensity profile"),
    (["scenario", "run", ZERO], "scenario file"),
    (["scenario", "show", ZERO], "scenario file"),
])
def test_every_reader_refuses_a_device_in_one_line(argv: list[str], what: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AIFOOTPRINT_CONFIG", str(tmp_path / "absent.toml"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {what} '{ZERO}' is a character device: only regular files and pipes are read"


@needs_dev_zero
def test_user_config_on_a_device_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AIFOOTPRINT_CONFIG", ZERO)
    assert main(REQ) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: config '{ZERO}' is a character device: only regular files and pipes are read")


def test_scenario_folder_is_named_as_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "show", str(tmp_path)]) == 2
    assert "is a directory: only regular files and pipes are read" in capsys.readouterr().err
