"""A minimal binding of NVML (``libnvidia-ml.so.1``, installed with the NVIDIA driver) through :mod:`ctypes`.

Why our own: the tracker needs 13 NVML functions. ``import pynvml`` (nvidia-ml-py) cost 97.6 ms and 16 MiB of RSS in
a fresh process on the H200 machine (``benchmarks/gpu/nvml_probe.py``, 2026-12-04), most of ``Tracker.start()``'s
53-57 ms there and of issue 12's RSS and ``measure`` overhead misses; ``import ctypes`` is what this module costs.
And GPU measurement then needs nothing but the driver. ``AIFOOTPRINT_NVML=pynvml`` uses nvidia-ml-py instead
(extra ``aifootprint[nvidia]``): the same surface, for a driver this binding would not suit.

Surface: the subset of nvidia-ml-py's API that the sensors and ``calibrate`` call, with the same names, arguments and
return values (strings for UUID, name and driver version; process lists of objects with ``pid`` and
``usedGpuMemory``, None where NVML reports it unavailable; utilisation samples with ``pid``, ``timeStamp``,
``smUtil``, ``memUtil``, ``encUtil``, ``decUtil``); errors raise :class:`NVMLError` whose ``value`` is the
``nvmlReturn_t`` code, with the ``NVML_ERROR_*`` constants on the binding, so :func:`.errors.nvml_errors`, the sensors
and the tests' fakes are the same for both.

ABI (NVML API Reference Guide, docs.nvidia.com/deploy/nvml-api, and ``nvml.h`` of the CUDA toolkit): functions
return ``nvmlReturn_t`` (an ``int``; 0 is success); ``nvmlDevice_t`` is an opaque pointer; versioned entry points
(``nvmlInit_v2``, ``nvmlDeviceGetCount_v2``, ``nvmlDeviceGetHandleByIndex_v2``,
``nvmlDeviceGetComputeRunningProcesses_v3`` then ``_v2``, whose ``nvmlProcessInfo_t`` is {``unsigned int pid``,
``unsigned long long usedGpuMemory``, ``unsigned int gpuInstanceId``, ``unsigned int computeInstanceId``}) are used
where the library has them, else the unversioned ones (the process list then with the two-field v1 structure).
``nvmlProcessUtilizationSample_t`` is {``unsigned int pid``, ``unsigned long long timeStamp``, ``unsigned int
smUtil, memUtil, encUtil, decUtil``}. List queries are called with a zero count first (``NVML_ERROR_INSUFFICIENT_SIZE``
returns the size needed), then with a buffer. Buffer sizes: ``NVML_DEVICE_UUID_V2_BUFFER_SIZE`` and
``NVML_DEVICE_NAME_V2_BUFFER_SIZE`` 96, ``NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE`` 80.
"""

from __future__ import annotations

import ctypes

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: The NVML library as the driver installs it (the soname; NVML API Reference, "Linux").
LIBRARY = "libnvidia-ml.so.1"
#: ``nvmlReturn_t`` values (nvml.h).
CODES = {
    0: "NVML_SUCCESS", 1: "NVML_ERROR_UNINITIALIZED", 2: "NVML_ERROR_INVALID_ARGUMENT", 3: "NVML_ERROR_NOT_SUPPORTED",
    4: "NVML_ERROR_NO_PERMISSION", 5: "NVML_ERROR_ALREADY_INITIALIZED", 6: "NVML_ERROR_NOT_FOUND",
    7: "NVML_ERROR_INSUFFICIENT_SIZE", 8: "NVML_ERROR_INSUFFICIENT_POWER", 9: "NVML_ERROR_DRIVER_NOT_LOADED",
    10: "NVML_ERROR_TIMEOUT", 11: "NVML_ERROR_IRQ_ISSUE", 12: "NVML_ERROR_LIBRARY_NOT_FOUND",
    13: "NVML_ERROR_FUNCTION_NOT_FOUND", 14: "NVML_ERROR_CORRUPTED_INFOROM", 15: "NVML_ERROR_GPU_IS_LOST",
    16: "NVML_ERROR_RESET_REQUIRED", 17: "NVML_ERROR_OPERATING_SYSTEM", 18: "NVML_ERROR_LIB_RM_VERSION_MISMATCH",
    19: "NVML_ERROR_IN_USE", 20: "NVML_ERROR_MEMORY", 21: "NVML_ERROR_NO_DATA", 22: "NVML_ERROR_VGPU_ECC_NOT_ENABLED",
    23: "NVML_ERROR_INSUFFICIENT_RESOURCES", 24: "NVML_ERROR_FREQ_NOT_SUPPORTED",
    25: "NVML_ERROR_ARGUMENT_VERSION_MISMATCH", 26: "NVML_ERROR_DEPRECATED", 27: "NVML_ERROR_NOT_READY",
    28: "NVML_ERROR_GPU_NOT_FOUND", 29: "NVML_ERROR_INVALID_STATE", 999: "NVML_ERROR_UNKNOWN",
}
#: The same by name (the constants pynvml has, which :func:`.errors.nvml_errors` looks up).
CONSTANTS = {name: code for code, name in CODES.items()}
INSUFFICIENT_SIZE = CONSTANTS["NVML_ERROR_INSUFFICIENT_SIZE"]
#: ``NVML_VALUE_NOT_AVAILABLE`` (nvml.h): an unsigned long long field with no value.
VALUE_NOT_AVAILABLE = 2**64 - 1
UUID_BUFFER = 96
NAME_BUFFER = 96
DRIVER_BUFFER = 80


class NVMLError(Exception):
    """An NVML call returned ``value`` (an ``nvmlReturn_t`` other than success)."""

    def __init__(self, value: int) -> None:
        super().__init__(value)
        self.value = value

    def __str__(self) -> str:
        return CODES.get(self.value, f"NVML error {self.value}")


class ProcessInfo(ctypes.Structure):
    """``nvmlProcessInfo_t`` (v2 and v3)."""

    _fields_ = [("pid", ctypes.c_uint), ("usedGpuMemory", ctypes.c_ulonglong), ("gpuInstanceId", ctypes.c_uint),
                ("computeInstanceId", ctypes.c_uint)]


class ProcessInfoV1(ctypes.Structure):
    """``nvmlProcessInfo_v1_t`` (the unversioned ``nvmlDeviceGetComputeRunningProcesses``)."""

    _fields_ = [("pid", ctypes.c_uint), ("usedGpuMemory", ctypes.c_ulonglong)]


class ProcessUtilizationSample(ctypes.Structure):
    """``nvmlProcessUtilizationSample_t``."""

    _fields_ = [("pid", ctypes.c_uint), ("timeStamp", ctypes.c_ulonglong), ("smUtil", ctypes.c_uint),
                ("memUtil", ctypes.c_uint), ("encUtil", ctypes.c_uint), ("decUtil", ctypes.c_uint)]


class Process:
    """One compute process: ``pid`` and ``usedGpuMemory`` [bytes] (None where NVML has no value), as pynvml gives."""

    __slots__ = ("pid", "usedGpuMemory")

    def __init__(self, pid: int, used: int) -> None:
        self.pid = pid
        self.usedGpuMemory = None if used == VALUE_NOT_AVAILABLE else used


class Nvml:
    """The NVML library at ``path`` (default :data:`LIBRARY`, found by the dynamic loader). Raises
    :class:`NVMLError` (``NVML_ERROR_LIBRARY_NOT_FOUND``) when it cannot be loaded."""

    NVMLError = NVMLError

    def __init__(self, path: str | None = None) -> None:
        try:
            self._lib = ctypes.CDLL(path or LIBRARY)
        except OSError as exc:
            raise NVMLError(CONSTANTS["NVML_ERROR_LIBRARY_NOT_FOUND"]) from exc
        self._fns: dict[tuple[str, ...], Any] = {}

    def __getattr__(self, name: str) -> int:
        """The ``NVML_ERROR_*`` and ``NVML_SUCCESS`` constants by name (as pynvml has them)."""
        try:
            return CONSTANTS[name]
        except KeyError:
            raise AttributeError(name) from None

    def _fn(self, *names: str) -> Any:
        """The first of ``names`` (newest version first) that the library exports."""
        fn = self._fns.get(names)
        if fn is None:
            for name in names:
                fn = getattr(self._lib, name, None)
                if fn is not None:
                    break
            else:
                raise NVMLError(CONSTANTS["NVML_ERROR_FUNCTION_NOT_FOUND"])
            self._fns[names] = fn
        return fn

    @staticmethod
    def _check(ret: int) -> None:
        if ret != 0:
            raise NVMLError(int(ret))

    def _call(self, names: tuple[str, ...], *args: Any) -> None:
        self._check(self._fn(*names)(*args))

    def _string(self, names: tuple[str, ...], size: int, *head: Any) -> str:
        buf = ctypes.create_string_buffer(size)
        self._call(names, *head, buf, ctypes.c_uint(size))
        return buf.value.decode("utf-8", "replace")

    def _uint(self, name: str, handle: Any) -> int:
        out = ctypes.c_uint()
        self._call((name,), handle, ctypes.byref(out))
        return int(out.value)

    # -- the pynvml surface ------------------------------------------------------------------------------------
    def nvmlInit(self) -> None:
        self._call(("nvmlInit_v2", "nvmlInit"))

    def nvmlShutdown(self) -> None:
        self._call(("nvmlShutdown",))

    def nvmlSystemGetDriverVersion(self) -> str:
        return self._string(("nvmlSystemGetDriverVersion",), DRIVER_BUFFER)

    def nvmlDeviceGetCount(self) -> int:
        out = ctypes.c_uint()
        self._call(("nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"), ctypes.byref(out))
        return int(out.value)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> ctypes.c_void_p:
        handle = ctypes.c_void_p()
        self._call(("nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"), ctypes.c_uint(index),
                   ctypes.byref(handle))
        return handle

    def nvmlDeviceGetUUID(self, handle: Any) -> str:
        return self._string(("nvmlDeviceGetUUID",), UUID_BUFFER, handle)

    def nvmlDeviceGetName(self, handle: Any) -> str:
        return self._string(("nvmlDeviceGetName",), NAME_BUFFER, handle)

    def nvmlDeviceGetArchitecture(self, handle: Any) -> int:
        return self._uint("nvmlDeviceGetArchitecture", handle)

    def nvmlDeviceGetEnforcedPowerLimit(self, handle: Any) -> int:
        """Enforced power limit [mW]."""
        return self._uint("nvmlDeviceGetEnforcedPowerLimit", handle)

    def nvmlDeviceGetPowerUsage(self, handle: Any) -> int:
        """Power [mW]."""
        return self._uint("nvmlDeviceGetPowerUsage", handle)

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: Any) -> int:
        """Energy since the driver was loaded [mJ]."""
        out = ctypes.c_ulonglong()
        self._call(("nvmlDeviceGetTotalEnergyConsumption",), handle, ctypes.byref(out))
        return int(out.value)

    def nvmlDeviceGetComputeRunningProcesses(self, handle: Any) -> list[Process]:
        struct: type[ctypes.Structure] = ProcessInfo
        try:
            fn = self._fn("nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2")
        except NVMLError:
            fn, struct = self._fn("nvmlDeviceGetComputeRunningProcesses"), ProcessInfoV1
        rows = _listed(lambda count, buf: fn(handle, ctypes.byref(count), buf), struct)
        return [Process(int(r.pid), int(r.usedGpuMemory)) for r in rows]

    def nvmlDeviceGetProcessUtilization(self, handle: Any, last_seen_us: int) -> list[Any]:
        fn = self._fn("nvmlDeviceGetProcessUtilization")
        return _listed(lambda count, buf: fn(handle, buf, ctypes.byref(count), ctypes.c_ulonglong(last_seen_us)),
                       ProcessUtilizationSample)


def _listed(call: Callable[[ctypes.c_uint, Any], int], struct: type[ctypes.Structure]) -> list[Any]:
    """A list query: the size first (a zero count returns ``NVML_ERROR_INSUFFICIENT_SIZE`` and the count needed),
    then a buffer with room for entries that appear in between (a few retries)."""
    count = ctypes.c_uint(0)
    ret = call(count, None)
    if ret == 0:
        return []
    for _ in range(4):
        if ret != INSUFFICIENT_SIZE:
            raise NVMLError(int(ret))
        size = int(count.value) + 8
        buf = (struct * size)()
        count = ctypes.c_uint(size)
        ret = call(count, buf)
        if ret == 0:
            return list(buf[: int(count.value)])
    raise NVMLError(int(ret))
