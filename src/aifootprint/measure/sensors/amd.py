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
"""

from __future__ import annotations

from typing import Any

from .base import Component, CounterUnwrapper, Reading, SensorError, SensorUnavailable


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


def _power_w(amdsmi: Any, handle: Any) -> float | None:
    try:
        info = amdsmi.amdsmi_get_power_info(handle)
    except Exception:
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

    def __init__(self, amdsmi: Any, handle: Any, index: int) -> None:
        self._amdsmi = amdsmi
        self._handle = handle
        self.device = f"gpu:{index}"
        try:
            uuid = str(amdsmi.amdsmi_get_gpu_device_uuid(handle))
        except Exception:
            uuid = f"index-{index}"
        self.physical_id = f"amdsmi:{uuid}"
        self._unwrap: CounterUnwrapper | None
        try:
            self._unwrap = CounterUnwrapper(_energy_uj(amdsmi, handle), None)
        except Exception:
            self._unwrap = None
        self.method = "amdsmi-energy-counter" if self._unwrap else "amdsmi-power-integrated"

    @property
    def counter_update_s(self) -> float | None:
        return None

    def read(self) -> Reading:
        energy: float | None = None
        if self._unwrap is not None:
            try:
                energy = self._unwrap.update(_energy_uj(self._amdsmi, self._handle)) / 1e6
            except Exception as exc:
                raise SensorError(f"{self.device}: amdsmi energy read failed: {exc}") from exc
        power = _power_w(self._amdsmi, self._handle)
        if energy is None and power is None:
            raise SensorError(f"{self.device}: neither energy nor power could be read")
        return Reading(energy_j=energy, power_w=power)

    def close(self) -> None:
        return None


def discover_amd(module: Any | None = None) -> list[AmdSensor]:
    """One sensor per AMD GPU. Raises SensorUnavailable when amdsmi or GPUs are missing."""
    if module is None:
        try:
            import amdsmi
        except ImportError as exc:
            raise SensorUnavailable("amdsmi is not installed (it ships with ROCm)") from exc
        module = amdsmi
    try:
        module.amdsmi_init()
        handles = list(module.amdsmi_get_processor_handles())
    except Exception as exc:
        raise SensorUnavailable(f"amdsmi could not start: {exc}") from exc
    if not handles:
        raise SensorUnavailable("amdsmi found no AMD GPU")
    return [AmdSensor(module, h, i) for i, h in enumerate(handles)]
