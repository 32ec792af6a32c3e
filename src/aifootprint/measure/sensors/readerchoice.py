"""Which GPU reader ``TrackerConfig(gpu_reader="auto")`` (the default) uses, and why.

``auto`` reads the GPUs by a child process (:mod:`.gpuproc`: NVML's library and calls stay out of the workload's
process; on an H200 the workload's +RSS went from 22.4 to 3.96 MiB, docs/measure.md) when both hold:

- an NVIDIA device node exists (``/dev/nvidiactl``, ``/dev/nvidia0``...; ``--gpus`` alone does not count, nor an
  AMD GPU: the reader's cost was measured with NVML only), and no NVML module was injected (tests);
- this process is a standalone Python interpreter that can run ``sys.executable -m aifootprint...``
  (:func:`interpreter_problem`). Where Python is embedded in another program (uwsgi, mod_wsgi's Apache, a frozen
  PyInstaller or cx_Freeze application), ``sys.executable`` is that program, or a Python found on ``PATH`` that
  is not the one running: starting it could start the wrong program, so the GPUs are read in this process.

Otherwise the GPUs are read in this process (``thread``). The choice is recorded with the run as the detail
``gpu-reader-process`` or ``gpu-reader-thread`` (subject ``gpu``, the message says why). A child that cannot start
or fails its handshake (no first line within half of ``gpu_open_timeout_s``, GPUs not opened within
``gpu_open_timeout_s``, an error, another shared-memory layout) is not a gap under ``auto``: the GPUs are opened in
this process at once and the result carries the notice ``gpu-reader-fallback`` saying why (with the last line the
child wrote to stderr). An explicit ``gpu_reader="process"`` keeps its own contract
(``gpu-reader-failed``: the GPUs are unmeasured).
"""

from __future__ import annotations

import os
import sys

#: Names a standalone interpreter's executable has (after the prefix: a version, ``t`` free-threaded, ``d`` debug).
INTERPRETER_NAMES = ("python", "pypy")


def _interpreter_name(path: str) -> bool:
    name = os.path.basename(path).lower().removesuffix(".exe")
    for prefix in INTERPRETER_NAMES:
        if name.startswith(prefix):
            rest = name[len(prefix):]
            return all(c in "0123456789.td" for c in rest) and not rest.startswith(("t", "d"))
    return False


def interpreter_problem(executable: str | None = None, running: str = "/proc/self/exe",
                        frozen: bool | None = None, package_root: str | None = None) -> str | None:
    """Why ``executable`` (``sys.executable``) cannot be trusted to start the reader child; None when it can.

    The test, each part of which a standalone interpreter passes and an embedding program fails:

    1. not frozen (``sys.frozen``: PyInstaller, cx_Freeze, py2exe, py2app set it; their executable is the app);
    2. ``sys.executable`` is set and named like an interpreter (``python``, ``python3.12``, ``python3.13t``,
       ``pypy3``); uwsgi sets it to its own binary;
    3. it is the program this process runs: the real path of ``/proc/self/exe`` (``running``) equals that of
       ``sys.executable`` (a virtual environment's ``bin/python`` is a link to, or a copy run as, the interpreter
       itself). An embedded interpreter (mod_wsgi in Apache, uwsgi, a C or C++ host) runs inside another binary;
       where ``sys.executable`` was guessed from ``PATH`` it names another program than the one running. Without
       ``/proc`` (not Linux) nothing can be checked: the answer is no;
    4. aifootprint is importable from plain files (the child imports ``aifootprint.measure.sensors.gpuchild``
       through ``PYTHONPATH``; ``package_root``: the directory holding the ``aifootprint`` package).
    """
    exe = sys.executable if executable is None else executable
    if getattr(sys, "frozen", False) if frozen is None else frozen:
        return "this is a frozen application (sys.frozen): its executable is not a Python interpreter"
    if not exe:
        return "sys.executable is empty: Python is embedded in another program"
    if not _interpreter_name(exe):
        return (f"sys.executable {exe} is not named like a Python interpreter (python3, pypy3): Python may be "
                "embedded in it (uwsgi, mod_wsgi, a frozen application)")
    try:
        here, there = os.path.realpath(running, strict=True), os.path.realpath(exe, strict=True)
    except OSError:
        return f"cannot check that {exe} is the interpreter running this process (no {running})"
    if here != there:
        return (f"this process runs {here}, not sys.executable {exe} ({there}): Python is embedded in another "
                "program")
    if not os.access(there, os.X_OK):
        return f"sys.executable {exe} is not executable"
    root = package_root or os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    if not os.path.isfile(os.path.join(root, "aifootprint", "measure", "sensors", "gpuchild.py")):
        return f"aifootprint is not installed as plain files under {root} (a zip or frozen archive)"
    return None


def shadowed_stdlib(modules: dict[str, object] | None = None, stdlib: str | None = None) -> list[str]:
    """The modules imported by this process (``sys.modules``) that carry a standard-library module's name but were
    loaded from elsewhere (``mmap.py`` in the script's directory, found before the standard library's), each as
    ``NAME (PATH)``: why the reader's launch, which imports ``mmap``, ``select``, ``struct`` or ``zlib``, failed."""
    names: frozenset[str] = getattr(sys, "stdlib_module_names", frozenset())
    root = os.path.realpath(stdlib or os.path.dirname(os.__file__)) + os.sep
    out = []
    for name, module in sorted((sys.modules if modules is None else modules).items()):
        path = getattr(module, "__file__", None)
        if name in names and isinstance(path, str) and not os.path.realpath(path).startswith(root):
            out.append(f"{name} ({path})")
    return out
