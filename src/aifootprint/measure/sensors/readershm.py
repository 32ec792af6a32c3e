"""The shared memory between the out-of-process GPU reader (:mod:`.gpuchild`) and the workload's process
(:mod:`.gpuproc`): a fixed layout in one memory-backed file, each device's latest reading behind a seqlock.

Layout (native byte order, both processes on one machine):

- header, :data:`HEADER` at offset 0: magic, layout version, device count, the child's pid, the child's
  heartbeat (``time.monotonic()`` of its latest loop), and three fields written as 0 (unused);
- tracked process ids: :data:`MAX_PIDS` unsigned ints at :data:`PIDS_AT` (written by the workload's process, read by
  the child for the NVML process share), behind their own seqlock;
- one slot per device at ``SLOTS_AT + i * SLOT.size``: a sequence number, the reading's time
  (``time.monotonic()`` of the middle of the read: CLOCK_MONOTONIC, one clock for every process of the machine),
  energy [J] since the sensor opened (NaN: not read at this tick), power [W] (NaN: none), process share (NaN:
  none), the counter's update period [s] and read period [s] (NaN: unknown), flags, an error text and the
  sensor's method.

Seqlock (one writer per area): the writer makes the sequence number odd, writes the body, makes it even again; a
reader reads the number, the body, the number again, and keeps the body when both numbers are equal and even
(else it reads again; while the writer keeps it busy, the workload's side uses the previous reading). A read is a
few ``struct`` unpacks from the mapping: no system call. The stores are plain ``struct.pack_into`` calls without
explicit memory barriers: ordered on x86 (total store order); on ARM (e.g. Grace Hopper) their order rests on the
interpreter's own barriers between the calls, not yet tested there.
"""

from __future__ import annotations

import struct

TYPE_CHECKING = False
if TYPE_CHECKING:
    from mmap import mmap

MAGIC = 0x41465047  # "AFPG"
VERSION = 1
#: magic, version, devices, child pid, heartbeat [s, monotonic], three unused fields (0)
HEADER = struct.Struct("=IIIIdQQI4x")
HEARTBEAT_AT = 16
#: tracked process ids published to the child (a design bound: a workload's process tree rarely nears it; more are
#: cut, and the process share is then an under-estimate)
MAX_PIDS = 1024
PIDS_SEQ = struct.Struct("=QI4x")
PIDS_AT = 64  # the pid area: its seq and count (PIDS_SEQ), then the ids
PIDS_BODY_AT = PIDS_AT + PIDS_SEQ.size
SLOTS_AT = PIDS_BODY_AT + 4 * MAX_PIDS
#: bytes kept of a read's error text and of its method name (design bounds: NVML's error strings and the method
#: names, ``nvml-energy-counter``, fit; longer text is cut)
ERROR_BYTES = 160
METHOD_BYTES = 40
#: seq, time, energy_j, power_w, process share, counter update [s], counter read period [s], flags, error length,
#: error text (UTF-8), method (ASCII, NUL-padded: ``nvml-energy-counter`` until the counter stops answering)
SLOT = struct.Struct(f"=QddddddII{ERROR_BYTES}s{METHOD_BYTES}s")
#: most devices one reader publishes (a node's GPUs; the mapping is sized for them all up front)
MAX_DEVICES = 64
SEQ = struct.Struct("=Q")
#: flag bits of a slot
FAILED = 2  # the latest read failed: the error text says why
FULL = 4  # a full read (every quantity, whatever the read budget)


def size(devices: int) -> int:
    """Bytes of the mapping for ``devices`` devices."""
    return SLOTS_AT + devices * SLOT.size


def slot_at(index: int) -> int:
    return SLOTS_AT + index * SLOT.size


def write_slot(buf: mmap, index: int, fields: tuple[object, ...]) -> None:
    """Publish one device's reading (the child; ``fields``: the slot after its sequence number)."""
    at = slot_at(index)
    seq = SEQ.unpack_from(buf, at)[0]
    SEQ.pack_into(buf, at, seq + 1)
    SLOT.pack_into(buf, at, seq + 1, *fields)
    SEQ.pack_into(buf, at, seq + 2)


def read_slot(buf: mmap, index: int) -> tuple[object, ...] | None:
    """One device's latest reading (the slot's fields, sequence number first); None while the writer keeps it busy
    (a few retries first)."""
    at = slot_at(index)
    unpack, seq_of = SLOT.unpack_from, SEQ.unpack_from
    for _ in range(16):
        got = unpack(buf, at)
        if not got[0] & 1 and seq_of(buf, at)[0] == got[0]:
            return got
    return None


def write_pids(buf: mmap, pids: set[int]) -> None:
    """Publish the tracked process ids (the workload's process; at most :data:`MAX_PIDS`)."""
    ids = sorted(p for p in pids if 0 < p < 2**32)[:MAX_PIDS]
    seq = PIDS_SEQ.unpack_from(buf, PIDS_AT)[0]
    PIDS_SEQ.pack_into(buf, PIDS_AT, seq + 1, len(ids))
    struct.pack_into(f"={len(ids)}I", buf, PIDS_BODY_AT, *ids)
    PIDS_SEQ.pack_into(buf, PIDS_AT, seq + 2, len(ids))


def read_pids(buf: mmap) -> set[int] | None:
    """The tracked process ids (the child); None when none were published yet."""
    for _ in range(16):
        seq, count = PIDS_SEQ.unpack_from(buf, PIDS_AT)
        if seq == 0:
            return None
        ids = struct.unpack_from(f"={min(count, MAX_PIDS)}I", buf, PIDS_BODY_AT)
        if not seq & 1 and PIDS_SEQ.unpack_from(buf, PIDS_AT)[0] == seq:
            return set(ids)
    return None
