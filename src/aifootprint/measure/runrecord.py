"""The run's record in the run store, as a :class:`~aifootprint.measure.tracker.Tracker` queues it: the store's
writer (:class:`.writer.StoreWriter`, which opens the store off ``start()``'s thread), the run's header (its
``runs`` row, devices and the notices known at its start) and the notices the store itself raises.

Split out of :mod:`.tracker` to keep each module to one job; imported on the first ``start()`` that stores its
run (``from aifootprint.measure import Tracker`` does not import it).
"""

from __future__ import annotations

import functools
import os

from .writer import StoreWriter

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ..notice import Notice
    from .config import TrackerConfig
    from .tracker import Tracker


def open_writer(tracker: Tracker, header: bool = True) -> StoreWriter:
    """The tracker's store writer, started, with the run's header queued (``header=False``: devices are still being
    opened; the writer holds everything until the GPUs' thread queues the header in front,
    :meth:`.sampling.Sampling._release_header`). In manual mode the store opens now; in background mode the
    sampler thread opens it."""
    writer = StoreWriter(functools.partial(_open_store, tracker), threaded=tracker.config.background,
                         on_notice=functools.partial(_store_notice, tracker))
    if header:
        for op in header_ops(tracker):
            writer.submit(op)
    else:
        writer.hold()
    writer.start()
    return writer


def header_ops(tracker: Tracker) -> list[Callable[[Any], None]]:
    """The run's first store operations: its header (with the devices) and the notes known at its start."""
    config = tracker.config
    fields = {"run_id": tracker.run_id, "name": config.name, "started_at": tracker.started_at,
              "host": os.uname().nodename, "pid": os.getpid(), "command": config.command,
              "job_id": tracker._leases.job_id or "", "location": config.location or "", "hz": config.hz}
    devices = [(t.sensor.device, t.sensor.physical_id, t.sensor.component, t.sensor.method, t.sensor.estimated,
                t.owned) for t in tracker._tracks]
    ops: list[Callable[[Any], None]] = [lambda s: s.begin_run(_header(fields, config), devices)]
    ops.extend(functools.partial(_note_event, run_id=tracker.run_id, note=n)
               for n in [*tracker.notes, *tracker.details])
    return ops


def _open_store(tracker: Tracker, timeout_s: float) -> Any:
    if tracker._given_store is not None:
        return tracker._given_store
    from .store import RunStore

    return RunStore(tracker.config.store_path, timeout_s=timeout_s)


def _store_notice(tracker: Tracker, notice: Notice) -> None:
    if notice not in tracker.notes:
        tracker.notes.append(notice)
        from .sampling import warn

        warn(notice)


def _header(fields: dict[str, Any], config: TrackerConfig) -> Any:
    """The run's ``runs`` row (built on the sampler thread: the versions and JSON cost imports ``start()`` skips)."""
    import json

    from .._version import METHOD_VERSION
    from .store import RunHeader

    return RunHeader(**fields, method_version=METHOD_VERSION, data_version=_data_version(),
                     config_json=json.dumps(config.to_dict(), default=str))


def _note_event(store: Any, run_id: str, note: Notice) -> None:
    store.add_event(run_id, 0.0, "note", note.subject, f"[{note.code}] {note.message}")


def _data_version() -> str:
    """The reference data version (read lazily; the tracker works without the registry)."""
    try:
        from ..reference.registry import DATA_VERSION

        return DATA_VERSION
    except Exception:
        return ""
