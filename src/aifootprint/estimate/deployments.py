"""Deployment assumptions for closed models: how a provider is assumed to serve them (none is published).

Each default is chosen from evidence *other than* the per-prompt figure it is later compared with (docs/validation.md
§5 lists which disclosures fall inside the 5–95 % range, and why the others do not):

* **hardware**: NVIDIA H100 (the registry default). For OpenAI it is the hardware Epoch AI assumed (EP25). Google's
  Gemini runs on TPUs (GO25) and Anthropic's models on TPUs and Trainium; neither has a serving calibration here, so
  the H100 is a stand-in and the result is flagged.
* **precision**: FP8 weights on Hopper-class GPUs for frontier-scale models. The only serving precisions providers
  have published for their own large models are FP8 (DeepSeek-V3's released checkpoint, DSV3-PAPER) and MXFP4
  (OpenAI's gpt-oss release, HF-CONFIG-GPT-OSS-120B), both below bf16; FP8 is the more conservative of the two.
  Status E (assumption).
* **batch**: 64 concurrent sequences, EcoLogits' serving assumption (ECO; the estimator's default).
* **active / total parameters**: the registry's estimates (EcoLogits ranges, Epoch's 100 B active for GPT-4o).
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False  # typing is not imported at run time (as in .inference, which imports this module)
if TYPE_CHECKING:
    from typing import Any

    from aifootprint.impacts import Site
    from aifootprint.reference.registry import Registry, Row


@dataclass(frozen=True, slots=True)
class Deployment:
    """How a provider is assumed to serve its closed models."""

    precision: str
    hardware_note: str
    source: str


#: API provider key (``models.PROVIDERS``) -> deployment assumption.
DEPLOYMENTS: dict[str, Deployment] = {
    "openai": Deployment("fp8", "H100 (Epoch AI's assumption, EP25)", "EP25;DSV3-PAPER;HF-CONFIG-GPT-OSS-120B (E)"),
    "google": Deployment("fp8", "TPU in production (GO25); H100 stand-in (no TPU serving calibration)",
                         "GO25;DSV3-PAPER (E)"),
    "anthropic": Deployment("fp8", "TPU/Trainium in production; H100 stand-in (no serving calibration)",
                            "DSV3-PAPER (E)"),
    "mistralai": Deployment("fp8", "H100 (Azure, ECO provider table)", "ECO-PROV;DSV3-PAPER (E)"),
    "cohere": Deployment("fp8", "H100 stand-in", "DSV3-PAPER (E)"),
}


def deployment_for(provider: str | None) -> Deployment | None:
    """The deployment assumption of a closed model's provider (None for open models / unknown providers)."""
    return None if provider is None else DEPLOYMENTS.get(provider)


def provider_site(provider: str | None, location: str | None, operator: str | None,
                  registry: Registry | None = None) -> tuple[Site, str]:
    """The site of a request to ``provider``'s model (:meth:`.inference.RequestEstimator.site`) and the note saying
    which provider zone was assumed ("" when none): the user's location/operator, else the provider's data-centre
    defaults (``api_providers.csv``: zone, PUE with its range, on-site WUE), else the world average."""
    from dataclasses import replace

    from aifootprint.impacts import Factor, resolve_site

    row = None
    if provider is not None:
        from aifootprint.reference.registry import default_registry

        row = (registry or default_registry()).table("api_providers").find(provider)
    note = ""
    src = f"{row.get('source')} (api_providers: {provider})" if row is not None else ""
    if row is not None and location is None and isinstance(row.get("zone"), str) and operator is None:
        location = str(row["zone"])
        note = f"no location given: {provider}'s data-centre zone {location} assumed ({src})"
    site = resolve_site(location, operator, None, registry)
    if row is None or operator is not None:
        return site, note
    year = row.get("year")
    yr = int(year) if isinstance(year, int) else None
    pue = _uncertain_col(row, "pue", f"pue:{provider}")
    wue = _uncertain_col(row, "wue_l_per_kwh", f"wue:{provider}")
    if pue is not None:
        site = replace(site, pue=Factor("pue", pue, "-", src, yr, estimated=True,
                                        note=f"{provider}: provider PUE assumed ({src})"))
    if wue is not None:
        site = replace(site, wue=Factor("wue_onsite", wue, "L/kWh", src, yr, estimated=True,
                                        note=f"{provider}: provider on-site WUE assumed ({src})"))
    if pue is not None or wue is not None:
        site = replace(site, operator=str(provider))
    return site, note


def _uncertain_col(row: Row, col: str, label: str) -> Any:
    """``col`` of a registry row as a float, or a triangular Uncertain when ``col_low`` < ``col_high``."""
    from aifootprint.uncertainty import Uncertain

    v, lo, hi = row.get(col), row.get(f"{col}_low"), row.get(f"{col}_high")
    if not isinstance(v, int | float) or isinstance(v, bool):
        return None
    if isinstance(lo, int | float) and isinstance(hi, int | float) and lo < hi:
        return Uncertain.triangular(float(lo), float(v), float(hi), label=label)
    return float(v)
