"""The reader process's shared memory (aifootprint.measure.sensors.readershm): a torn slot is rejected whatever
the order in which the writer's stores became visible, by a checksum of the sequence number and the body, not by the
seqlock alone (on ARM, e.g. Grace Hopper, another process may see plain stores in any order)."""

from __future__ import annotations

import json
import math
import mmap
import sys
import time
from pathlib import Path

from aifootprint.measure.sensors import readershm as shm
from aifootprint.measure.sensors.discovery import SensorConfig, discover

from ._helpers import SCRIPTED_CHILD, scripted_gpu

BODY = (12.5, 1000.0, 300.0, 0.5, 0.1, 7.8, 0, 0, b"", b"nvml-energy-counter")
NEWER = (12.6, 1030.0, 310.0, 0.5, 0.1, 7.8, 0, 0, b"", b"nvml-energy-counter")


def _half_written(buf: mmap.mmap, index: int, new: tuple[object, ...], new_seq: bool) -> None:
    """What a reader may see on a weak memory model in the middle of a write of ``new`` over the slot: the first
    half of the new body, the rest of the old one, the sequence number even (the new one when ``new_seq``: its
    store became visible before the body's)."""
    at = shm.slot_at(index)
    body = shm.BODY.pack(*new)
    half = len(body) // 2
    buf[at + shm.BODY_AT:at + shm.BODY_AT + half] = body[:half]
    if new_seq:
        shm.SEQ.pack_into(buf, at, shm.SEQ.unpack_from(buf, at)[0] + 2)


def test_a_torn_slot_with_an_even_sequence_number_is_rejected() -> None:
    buf = mmap.mmap(-1, shm.size(2))
    shm.write_slot(buf, 0, BODY)
    assert shm.read_slot(buf, 0)[:8] == (2, *BODY[:7])  # type: ignore[index]  # (the texts come back NUL-padded)
    for new_seq in (False, True):
        _half_written(buf, 0, NEWER, new_seq)
        assert shm.SEQ.unpack_from(buf, shm.slot_at(0))[0] % 2 == 0  # the seqlock alone would take it
        assert shm.read_slot(buf, 0) is None
        shm.write_slot(buf, 0, NEWER)  # the writer's next write is read again
        assert shm.read_slot(buf, 0)[1:8] == NEWER[:7]  # type: ignore[index]


def test_a_new_sequence_number_seen_before_its_body_is_rejected() -> None:
    """The even number of a write seen before any of its body (the old body whole, its old checksum): the checksum
    covers the number, so the old body is not taken for the new reading."""
    buf = mmap.mmap(-1, shm.size(1))
    shm.write_slot(buf, 0, BODY)
    at = shm.slot_at(0)
    shm.SEQ.pack_into(buf, at, 4)
    assert shm.read_slot(buf, 0) is None


def test_torn_process_ids_are_rejected() -> None:
    buf = mmap.mmap(-1, shm.size(1))
    shm.write_pids(buf, {11, 22, 33})
    assert shm.read_pids(buf) == {11, 22, 33}
    buf[shm.PIDS_BODY_AT:shm.PIDS_BODY_AT + 4] = (44).to_bytes(4, sys.byteorder)  # a new id, seq still even
    assert shm.read_pids(buf) is None


TORN_CHILD = SCRIPTED_CHILD + r"""
for line in sys.stdin:
    if line.startswith("r"):  # half a body of 999 W written over the slot, the sequence number even
        body_at = shm.slot_at(0) + shm.BODY_AT  # the body's first fields: time, energy, power
        buf[body_at:body_at + 24] = struct.pack("=ddd", time.monotonic(), math.nan, 999.0)
        shm.HEADER.pack_into(buf, 0, shm.MAGIC, shm.VERSION, 1, os.getpid(), time.monotonic(), 0, 0, 0)
        print(line.strip(), "{}", flush=True)
"""


def test_the_workload_keeps_the_previous_reading_when_the_slot_is_torn(tmp_path: Path) -> None:
    """Through the workload's GPU sensor: a torn slot is not read as 999 W; the previous reading stands (no gap)."""
    found, gpu = scripted_gpu(tmp_path, TORN_CHILD)
    try:
        assert gpu.read().power_w == 100.0
        assert gpu.notices == []  # type: ignore[attr-defined]  # the child has now torn the slot
        assert gpu.read().power_w == 100.0
    finally:
        for sensor in found.sensors:
            sensor.close()


def test_a_child_with_another_layout_is_refused(tmp_path: Path) -> None:
    """A reader child that writes another layout version (another installation of aifootprint) is not read: its
    GPUs are unmeasured with ``gpu-reader-failed`` (explicit ``process``) saying so."""
    old = TORN_CHILD.replace("shm.MAGIC, shm.VERSION", "shm.MAGIC, 1")
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "nvidiactl").touch()
    cfg = SensorConfig(dev_root=str(tmp_path / "dev"), powercap_root=str(tmp_path / "none"), cpu_tdp_w=1.0,
                       ram_gb=1.0)
    t = time.perf_counter()
    found = discover(cfg, gpu_reader="process", open_timeout_s=10, reader_command=(sys.executable, "-c", old))
    assert time.perf_counter() - t < 5
    assert not [s for s in found.sensors if s.component == "gpu"]
    failed = [n.message for n in found.notes if n.code == "gpu-reader-failed"]
    assert failed and f"layout 1 (magic {shm.MAGIC:#x}); this process reads layout {shm.VERSION}" in failed[0]
    for sensor in found.sensors:
        sensor.close()
    assert json.dumps(math.nan)  # (json and math are used by the child scripts above)
