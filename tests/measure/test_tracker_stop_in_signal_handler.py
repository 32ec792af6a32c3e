"""``Tracker.stop()`` called again on the thread whose ``stop()`` is in progress: from a signal handler (a SIGTERM
handler that saves the run) while the first call waits for the sampler's last sample."""

from __future__ import annotations

import os
import signal
import threading
import time

from aifootprint.measure.config import TrackerConfig
from aifootprint.measure.sensors.base import Reading
from aifootprint.measure.sensors.fake import FakeSensor
from aifootprint.measure.tracker import Tracker


class _SignalsOnRead(FakeSensor):
    """A device whose read, once armed, sends SIGUSR1 to this process (the sampler's last sample, during stop())."""

    armed = False

    def read(self) -> Reading:
        if self.armed:
            self.armed = False
            os.kill(os.getpid(), signal.SIGUSR1)
        return super().read()

    read_full = read


def test_stop_from_a_signal_handler_during_stop_returns_the_result() -> None:
    """The handler's stop() ran a second stop inside the first: ``KeyError: 'run'`` out of the first (or the
    handler). Now the handler's call ends the run and returns its result; the first call returns the same one."""
    sensor = _SignalsOnRead("gpu:0", "gpu", 100.0)
    tracker = Tracker(TrackerConfig(hz=1.0, store=False), sensors=[sensor]).start()
    from_handler = []

    def handler(_signum: int, _frame: object) -> None:
        from_handler.append(tracker.stop())

    while sensor.reads < 1:  # the sampler's first sample; its next tick is 1 s away (hz=1): the stop's comes first
        time.sleep(0.001)
    previous = signal.signal(signal.SIGUSR1, handler)
    try:
        sensor.armed = True
        result = tracker.stop()
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert from_handler == [result] and from_handler[0] is result
    assert not tracker.running and tracker.result is result
    assert tracker.stop() is result
    assert [d.device for d in result.devices] == ["gpu:0"] and result.energy_j > 0


def test_stop_while_the_first_stop_computes_the_result_is_a_clear_error() -> None:
    """The documented case that cannot return the result (it does not exist yet): an interval listener, called
    while the first stop() computes the result, stopping the tracker gets a RuntimeError that says so, not a
    second stop run inside the first."""
    tracker = Tracker(TrackerConfig(hz=1.0, store=False), sensors=[FakeSensor("gpu:0", "gpu", 100.0)]).start()
    errors: list[RuntimeError] = []

    def listener(_start_s: float, _end_s: float, _energy: object) -> None:
        # (on this thread the listeners are called by stop() only, with the run's final intervals)
        if threading.current_thread() is threading.main_thread() and tracker.running and not errors:
            try:
                tracker.stop()
            except RuntimeError as exc:
                errors.append(exc)

    tracker.add_interval_listener(listener)
    result = tracker.stop()
    assert [str(e) for e in errors] and "computes the result" in str(errors[0])
    assert tracker.result is result and tracker.stop() is result


def test_stop_from_a_signal_handler_while_the_first_waits_for_the_gpus() -> None:
    """The first stop() waits for GPUs still being opened (NVML's start: seconds) when the signal comes; the
    handler's stop() ended the run, and the first then failed on the sampler thread the handler had cleared:
    ``AttributeError: 'NoneType' object has no attribute 'join'``. Now both return the run's result."""
    from aifootprint.measure.sensors.discovery import Discovery

    go = threading.Event()

    def discover(*_: object, **__: object) -> Discovery:
        def later() -> Discovery:
            assert go.wait(10)  # opened only once the first stop() waits for it
            os.kill(os.getpid(), signal.SIGUSR1)  # handled on the main thread, inside that wait
            time.sleep(0.2)
            return Discovery(sensors=[FakeSensor("gpu:0", "gpu", 100.0)])

        return Discovery(sensors=[FakeSensor("cpu:0", "cpu", 10.0)], gpus_later=later)

    tracker = Tracker(TrackerConfig(hz=10.0, store=False), discover=discover).start()
    from_handler = []

    def handler(_signum: int, _frame: object) -> None:
        from_handler.append(tracker.stop())

    previous = signal.signal(signal.SIGUSR1, handler)
    try:
        threading.Timer(0.2, go.set).start()
        result = tracker.stop()
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert from_handler == [result] and from_handler[0] is result
    assert tracker.result is result and not tracker.running
