"""GPU library errors mapped once to what a sensor does about them (the approach of zeus' NVML backend).

Only the library's own exception class is caught (``NVMLError`` of the NVML binding, :mod:`.nvml` or pynvml;
``amdsmi.AmdSmiException``); anything else is a bug and propagates. Each error is classified by its code:

- ``unsupported``: the query does not exist on this device or driver (NVML_ERROR_NOT_SUPPORTED,
  NVML_ERROR_FUNCTION_NOT_FOUND; AMDSMI_STATUS_NOT_SUPPORTED, AMDSMI_STATUS_NOT_YET_IMPLEMENTED) - use another
  method from now on, and say so (notice ``method-changed``);
- ``denied``: NVML_ERROR_NO_PERMISSION, AMDSMI_STATUS_NO_PERM - the same, with the cause;
- ``lost``: the device or driver went away (NVML_ERROR_GPU_IS_LOST, NVML_ERROR_RESET_REQUIRED,
  NVML_ERROR_DRIVER_NOT_LOADED, NVML_ERROR_UNINITIALIZED) - a gap that lasts until the device answers again;
- ``transient``: anything else (NVML_ERROR_TIMEOUT, NVML_ERROR_UNKNOWN, ...) - a gap for this read.

Codes: NVML API Reference, ``nvmlReturn_t`` (https://docs.nvidia.com/deploy/nvml-api/group__nvmlDeviceEnumvs.html);
AMD SMI ``amdsmi_status_t`` (https://rocm.docs.amd.com/projects/amdsmi/en/latest/). Constants are looked up on the
module by name, so fakes in the tests implement the same surface.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

TYPE_CHECKING = False  # typing is not imported at run time (the GPUs' thread imports this module)
if TYPE_CHECKING:
    from typing import Any

KINDS = ("unsupported", "denied", "lost", "transient")


@dataclass(frozen=True)
class ErrorMap:
    """How one library reports errors: its exception class, the attribute holding the code, and code names."""

    error: tuple[type[BaseException], ...]  # empty: the library has no such class (catches nothing)
    code_attr: str
    names: dict[str, tuple[str, ...]]  # kind -> constant names
    constants: Any  # the object carrying the constants (the module, or amdsmi's wrapper)

    def classify(self, exc: BaseException) -> str:
        """The kind of a library error (see the module docstring)."""
        code = getattr(exc, self.code_attr, None)
        for kind, names in self.names.items():
            if any(code is not None and code == getattr(self.constants, n, object()) for n in names):
                return kind
        return "transient"

    def name(self, exc: BaseException) -> str:
        """The constant name of the error's code (e.g. ``NVML_ERROR_GPU_IS_LOST``), else its text."""
        code = getattr(exc, self.code_attr, None)
        for names in self.names.values():
            for n in names:
                if code is not None and code == getattr(self.constants, n, object()):
                    return n
        return str(exc) or type(exc).__name__


class LibrarySession:
    """One library initialisation shared by the sensors of a discovery; the library's ``shutdown`` function is
    called when the last one closes (skipped when a minimal binding lacks it; errors from it are ignored)."""

    def __init__(self, module: Any, users: int, errors: ErrorMap, shutdown: str) -> None:
        self.errors = errors
        self._module = module
        self._shutdown = shutdown
        self._users = users

    def release(self) -> None:
        self._users -= 1
        shutdown = getattr(self._module, self._shutdown, None)  # absent from minimal bindings
        if self._users == 0 and shutdown is not None:
            with contextlib.suppress(*self.errors.error):  # already shut down, or the driver is gone
                shutdown()


def _classes(module: Any, name: str) -> tuple[type[BaseException], ...]:
    cls = getattr(module, name, None)
    return (cls,) if isinstance(cls, type) and issubclass(cls, BaseException) else ()


def nvml_errors(nvml: Any) -> ErrorMap:
    """The error map of an NVML binding (:mod:`.nvml` or pynvml: ``NVMLError.value`` against the ``NVML_ERROR_*``
    constants)."""
    return ErrorMap(
        error=_classes(nvml, "NVMLError"),
        code_attr="value",
        names={
            "unsupported": ("NVML_ERROR_NOT_SUPPORTED", "NVML_ERROR_FUNCTION_NOT_FOUND"),
            "denied": ("NVML_ERROR_NO_PERMISSION",),
            "lost": ("NVML_ERROR_GPU_IS_LOST", "NVML_ERROR_RESET_REQUIRED", "NVML_ERROR_DRIVER_NOT_LOADED",
                     "NVML_ERROR_UNINITIALIZED"),
            "transient": ("NVML_ERROR_TIMEOUT", "NVML_ERROR_UNKNOWN", "NVML_ERROR_NO_DATA"),
        },
        constants=nvml,
    )


def amdsmi_errors(amdsmi: Any) -> ErrorMap:
    """The error map of ``amdsmi`` (``AmdSmiLibraryException.err_code`` against ``AMDSMI_STATUS_*``)."""
    return ErrorMap(
        error=_classes(amdsmi, "AmdSmiException"),
        code_attr="err_code",
        names={
            "unsupported": ("AMDSMI_STATUS_NOT_SUPPORTED", "AMDSMI_STATUS_NOT_YET_IMPLEMENTED"),
            "denied": ("AMDSMI_STATUS_NO_PERM",),
            "lost": ("AMDSMI_STATUS_NOT_INIT", "AMDSMI_STATUS_DRIVER_NOT_LOADED"),
            "transient": ("AMDSMI_STATUS_BUSY", "AMDSMI_STATUS_RETRY", "AMDSMI_STATUS_TIMEOUT"),
        },
        constants=getattr(amdsmi, "amdsmi_wrapper", amdsmi),
    )
