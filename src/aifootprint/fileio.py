"""Reading the user's input files safely, and writing the user's output files without harming anything there.

:func:`read_input` is the one place where commands read whole a file the user named (a calibration profile, the
user config, a micro-benchmark CSV, a grid-intensity profile, a scenario): regular files and pipes (a FIFO, a shell's
``<(…)``) are read, at most :data:`MAX_INPUT_BYTES`; a directory, device node (``/dev/zero`` never ends) or socket is
refused with :class:`~aifootprint.errors.InputError` before it is opened.

:func:`write_output` is the one place where commands write a file the user named (``report --out``, ``runs export
-o``, …). Its rules:

* ``-`` means standard output (nothing is written to a file named ``-``); an empty path is refused.
* The CLI passes ``force``: an existing file is replaced only with ``--force``; the command's own inputs (``protect``:
  the run store being exported, …) are never replaced, not even with ``--force``.
* Only regular files are written. A directory, FIFO, socket or device node at the path is refused with
  :class:`~aifootprint.errors.InputError` (exit 2 in the CLI) and left untouched.
* A symbolic link is **written through**: the file it points to is replaced and the link itself is kept (as a shell's
  ``>`` does). A link to a directory, FIFO or device is refused like the thing itself.
* The write is atomic: the text goes to a temporary file in the target's folder, which is then renamed over the
  target, so the target is either the old file or the whole new one.
* An existing file keeps its permission bits (and its owner and group where the process may set them); a new file
  gets what ``open()`` would give (0666 minus the umask).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

from .errors import InputError

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import BinaryIO

#: What a path that is not a regular file is called in the error message.
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


#: The most :func:`read_input` reads into memory [bytes]: 256 MiB, far above any input the commands read whole (a
#: year of 5-minute grid intensities is about 5 MB as CSV), and a bound on what a wrong path (a pipe that never
#: ends) can cost.
MAX_INPUT_BYTES = 256 << 20


def read_input(path: str | os.PathLike[str], what: str, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the file the user named as ``what`` ("calibration profile", "scenario file", …).

    Regular files and pipes are read (symlinks followed). A directory, device node or socket raises
    :class:`InputError` without being opened, and so does a file or pipe longer than ``max_bytes``. A missing file
    raises :class:`FileNotFoundError` and other OS errors propagate, for the caller to word with its own hint.
    """
    if str(path) == "":
        raise InputError(f"{what}: empty path; accepted: a file name")
    p = Path(path)
    mode = os.stat(p).st_mode
    kind = None if stat.S_ISFIFO(mode) else _kind(mode)
    if kind is not None:
        via = f" (the link points to {os.path.realpath(p)})" if os.path.islink(p) else ""
        raise InputError(f"{what} {str(p)!r} is {kind}{via}: only regular files and pipes are read")
    with open(p, "rb") as fh:
        raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise InputError(f"{what} {str(p)!r} is larger than {max_bytes:,} bytes, the most that is read; accepted: "
                         f"a {what} of at most that size")
    return raw


def _kind(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)", …); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def output_target(path: str | os.PathLike[str], flag: str = "--out", *, force: bool = True,
                  protect: Mapping[str, str] | None = None, example: str = "aifootprint-report.html"
                  ) -> Path | None:
    """The regular file that :func:`write_output` would replace (symlinks followed), or None for ``-`` (stdout).

    Raises :class:`InputError` when the path is empty, when it (or what a link points to) exists and is not a regular
    file, when its folder does not exist, when it exists and ``force`` is false, or when it is one of the files in
    ``protect`` (path -> what it is: the command's own inputs, e.g. the run store being read; refused even with
    ``force``). ``example``
    is the file name suggested when the path is a directory. Call it before long work so that a bad path fails at
    once.
    """
    if str(path) == "-":
        return None
    if str(path) == "":
        raise InputError(f"{flag}: empty path; accepted: a file name, or - for standard output")
    given = Path(path)
    target = Path(os.path.realpath(given))  # follows every link; a dangling link gives the path it would create
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError(f"cannot write {flag} {given}: {exc.strerror or exc}") from None
    if mode is not None:
        kind = _kind(mode)
        if kind is not None:
            via = f" (the link points to {target})" if target != given.absolute() else ""
            hint = f"; give a file name, e.g. {given / example}" if stat.S_ISDIR(mode) else ""
            raise InputError(f"{flag} {given} is {kind}{via}: only regular files are written "
                             f"(use {flag} - for standard output){hint}")
    if not target.parent.is_dir():
        raise InputError(f"{flag} {given}: folder {target.parent} does not exist")
    for kept, what in (protect or {}).items():
        if kept and target == Path(os.path.realpath(kept)):
            raise InputError(f"{flag} {given} is {what} ({kept}), which is never overwritten, not even with --force; "
                             "accepted: another file name")
    database = database_of(target)  # also a sidecar not yet there: SQLite would read it as the database's
    if database is not None:
        raise InputError(f"{flag} {given} is {database}, which is never overwritten, not even with --force "
                         "(a run store holds every recorded run); accepted: another file name")
    if mode is not None and not force:
        raise InputError(f"{flag} {given} exists; accepted: a new file name, or --force to replace it")
    return target


#: The first 16 bytes of every SQLite database file (https://www.sqlite.org/fileformat.html, "The Database Header").
SQLITE_MAGIC = b"SQLite format 3\x00"
#: The files SQLite keeps beside a database in WAL or rollback mode.
_SIDECARS = ("-wal", "-shm", "-journal")


def database_of(target: Path) -> str | None:
    """What kind of database file ``target`` is — a SQLite database (a run store, the team server's database, or
    anyone's) or the WAL / shared-memory / journal file beside one — or None. Such files are never replaced by an
    output, whatever ``--force`` says: writing a report over a store loses every run in it."""
    for suffix in _SIDECARS:
        if target.name.endswith(suffix) and _is_sqlite(target.with_name(target.name[: -len(suffix)])):
            return f"the {suffix[1:]} file of a SQLite database"
    return "a SQLite database" if _is_sqlite(target) else None


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def write_output(path: str | os.PathLike[str], data: str | bytes, flag: str = "--out",
                 stdout: BinaryIO | None = None, *, force: bool = True,
                 protect: Mapping[str, str] | None = None) -> str:
    """Write ``data`` (text is UTF-8 encoded) to the regular file ``path``, or to standard output for ``-``.

    See the module docstring for the rules. Returns where the data went (``"standard output"`` or the path written,
    the link's target for a symlink). OS errors (permissions, a read-only or full disk) become one
    :class:`InputError` line naming ``flag``. ``force`` and ``protect``: as :func:`output_target`.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target = output_target(path, flag, force=force, protect=protect)
    if target is None:
        out = stdout if stdout is not None else sys.stdout.buffer
        out.write(raw)
        out.flush()
        return "standard output"
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise InputError(f"cannot write {flag} {path}: {exc.strerror or exc}") from None
    try:
        replace_atomically(target, raw, keep=old)
    except OSError as exc:
        raise InputError(f"cannot write {flag} {path}: {exc.strerror or exc}") from None
    return str(target)


def replace_atomically(target: Path, raw: bytes, keep: os.stat_result | None = None) -> None:
    """Put ``raw`` at ``target`` atomically: a temporary file in the same folder (created exclusively, never through
    an existing name), flushed to disk, then renamed over ``target``. With ``keep`` (the old file's stat) the new
    file keeps its permission bits and, where allowed, its owner and group; otherwise it gets 0666 minus the umask.

    The one implementation of the atomic write; the callers decide what may be replaced (:func:`write_output`, the
    index site, calibration profiles). OS errors propagate; the temporary file never stays behind.
    """
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if keep is not None:
            os.chmod(tmp, stat.S_IMODE(keep.st_mode))
            with contextlib.suppress(OSError):  # only possible as root or the owner; the mode is what matters
                os.chown(tmp, keep.st_uid, keep.st_gid)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
