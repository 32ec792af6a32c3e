"""Count each physical device once when several processes of one job measure the same node.

Every rank of a torchrun / SLURM / MPI job that starts a tracker sees the whole node: without care, summing the
ranks counts each GPU and CPU package once per rank (4 ranks: 4x the truth; mlco2/codecarbon#1390). Here each
process takes, for every physical device, an exclusive non-blocking ``flock`` on a lease file
``<lease_dir>/<job id>/<device>.lock``. The process holding the lease measures the device; the others skip it and
retry about once per second, so when the owner exits (or is killed: the kernel drops its locks) another rank takes
over from that moment. A lease file is opened never through a symlink, and used only when it is a regular file of
this user with one name (another file found there is not a lease: the device is skipped as if another rank held
it; the file is left untouched). Two trackers of one process (a ``@track()`` function inside ``with Tracker()``)
both measure a device whose lease the process holds (:func:`locked_by_this_process`); a tracker that outlives the
one holding the lease goes on measuring without it (another rank may then take the lease over and count the device
too, for the rest of that tracker's run). The result: per node, each device's energy is counted exactly once across the
job's ranks.

The job id scopes the leases, so two different jobs sharing a node each measure their devices. It is taken from
the tracker's ``job_id``, else ``AIFOOTPRINT_JOB_ID``, ``TORCHELASTIC_RUN_ID`` (torchrun), ``SLURM_JOB_ID`` +
``SLURM_STEP_ID``, ``PMIX_NAMESPACE`` / ``OMPI_MCA_orte_ess_jobid`` (Open MPI). Without any, leases are off (a
single process owns everything). The lease directory must be node-local (default: the system temp directory).
"""

from __future__ import annotations

import contextlib
import os

_JOB_ENV = ("AIFOOTPRINT_JOB_ID", "TORCHELASTIC_RUN_ID", "SLURM_JOB_ID", "PMIX_NAMESPACE", "OMPI_MCA_orte_ess_jobid")


def job_id_from_env(environ: dict[str, str] | None = None) -> str | None:
    """The job id of a multi-process launcher, or None (see the module docstring for the variables read)."""
    env = os.environ if environ is None else environ
    for name in _JOB_ENV:
        value = env.get(name, "").strip()
        if value:
            if name == "SLURM_JOB_ID" and env.get("SLURM_STEP_ID"):
                value += "." + env["SLURM_STEP_ID"]
            return f"{name.lower()}-{value}"
    return None


def default_lease_dir() -> str:
    """``<tmp>/aifootprint-<uid>/leases`` (node-local)."""
    import tempfile

    return os.path.join(tempfile.gettempdir(), f"aifootprint-{os.getuid()}", "leases")


def locked_by_this_process(fd: int, pid: int | None = None, locks: str = "/proc/locks") -> bool:
    """True when the ``flock`` on the file of ``fd`` is held by this process (another tracker of it: two trackers
    of one process are not two ranks; ``@track()`` inside ``with Tracker()`` under torchrun measured nothing, every
    device "measured by" its own pid). From ``locks`` (``/proc/locks``: type, pid and ``major:minor:inode`` of
    each lock; proc(5)); False where it cannot be read. ``pid``: this process's (None: ``os.getpid()``)."""
    info = os.fstat(fd)
    key = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    mine = str(os.getpid() if pid is None else pid)
    try:
        with open(locks, encoding="ascii", errors="replace") as fh:
            for line in fh:
                fields = line.split()  # "1: FLOCK  ADVISORY  WRITE 4660 fe:00:3582353 0 EOF" ("1: -> ...": waiting)
                if len(fields) >= 6 and fields[1] == "FLOCK" and fields[4] == mine and fields[5] == key:
                    return True
    except OSError:
        return False
    return False


def _own_lock_file(fd: int) -> bool:
    """True when ``fd`` is a lease file this process may truncate and write: a regular file of this user with no
    other name (a lease directory under the shared ``/tmp`` may hold a symlink or a hard link to one of the user's
    own files, planted by another user: opening, truncating and writing it destroyed that file)."""
    import stat

    info = os.fstat(fd)
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and info.st_nlink == 1


def _safe(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:120] or "_"


class DeviceLeases:
    """Leases of one process on the devices of its job. Not thread-safe: used under the tracker's lock."""

    def __init__(self, job_id: str | None, lease_dir: str | None = None, *, pid: int | None = None) -> None:
        """``pid``: the process these leases are for (None: this one; a lease this process holds through another
        object is shared, :func:`locked_by_this_process`). Tests that stand two ranks in one process give the
        second one another number."""
        self.job_id = job_id
        self.directory = os.path.join(lease_dir or default_lease_dir(), _safe(job_id)) if job_id else ""
        self.pid = os.getpid() if pid is None else pid
        self._fds: dict[str, int] = {}

    @property
    def enabled(self) -> bool:
        return bool(self.job_id)

    def acquire(self, physical_id: str) -> bool:
        """True if this process holds (or just took) the lease on ``physical_id``."""
        if not self.enabled or physical_id in self._fds:
            return True
        import fcntl

        os.makedirs(self.directory, exist_ok=True)
        path = self._path(physical_id)
        try:  # never through a symlink: the default directory is under /tmp, where another user may plant one
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            import errno

            if exc.errno == errno.ELOOP:  # a symlink (O_NOFOLLOW): not a lease
                return False
            raise
        if not _own_lock_file(fd):  # a file planted there (another user's, a hard link): never truncated
            os.close(fd)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another rank holds it, or another tracker of this process (then this one measures too)
            mine = locked_by_this_process(fd, self.pid)
            os.close(fd)
            return mine
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fds[physical_id] = fd
        return True

    def _path(self, physical_id: str) -> str:
        # the host name keeps node-level ids (rapl:package-0) apart if the directory is ever on a shared file system
        return os.path.join(self.directory, _safe(f"{os.uname().nodename}-{physical_id}") + ".lock")

    def holder(self, physical_id: str) -> int | None:
        """Pid written by the current holder of a lease, if readable."""
        path = self._path(physical_id)
        try:
            with open(path, encoding="ascii") as fh:
                return int(fh.read().strip() or 0) or None
        except (OSError, ValueError):
            return None

    def release_all(self) -> None:
        """Give every lease back (the kernel also does it when the process dies)."""
        import fcntl

        for fd in self._fds.values():
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds.clear()
