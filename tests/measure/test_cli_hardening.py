"""`aifootprint measure` never harms the workload or the user's output: issue 12's measurement items."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aifootprint.measure.process import descendants, pid_alive

from .test_cli import CLI, cli


def _wait_for(path: Path, timeout_s: float = 30.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.05)
    raise AssertionError(f"{path} never written")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_child_dies_with_a_killed_measure_and_the_run_is_viewable(private_home: Path, tmp_path: Path) -> None:
    """Issue 12: a `measure` killed with -9 left its child running unmeasured, and `runs show` refused the run."""
    pid_file = tmp_path / "child.pid"
    script = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake"}
    measure = subprocess.Popen([*CLI, "measure", "--name", "victim", "--", sys.executable, "-c", script], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    child = int(_wait_for(pid_file))
    time.sleep(1.2)  # let the writer flush a few samples
    measure.kill()
    measure.wait()
    deadline = time.monotonic() + 10
    while pid_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(child), "the child outlived the killed measure"

    listed = json.loads(cli("runs", "list", "--json").stdout)
    assert listed[0]["name"] == "victim" and listed[0]["status"] == "killed"
    # the list shows the figures rebuilt from the kept samples, marked estimated (they were blank)
    assert listed[0]["estimated"] is True and listed[0]["duration_s"] > 0.5
    assert listed[0]["it_energy_kwh"] * 3.6e6 == pytest.approx(370.0 * listed[0]["duration_s"], rel=0.01)
    shown = cli("runs", "show", listed[0]["run_id"], "--json")
    assert shown.returncode == 0, shown.stderr
    out = json.loads(shown.stdout)
    # the samples kept before the kill: the fake node's constant power (FAKE_NODE_W: GPU 300 W + CPU 60 W + RAM 10 W)
    # over the run
    assert out["duration_s"] > 0.5
    assert out["it_energy_kwh"]["best"] * 3.6e6 == pytest.approx(370.0 * out["duration_s"], rel=0.01)
    by_device = {d["component"]: d["energy_j"] for d in out["devices"]}
    assert by_device["gpu"] / by_device["cpu"] == pytest.approx(300.0 / 60.0, rel=0.01)
    assert out["inputs"]["status"] == "killed"
    assert any(isinstance(w, dict) and w["code"] == "run-without-end" for w in out["warnings"])


def test_json_output_stays_parsable_when_the_child_prints(private_home: Path) -> None:
    """Issue 12: the child's stdout was mixed into the JSON of `measure --json`."""
    done = cli("measure", "--json", "--", sys.executable, "-c", "print('hello from the workload')")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["kind"] == "measure"
    assert "hello from the workload" in done.stderr
    piped = subprocess.run(f"{' '.join(CLI)} measure --json -- echo hi | {sys.executable} -m json.tool", shell=True,
                           capture_output=True, text=True, env={**os.environ, "AIFOOTPRINT_SENSORS": "fake"})
    assert piped.returncode == 0, piped.stderr


@pytest.mark.parametrize(("command", "code", "words"), [
    ("/etc/hostname", 126, "cannot execute"),
    ("/no/such/program", 127, "not found"),
    ("no-such-program-aifootprint", 127, "not found"),
])
def test_commands_that_cannot_run_exit_like_a_shell(private_home: Path, command: str, code: int, words: str) -> None:
    """Issue 12: `measure -- /etc/hostname` ended in a traceback (OSError: Exec format error)."""
    done = cli("measure", "--", command)
    assert done.returncode == code, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_exec_format_error_is_126(private_home: Path, tmp_path: Path) -> None:
    """An executable file that is no program (no #! line, not ELF) fails in exec itself: still 126, one line."""
    fake = tmp_path / "not-a-program"
    fake.write_bytes(b"\x00\x01\x02binary junk")
    fake.chmod(0o755)
    done = cli("measure", "--", str(fake))
    assert done.returncode == 126, done.stderr
    assert "Traceback" not in done.stderr and "cannot execute" in done.stderr
    # refused before the measurement starts, like a command that is not found: no run is left behind (one with
    # status `exit 126` was stored)
    assert cli("measure", "--", "no-such-program-aifootprint").returncode == 127
    listed = cli("runs", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []  # not even a store was created
    assert not (private_home / "runs.sqlite").exists()
    assert cli("measure", "--", sys.executable, "-c", "pass").returncode == 0
    assert len(json.loads(cli("runs", "list", "--json").stdout)) == 1


def test_process_tree_walk_is_library_code(tmp_path: Path) -> None:
    """Moved out of the CLI (issue 12): the tree under a pid, from a /proc-like root."""
    for pid, ppid in ((10, 1), (11, 10), (12, 11), (20, 1)):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(f"{pid} (x y) S {ppid} 0 0\n")
    assert descendants(10, str(tmp_path)) == {10, 11, 12}
    assert descendants(os.getpid()) >= {os.getpid()}
    assert signal.SIGKILL  # the death signal used by measure's children


@pytest.mark.parametrize(("redirect", "child_code", "code", "why"), [
    (">&-", 0, 1, "it is closed"),  # stdout closed: sys.stdout is None (an AttributeError traceback, exit 1)
    (">/dev/full", 0, 1, "No space left on device"),  # an OSError traceback
    (">/dev/full", 3, 3, "No space left on device"),  # the command's own failure is kept
])
@pytest.mark.parametrize("output", ["--json", "--hz=10"])  # --hz=10: the human tables (rich wrote them to nowhere
def test_a_result_that_cannot_be_written_is_one_line_and_the_run_is_kept(  # with stdout closed: exit 0, silent)
        private_home: Path, redirect: str, child_code: int, code: int, why: str, output: str) -> None:
    if redirect == ">/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    command = " ".join([*CLI, "measure", output, "--name", "unprinted", "--", "sh", "-c", f"'exit {child_code}'"])
    done = subprocess.run(f"{command} {redirect}", shell=True, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "AIFOOTPRINT_SENSORS": "fake"})
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert f"cannot write the result to standard output ({why})" in line and "runs show" in line
    listed = json.loads(cli("runs", "list", "--json").stdout)
    assert [r["name"] for r in listed] == ["unprinted"]


def test_a_run_name_with_terminal_controls_is_printed_escaped(private_home: Path) -> None:
    """A run's name (``--name``, else the command line) went to the terminal as it was: ``ESC ] 0 ; … BEL`` set the
    terminal's title, a CR overwrote the row of ``runs list``, and the impact statement carried them too."""
    name = "train\x1b]0;owned\x07\rX"
    assert cli("measure", "--name", name, "--", "true").returncode == 0
    listed = cli("runs", "list")
    assert listed.returncode == 0, listed.stderr
    (row,) = [line for line in listed.stdout.splitlines() if "train" in line]
    assert "train\\x1b]0;owned\\x07\\x0dX" in row
    run_id = row.split()[0]
    text = cli("runs", "show", run_id, "--statement").stdout
    assert "train\\x1b]0;owned\\x07\\x0dX" in text
    for out in (listed.stdout, text):
        assert not any(c in out for c in "\x1b\x07\r")
    assert json.loads(cli("runs", "list", "--json").stdout)[0]["name"] == name  # the record itself is unchanged


def test_the_command_line_in_the_inputs_line_is_printed_escaped(private_home: Path) -> None:
    """The human view's ``inputs: command=...`` line wrote the user's command line to the terminal as it was (ESC,
    BEL and CR included); it is escaped as a run's name is (``measure.terminal.printable``)."""
    done = cli("measure", "--name", "plain", "--", "sh", "-c", "true", "x\x1b]0;owned\x07\rY")
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if "command=" in line]
    assert not any(c in done.stdout for c in "\x1b\x07\r")
    assert "x\\x1b]0;owned\\x07\\x0dY" in line


def test_a_result_that_cannot_be_written_names_no_stored_run_when_the_store_failed(tmp_path: Path) -> None:
    """With the run store unavailable (``store-unavailable``: "the run is not saved") the closed-stdout line went on
    to say "the run is stored: `aifootprint runs show ...` prints it"."""
    home = tmp_path / "a-file"
    home.write_text("")
    command = " ".join([*CLI, "measure", "--json", "--", "true"])
    done = subprocess.run(f"{command} >&-", shell=True, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "AIFOOTPRINT_SENSORS": "fake", "AIFOOTPRINT_HOME": str(home)})
    assert done.returncode == 1, done.stderr
    assert "the run is not saved" in done.stderr and "cannot write the result to standard output" in done.stderr
    assert "runs show" not in done.stderr and "Traceback" not in done.stderr
