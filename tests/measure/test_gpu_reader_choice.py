"""Which GPU reader the default ``gpu_reader="auto"`` uses (aifootprint.measure.sensors.readerchoice): the reader
process for a standalone interpreter on an NVIDIA machine, the in-process reader where Python is embedded in
another program, and the in-process reader at once when the child fails (a notice, not a gap).

Real parts: the tests' fake NVML library (``fake_nvml_clocked.c``) behind a fake device node, fresh interpreters,
and a real embedding program (a C host linking libpython, as uwsgi and mod_wsgi do), built with the system C
compiler (skipped without one, or without the interpreter's headers and shared library)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from aifootprint.measure.sensors.readerchoice import interpreter_problem

from ._helpers import build_clocked_nvml

SRC = str(Path(__file__).resolve().parents[2] / "src")
POWER_W = {"gpu:0": 250.0, "gpu:1": 300.0}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clocked_nvml(tmp_path_factory.mktemp("nvml-clocked"))


def _node(tmp_path: Path) -> tuple[str, str]:
    """(device root with an NVIDIA node, a powercap root without RAPL)."""
    dev = tmp_path / "dev"
    dev.mkdir(exist_ok=True)
    (dev / "nvidiactl").touch()
    return str(dev), str(tmp_path / "none")


def test_this_interpreter_is_standalone() -> None:
    assert interpreter_problem() is None


def test_what_is_not_a_standalone_interpreter(tmp_path: Path) -> None:
    """Each part of the test refuses what an embedding program looks like; the messages say why."""
    assert "frozen" in (interpreter_problem(frozen=True) or "")
    assert "empty" in (interpreter_problem(executable="") or "")
    uwsgi = tmp_path / "uwsgi"  # uwsgi sets sys.executable to its own binary
    shutil.copy(sys.executable, uwsgi)
    assert "not named like a Python interpreter" in (interpreter_problem(executable=str(uwsgi)) or "")
    other = tmp_path / "bin" / "python3"  # a Python found on PATH that is not the program running
    other.parent.mkdir()
    other.symlink_to(shutil.which("true") or "/bin/true")
    assert "Python is embedded in another program" in (interpreter_problem(executable=str(other)) or "")
    assert "no " in (interpreter_problem(running=str(tmp_path / "no-proc")) or "")
    assert "not installed as plain files" in (interpreter_problem(package_root=str(tmp_path)) or "")
    for name in ("python", "python3", "python3.12", "python3.13t", "pypy3", "python3.11d"):
        link = tmp_path / name
        link.symlink_to(os.path.realpath(sys.executable))
        assert interpreter_problem(executable=str(link)) is None, name


RUN = r"""
import json, sys
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
kw = json.loads(sys.argv[-1]) if len(sys.argv) > 1 and sys.argv[-1].startswith("{") else {}
tr = Tracker(TrackerConfig(store=False, sensors=SensorConfig(dev_root=DEV, cpu_tdp_w=10.0, ram_gb=1.0,
                                                             powercap_root=NONE), **kw))
tr.start(); tr.wait_open(10)
readers = sorted({t.sensor.reader_pid for t in tr._tracks if hasattr(t.sensor, "reader_pid")})
r = tr.stop()
print(json.dumps({"details": [[n.code, n.message] for n in tr.details if n.code.startswith("gpu-reader")],
                  "notes": [n.code for n in r.notes], "readers": len(readers),
                  "nvml_loaded": "libnvidia-ml" in open("/proc/self/maps").read(),
                  "gpus": sorted(d.device for d in r.devices if d.component == "gpu" and d.energy_j > 0)}))
"""


def _script(dev: str, none: str) -> str:
    return RUN.replace("DEV", repr(dev)).replace("NONE", repr(none))


def test_auto_reads_by_a_child_process_in_a_standalone_interpreter(library: Path, tmp_path: Path) -> None:
    dev, none = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", _script(dev, none)], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["readers"] == 1 and not out["nvml_loaded"] and out["gpus"] == sorted(POWER_W)
    assert [d[0] for d in out["details"]] == ["gpu-reader-process"]
    assert "standalone Python interpreter" in out["details"][0][1] and out["notes"] == []


def _embedding_host(tmp_path: Path) -> Path:
    """A C program that embeds this interpreter (``Py_Initialize``, runs ``argv[1]``), named like uwsgi."""
    cc = shutil.which("cc") or shutil.which("gcc")
    include = sysconfig.get_paths()["include"]
    libdir, version = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("LDVERSION")
    if cc is None or not (Path(include) / "Python.h").exists() or not libdir or not version or not any(
            Path(libdir).glob(f"libpython{version}.so*")):
        pytest.skip("no C compiler, Python.h or shared libpython to build an embedding program")
    source = tmp_path / "host.c"
    source.write_text("#define PY_SSIZE_T_CLEAN\n#include <Python.h>\nint main(int argc, char **argv) {\n"
                      "    if (argc < 2) return 2;\n    Py_Initialize();\n    int rc = PyRun_SimpleString(argv[1]);\n"
                      "    if (Py_FinalizeEx() < 0) rc = 1;\n    return rc ? 1 : 0;\n}\n")
    host = tmp_path / "uwsgi-like"
    subprocess.run([cc, str(source), f"-I{include}", f"-L{libdir}", f"-lpython{version}", f"-Wl,-rpath,{libdir}",
                    "-o", str(host)], check=True, timeout=60)
    return host


def test_auto_reads_in_process_where_python_is_embedded(library: Path, tmp_path: Path) -> None:
    """In a program that embeds Python, ``sys.executable`` is a guess (here: a ``python3`` on ``PATH``, which may
    be another interpreter, a shim script, or absent): ``auto`` starts no child and reads the GPUs in-process; the
    run records why (``gpu-reader-thread``)."""
    host = _embedding_host(tmp_path)
    dev, none = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home"),
           "PYTHONPATH": SRC, "PYTHONHOME": sys.base_prefix}
    done = subprocess.run([str(host), _script(dev, none)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["readers"] == 0 and out["nvml_loaded"] and out["gpus"] == sorted(POWER_W)
    assert [d[0] for d in out["details"]] == ["gpu-reader-thread"]
    assert "embedded" in out["details"][0][1] and out["notes"] == []


FALLBACK = r"""
import functools, json, sys, time
from aifootprint.measure.sensors.discovery import SensorConfig, discover
from aifootprint.measure.tracker import Tracker, TrackerConfig
out = {}
for case, command in json.loads(sys.argv[3]).items():
    cfg = TrackerConfig(store=False, gpu_open_timeout_s=2.0, sensors=SensorConfig(dev_root=sys.argv[1], cpu_tdp_w=10.0,
                        ram_gb=1.0, powercap_root=sys.argv[2]))
    tr = Tracker(cfg, discover=functools.partial(discover, reader_command=command))
    tr.start(); opened = tr.wait_open(10); time.sleep(0.5)
    r = tr.stop()
    out[case] = {"opened": opened, "notes": [n.code for n in r.notes],
                 "message": [n.message for n in r.notes if n.code == "gpu-reader-fallback"],
                 "details": [n.code for n in tr.details if n.code.startswith("gpu-reader")],
                 "gaps": [g.device for g in r.gaps],
                 "gpus": {d.device: d.energy_j / r.duration_s for d in r.devices if d.component == "gpu"}}
print(json.dumps(out))
"""


def test_a_failed_child_under_auto_falls_back_to_the_in_process_reader(library: Path, tmp_path: Path) -> None:
    """Under ``auto`` a child that cannot start, exits, or says nothing within half of ``gpu_open_timeout_s`` is
    replaced by the in-process reader at once: the GPUs are measured (power x time), no gap, the result carries
    ``gpu-reader-fallback`` saying why, with the last line the child wrote to stderr before it failed (it used to
    be discarded: "exited (status 1)" alone), and not ``gpu-reader-failed``, which stays the explicit ``process``
    reader's: ``test_gpu_reader_process.py``)."""
    dev, none = _node(tmp_path)
    commands = {"cannot start": [str(tmp_path / "no-such-python")],
                "exits": [sys.executable, "-c", "pass"],
                "crashes": [sys.executable, "-c", "raise ImportError('no module named nvml_binding')"],
                "never answers": [sys.executable, "-c", "import time; time.sleep(60)"]}
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", FALLBACK, dev, none, json.dumps(commands)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    why = {"cannot start": "could not start", "exits": "exited (status 0)",
           "crashes": "exited (status 1) before reading a GPU: ImportError: no module named nvml_binding",
           "never answers": "did not answer within 1 s"}
    for case, run in out.items():
        assert run["opened"], case
        assert "gpu-reader-fallback" in run["notes"] and "gpu-reader-failed" not in run["notes"], case
        assert why[case] in run["message"][0], (case, run["message"])
        assert run["details"] == ["gpu-reader-thread"] and run["gaps"] == [], case
        assert run["gpus"] == pytest.approx(POWER_W, rel=0.05), case


def test_measure_takes_auto_and_says_which_reader_it_used(tmp_path: Path) -> None:
    """``measure`` keeps ``thread`` by default (nothing said); ``--gpu-reader auto`` is accepted, and the JSON
    inputs say which reader it used where it read GPUs (from the discovery's structured detail: the CLI reads
    ``/dev``, which has no GPU here)."""
    from aifootprint.cli.measure_run import _reader_inputs
    from aifootprint.notice import Notice

    env = {**os.environ, "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    for flag in ([], ["--gpu-reader", "auto"]):
        done = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "measure", *flag, "--sensors",
                               "estimate", "--json", "--", sys.executable, "-c", "pass"],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        inputs = json.loads(done.stdout)["inputs"]
        assert inputs.get("gpu_reader") == (flag[1] if flag else None) and "gpu_reader_used" not in inputs
    chose = [Notice("backend-unavailable", "x"), Notice("gpu-reader-process", "GPUs read by a child process", "gpu")]
    assert _reader_inputs("auto", chose) == {"gpu_reader": "auto", "gpu_reader_used": "process"}
    assert _reader_inputs("process", chose) == {"gpu_reader": "process"}
    assert _reader_inputs("thread", chose) == {}


NO_SHARED_MEMORY = r"""
import json, resource, signal, sys, time
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a file grown past the limit is an error (EFBIG), not a kill
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))   # the reader's shared memory (~23 kB) cannot be sized
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
tr = Tracker(TrackerConfig(store=False, sensors=SensorConfig(dev_root=sys.argv[1], cpu_tdp_w=10.0, ram_gb=1.0,
                                                             powercap_root=sys.argv[2])))
tr.start(); tr.wait_open(10); time.sleep(0.3)
r = tr.stop()
print(json.dumps({"notes": [[n.code, n.message] for n in r.notes],
                  "gpus": sorted(d.device for d in r.devices if d.component == "gpu" and d.energy_j > 0)}))
"""


def test_no_shared_memory_under_auto_falls_back_too(library: Path, tmp_path: Path) -> None:
    """The shared memory cannot be created (here: a file-size limit makes sizing it fail with EFBIG; elsewhere an
    old kernel without memfd_create, or a sandbox): under ``auto`` the GPUs are read in-process, flagged; it used to
    escape as an exception on the GPUs' thread, leaving them unmeasured."""
    dev, none = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", NO_SHARED_MEMORY, dev, none], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["gpus"] == sorted(POWER_W)
    fallback = [m for code, m in out["notes"] if code == "gpu-reader-fallback"]
    assert fallback and "shared memory could not be created" in fallback[0], out["notes"]


def test_auto_waits_for_a_child_still_opening_slow_gpus(library: Path, tmp_path: Path) -> None:
    """A child that has started but whose ``nvmlInit`` is slow (here 1.3 s; on a node without persistence mode,
    1-3 s per GPU) is waited for up to ``gpu_open_timeout_s`` (2 s here), not half of it: the in-process reader would
    wait as long. It used to be killed at 1 s and replaced by the in-process reader, whose own 1.3 s opening then
    overran the bound (``gpus-not-opened`` in a short run: the GPUs unmeasured where ``thread`` measured them)."""
    dev, none = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home"),
           "FAKE_NVML_INIT_MS": "1300"}
    done = subprocess.run([sys.executable, "-c", _script(dev, none), json.dumps({"gpu_open_timeout_s": 2.0})],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["readers"] == 1 and not out["nvml_loaded"] and out["gpus"] == sorted(POWER_W)
    assert [d[0] for d in out["details"]] == ["gpu-reader-process"]
    assert set(out["notes"]) == {"start-bridged"}  # the 1.3 s from start() to the first reading, filled in


SHADOWED = r"""
import json, sys
sys.path.append(sys.argv[1])   # aifootprint installed after the standard library, as site-packages is
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
tr = Tracker(TrackerConfig(store=False, sensors=SensorConfig(dev_root=sys.argv[2], cpu_tdp_w=10.0, ram_gb=1.0,
                                                             powercap_root=sys.argv[3])))
tr.start(); tr.wait_open(10)
r = tr.stop()
print(json.dumps({"notes": [[n.code, n.message] for n in r.notes],
                  "details": [n.code for n in tr.details if n.code.startswith("gpu-reader")],
                  "gpus": sorted(d.device for d in r.devices if d.component == "gpu" and d.energy_j > 0)}))
"""


def test_the_child_imports_the_standard_library_and_this_aifootprint_as_the_workload_does(library: Path,
                                                                                          tmp_path: Path) -> None:
    """The child's ``sys.path`` is the workload's: neither the working directory (``python -m`` put it first) nor
    aifootprint's install directory (it was put on ``PYTHONPATH``, ahead of the standard library) is put in front.
    Here both hold a ``json.py`` that shadows the standard library's (as an old backport in site-packages, or a
    user's module beside their data, would): the workload is unaffected, and so must its reader be. It used to exit
    at import, and ``auto`` fell back to the in-process reader."""
    site, cwd, scripts = tmp_path / "site", tmp_path / "cwd", tmp_path / "scripts"
    for folder in (site, cwd, scripts):
        folder.mkdir()
    (site / "aifootprint").symlink_to(Path(SRC) / "aifootprint")
    for folder in (site, cwd):
        (folder / "json.py").write_text("raise ImportError('the standard json module is shadowed')\n")
    (scripts / "run.py").write_text(SHADOWED)
    dev, none = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    # -S: no site-packages, so that aifootprint is imported from `site` (appended), not from this checkout
    done = subprocess.run([sys.executable, "-S", str(scripts / "run.py"), str(site), dev, none], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out == {"notes": [], "details": ["gpu-reader-process"], "gpus": sorted(POWER_W)}


def test_auto_records_no_reader_where_it_reads_no_gpu(library: Path, tmp_path: Path) -> None:
    """An NVIDIA node whose GPUs are all hidden (``CUDA_VISIBLE_DEVICES=""``; likewise an unusable NVML): no GPU is
    read, so no reader is recorded (``measure --json``'s ``gpu_reader_used`` is absent without GPUs), as the
    in-process side of ``auto`` already did; the child used to record ``gpu-reader-process``, "GPUs read by a
    child process"."""
    dev, none = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home"),
           "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, "-c", _script(dev, none)], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["gpus"] == [] and out["readers"] == 0 and out["details"] == [] and out["notes"] == ["gpu-hidden"]


CLOSED_STREAMS = r"""
import json, os, sys
for fd in (0, 1, 2):   # a daemon that closed its standard streams: new descriptors get the numbers 0, 1, 2
    os.close(fd)
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
tr = Tracker(TrackerConfig(store=False, sensors=SensorConfig(dev_root=sys.argv[2], cpu_tdp_w=10.0, ram_gb=1.0,
                                                             powercap_root=sys.argv[3])))
tr.start(); tr.wait_open(10)
r = tr.stop()
with open(sys.argv[1], "w") as fh:
    json.dump({"notes": [[n.code, n.message] for n in r.notes],
               "details": [n.code for n in tr.details if n.code.startswith("gpu-reader")],
               "gpus": sorted(d.device for d in r.devices if d.component == "gpu" and d.energy_j > 0)}, fh)
"""


def test_a_process_without_standard_streams_gets_its_reader(library: Path, tmp_path: Path) -> None:
    """With descriptors 0-2 closed, the shared memory's descriptor was one of them and became the child's stdin,
    stdout or stderr: the child could not map it (it exited: "PermissionError") and ``auto`` fell back. The
    descriptor handed to the child is numbered 3 or above."""
    dev, none = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    result = tmp_path / "result.json"
    done = subprocess.run([sys.executable, "-c", CLOSED_STREAMS, str(result), dev, none], env=env, timeout=60)
    assert done.returncode == 0
    out = json.loads(result.read_text())
    assert out == {"notes": [], "details": ["gpu-reader-process"], "gpus": sorted(POWER_W)}


@pytest.mark.parametrize(("flags", "expected"), [([], []), (["-S"], ["-S"]), (["-s", "-E"], ["-E", "-s"]),
                                                 (["-I"], ["-I"])])
def test_the_child_runs_with_the_workloads_isolation_flags(flags: list[str], expected: list[str]) -> None:
    """The child's interpreter flags are the workload's (``-I``, ``-E``, ``-s``, ``-S``: the same site-packages, user
    site and environment variables), then ``-P``; without them a ``python -S`` workload's reader ran every
    site-packages ``.pth`` file the workload never ran."""
    code = ("import json; from aifootprint.measure.sensors.gpuproc import child_command; "
            "print(json.dumps(child_command()))")
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    if "-I" in flags or "-E" in flags:  # PYTHONPATH ignored: run from the source directory instead
        done = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, cwd=SRC,
                              timeout=60)
    assert done.returncode == 0, done.stderr
    command = json.loads(done.stdout)
    assert command[0] == sys.executable and command[1:command.index("-P")] == expected
    assert command[command.index("-P") + 1] == "-c"
