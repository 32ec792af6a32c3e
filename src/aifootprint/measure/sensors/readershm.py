"""The shared memory between the out-of-process GPU reader (:mod:`.gpuchild`) and the workload's process
(:mod:`.gpuproc`): a fixed layout in one memory-backed file, each device's latest reading behind a seqlock and a
checksum.

Layout (native byte order, both processes on one machine; :data:`VERSION` 2):

- header, :data:`HEADER` at offset 0: magic, layout version, device count, the child's pid, the child's
  heartbeat (``time.monotonic()`` of its latest loop), and three fields written as 0 (unused);
- tracked process ids: :data:`MAX_PIDS` unsigned ints at :data:`PIDS_AT` (written by the workload's process, read by
  the child for the NVML process share), behind their own seqlock and checksum;
- demand: one double per device at :data:`DEMAND_AT`, the ``time.monotonic()`` at which the workload's process last
  read the device (written by the workload's process, read by the child: it reads only the devices its parent
  reads, :func:`wanted`);
- one slot per device at ``SLOTS_AT + i * SLOT.size``: a sequence number, a checksum, then the body: the reading's
  time (``time.monotonic()`` of the middle of the read: CLOCK_MONOTONIC, one clock for every process of the
  machine), energy [J] since the sensor opened (NaN: not read at this tick), power [W] (NaN: none), process share
  (NaN: none), the counter's update period [s] and read period [s] (NaN: unknown), flags, an error text and the
  sensor's method.

Seqlock and checksum (one writer per area): the writer makes the sequence number odd, writes the checksum and the
body, makes the number even again; the checksum is CRC-32 (:func:`zlib.crc32`) of the final (even) sequence number
followed by the body. A reader copies the area, keeps the copy when its number is even, the checksum matches the
copy's number and body, and the number in memory is still the copy's; else it reads again (while the writer keeps
it busy, the workload's side uses the previous reading). The stores are plain ``struct.pack_into`` calls, without
explicit memory barriers: on x86 (total store order) the seqlock alone orders them; on a weaker memory model (ARM,
e.g. Grace Hopper) another process may see them in any order, and the checksum catches what the sequence numbers
would not: a body seen half old, half new, or a new even number seen before the body it closes (its checksum was
computed with the number, so an older body does not match it). A wrong body passes only on a CRC-32 collision
(2**-32 per torn read). A read is one copy, one CRC over ~290 bytes and one ``struct`` unpack: no system call.
"""

from __future__ import annotations

import struct
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from mmap import mmap

MAGIC = 0x41465047  # "AFPG"
#: 2: checksums in the slots and the process ids, the demand area
VERSION = 2
#: magic, version, devices, child pid, heartbeat [s, monotonic], three unused fields (0)
HEADER = struct.Struct("=IIIIdQQI4x")
HEARTBEAT_AT = 16
#: tracked process ids published to the child (a design bound: a workload's process tree rarely nears it; more are
#: cut, and the process share is then an under-estimate)
MAX_PIDS = 1024
#: seq, count, checksum (CRC-32 of the even seq, the count and the ids)
PIDS_SEQ = struct.Struct("=QII")
PIDS_AT = 64  # the pid area: its seq, count and checksum (PIDS_SEQ), then the ids
PIDS_BODY_AT = PIDS_AT + PIDS_SEQ.size
#: most devices one reader publishes (a node's GPUs; the mapping is sized for them all up front)
MAX_DEVICES = 64
DEMAND_AT = PIDS_BODY_AT + 4 * MAX_PIDS
DEMAND = struct.Struct("=d")
SLOTS_AT = DEMAND_AT + DEMAND.size * MAX_DEVICES
#: bytes kept of a read's error text and of its method name (design bounds: NVML's error strings and the method
#: names, ``nvml-energy-counter``, fit; longer text is cut)
ERROR_BYTES = 160
METHOD_BYTES = 40
#: time, energy_j, power_w, process share, counter update [s], counter read period [s], flags, error length, error
#: text (UTF-8), method (ASCII, NUL-padded: ``nvml-energy-counter`` until the counter stops answering)
BODY = struct.Struct(f"=ddddddII{ERROR_BYTES}s{METHOD_BYTES}s")
#: seq, checksum, then the body (at :data:`BODY_AT`)
SLOT = struct.Struct(f"=QI4x{BODY.format[1:]}")
BODY_AT = 16
SEQ = struct.Struct("=Q")
CRC = struct.Struct("=I")
#: flag bits of a slot
FAILED = 2  # the latest read failed: the error text says why
FULL = 4  # a full read (every quantity, whatever the read budget)


def size(devices: int) -> int:
    """Bytes of the mapping for ``devices`` devices."""
    return SLOTS_AT + devices * SLOT.size


def slot_at(index: int) -> int:
    return SLOTS_AT + index * SLOT.size


def checksum(seq: int, body: bytes) -> int:
    """CRC-32 of the sequence number ``seq`` (8 bytes, native order) followed by ``body``."""
    return zlib.crc32(body, zlib.crc32(SEQ.pack(seq)))


def write_slot(buf: mmap, index: int, fields: tuple[object, ...]) -> None:
    """Publish one device's reading (the child; ``fields``: the slot's body, :data:`BODY`)."""
    at = slot_at(index)
    body = BODY.pack(*fields)
    seq = SEQ.unpack_from(buf, at)[0]
    SEQ.pack_into(buf, at, seq + 1)
    CRC.pack_into(buf, at + 8, checksum(seq + 2, body))
    buf[at + BODY_AT:at + BODY_AT + BODY.size] = body
    SEQ.pack_into(buf, at, seq + 2)


def read_slot(buf: mmap, index: int) -> tuple[object, ...] | None:
    """One device's latest reading (the sequence number, then the body's fields; all zero before the first write);
    None while the writer keeps it busy or the copy is torn (a few retries first)."""
    at = slot_at(index)
    end = at + SLOT.size
    seq_of = SEQ.unpack_from
    for _ in range(16):
        raw = buf[at:end]
        seq = seq_of(raw)[0]
        if seq == 0:
            return (0, *BODY.unpack_from(raw, BODY_AT))
        if seq & 1 or CRC.unpack_from(raw, 8)[0] != checksum(seq, raw[BODY_AT:]) or seq_of(buf, at)[0] != seq:
            continue
        return (seq, *BODY.unpack_from(raw, BODY_AT))
    return None


def write_pids(buf: mmap, pids: set[int]) -> None:
    """Publish the tracked process ids (the workload's process; at most :data:`MAX_PIDS`)."""
    ids = sorted(p for p in pids if 0 < p < 2**32)[:MAX_PIDS]
    body = struct.pack(f"=I{len(ids)}I", len(ids), *ids)
    seq = PIDS_SEQ.unpack_from(buf, PIDS_AT)[0]
    SEQ.pack_into(buf, PIDS_AT, seq + 1)
    struct.pack_into("=II", buf, PIDS_AT + 8, len(ids), checksum(seq + 2, body))
    buf[PIDS_BODY_AT:PIDS_BODY_AT + 4 * len(ids)] = body[4:]
    SEQ.pack_into(buf, PIDS_AT, seq + 2)


def read_pids(buf: mmap) -> set[int] | None:
    """The tracked process ids (the child); None when none were published yet (or every copy was torn)."""
    for _ in range(16):
        seq, count, crc = PIDS_SEQ.unpack_from(buf, PIDS_AT)
        if seq == 0:
            return None
        count = min(count, MAX_PIDS)
        raw = buf[PIDS_BODY_AT:PIDS_BODY_AT + 4 * count]
        if seq & 1 or crc != checksum(seq, struct.pack("=I", count) + raw) or SEQ.unpack_from(buf, PIDS_AT)[0] != seq:
            continue
        return set(struct.unpack(f"={count}I", raw))
    return None


def demand(buf: mmap, index: int, now: float) -> None:
    """Say that the workload's process read device ``index`` at ``now`` (its ``time.monotonic()``)."""
    DEMAND.pack_into(buf, DEMAND_AT + DEMAND.size * index, now)


def wanted(buf: mmap, index: int, now: float, since: float, idle_s: float) -> bool:
    """True when the child should read device ``index`` at ``now``: the workload's process read it within
    ``idle_s``, or ``since`` (the child's hello) is that recent (every device is read until the workload has had
    time to read the ones it measures). A hint, not a record: a value seen half written (two close times) costs at
    most a device read or skipped for one tick."""
    last = float(DEMAND.unpack_from(buf, DEMAND_AT + DEMAND.size * index)[0])
    return now - max(last, since) <= idle_s
