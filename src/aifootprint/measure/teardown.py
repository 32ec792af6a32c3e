"""What a :class:`~aifootprint.measure.tracker.Tracker` gives back outside a normal ``stop()``: a ``start()`` that
raised (:func:`abandon`), and a ``stop()`` in a process forked from the one that started it (:func:`stop_in_fork`).

Split out of :mod:`.tracker` to keep each module to one job; imported only when one of them happens.
"""

from __future__ import annotations

import contextlib
import os

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from .measurement import Measurement
    from .tracker import Tracker


def abandon(tracker: Tracker) -> None:
    """Undo a ``start()`` that raised (a ``KeyboardInterrupt`` halfway, a lease that cannot be taken): stop the
    sampler, give back the leases, close the sensors it opened and drop the writer's queue (nothing of the run is
    stored). Never raises. (A ``start()`` that failed kept its leases: a later tracker in the same process skipped
    those devices as "measured by" this very process.)"""
    tracker.running = False
    thread, tracker._thread = tracker._thread, None
    if thread is not None:
        with contextlib.suppress(RuntimeError):
            tracker._stop.release()
        with contextlib.suppress(RuntimeError):
            thread.join(tracker.config.sensor_timeout_s + 2.0 / tracker.config.hz)
    tracker._leases.release_all()
    opened = tracker._opened if tracker._given_sensors is None else []
    tracker._opened = []
    for sensor in opened:
        with contextlib.suppress(Exception):
            sensor.close()
    writer, tracker._writer = tracker._writer, None
    if writer is not None:
        writer.discard()
        if tracker._given_store is None and writer.store is not None:
            with contextlib.suppress(Exception):
                writer.store.close()
    tracker._tracks = []


def stop_in_fork(tracker: Tracker) -> Measurement:
    """``stop()`` in a forked copy of the tracker: close this process's copies of the sensors only; the result is
    empty, with the notice ``tracker-forked`` (see :meth:`.tracker.Tracker.stop`)."""
    from ..notice import Notice
    from .measurement import Measurement

    tracker.running = False
    tracker._close_sensors()
    note = Notice("tracker-forked", f"this tracker was started in process {tracker._pid}; process {os.getpid()}, "
                  "forked from it, neither measures nor stores its run (stop it in the process that started it)",
                  "tracker")
    tracker.result = Measurement(tracker.config.name, 0.0, 0.0, (), (), (note,), ())
    return tracker.result
