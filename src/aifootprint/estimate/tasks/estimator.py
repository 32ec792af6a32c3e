"""One task request (an image, a video, an embedding, a classification, a transcription) → the output contract.

    accelerator = Σ phases (text encoder, denoising steps, VAE decode, encoder / decoder passes)  (:mod:`.engine`)
    host, idle, overhead                        the LLM boundary terms (:mod:`aifootprint.estimate.boundary`)
    carbon, water                               :func:`aifootprint.impacts.assess` at the site
    embodied                                    :func:`aifootprint.estimate.embodied.embodied_carbon`

All values are per item (one image, video, input text or audio file); ``energy_wh_per_1000`` is the unit of
Luccioni et al. 2024. Uncertainty: a lognormal model error whose spread is the task fit's median |error| for the
diffusion tasks (``task_calibration.csv``) and :data:`aifootprint.estimate.inference.UNFITTED_GSD` otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from aifootprint.errors import InputError, unknown_choice
from aifootprint.notice import ESTIMATED, Notice

from .. import boundary as bd
from ..bounds import MAX_ACCELERATORS
from ..calibration import Calibration, load_calibration
from .engine import denoise_calibration, workload_cost
from .flops import Workload, diffusion_workload, encoder_workload, whisper_workload
from .models import TaskModel, get_task_model

if TYPE_CHECKING:
    from aifootprint.impacts import Site
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Assumption, Result

T = TypeVar("T", int, float)
#: Tasks with a command of their own.
COMMAND_TASKS = ("image", "video", "embedding", "classification", "transcription")
#: Inputs per encoder request when not given [tokens]: an assumption (status E, docs/methodology/tasks.md) — a
#: review or a short document; Luccioni et al.'s text-classification sets (IMDB, Rotten Tomatoes, SST-2) range
#: from one sentence to a few hundred words.
DEFAULT_TOKENS = 256
#: Inputs served together by an encoder or Whisper server when not given: an assumption (status E); image and video
#: default to one output per batch (ML.ENERGY's smallest batch).
DEFAULT_ENCODER_BATCH = 32
DEFAULT_WHISPER_BATCH = 16
#: Transcript tokens per second of speech: ~150 words per minute × ~1.3 tokens per word (assumption, status E;
#: conversational English). Pass ``tokens_per_s`` for other speech.
DEFAULT_TOKENS_PER_S = 3.3


@dataclass(frozen=True)
class TaskSpec:
    """What is asked: the task, the model and the task's size inputs (``None`` = the model's / task's default)."""

    task: str
    model: str
    steps: int | None = None
    height: int | None = None
    width: int | None = None
    frames: int | None = None
    batch: int | None = None
    tokens: int | None = None
    audio_s: float | None = None
    tokens_per_s: float | None = None


@dataclass(frozen=True)
class TaskConfig:
    """Where it runs: accelerator, count (None = the fewest powers of two that hold the weights), boundary, site."""

    hardware: str = "h100"
    accelerators: int | None = None
    boundary: str = "datacenter"
    location: str | None = None
    operator: str | None = None
    #: engine profile of the host time per forward pass (:func:`aifootprint.estimate.engines.task_layer_overhead_s`:
    #: PyTorch eager's framework time per layer; 0 under ``cuda-graph``)
    engine: str = "vllm"
    #: calibration profile file of this accelerator (``aifootprint calibrate``), applied as in ``estimate request``
    calibration: str | None = None

    def __post_init__(self) -> None:
        from ..engines import check_engine

        object.__setattr__(self, "boundary", bd.check_boundary(self.boundary))
        object.__setattr__(self, "engine", check_engine(self.engine))
        if self.accelerators is not None and not 1 <= self.accelerators <= MAX_ACCELERATORS:
            raise InputError(f"--accelerators must be 1–{MAX_ACCELERATORS}, got {self.accelerators}")


def _given(value: T | None, default: T) -> T:
    return default if value is None else value


def build_workload(spec: TaskSpec, registry: Registry | None = None) -> tuple[TaskModel, Workload, dict[str, Any]]:
    """The model, its workload for ``spec`` and the resolved size inputs."""
    if spec.task not in COMMAND_TASKS:
        raise unknown_choice("task", spec.task, COMMAND_TASKS)
    m = get_task_model(spec.model, spec.task, registry)
    if spec.task in ("image", "video"):
        steps = _given(spec.steps, m.steps or 50)
        h, w = _given(spec.height, m.height or 1024), _given(spec.width, m.width or 1024)
        frames = _given(spec.frames, m.frames or 1) if spec.task == "video" else None
        batch = _given(spec.batch, 1)
        wl = diffusion_workload(m, steps, h, w, batch, frames)
        inputs: dict[str, Any] = {"steps": steps, "height": h, "width": w, "batch": batch}
        if frames is not None:
            inputs["frames"] = frames
    elif spec.task == "transcription":
        audio = spec.audio_s if spec.audio_s is not None else 30.0
        rate = _given(spec.tokens_per_s, DEFAULT_TOKENS_PER_S)
        batch = _given(spec.batch, DEFAULT_WHISPER_BATCH)
        wl = whisper_workload(m, audio, rate, batch)
        inputs = {"audio_seconds": audio, "tokens_per_second": rate, "batch": batch}
    else:
        tokens = _given(spec.tokens, min(DEFAULT_TOKENS, m.max_tokens or DEFAULT_TOKENS))
        batch = _given(spec.batch, DEFAULT_ENCODER_BATCH)
        wl = encoder_workload(m, tokens, batch)
        inputs = {"tokens": tokens, "batch": batch}
    return m, wl, inputs


def accelerators_for(w: Workload, cal: Calibration, fixed: int | None) -> int:
    """``fixed`` (when it holds the weights and, for a decoding workload, one decode cache), or the smallest power
    of two whose usable memory (vLLM's ``gpu_memory_utilization`` share,
    :data:`aifootprint.estimate.sizing.MEMORY_UTILIZATION`) holds the weights and, for a decoding workload
    (Whisper), the caches of one window per item served together (:attr:`.flops.Workload.min_held_bytes`)."""
    from ..sizing import MEMORY_UTILIZATION

    usable = cal.memory_bytes * MEMORY_UTILIZATION
    need = w.min_held_bytes
    what = "the weights" if not w.cache_bytes_per_seq else "the weights and one decode cache per item"
    if fixed is not None:  # a given count needs room for one decode at a time (fewer concurrent: more waves)
        least = w.resident_bytes + w.cache_bytes_per_seq
        if least > fixed * usable:
            raise InputError(f"the weights{' and one decode cache' if w.cache_bytes_per_seq else ''} "
                             f"({least / 1e9:,.0f} GB) do not fit on {fixed} × {cal.name}; raise --accelerators")
        return fixed
    n = int(2 ** max(0, math.ceil(math.log2(max(need / usable, 1.0)))))
    if n > MAX_ACCELERATORS:
        raise InputError(f"{what} ({need / 1e9:,.0f} GB) do not fit on {MAX_ACCELERATORS} × {cal.name}"
                         + ("; lower --batch" if w.cache_bytes_per_seq else ""))
    return n


def concurrent_decodes(w: Workload, cal: Calibration, n: int) -> float | None:
    """Sequences that can decode at once on ``n`` accelerators: the usable memory left by the weights ÷ one
    sequence's cache (None for a workload without a decode cache)."""
    from ..sizing import MEMORY_UTILIZATION

    if not w.cache_bytes_per_seq:
        return None
    free = n * cal.memory_bytes * MEMORY_UTILIZATION - w.resident_bytes
    return max(1.0, math.floor(free / w.cache_bytes_per_seq))


@dataclass(frozen=True, slots=True)
class TaskEstimate:
    """Point estimate per item [Wh] before uncertainty and impacts."""

    phases_wh: dict[str, float]
    host_wh: float
    accelerators: int
    batch_time_s: float
    accelerator_time_s: float
    flops: float

    @property
    def accelerator_wh(self) -> float:
        return sum(self.phases_wh.values())


class TaskEstimator:
    """Estimator for one task, model and configuration (the same boundary and impacts as ``estimate request``)."""

    def __init__(self, spec: TaskSpec, config: TaskConfig | None = None, registry: Registry | None = None,
                 site: Site | None = None) -> None:
        self.spec = spec
        self.config = config or TaskConfig()
        self.registry = registry
        self.model, self.workload, self.inputs = build_workload(spec, registry)
        self.cal = load_calibration(self.config.hardware, registry)
        if self.config.calibration is not None:  # the user's measured profile, as RequestEstimator applies it
            from aifootprint.calibrate.config import select_profile

            from ..calibration import apply_profile

            profile = select_profile(self.cal.accelerator, self.config.calibration, registry=registry)
            self.cal = self.cal if profile is None else apply_profile(self.cal, profile)
        from ..engines import engine_calibration

        profiled, self.cal = self.cal, engine_calibration(self.config.engine, self.cal, registry)
        # denoising steps keep the structure their energy per FLOP was fitted in (the soft cap above the serving
        # floor, :mod:`.fit`): a GPU-bound engine's straight line from idle (``linear_power``) is drawn with a
        # profile's own energies only (:func:`~aifootprint.estimate.engines.engine_calibration`)
        denoise_base = engine_calibration(self.config.engine, replace(profiled, gpu_bound_power=None), registry) \
            if self.cal.linear_power else self.cal
        self.denoise_cal, self._denoise_src, self._denoise_fitted = denoise_calibration(denoise_base, registry)
        self.accelerators = accelerators_for(self.workload, self.cal, self.config.accelerators)
        fit = concurrent_decodes(self.workload, self.cal, self.accelerators)
        if fit is not None and fit < self.workload.concurrent:  # decode in waves whose caches fit (audit 2, item 3)
            audio, rate = self.inputs["audio_seconds"], self.inputs["tokens_per_second"]
            self.workload = whisper_workload(self.model, audio, rate, int(self.inputs["batch"]), fit)
        self._site = site

    def site(self) -> Site:
        """The data-centre site (location / operator, else the world average, flagged by the impacts core)."""
        if self._site is None:
            from aifootprint.impacts import resolve_site

            self._site = resolve_site(self.config.location, self.config.operator, None, self.registry)
        return self._site

    def estimate(self) -> TaskEstimate:
        """Point values per item (fast path)."""
        w, n = self.workload, self.accelerators
        diffusion = self.spec.task in ("image", "video")
        costs = workload_cost(w, self.cal, n, self.denoise_cal if diffusion else None, self.config.engine)
        t = sum(c.time_s for c in costs)
        acc_s = n * t / w.items
        host_w = bd.server_share(self.registry).host_power_w if self.config.boundary != "accelerator" else 0.0
        return TaskEstimate({c.name: c.energy_j / w.items / 3600.0 for c in costs}, host_w * acc_s / 3600.0, n, t,
                            acc_s, sum(c.flops for c in costs) / w.items)

    def result(self) -> Result:
        """The JSON output contract per item: energy (low/best/high), breakdown, carbon, water, embodied."""
        from aifootprint.impacts import assess
        from aifootprint.result import Result
        from aifootprint.uncertainty import Uncertain

        from ..embodied import embodied_carbon
        from ..request_assumptions import band_factor
        from ..request_result import median_to_point, point_impacts, site_point_factors

        est = self.estimate()
        band_cal = self.denoise_cal if self.spec.task in ("image", "video") else self.cal
        err = band_factor(band_cal)
        active = (est.accelerator_wh + est.host_wh) * err
        site = self.site()
        dc = self.config.boundary == "datacenter"
        impacts = assess((active * (1.0 + bd.IDLE_FRACTION) if dc else active) / 1000.0,
                         bd.site_at(site, self.config.boundary))  # the site itself at the datacenter boundary
        pue = float(getattr(site.pue.value, "best", site.pue.value)) if dc else 1.0
        split = bd.split(self.config.boundary, est.accelerator_wh, 0.0, est.host_wh, pue)
        breakdown = {**est.phases_wh, "host": split.host_wh, "idle": split.idle_wh, "overhead": split.overhead_wh}
        emb, emb_assumptions, emb_warnings = embodied_carbon(
            self.cal.embodied_carbon_kg, self.cal.name, self._hardware_source(), est.accelerator_time_s,
            self.config.boundary != "accelerator", self.registry)
        energy = Uncertain.from_any(impacts.facility_energy_kwh * 1000.0)
        # the draws scaled so that their median is the point estimate and the breakdown sums to it, and carbon and
        # water so that theirs are their point values (the point energy on the site factors' best values), as request
        # results do (request_result.unit_scale, point_impacts)
        k = median_to_point(energy.best, sum(breakdown.values()))
        energy = energy * k
        carbon_pt, water_pt = point_impacts(site_point_factors(site, self.config.boundary), energy.best,
                                            split.overhead_wh)
        carbon, water = Uncertain.from_any(impacts.carbon_g), Uncertain.from_any(impacts.water_l)
        values: dict[str, Any] = {
            "energy_wh": energy,
            "energy_wh_per_1000": energy.best * 1000.0,
            "breakdown_wh": breakdown,
            "flops": est.flops,
            "latency_s": est.batch_time_s,
            "accelerators": est.accelerators,
            "carbon_g": carbon * median_to_point(carbon.best, carbon_pt, k),
            "water_l": water * median_to_point(water.best, water_pt, k),
            "embodied_carbon_g": None if emb is None else Uncertain.from_any(emb),
        }
        inputs = {"task": self.spec.task, "model": self.model.key, "hardware": self.cal.accelerator,
                  "accelerators": est.accelerators, **self.inputs, "engine": self.config.engine,
                  "boundary": self.config.boundary,
                  "location": site.location, "zone": site.zone, "operator": site.operator}
        return Result(f"estimate-{self.spec.task}", inputs, values,
                      self._assumptions(band_cal) + emb_assumptions + impacts.assumptions(),
                      [*self._warnings(), *emb_warnings, *impacts.warnings()])

    def _hardware_source(self) -> str:
        from aifootprint.reference.hardware import get_accelerator

        return ";".join(get_accelerator(self.cal.accelerator, self.registry).sources) or self.cal.source

    def _assumptions(self, band: Calibration) -> list[Assumption]:
        from aifootprint.result import Assumption

        from ..engines import engine_bandwidth
        from ..request_assumptions import power_model_assumption

        m, src = self.model, ";".join(self.model.sources)
        out = [Assumption("params_b", m.params_b, "billion", src)]
        for k, v in self.workload.shape.items():
            out.append(Assumption(k, round(v, 4), "-", f"{src} ({m.key}); docs/methodology/tasks.md"))
        c = self.cal
        if self.spec.task in ("image", "video"):
            d, src = self.denoise_cal, self._denoise_src
            out += [Assumption("denoise_compute_fraction", d.compute_fraction, "-", src),
                    Assumption("denoise_energy_per_flop_pj", round(d.energy_per_flop_j * 1e12, 4), "pJ", src),
                    Assumption("denoise_exchange_bandwidth_gb_per_s", round(d.allreduce_bytes_per_s / 1e9, 1),
                               "GB/s", src)]
        out += [Assumption("compute_fraction", round(c.compute_fraction, 4), "-", c.source),
                Assumption("bandwidth_fraction", round(c.bandwidth_fraction, 4), "-",
                           engine_bandwidth(self.config.engine, c)[1]),
                Assumption("base_power_w", round(c.base_power_w, 1), "W", c.source),
                Assumption("energy_per_flop_pj", round(c.energy_per_flop_j * 1e12, 4), "pJ", c.source),
                power_model_assumption(c, "; denoising steps: soft cap below the power limit (the task fit's)"
                                       if self.spec.task in ("image", "video") and c.linear_power else ""),
                Assumption("band_5_95_factors", f"{band.band_low_factor:.3g}–{band.band_high_factor:.3g}", "×",
                           "docs/validation_tasks.md (leave-one-model-out)" if band is not c else
                           f"{c.source} (LLM band; this task is not validated per configuration)")]
        from ..engines import task_layer_overhead_s

        framework_s = task_layer_overhead_s(self.config.engine)
        out.append(Assumption("framework_time_s_per_layer", framework_s, "s",
                              "FRAMEWORK-TAX (PyTorch eager; overlaps the GPU work it launches)" if framework_s
                              else "none under the cuda-graph engine (captured graphs replay without launches)"))
        if self.config.boundary != "accelerator":
            share = bd.server_share(self.registry)
            out.append(Assumption("host_power_w_per_accelerator", share.host_power_w, "W", share.source))
        if self.config.boundary == "datacenter":
            out.append(Assumption("idle_fraction", bd.IDLE_FRACTION, "-", "GO25 (derived: 0.02 / (0.14 + 0.06))"))
        return out

    def _warnings(self) -> list[Notice]:
        out: list[Notice] = []
        m = self.model
        what = {"image": "VAE decoder compute per pixel", "video": "VAE decoder compute per pixel",
                "transcription": "transcript tokens per second of speech"}.get(self.spec.task, "tokens per text")
        defaulted = (self.spec.task == "transcription" and self.spec.tokens_per_s is None) or (
            self.spec.task in ("embedding", "classification") and self.spec.tokens is None)
        if m.status == "E" or "TASK-E" in m.sources or defaulted:
            out.append(Notice("estimated-assumption", f"estimated: {m.key}: assumed {what} (status E; "
                              "docs/methodology/tasks.md)", ESTIMATED, "TASK-E"))
        if self.cal.estimated:
            out.append(Notice("estimated-fallback", f"estimated: {self.cal.name} has no serving measurements; "
                              "calibration scaled from a measured accelerator", ESTIMATED, self.cal.source))
        if self.cal.linear_power:
            out.append(Notice(
                "profile-engine-bias", f"calibration profile with engine {self.config.engine}: power is the "
                "profile's straight line from idle"
                + (" (denoising steps: the task fit's soft cap)" if self.spec.task in ("image", "video") else "")
                + ", which under-predicted GPU-bound LLM prefill and decode power on one H200 by 2-16 % (median 9 %; "
                "docs/validation_h200.md, sections 1 and 5); not measured on this task", self.config.engine,
                self.cal.source))
        if self.spec.task in ("image", "video") and not self._denoise_fitted:
            out.append(Notice("estimated-fallback", f"estimated: no diffusion measurements on {self.cal.name}: "
                              "H100's denoising constants used", ESTIMATED, self._denoise_src))
        if self.spec.task not in ("image", "video"):
            out.append(Notice("unvalidated", f"{self.spec.task}: no measured per-configuration data to validate "
                              "against; order of magnitude checked against Luccioni et al. 2024 only "
                              "(docs/validation_tasks.md)", self.spec.task, "PHP24"))
        return out


def estimate_task(spec: TaskSpec, config: TaskConfig | None = None, registry: Registry | None = None) -> Result:
    """One-shot convenience: :meth:`TaskEstimator.result`."""
    return TaskEstimator(spec, config, registry).result()


def with_spec(est: TaskEstimator, **changes: Any) -> TaskEstimator:
    """The same configuration for a changed spec."""
    return TaskEstimator(replace(est.spec, **changes), est.config, est.registry, est._site)
