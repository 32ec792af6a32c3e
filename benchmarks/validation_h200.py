"""The estimator and the tracker against our own H200 measurements (synthetic transformer, 2026-12-04).

Writes ``docs/validation_h200.md`` (do not edit by hand) and prints the same text.

Data (all under ``benchmarks/results/gpu/``, measured with ``benchmarks/gpu/calibrate_and_transformer.sh`` on one
NVIDIA H200, driver 580.159.04, PyTorch 2.11, 2026-12-04): ``transformer_energy.py`` runs a Llama-3.2-1B and a
Llama-3.1-8B shape with random bf16 weights — prefill of batch × 512 tokens, and decode of 128 tokens after them
replayed as one CUDA graph per step (static KV cache) — and reads NVML's energy counter around each window of >= 5 s;
``aifootprint calibrate`` ran on the same GPU a minute before. Nothing in the estimator was fitted to these rows:

- *shipped H200 terms* (``microbench`` row: the H100 fit on ML.ENERGY serving power, carried to the H200 with the
  2026-11-26 micro-benchmarks) — **reproductions**;
- *with the user's profile* (``--calibration`` of the 2026-12-04 ``aifootprint calibrate`` run: micro-benchmarks
  only, no transformer step): with the vLLM serving floor (``apply_profile``'s soft cap, until 0.3.0) —
  **reproductions**; as the estimator now draws it for ``cuda-graph`` (the profile's straight line from idle,
  ``engines.engine_calibration``) — chosen after seeing §1's rows, so a **consistency check** there, and tested on
  §5's compiled decode, measured after the rule was fixed.

Three checks: (1) the power model alone — mean power predicted from the modelled FLOPs and bytes of a step divided by
its *measured* time, against the measured mean power; (2) the time model — the ``cuda-graph`` engine profile's step
time against the measured one (this benchmark is plain PyTorch, not a tuned engine: it scores our benchmark's
efficiency as much as the model); (3) the tracker's window energy against the raw counter.

Run: ``python benchmarks/validation_h200.py [--out docs/validation_h200.md]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import _calibration_fit as cf  # noqa: E402  (the validation's own helpers, scripts/)

from aifootprint.calibrate.profile import CalibrationProfile, read_profile  # noqa: E402
from aifootprint.estimate.calibration import apply_profile, load_calibration  # noqa: E402
from aifootprint.estimate.inference import RequestConfig, RequestEstimator  # noqa: E402
from aifootprint.estimate.physics import llm_step, llm_step_work, step_time_energy  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "gpu"
RUN = "20261204T1128Z"
PROFILE = RESULTS / f"calibration_h200_{RUN}.toml"
SHAPES = ("llama-3.2-1b", "llama-3.1-8b")
PROMPT, DECODE = 512, 128  # transformer_energy.py defaults used in the run


def rows(run: str = RUN, suffix: str = "") -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for shape in SHAPES:
        path = RESULTS / f"transformer_h200_{shape}{suffix}_{run}.json"
        if path.exists():
            out += json.loads(path.read_text(encoding="utf-8"))["rows"]
    return out


def step_args(r: dict[str, Any]) -> tuple[float, float, float, float]:
    """(decode sequences, prefill tokens, decode context, prefill context) of one measured step."""
    b = float(r["batch_size"])
    if r["phase"] == "prefill":
        return 0.0, b * PROMPT, 0.0, PROMPT / 2
    return b, 0.0, PROMPT + DECODE / 2, 0.0


def step_work(est: RequestEstimator, r: dict[str, Any]) -> tuple[float, float]:
    """(FLOPs, bytes) of one measured step, as the estimator models them."""
    flops, moved = llm_step_work(est._physics_costs, 1.0, *step_args(r))
    return float(flops), float(moved)


def power_w(est: RequestEstimator, flops: float, moved: float, t: float) -> float:
    """The estimator's power model at the step's achieved rates (:func:`_calibration_fit.power_at_rates`)."""
    return float(cf.power_at_rates(est.cal, moved / t, flops / t))


def idle_line_w(prof: CalibrationProfile, flops: float, moved: float, t: float) -> float:
    """The rule of §5 read off the profile file alone: its own micro-benchmark terms as a straight line from its idle
    power, no serving floor, cut at the limit (idle + e_flop x FLOP/s + e_byte x bytes/s), through the estimator's one
    implementation of the cut (:func:`~aifootprint.estimate.physics.dynamic_energy`). :func:`power_rows` checks that
    the estimator with the profile (``engines.engine_calibration``) draws exactly this."""
    from aifootprint.estimate.physics import dynamic_energy

    d = prof.energy_pj_per_flop * 1e-12 * flops / t + prof.energy_pj_per_byte * 1e-12 * moved / t
    return prof.idle_power_w + float(dynamic_energy(d, prof.power_limit_w - prof.idle_power_w, True))


def floorless_soft_cap_w(prof: CalibrationProfile, flops: float, moved: float, t: float) -> float:
    """Diagnostic: the same terms as :func:`idle_line_w` carried into the estimator's one power model, the soft cap
    (``apply_profile`` with P_base = idle: energies re-expressed by ``soft_cap_inverse`` so that the cap reproduces the
    GEMM and copy powers), i.e. "no serving floor" without a second power structure."""
    from aifootprint.estimate.physics import soft_cap, soft_cap_inverse

    idle_w, limit_w = prof.idle_power_w, prof.power_limit_w
    f_per_s, b_per_s = prof.achieved_tflops_bf16 * 1e12, prof.achieved_bandwidth_gb_per_s * 1e9
    flop_j = float(soft_cap_inverse(idle_w + prof.energy_pj_per_flop * 1e-12 * f_per_s, idle_w, limit_w)) / f_per_s
    byte_j = float(soft_cap_inverse(idle_w + prof.energy_pj_per_byte * 1e-12 * b_per_s, idle_w, limit_w)) / b_per_s
    return float(soft_cap(flop_j * flops / t + byte_j * moved / t, limit_w - idle_w)) + idle_w


def model_step_s(est: RequestEstimator, r: dict[str, Any]) -> float:
    """The one roofline's step time (:func:`aifootprint.estimate.physics.llm_step`) with the estimator's engine."""
    t, _e, _f, _b = llm_step(est._physics_costs, est.device, est.engine, 1.0, *step_args(r))
    return float(t)


def pct(x: float) -> str:
    return f"{100 * x:+.1f} %"


def report() -> str:
    measured = [r for r in rows() if r["phase"] in ("prefill", "decode-graph")]
    lines = ["# Validation on our own H200 measurements (synthetic transformer)", "",
             "Generated by `benchmarks/validation_h200.py` from `benchmarks/results/gpu/` (H200, driver 580.159.04, "
             "2026-12-04); do not edit by hand. Nothing was fitted to these steps; the straight line from idle "
             "that the estimator now draws for a GPU-bound engine on a profile was *chosen* after seeing §1's rows, "
             "so its §1 column is a consistency check and §5 is its test (see the script's docstring).", "",
             "## 1. Power model alone (modelled work ÷ measured step time → mean power)", "",
             "| model | phase | batch | achieved TB/s | achieved TFLOP/s | measured W | shipped H200 terms | "
             "calibrate profile, serving floor (until 0.3.0) | calibrate profile, now: line from idle "
             "(*consistency check*: chosen on these rows) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    rows_1, errs, times = power_rows(measured, PROFILE)
    lines += rows_1
    med = {k: statistics.median(abs(e) for e in v) for k, v in errs.items()}
    bias_p = statistics.median(errs["profile"])
    lines += ["", f"Median |error|: shipped H200 terms **{100 * med['shipped']:.1f} %**; calibrate profile with the "
              f"serving floor **{100 * med['floor']:.1f} %**; the calibrate profile now {100 * med['profile']:.1f} % "
              f"(median signed error {pct(bias_p)}): a rule chosen after seeing these rows, so a consistency check, "
              "not a validation (§5 is its test).", "",
              "What this says: at the power cap (prefill at batch >= 8) the shipped terms and the floor are within "
              "3 %. In CUDA-graph decode the shipped terms are within 8–15 %, but the profile with the floor "
              "*over*-predicted (by 19–63 %): `apply_profile` keeps the serving floor fitted on vLLM (P_base 278 W, "
              "clocks held up between host-bound steps) and puts the profile's copy power above it, while a "
              "GPU-bound engine draws idle + per-byte energy (this profile's own terms, 121 W + 119.5 pJ/B, give "
              "387 W for the 8B decode at batch 1, measured 396 W). The last column takes that reading (no serving "
              "floor for a GPU-bound engine, `engines.engine_calibration`): it removes the over-prediction but "
              "under-predicts throughout (transformer steps draw more power per FLOP and per byte than a square GEMM "
              "or a copy: norms, activations and attention use power that the FLOP and byte counts do not carry; and "
              "a power-capped prefill below the GEMM's rate still draws the limit). It was adopted only after the "
              "test fixed before its data passed on a second workload (§5). "
              "The eager decode of the same benchmark (not shown: host-bound, 130–160 W) "
              "draws near idle power (121 W) while the GPU waits for kernel launches, below the 278 W serving floor. "
              "The 1B prefill at batch 1 is launch-bound (8 ms for 1 TFLOP), which no roofline term models.", "",
              "## 2. Time model (`cuda-graph` profile) against this benchmark", "",
              "| model | phase | batch | measured ms/step | modelled ms/step | measured ÷ modelled |",
              "|---|---|---:|---:|---:|---:|"]
    for r, m in times:
        lines.append(f"| {r['shape']} | {r['phase']} | {r['batch_size']} | {1e3 * r['step_s']:.2f} | {1e3 * m:.2f} | "
                     f"{r['step_s'] / m:.2f} |")
    lines += ["", "Prefill at batch >= 8 takes 13–18 % longer than the modelled power-capped GEMM rate (the "
              "calibrated 68 % of datasheet peak applies to a square 8192² GEMM; attention, norms and the narrower "
              "GQA projections run below it); at batch 1 the steps are launch-bound. The decode steps of this "
              "plain-PyTorch benchmark (about 20 kernels per layer, unfused RMSNorm and SwiGLU, no split-KV "
              "attention) take 1.5–1.6× (8B) and 2.8× (1B) the time of the `cuda-graph` profile, whose bandwidth "
              "fraction comes from a tuned engine (gpt-fast, `docs/validation_engines.md`). Energy per token follows "
              "the time, so it is not scored here: this benchmark is slower than the engines the profile describes, "
              "and a tuned engine on this GPU is still to be measured.", "",
              "## 3. Tracker window energy against NVML's counter", "",
              "Each window's energy from the tracker (`Tracker.begin_window` / `end_window`, 10 Hz) ÷ the raw counter "
              "read around it.", "",
              "| run | windows | tracker ÷ counter, range | median |abs dev| |", "|---|---:|---|---:|"]
    budget_run = rows("20261204T1147Z", "_budget")
    for label, rs in (("counter read at every tick (before the read budget)", rows()),
                      ("read budget, counter every ~8 s, power integrated without lag", budget_run)):
        ratios = [float(r["tracker_over_nvml"]) for r in rs if r.get("tracker_over_nvml")]
        if ratios:
            lines.append(f"| {label} | {len(ratios)} | {min(ratios):.3f}–{max(ratios):.3f} | "
                         f"{100 * statistics.median(abs(x - 1) for x in ratios):.1f} % |")
    plain, lagged = replay_window_errors(0.0), replay_window_errors(0.5)
    lines += ["", "The second run used the read budget before the lag correction of NVML's 1-second-averaged power "
              "(Ampere and later) existed. The correction, replayed on 16 s of real H200 samples "
              f"(`{SAMPLES.name}`: idle, a bf16 GEMM loop, idle; counter and power at every 0.1 s tick) through the "
              "tracker's `DeviceTrack` with the counter given only every 7.8 s, against the counter at every tick, "
              f"on {len(lagged)} windows of 1, 2 and 5 s:", "",
              "| power integrated | median |error| | 90th percentile | worst |", "|---|---:|---:|---:|"]
    for label, errs_w in (("as read", plain), ("with its 0.5 s lag", lagged)):
        p90 = errs_w[int(0.9 * len(errs_w))]
        lines.append(f"| {label} | {100 * statistics.median(errs_w):.1f} % | {100 * p90:.1f} % | "
                     f"{100 * errs_w[-1]:.1f} % |")
    lines += ["", "(docs/measure.md, \"NVML read budget\"; pinned in `tests/measure/test_nvml_read_budget.py`). A GPU "
              "run with both is still to do.", ""]
    lines += microbench_compare()
    lines += compiled_section()
    return "\n".join(lines)


SAMPLES = RESULTS / f"measure_h200_{RUN}_gpu_samples.csv"


class _ReplaySensor:
    """What :class:`DeviceTrack` asks of a sensor, for a replay of recorded NVML samples."""

    device, component, estimated, method = "gpu:0", "gpu", False, "nvml-energy-counter"
    counter_update_s = None

    def __init__(self, lag_s: float) -> None:
        self.power_lag_s = lag_s

    def read(self) -> Any:
        raise AssertionError("a replay is not read")


def replay_window_errors(lag_s: float, counter_period_s: float = 7.8) -> list[float]:
    """Sorted |error| of each 1, 2 and 5 s window (every third start) of :data:`SAMPLES` (16 s of an H200 at 10 Hz,
    counter and power read at every tick by ``aifootprint measure``, 2026-12-04), replayed through
    :class:`~aifootprint.measure.devicetrack.DeviceTrack` with the counter given only every ``counter_period_s``
    and power read as lagging by ``lag_s``, against the counter read at every tick."""
    from aifootprint.measure.devicetrack import DeviceTrack
    from aifootprint.measure.sensors.base import Reading

    with SAMPLES.open(encoding="utf-8") as fh:
        recorded = [(float(r["t_s"]), float(r["counter_energy_j"]), float(r["power_w"])) for r in csv.DictReader(fh)]
    track = DeviceTrack(_ReplaySensor(lag_s), True, 0.0)  # type: ignore[arg-type]
    best, due = [], -1.0
    for t, energy, power in recorded:
        anchor = t >= due
        due = t + counter_period_s if anchor else due
        track.update(t, Reading(energy if anchor else None, power))
        best.append(track.best_j)
    counter = [e for _t, e, _p in recorded]
    errors = [abs((best[a + w] - best[a]) / (counter[a + w] - counter[a]) - 1.0)
              for a in range(0, len(recorded) - 10, 3) for w in (10, 20, 50) if a + w < len(recorded)]
    return sorted(errors)


SHARED_MICROBENCH = ROOT.parent / "shared" / "data" / "gpu-microbench" / "microbench.csv"


def shipped_microbench_w(readings: Path) -> dict[str, float]:
    """The shipped H200 power model at the GEMM and copy rates the calibrate run measured (and its idle power)."""
    cal = load_calibration("h200")
    with readings.open(encoding="utf-8") as fh:
        rows = {r["benchmark"]: r for r in csv.DictReader(fh)}
    flops = float(rows["matmul_bf16"]["achieved_tflop_per_s"]) * 1e12
    t, e = step_time_energy(flops, 3 * 8192**2 * 2 * flops / (2 * 8192**3), 1.0, cal.device())  # as validation.py
    return {"idle": float(cal.idle_power_w), "matmul_bf16": float(e / t),
            "hbm_copy": float(cf.power_at_rates(cal, float(rows["hbm_copy"]["achieved_gb_per_s"]) * 1e9))}


def power_rows(measured: list[dict[str, Any]], profile_path: Path
               ) -> tuple[list[str], dict[str, list[float]], list[tuple[dict[str, Any], float]]]:
    """Table rows of the three power structures at each measured step's achieved rates, their signed errors, and
    (row, modelled step time) pairs: shipped H200 terms; the calibrate profile with the vLLM serving floor
    (``apply_profile``'s soft cap, what a profile gave every engine until 0.3.0: ``floor``); the estimator with the
    profile as it is now (``profile``: for ``cuda-graph``, the profile's own terms as a straight line from its idle
    power). The errors also hold ``line`` (:func:`idle_line_w`, the rule written independently of the estimator: it
    must equal ``profile``) and ``soft`` (those terms in the soft cap without the floor, :func:`floorless_soft_cap_w`;
    neither tabled)."""
    errs: dict[str, list[float]] = {"shipped": [], "floor": [], "profile": [], "line": [], "soft": []}
    times, lines = [], []
    profile = read_profile(profile_path)
    floor_cal = apply_profile(load_calibration("h200"), profile)
    for r in measured:
        cfg = {"hardware": "h200", "engine": "cuda-graph", "batch": int(r["batch_size"]), "accelerators": 1,
               "boundary": "accelerator"}
        shipped = RequestEstimator(r["shape"], RequestConfig(**cfg))  # type: ignore[arg-type]
        profiled = RequestEstimator(r["shape"], RequestConfig(**cfg, calibration=str(profile_path)))  # type: ignore[arg-type]
        flops, moved = step_work(shipped, r)
        t, meas = float(r["step_s"]), float(r["mean_power_w"])
        p_s, p_p = power_w(shipped, flops, moved, t), power_w(profiled, flops, moved, t)
        p_f = float(cf.power_at_rates(floor_cal, moved / t, flops / t))
        errs["shipped"].append(p_s / meas - 1.0)
        errs["floor"].append(p_f / meas - 1.0)
        errs["profile"].append(p_p / meas - 1.0)
        p_l = idle_line_w(profile, flops, moved, t)
        if abs(p_p / p_l - 1.0) > 1e-9:  # the estimator must draw the rule that was tested (§5)
            raise SystemExit(f"the estimator's profile power {p_p:.3f} W is not the rule's line {p_l:.3f} W "
                             f"({r['shape']} {r['phase']} batch {r['batch_size']})")
        errs["line"].append(p_l / meas - 1.0)
        errs["soft"].append(floorless_soft_cap_w(profile, flops, moved, t) / meas - 1.0)
        times.append((r, model_step_s(shipped, r)))
        lines.append(f"| {r['shape']} | {r['phase']} | {r['batch_size']} | {moved / t / 1e12:.2f} | "
                     f"{flops / t / 1e12:.0f} | {meas:.0f} | {p_s:.0f} ({pct(p_s / meas - 1)}) | "
                     f"{p_f:.0f} ({pct(p_f / meas - 1)}) | {p_p:.0f} ({pct(p_p / meas - 1)}) |")
    return lines, errs, times


#: The test of §5, fixed on 2026-12-04 before any compiled-decode measurement existed (issue 8, open item): the
#: profile path adopts "no serving floor for a GPU-bound engine" only if the straight line from the profile's idle
#: power reproduces the second workload within this median |error| and better than the current profile path. The
#: bound is issue 8's for the power model against the micro-benchmarks ("reproduces idle, matmul and copy power
#: within 10 %"), so a GPU-bound engine's power is held to the same standard.
LINE_ADOPTION_MEDIAN = 0.10


def compiled_section(results: Path = RESULTS) -> list[str]:
    """§5: the second GPU-bound workload (``decode-compiled``: TorchInductor + CUDA graph), scored by the power
    structures of §1 with the rule :data:`LINE_ADOPTION_MEDIAN` fixed before the data."""
    out = ["## 5. Second GPU-bound workload: the compiled decode (a test fixed before its data)", "",
           "The straight line from idle of §1 was chosen after seeing §1's rows. The test of it is a second GPU-bound "
           "decode: `benchmarks/gpu/transformer_energy.py --phases decode-graph,decode-compiled` (the static step "
           "compiled by TorchInductor and captured as a CUDA graph, as gpt-fast runs; the last step of "
           "`benchmarks/gpu/calibrate_and_transformer.sh`). The rule, fixed on 2026-12-04 before any such run: the "
           "`calibrate` profile path drops the vLLM serving floor for GPU-bound engines only if the line reproduces "
           f"the compiled decode's power within a median |error| of {100 * LINE_ADOPTION_MEDIAN:.0f} % and better "
           "than the current profile path; otherwise the structure stays and the result is recorded here.", ""]
    runs = sorted(results.glob("transformer_h200_*_compiled_*.json"))
    if not runs:
        return [*out, "Not yet measured (no GPU since the phase was written).", ""]
    path = runs[-1]
    stamp = path.stem.rsplit("_", 1)[-1]
    profile_path = results / f"calibration_h200_{stamp}.toml"
    if not profile_path.exists():
        profile_path = PROFILE
    measured = [r for r in json.loads(path.read_text(encoding="utf-8"))["rows"] if r["phase"] == "decode-compiled"]
    if not measured:
        return [*out, f"`{path.name}` has no `decode-compiled` row (the phase failed there: see its log).", ""]
    lines, errs, _times = power_rows(measured, profile_path)
    med = {k: statistics.median(abs(e) for e in v) for k, v in errs.items()}
    adopt = med["line"] <= LINE_ADOPTION_MEDIAN and med["line"] < med["floor"]
    batches = ", ".join(str(r["batch_size"]) for r in measured)
    out += [f"From `{path.name}` with the profile `{profile_path.name}`:", "",
            "| model | phase | batch | achieved TB/s | achieved TFLOP/s | measured W | shipped H200 terms | "
            "calibrate profile, serving floor (until 0.3.0) | calibrate profile, now: line from idle (**the test**) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
            *lines, "",
            f"Median |error|: shipped {100 * med['shipped']:.1f} %, calibrate profile with the serving floor "
            f"{100 * med['floor']:.1f} %, line from idle {100 * med['line']:.1f} % (the estimator now: "
            f"{100 * med['profile']:.1f} %). By the rule above the line **{'passes' if adopt else 'fails'}** (batch "
            f"sizes measured: {batches}).", "",
            "Carried into the soft cap instead (the floor dropped, the profile's energies re-expressed so that the "
            "cap reproduces its GEMM and copy powers), the same terms give a median |error| of "
            f"{100 * med['soft']:.1f} % on these rows: dropping the floor alone does not carry the line's result "
            "over. So the estimator has a "
            "second power structure, the straight line (`physics.Device.linear_power`, chosen in one place, "
            "`physics.dynamic_energy`), which `--engine cuda-graph` with a `calibrate` profile draws since 0.3.0 "
            "(`engines.engine_calibration`); without a profile, and with `vllm`, the soft cap above the serving "
            "floor stays. Evidence: two batch sizes of one model on one GPU; the notice `profile-engine-bias` says "
            "so on every such estimate.", ""]
    return out


def microbench_compare() -> list[str]:
    """The 2026-11-26 H200 micro-benchmarks (shipped H200 terms) beside this run's ``aifootprint calibrate``."""
    readings = RESULTS / f"calibration_h200_{RUN}_readings.csv"
    if not SHARED_MICROBENCH.exists() or not readings.exists():
        return []

    def mean_w(path: Path, gpu_prefix: str) -> dict[str, tuple[float, str]]:
        with path.open(encoding="utf-8") as fh:
            return {r["benchmark"]: (float(r["energy_j"]) / float(r["duration_s"]),
                                     r.get("achieved_gb_per_s") or r.get("achieved_tflop_per_s") or "")
                    for r in csv.DictReader(fh) if r["gpu"].startswith(gpu_prefix)}

    old, new = mean_w(SHARED_MICROBENCH, "NVIDIA H200"), mean_w(readings, "NVIDIA H200")
    out = ["## 4. The two H200 micro-benchmark runs", "",
           "Mean power (counter energy ÷ duration) of the same three benchmarks: the 2026-11-26 file the shipped H200 "
           "terms come from (so the model matches it by construction), and this run's `aifootprint calibrate` (same "
           "GPU model, driver and PyTorch; a reproduction for the shipped terms), beside the shipped model at the "
           "2026-12-04 run's measured rates.", "",
           "| benchmark | 2026-11-26 W | 2026-12-04 W | ratio | shipped model W | model ÷ 2026-12-04 |",
           "|---|---:|---:|---:|---:|---:|"]
    modelled = shipped_microbench_w(readings)
    for name in ("idle", "matmul_bf16", "hbm_copy"):
        if name in old and name in new:
            m = modelled.get(name, float("nan"))
            out.append(f"| {name} | {old[name][0]:.0f} | {new[name][0]:.0f} | {new[name][0] / old[name][0]:.2f} | "
                       f"{m:.0f} | {pct(m / new[name][0] - 1)} |")
    out += ["", "Idle and GEMM agree within 1 %; the copy does not: 397 W then, 635 W now, at the same 4.3 TB/s. "
            "The 2026-12-04 copy moves normally distributed data (`torch.empty(...).normal_()`); how the 2026-11-26 "
            "buffer was filled is not recorded (`SOURCE.md`: \"y.copy_(x) of a 4 GB bf16 tensor\"), and HBM energy "
            "depends on the bits toggled (a freshly allocated, zeroed buffer toggles few): a hypothesis not yet tested "
            "on these GPUs, with published support for compute kernels (the same GEMM's power moved by almost 40 % "
            "with its input values on GPUs, Gregersen, Patel & Choukse, SC24 Sustainable Supercomputing workshop, "
            "arXiv:2409.18324; up to 67 % for DGEMM on an A100, Bhalachandra et al. 2022, arXiv:2212.08805). "
            "`benchmarks/gpu/copy_contents.py` (in the GPU script) measures the copy with zeros, ones, normal and "
            "random-bit buffers: the test. "
            "The transformer decode sides with the new figure (§1: 121 W + 119.5 pJ/B gives the 8B decode within "
            "3 %, the old per-byte energy would give 264 W for a measured 396 W). The shipped H200 terms and the "
            "H100 copy row (over-predicted by 15 % in docs/validation.md) rest on the old file; re-measuring the H100 "
            "copy with random data is the test (issue 8, open item). Against the new run the shipped model "
            "under-predicts the copy by a third: its structure (a 278 W serving floor fitted on vLLM, a soft cap "
            "below the limit) reaches 398 W at full bandwidth, while this GPU draws 635 W copying random data and "
            "396 W at half that rate in decode — a straight line from idle. Rebuilding the H200 terms from the new "
            "copy with the same structure is what §1's column with the serving floor shows (26 %), so the "
            "structure, not the number, is what a GPU-bound engine needed changed: on a profile it now draws the "
            "line (§5).", ""]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "validation_h200.md")
    args = ap.parse_args()
    text = report()
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
