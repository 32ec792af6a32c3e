"""AMD GPUs through ``amdsmi`` (ROCm's Python bindings, imported lazily; optional extra ``aifootprint[amd]``).

Energy: ``amdsmi_get_energy_count`` returns an accumulator and its resolution (µJ per count); energy in µJ =
accumulator x resolution (AMD SMI "Power Queries",
https://rocm.docs.amd.com/projects/amdsmi/en/latest/doxygen/docBin/html/group__tagPowerQuery.html). Older bindings
name the accumulator ``power``; newer ones ``energy_accumulator``: both are accepted. The resolution has no
documented fixed value (the C API returns it per device through its ``counter_resolution`` output), so there is
no default: a reply without a positive ``counter_resolution`` is not used, and the sensor integrates power
instead (method ``amdsmi-power-integrated``). Power: ``amdsmi_get_power_info``
(``current_socket_power``, else ``average_socket_power``, W). The counter is not available in VM guests: the sensor
then returns power only and the tracker integrates it.

Errors: only ``amdsmi.AmdSmiException`` is caught, classified by its code (:mod:`.errors`): a counter that becomes
unsupported switches the sensor to power integration with the notice ``method-changed``; a lost device is a gap.
``amdsmi_shut_down`` is called when the last sensor of a discovery closes.
"""

from __future__ import annotations

from typing import Any

from ...notice import Notice
from .base import Component, CounterUnwrapper, Reading, SensorError, SensorUnavailable
from .errors import ErrorMap, LibrarySession, amdsmi_errors


class AmdSession(LibrarySession):
    """One ``amdsmi_init`` shared by the sensors of a discovery; ``amdsmi_shut_down`` when the last one closes."""

    def __init__(self, amdsmi: Any, users: int) -> None:
        super().__init__(amdsmi, users, amdsmi_errors(amdsmi), "amdsmi_shut_down")


def _energy_uj(amdsmi: Any, handle: Any) -> float:
    info = amdsmi.amdsmi_get_energy_count(handle)
    count = info.get("energy_accumulator", info.get("power"))
    if count is None:
        raise SensorError("amdsmi energy count has no accumulator field")
    resolution = info.get("counter_resolution")
    if not isinstance(resolution, int | float) or isinstance(resolution, bool) or not resolution > 0:
        # no default: AMD SMI documents no fixed resolution (it is an output of the call, per device), and a
        # guessed one would scale every joule; the sensor falls back to power integration instead
        raise SensorError(f"amdsmi energy count has no usable counter_resolution ({resolution!r})")
    return float(count) * float(resolution)


def _power_w(amdsmi: Any, handle: Any, errors: ErrorMap) -> float | None:
    try:
        info = amdsmi.amdsmi_get_power_info(handle)
    except errors.error as exc:
        if errors.classify(exc) == "lost":
            raise SensorError(f"amdsmi power read failed: {errors.name(exc)}") from exc
        return None
    for key in ("current_socket_power", "average_socket_power"):
        value = info.get(key)
        if isinstance(value, int | float) and value >= 0:
            return float(value)
    return None


class AmdSensor:
    """One AMD GPU."""

    component: Component = "gpu"
    estimated = False

    def __init__(self, amdsmi: Any, handle: Any, index: int, session: AmdSession | None = None) -> None:
        self._amdsmi = amdsmi
        self._handle = handle
        self._session = session
        self._errors = session.errors if session is not None else amdsmi_errors(amdsmi)
        self.device = f"gpu:{index}"
        self.notices: list[Notice] = []
        try:
            uuid = str(amdsmi.amdsmi_get_gpu_device_uuid(handle))
        except self._errors.error:
            uuid = f"index-{index}"
        self.physical_id = f"amdsmi:{uuid}"
        self._unwrap: CounterUnwrapper | None
        unusable: tuple[type[BaseException], ...] = (SensorError, *self._errors.error)
        try:
            self._unwrap = CounterUnwrapper(_energy_uj(amdsmi, handle), None)
        except unusable:
            self._unwrap = None  # no usable counter (VM guest, no resolution): power integration
        self.method = "amdsmi-energy-counter" if self._unwrap else "amdsmi-power-integrated"
        self._closed = False

    @property
    def counter_update_s(self) -> float | None:
        return None

    def read(self) -> Reading:
        energy: float | None = None
        if self._unwrap is not None:
            try:
                energy = self._unwrap.update(_energy_uj(self._amdsmi, self._handle)) / 1e6
            except self._errors.error as exc:
                if self._errors.classify(exc) in ("lost", "transient"):
                    raise SensorError(f"{self.device}: amdsmi energy read failed: {self._errors.name(exc)}") from exc
                self._unwrap = None
                self.method = "amdsmi-power-integrated"
                self.notices.append(Notice("method-changed", f"{self.device}: energy counter no longer readable "
                                           f"({self._errors.name(exc)}): power integrated from then on", self.device))
        power = _power_w(self._amdsmi, self._handle, self._errors)
        if energy is None and power is None:
            raise SensorError(f"{self.device}: neither energy nor power could be read")
        return Reading(energy, power)  # positional: no keyword dict per read

    def close(self) -> None:
        if not self._closed and self._session is not None:
            self._closed = True
            self._session.release()


def discover_amd(module: Any | None = None) -> list[AmdSensor]:
    """One sensor per AMD GPU. Raises SensorUnavailable when amdsmi or GPUs are missing."""
    if module is None:
        try:
            import amdsmi
        except ImportError as exc:
            raise SensorUnavailable("amdsmi is not installed (it ships with ROCm)") from exc
        module = amdsmi
    errors = amdsmi_errors(module)
    try:
        module.amdsmi_init()
    except errors.error as exc:
        raise SensorUnavailable(f"amdsmi could not start: {errors.name(exc)}") from exc
    try:
        handles = list(module.amdsmi_get_processor_handles())
    except errors.error as exc:
        AmdSession(module, 1).release()
        raise SensorUnavailable(f"amdsmi could not list GPUs: {errors.name(exc)}") from exc
    if not handles:
        AmdSession(module, 1).release()
        raise SensorUnavailable("amdsmi found no AMD GPU")
    session = AmdSession(module, len(handles))
    return [AmdSensor(module, h, i, session) for i, h in enumerate(handles)]
