"""Measurement boundary: accelerator → server → data centre.

Google's measurement of Gemini serving (Elsworth et al. 2025, "Measuring the environmental impact of delivering AI at
Google scale", arXiv:2508.15734; source key GO25) splits the median text prompt's 0.24 Wh into active accelerators
0.14 Wh (58 %), host CPU and DRAM 0.06 Wh (25 %), idle (provisioned, unused) machines 0.02 Wh (10 %) and data-centre
overhead 0.02 Wh (8 %). We keep the same four terms, each computed separately:

    accelerator = prefill + decode                                   (roofline, :mod:`.roofline`)
    host        = P_host per accelerator × n × t_share                (server boundary adds this)
    idle        = f_idle × (accelerator + host)                       (datacenter boundary adds this …)
    overhead    = (PUE − 1) × (accelerator + host + idle)             (… and this)

``t_share`` is the request's share of the accelerators' time (its output tokens × step time ÷ batch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aifootprint.errors import unknown_choice

if TYPE_CHECKING:
    from aifootprint.impacts import Site
    from aifootprint.reference.registry import Registry

BOUNDARIES = ("accelerator", "server", "datacenter")

#: Idle, provisioned capacity as a fraction of the active (accelerator + host) energy: 0.02 / (0.14 + 0.06) = 0.10
#: (derived from GO25's breakdown; status D).
IDLE_FRACTION = 0.10
#: Host (CPU, DRAM, storage, network) power per accelerator: 1.2 kW for the 8 GPUs of an AWS p5.48xlarge
#: (BoaviztAPI via EcoLogits' methodology; registry ``servers`` row ``aws-p5.48xlarge``, source ECO-METHOD) = 150 W.
REFERENCE_SERVER = "aws-p5.48xlarge"
#: Used only when the reference server row has no host power or cannot be read: 1,200 W / 8 GPUs for the p5.48xlarge
#: server without GPUs (EcoLogits methodology, source key ECO-METHOD). Results using it are flagged as estimated.
HOST_POWER_W_PER_ACCELERATOR = 150.0
#: Source shown for :data:`HOST_POWER_W_PER_ACCELERATOR`.
HOST_POWER_FALLBACK_SOURCE = "ECO-METHOD (fallback: 1,200 W / 8 GPUs, p5.48xlarge)"


def site_at(site: Site, boundary: str) -> Site:
    """``site`` as the results at ``boundary`` use it: PUE 1 below the data-centre boundary (no facility overhead is
    charged there), so its assumptions and warnings do not list a PUE — or a PUE fallback — that is not applied, and
    the PUE's source says why it is 1 (it read "user input" when the user had given none)."""
    if boundary == "datacenter":
        return site
    from dataclasses import replace

    from aifootprint.impacts.site import Factor

    return replace(site, pue=Factor("pue", 1.0, "-", f"{boundary} boundary: no facility overhead (PUE applies at "
                                                     "the datacenter boundary)"))


def check_boundary(boundary: str) -> str:
    """Normalise a boundary name; raise InputError with suggestions when unknown."""
    b = boundary.strip().lower()
    if b not in BOUNDARIES:
        raise unknown_choice("boundary", boundary, BOUNDARIES)
    return b


@dataclass(frozen=True, slots=True)
class ServerShare:
    """Per-accelerator share of the reference server outside the accelerators."""

    host_power_w: float
    embodied_carbon_kg: float | None
    source: str
    #: True when ``host_power_w`` is the :data:`HOST_POWER_W_PER_ACCELERATOR` fallback (``source`` then says so)
    estimated: bool = False


def server_share(registry: Registry | None = None) -> ServerShare:
    """Host power and embodied carbon (excluding accelerators) per accelerator, from the reference server row."""
    try:
        from aifootprint.reference.hardware import get_server

        s = get_server(REFERENCE_SERVER, registry)
        n = float(s.accelerators_per_server)
        emb = None if s.embodied_carbon_kg_excl_accelerators is None else s.embodied_carbon_kg_excl_accelerators / n
        if not s.host_power_w:
            return ServerShare(HOST_POWER_W_PER_ACCELERATOR, emb, HOST_POWER_FALLBACK_SOURCE, estimated=True)
        return ServerShare(s.host_power_w / n, emb, ";".join(s.sources) or "ECO-METHOD")
    except ImportError:  # pragma: no cover - registry module always ships
        return ServerShare(HOST_POWER_W_PER_ACCELERATOR, None, HOST_POWER_FALLBACK_SOURCE, estimated=True)


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Per-request energy terms [Wh]; terms outside the boundary are 0. The JSON ``breakdown_wh`` keeps the short
    keys (prefill, decode, host, idle, overhead) of the output contract (:meth:`to_dict`)."""

    prefill_wh: float
    decode_wh: float
    host_wh: float
    idle_wh: float
    overhead_wh: float

    @property
    def total_wh(self) -> float:
        """Sum of the terms (= energy at the chosen boundary)."""
        return self.prefill_wh + self.decode_wh + self.host_wh + self.idle_wh + self.overhead_wh

    def to_dict(self) -> dict[str, float]:
        """The ``breakdown_wh`` mapping of the output contract."""
        return {
            "prefill": self.prefill_wh,
            "decode": self.decode_wh,
            "host": self.host_wh,
            "idle": self.idle_wh,
            "overhead": self.overhead_wh,
        }


def split(
    boundary: str, prefill_wh: float, decode_wh: float, host_wh: float, pue: float, idle_fraction: float = IDLE_FRACTION
) -> Breakdown:
    """Apply a boundary (already normalised) to the accelerator terms and the host term."""
    if boundary == "accelerator":
        return Breakdown(prefill_wh, decode_wh, 0.0, 0.0, 0.0)
    if boundary == "server":
        return Breakdown(prefill_wh, decode_wh, host_wh, 0.0, 0.0)
    idle = idle_fraction * (prefill_wh + decode_wh + host_wh)
    overhead = (pue - 1.0) * (prefill_wh + decode_wh + host_wh + idle)
    return Breakdown(prefill_wh, decode_wh, host_wh, idle, overhead)
