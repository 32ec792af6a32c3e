"""Score the estimator against every public measurement we have, in and out of sample; write ``docs/validation.md``.

Sections:

1. ML.ENERGY Leaderboard v3.0 (Chung et al., arXiv:2505.06371), every LLM configuration of lm-arena-chat, gpqa and
   sourcegraph-fim, accelerator boundary, ``vllm`` engine profile: energy per output token **and** average power per
   GPU, in-sample (the shipped calibration), leave-one-model-out (refit without the model's family), leave-one-task-out
   and cross-GPU (the H100 fit carried to B200 by datasheet, and the reverse: the rule every uncalibrated accelerator
   uses).
2. GPU micro-benchmarks (idle, bf16 GEMM, HBM copy on H100 and H200): the power model's reproduction of each.
3. Coverage: share of out-of-sample configurations inside the 5–95 % band, the band itself computed without them.
4.–7. Google's boundary split, published per-prompt disclosures, BLOOM, training runs (``_validation_cases.py``).

Only honest rows: a figure that matches by construction (an input derived from the published output) is labelled a
consistency check, never a reproduction. The ML.ENERGY measurements are read at run time and never shipped; only
derived errors are written.

Usage: ``python benchmarks/validation.py [--mlenergy PATH] [--out docs/validation.md] [--quick]``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import _calibration_fit as cf  # noqa: E402
import _validation_cases as vc  # noqa: E402

from aifootprint.estimate.calibration import load_calibration  # noqa: E402
from aifootprint.estimate.physics import step_time_energy  # noqa: E402

CREDIT = ("ML.ENERGY Leaderboard v3.0 (ml.energy/leaderboard, data of 2026-02-16), Chung et al., NeurIPS 2025 D&B, "
          "arXiv:2505.06371")
#: Targets of issue 8 (median |error|, coverage share).
TARGETS = {"lomo": 0.12, "cross": 0.15, "power": 0.08, "coverage": 0.85, "microbench": 0.10}


def pct(x: float) -> str:
    return f"{100 * x:+.1f} %"


def med(x: np.ndarray) -> float:
    return float(np.median(np.abs(x[np.isfinite(x)])))


def splits(configs: list[cf.Config], quick: bool) -> dict[str, dict[str, np.ndarray]]:
    """Per GPU key: measured / estimated arrays of energy per token and power per GPU for each split."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for gpu, key in cf.GPU_KEY.items():
        sub = [c for c in configs if c.gpu == gpu]
        w = cf.work(sub)
        spec = cf.get_spec(key)
        cal = load_calibration(key)
        t, e = cf.predict(w, cal)
        labels = np.array([f"{c.model_id} | {c.task} | {c.gpu} × {c.n} | {c.batch:.0f}" for c in sub])
        other = "b200" if key == "h100" else "h100"
        d = {"label": labels, "meas_e": w.energy_per_token_j, "meas_p": w.power_w_per_gpu, "in_e": e,
             "in_p": cf.power_per_gpu(w, t, e), "task": np.array([c.task for c in sub]),
             "family": np.array([cf.family(c.model_id) for c in sub])}
        tx, ex = cf.predict(w, cf.scale_to(load_calibration(other), spec))
        d["cross_e"], d["cross_p"] = ex, cf.power_per_gpu(w, tx, ex)
        if not quick:
            phi, kv = cal.compute_fraction, cal.cache_bandwidth_fraction
            d["lomo_e"], d["lomo_p"], d["lomo_pt"] = cf.held_out(sub, spec, phi, lambda c: cf.family(c.model_id),
                                                                 cache_fraction=kv)
            d["loto_e"], d["loto_p"], d["loto_pt"] = cf.held_out(sub, spec, phi, lambda c: c.task, cache_fraction=kv)
        d["in_pt"] = cf.power_given_time(w, cal)
        d["cross_pt"] = cf.power_given_time(w, cf.scale_to(load_calibration(other), spec))
        out[key] = d
    return out


def coverage(d: dict[str, np.ndarray]) -> float:
    """Share of leave-one-model-out configurations inside a 5–95 % band computed from the *other* families' LOMO
    ratios only (nested: the held-out family never shapes its own band)."""
    ratio = d["meas_e"] / d["lomo_e"]
    inside = np.zeros(len(ratio), bool)
    for fam in set(d["family"]):
        mask = d["family"] == fam
        lo, hi = cf.band(ratio[~mask])
        inside[mask] = (ratio[mask] >= lo) & (ratio[mask] <= hi)
    return float(inside.mean())


def mlenergy_section(res: dict[str, dict[str, np.ndarray]], quick: bool) -> tuple[list[str], dict[str, float]]:
    summary: dict[str, float] = {}
    out = ["## 1. ML.ENERGY Leaderboard v3.0 (accelerator boundary, `vllm` engine profile)", "",
           f"Source: {CREDIT}. Measurements read at run time; not shipped (no licence). Per configuration: "
           "`aifootprint.estimate.physics` with the model's published architecture and the measured average batch, "
           "mean output length, weight precision, GPU model and count. Prompt lengths are not published; assumed "
           f"means per task: {cf.TASK_INPUT_TOKENS} (status E). Errors are median |estimated ÷ measured − 1|.", "",
           "Average power per GPU is scored two ways. **End-to-end**: the modelled energy ÷ the *modelled* step time "
           "(time model and power model together, what an estimate does). **Power model alone**: the power model at "
           "the *measured* step time (achieved bytes/s, FLOP/s and sequence-steps/s = modelled work ÷ measured time), "
           "the test of the power model by itself that issue 8 asks for. The measured step time (average batch ÷ "
           "output throughput) and the measured power are separate measurements, so the second is not a match by "
           "construction; out of sample it is fitted without the held-out configurations like every other split.", "",
           "| GPU | split | configurations | energy per token | average power per GPU, end-to-end | average power per "
           "GPU, power model alone | what was fitted |",
           "|---|---|---:|---:|---:|---:|---|"]
    labels = [("in", "in-sample", "everything (consistency check, not a validation)"),
              ("lomo", "leave-one-model-out", "all other model families"),
              ("loto", "leave-one-task-out", "the other two tasks"),
              ("cross", "cross-GPU", "the other GPU only, carried over by datasheet")]
    for key, d in res.items():
        for split, name, fitted in labels:
            if f"{split}_e" not in d:
                continue
            ee = d[f"{split}_e"] / d["meas_e"] - 1.0
            pe = d[f"{split}_p"] / d["meas_p"] - 1.0
            pt = d[f"{split}_pt"] / d["meas_p"] - 1.0
            summary[f"{key}_{split}_e"], summary[f"{key}_{split}_p"] = med(ee), med(pe)
            summary[f"{key}_{split}_pt"] = med(pt)
            out.append(f"| {key.upper()} | {name} | {len(ee)} | {100 * med(ee):.1f} % | {100 * med(pe):.1f} % | "
                       f"{100 * med(pt):.1f} % | {fitted} |")
    for split in ("in", "lomo", "loto", "cross"):
        if all(f"{split}_e" in d for d in res.values()):
            ee = np.concatenate([d[f"{split}_e"] / d["meas_e"] - 1.0 for d in res.values()])
            pe = np.concatenate([d[f"{split}_p"] / d["meas_p"] - 1.0 for d in res.values()])
            pt = np.concatenate([d[f"{split}_pt"] / d["meas_p"] - 1.0 for d in res.values()])
            summary[f"{split}_e"], summary[f"{split}_p"], summary[f"{split}_pt"] = med(ee), med(pe), med(pt)
    if not quick:
        out += ["", "### Per task (leave-one-model-out)", "", "| GPU | task | energy per token | average power |",
                "|---|---|---:|---:|"]
        for key, d in res.items():
            for task in sorted(set(d["task"])):
                m = d["task"] == task
                out.append(f"| {key.upper()} | {task} | {100 * med(d['lomo_e'][m] / d['meas_e'][m] - 1):.1f} % | "
                           f"{100 * med(d['lomo_p'][m] / d['meas_p'][m] - 1):.1f} % |")
        out += ["", "### Per model family (leave-one-model-out, median signed error of energy per token)", "",
                "| family | H100 | B200 |", "|---|---:|---:|"]
        fams = sorted(set(np.concatenate([d["family"] for d in res.values()])))
        for fam in fams:
            cells = []
            for d in res.values():
                m = d["family"] == fam
                cells.append(pct(float(np.median(d["lomo_e"][m] / d["meas_e"][m] - 1))) if m.any() else "–")
            out.append(f"| {fam} | " + " | ".join(cells) + " |")
        out += ["", "### Every configuration (errors only; the measurements are not redistributed)", "",
                "<details><summary>estimated ÷ measured − 1, energy per token and average power per GPU</summary>",
                "", "| model | task | GPU × n | avg batch | energy in-sample | energy LOMO | power in-sample "
                "| power LOMO |",
                "|---|---|---|---:|---:|---:|---:|---:|"]
        for d in res.values():
            for k, lab in enumerate(d["label"]):
                out.append(f"| {lab} | {pct(d['in_e'][k] / d['meas_e'][k] - 1)} | "
                           f"{pct(d['lomo_e'][k] / d['meas_e'][k] - 1)} | {pct(d['in_p'][k] / d['meas_p'][k] - 1)} | "
                           f"{pct(d['lomo_p'][k] / d['meas_p'][k] - 1)} |")
        out += ["", "</details>"]
    out.append("")
    return out, summary


def microbench_section(bench: dict[str, cf.Bench]) -> tuple[list[str], dict[str, float]]:
    """The power model at each micro-benchmark's measured work rate, against its measured mean power."""
    out = ["## 2. GPU micro-benchmarks (aifootprint, 2026-11-26; idle, bf16 GEMM 8192², HBM copy)", "",
           "Modelled mean power at the benchmark's measured throughput vs NVML's measured mean power. H100: power "
           "terms fitted on ML.ENERGY serving power only, so GEMM and copy are **reproductions**; its idle figure and "
           "its compute fraction come from this file (**consistency checks**). H200: power terms derived from this "
           "file, so every H200 row is a **consistency check**.", "",
           "| GPU | benchmark | measured W | modelled W | error | kind |", "|---|---|---:|---:|---:|---|"]
    summary: dict[str, float] = {}
    errs = []
    for key, b in bench.items():
        cal = load_calibration(key)
        rows = [("idle", b.idle_w, cal.idle_power_w, "consistency (idle taken from this file)")]
        flops = b.gemm_flops_per_s * 1.0
        t, e = step_time_energy(flops, 3 * 8192**2 * 2 * flops / (2 * 8192**3), 1.0, cal.device())
        rows.append(("bf16 GEMM", b.gemm_w, e / t, "reproduction" if key == "h100" else "consistency"))
        p_copy = float(cf.power_at_rates(cal, b.copy_bytes_per_s))
        rows.append(("HBM copy", b.copy_w, p_copy, "reproduction" if key == "h100" else "consistency"))
        for name, meas, model, kind in rows:
            err = model / meas - 1.0
            if kind == "reproduction":
                errs.append(abs(err))
            summary[f"{key}_{name}"] = err
            out.append(f"| {key.upper()} | {name} | {meas:.0f} | {model:.0f} | {pct(err)} | {kind} |")
    summary["max_reproduction"] = max(errs) if errs else float("nan")
    out += ["", "P_base (power while serving) is not idle power: serving keeps clocks and HBM active, so the model "
            "uses the measured idle only for an idle accelerator.", ""]
    return out, summary


def coverage_section(res: dict[str, dict[str, np.ndarray]]) -> tuple[list[str], dict[str, float]]:
    out = ["## 3. Uncertainty band coverage (out of sample)", "",
           "The shipped 5–95 % band of each fitted GPU is the 5 % and 95 % quantiles of measured ÷ estimated over its "
           "leave-one-model-out estimates. To test it honestly, each model family's configurations are scored "
           "against a band computed from the *other* families only.", "",
           "| GPU | shipped band (× best) | nested coverage |", "|---|---|---:|"]
    summary: dict[str, float] = {}
    covs = []
    for key, d in res.items():
        c = coverage(d)
        covs.append((c, len(d["meas_e"])))
        cal = load_calibration(key)
        summary[f"{key}_coverage"] = c
        out.append(f"| {key.upper()} | {cal.band_low_factor:.2f}–{cal.band_high_factor:.2f} | {100 * c:.0f} % |")
    summary["coverage"] = sum(c * n for c, n in covs) / sum(n for _, n in covs)
    # cross-GPU band: from one direction, scored on the other
    h, b = res["h100"], res["b200"]
    rh, rb = h["meas_e"] / h["cross_e"], b["meas_e"] / b["cross_e"]

    def inside(r: np.ndarray, lo_hi: tuple[float, float]) -> float:
        return float(np.mean((r >= lo_hi[0]) & (r <= lo_hi[1])))

    sym = (inside(rb, cf.symmetric_band(rh)), inside(rh, cf.symmetric_band(rb)))
    quant = (inside(rb, cf.band(rh)), inside(rh, cf.band(rb)))
    summary["cross_coverage"] = sum(sym) / 2.0
    summary["cross_coverage_quantile_band"] = sum(quant) / 2.0
    h200 = load_calibration("h200")
    out += ["", f"Uncalibrated accelerators (H200's time terms, every datasheet-scaled GPU) carry the cross-GPU band "
            f"{h200.band_low_factor:.2f}–{h200.band_high_factor:.2f}: symmetric in log space "
            "(`_calibration_fit.symmetric_band`: the 90 % quantile of |log(measured ÷ estimated)| over both "
            "directions), because the sign of the carry-over error depends on the direction (B200→H100 over-estimates, "
            "H100→B200 under-estimates) and is unknown for an uncalibrated GPU. Scored the honest way — band from one "
            f"direction's errors, checked on the other's — it covers {100 * sym[0]:.0f} % (B200→H100 band on "
            f"H100→B200) and {100 * sym[1]:.0f} % (the reverse); the 5 % and 95 % quantiles used before cover "
            f"{100 * quant[0]:.0f} % and {100 * quant[1]:.0f} %.", ""]
    return out, summary


def twins_section(configs: list[cf.Config]) -> tuple[list[str], dict[str, float]]:
    """Cross-GPU floor: configurations measured on both GPUs with the same model, task, GPU count and batch cap."""
    per: dict[tuple[str, str, int, int], dict[str, list[cf.Config]]] = {}
    for c in configs:
        per.setdefault((c.model_id, c.task, c.n, c.max_num_seqs), {}).setdefault(c.gpu, []).append(c)
    pairs = [(v["H100"][0], v["B200"][0]) for v in per.values()
             if len(v.get("H100", [])) == 1 and len(v.get("B200", [])) == 1]
    if not pairs:
        return [], {}
    rt = np.array([b.step_time_s / h.step_time_s for h, b in pairs])
    re = np.array([b.energy_per_token_j / h.energy_per_token_j for h, b in pairs])
    pb = np.array([b.power_w / b.n for _, b in pairs])
    slow = rt > 1.0
    ks = np.exp(np.linspace(-3.0, 1.0, 4001))

    def floor(r: np.ndarray) -> tuple[float, float]:
        errs = [float(np.median(np.abs(k / r - 1.0))) for k in ks]
        j = int(np.argmin(errs))
        return errs[j], float(ks[j])

    ft, kt = floor(rt)
    fe, ke = floor(re)

    def floor_by(r: np.ndarray, keys: list[str]) -> float:  # one best factor per group: a per-regime oracle
        errs = np.zeros(len(r))
        for g in set(keys):
            m = np.array([k == g for k in keys])
            errs[m] = min((np.abs(k / r[m] - 1.0) for k in ks), key=lambda x: float(np.median(x)))
        return med(errs)

    fams = [f"{cf.family(h.model_id)} | {h.task}" for h, _ in pairs]
    fe_task = floor_by(re, [h.task for h, _ in pairs])
    fe_fam = floor_by(re, fams)
    # the datasheet rule's own B200 ÷ H100 ratio per pair (both GPUs modelled, the H100 fit carried to B200)
    wh, wb = cf.work([h for h, _ in pairs]), cf.work([b for _, b in pairs])
    h_cal = load_calibration("h100")
    _, eh = cf.predict(wh, h_cal)
    _, eb = cf.predict(wb, cf.scale_to(h_cal, cf.get_spec("b200")))
    model_ratio = eb / eh
    groups = sorted(set(fams))
    meas_g = np.array([np.median(re[[f == g for f in fams]]) for g in groups])
    model_g = np.array([np.median(model_ratio[[f == g for f in fams]]) for g in groups])
    rank_corr = float(np.corrcoef(np.argsort(np.argsort(meas_g)), np.argsort(np.argsort(model_g)))[0, 1])
    same_setup = sum(h.dp_ep == b.dp_ep and h.costs == b.costs for h, b in pairs)
    h, b = cf.get_spec("h100"), cf.get_spec("b200")
    bw, fl = h.bandwidth_gb_per_s / b.bandwidth_gb_per_s, h.bf16_dense_tflops / b.bf16_dense_tflops
    lo_t, hi_t = np.quantile(rt, [0.05, 0.95])
    summary = {"twins": float(len(pairs)), "twin_floor_e": fe, "twin_floor_t": ft, "twin_slow": float(slow.sum()),
               "twin_floor_e_task": fe_task, "twin_floor_e_family": fe_fam, "twin_rank_corr": rank_corr}
    out = ["### Cross-GPU: what the same work measures on both GPUs", "",
           f"{len(pairs)} configurations were measured on both GPUs with the same model, task, GPU count and batch cap "
           f"(the same work per step, up to the batch actually reached; {same_setup} of them with the same "
           "parallelism and weight precision too, and the table publishes no other per-run setting: vLLM 0.11.1 on "
           "both GPUs, no driver or host CPU column). By datasheet a B200 step should take "
           f"{bw:.2f}× (bandwidth-bound) to {fl:.2f}× (compute-bound) of the H100 step. Measured (B200 ÷ H100):", "",
           "| quantity | value |", "|---|---:|",
           f"| step time, median (5–95 %) | {np.median(rt):.2f}× ({lo_t:.2f}–{hi_t:.2f}×) |",
           f"| configurations where the B200 step is *slower* than the H100 step | {int(slow.sum())} of {len(pairs)} |",
           f"| their median B200 power per GPU (limit 1,000 W) | {np.median(pb[slow]):.0f} W |" if slow.any() else
           "| their median B200 power per GPU | – |",
           f"| median B200 power per GPU of the others | {np.median(pb[~slow]):.0f} W |",
           f"| best single B200 ÷ H100 factor for step time (any rule that maps one GPU to the other by one "
           f"factor, fed the *measured* H100 times), median abs error | {100 * ft:.1f} % (factor {kt:.2f}) |",
           f"| same for energy per token | {100 * fe:.1f} % (factor {ke:.2f}) |",
           f"| same, one best factor per task | {100 * fe_task:.1f} % |",
           f"| same, one best factor per model family and task ({len(groups)} groups: a per-regime oracle) | "
           f"{100 * fe_fam:.1f} % |",
           f"| measured B200 ÷ H100 energy ratio per family and task, median (range) | {np.median(meas_g):.2f} "
           f"({meas_g.min():.2f}–{meas_g.max():.2f}) |",
           f"| the datasheet rule's modelled ratio (H100 fit, and its carry-over to B200), same groups | "
           f"{np.median(model_g):.2f} ({model_g.min():.2f}–{model_g.max():.2f}) |",
           f"| rank correlation of the two across the {len(groups)} groups | {rank_corr:+.2f} |", "",
           "A B200 step cannot be slower than an H100 step doing the same work for a physical reason (it has "
           f"{1 / bw:.1f}× the bandwidth and {1 / fl:.1f}× the compute): where it is, the B200 waits at low power for "
           "vLLM 0.11.1's host side. Even a rule that knew every H100 measurement exactly and carried it to the B200 "
           "with the best possible single factor would miss energy per token by the median shown; a one-factor "
           "datasheet rule fed a *model* of the H100 cannot expect to do better on these pairs. "
           + (f"For step time this floor ({100 * ft:.1f} %) is above the cross-GPU target (15 %) by itself; for "
              f"energy per token ({100 * fe:.1f} %) it leaves {100 * (0.15 - fe):.1f} points for the H100 model's own "
              "error and the datasheet power rule together." if fe < 0.15 else
              f"The floor ({100 * fe:.1f} %) is above the cross-GPU target (15 %) by itself."),
           "",
           "The single factor is not a hard floor for a *model*: a rule may treat regimes differently, and one factor "
           f"per model family and task would reach {100 * fe_fam:.1f} %. But the regimes that differ are not the ones "
           "a datasheet separates: the measured ratio ranges from "
           f"{meas_g.min():.2f} to {meas_g.max():.2f} between groups (GPQA's long contexts on small models are "
           "1.3–1.9× *dearer* on the B200), while the datasheet rule, which already models the host time, the "
           f"bandwidth- and compute-bound parts and the power cap of each configuration, gives {model_g.min():.2f}–"
           f"{model_g.max():.2f} with a rank correlation of {rank_corr:+.2f}: it does not know which families the "
           "B200's software serves slowly.", ""]
    return out, summary


def cross_rules_section(configs: list[cf.Config]) -> tuple[list[str], dict[str, float]]:
    """Every carry-over rule of the power terms (:class:`_calibration_fit.ScaleRule`, 36 combinations) scored on the
    cross-GPU split, and diagnostics that borrow fitted terms of the *scored* GPU (not validations: they show which
    missing knowledge the error comes from)."""
    ws = {k: cf.work([c for c in configs if cf.GPU_KEY[c.gpu] == k]) for k in ("h100", "b200")}
    cals = {k: load_calibration(k) for k in ws}
    specs = {k: cf.get_spec(k) for k in ws}

    def score(make: Any) -> tuple[float, float, float, float, float]:
        errs, per, alone = [], {}, {}
        for src, dst in (("h100", "b200"), ("b200", "h100")):
            cal = make(src, dst)
            _, e = cf.predict(ws[dst], cal)
            err = e / ws[dst].energy_per_token_j - 1.0
            errs.append(err)
            per[dst] = med(err)
            alone[dst] = med(cf.power_given_time(ws[dst], cal) / ws[dst].power_w_per_gpu - 1.0)
        return med(np.concatenate(errs)), per["h100"], per["b200"], alone["h100"], alone["b200"]

    def rule_maker(rule: cf.ScaleRule) -> Any:
        return lambda src, dst: cf.scale_to(cals[src], specs[dst], rule)

    choices = [cf.ScaleRule(bp, ef, eb, es) for bp in ("limit", "same") for ef in ("headroom", "same")
               for eb in ("headroom", "same") for es in ("limit", "per-op", "same")]
    scored = {r: score(rule_maker(r)) for r in choices}
    shipped = scored[cf.SHIPPED_RULE]
    best_rule = min(scored, key=lambda r: scored[r][0])
    named = [("shipped: every power term keeps its share of the power limit", cf.SHIPPED_RULE),
             ("energy per FLOP in J (same process-node class, TSMC 4N / 4NP)", cf.ScaleRule(energy_per_flop="same")),
             ("energy per byte in J (HBM energy per bit as a constant; the micro-benchmarks contradict it: H100→H200 "
              "copy energy per byte −26 %)", cf.ScaleRule(energy_per_byte="same")),
             ("per-sequence energy like the energy per FLOP", cf.ScaleRule(seq_energy="per-op")),
             ("base power in W (not ∝ power limit)", cf.ScaleRule(base_power="same")),
             ("every power term in its own unit (W, J per operation)", cf.ScaleRule("same", "same", "same", "same")),
             (f"best of the {len(choices)} combinations, **chosen on these very scores** (an optimistic bound, not a "
              f"validation): {best_rule}", best_rule)]
    diag = [("time terms of the scored GPU's own fit, power carried over", cf.TIME_TERMS),
            ("power terms of the scored GPU's own fit, time carried over", cf.POWER_TERMS),
            ("host terms (per step, sequence, layer) of the scored GPU's own fit",
             ("step_overhead_s", "seq_overhead_s", "layer_overhead_s")),
            ("per-layer host time of the scored GPU's own fit", ("layer_overhead_s",))]
    out = ["### Cross-GPU: carry-over rules tried", "",
           "Each row carries the H100 fit to the B200 and the B200 fit to the H100 by a rule for the power terms "
           "(`_calibration_fit.ScaleRule`; the time terms — achievable fractions, host seconds, all-reduce latency — "
           "always carry over unchanged, the all-reduce bandwidth is the target's own NVLink rate from the hardware "
           "registry) and scores energy per output token on the other GPU's configurations. "
           "Diagnostic rows borrow fitted terms of the GPU being scored: they are fitted to the figure they are "
           "scored on and only show where the error comes from.", "",
           "| rule | pooled | H100 scored | B200 scored | power model alone, H100 | same, B200 |",
           "|---|---:|---:|---:|---:|---:|"]

    def row(label: str, v: tuple[float, ...]) -> str:
        return f"| {label} | " + " | ".join(f"{100 * x:.1f} %" for x in v) + " |"

    out += [row(label, scored[r]) for label, r in named]
    # hindsight search: power rule × host seconds × achievable bandwidth fraction, each applied in both directions
    hosts, phis = (0.0, 0.5, 1.0, 1.5, 2.0), (0.8, 0.9, 1.0, 1.1)

    def knob_maker(rule: cf.ScaleRule, kh: float, km: float) -> Any:
        def make(src: str, dst: str) -> Any:
            c = cf.scale_to(cals[src], specs[dst], rule)
            return replace(c, step_overhead_s=kh * c.step_overhead_s, seq_overhead_s=kh * c.seq_overhead_s,
                           layer_overhead_s=kh * c.layer_overhead_s,
                           bandwidth_fraction=min(1.0, km * c.bandwidth_fraction))
        return make

    grid = {(r, kh, km): score(knob_maker(r, kh, km)) for r in choices for kh in hosts for km in phis}
    g_best = min(grid, key=lambda k: grid[k][0])
    on_b = min(grid, key=lambda k: grid[k][2])  # picked on the B200-scored half (H100 fit carried to B200)
    on_h = min(grid, key=lambda k: grid[k][1])  # picked on the H100-scored half

    def knobs(k: tuple[cf.ScaleRule, float, float]) -> str:
        r, kh, km = k
        return (f"base {r.base_power}, per FLOP {r.energy_per_flop}, per byte {r.energy_per_byte}, per sequence "
                f"{r.seq_energy}; host seconds ×{kh:g}, bandwidth fraction ×{km:g}")

    out.append(row(f"best of {len(grid)} variants ({len(choices)} power rules × host seconds ×{hosts} × bandwidth "
                   f"fraction ×{phis}), **chosen on these very scores**: {knobs(g_best)}", grid[g_best]))
    out.append(row(f"the variant picked on the B200-scored half only ({knobs(on_b)})", grid[on_b]))
    out.append(row(f"the variant picked on the H100-scored half only ({knobs(on_h)})", grid[on_h]))
    diag_scores = {label: score(lambda src, dst, f=fields: cf.with_terms_of(
        cf.scale_to(cals[src], specs[dst]), cals[dst], f)) for label, fields in diag}
    out += [row(f"*diagnostic*: {label}", v) for label, v in diag_scores.items()]
    power_oracle = diag_scores[diag[1][0]][0]
    out += ["", f"No rule for the power terms reaches the target: the best of all {len(choices)} combinations, "
            f"picked with hindsight, is at {100 * scored[best_rule][0]:.1f} %, and the one the micro-benchmarks "
            f"support is the shipped one ({100 * shipped[0]:.1f} %). With the scored GPU's *own* power terms the "
            f"carried-over time model would be at {100 * power_oracle:.1f} %: what is missing is the target's power "
            "decomposition (how much of its draw is a floor and how much scales with bytes) and its per-layer host "
            "time, neither of which a datasheet or the leaderboard's run metadata (GPU model and count; vLLM 0.11.1 "
            f"on both) carries. Searching {len(grid)} variants of the rule with hindsight does get below the target "
            f"({100 * grid[g_best][0]:.1f} %), but only with a constant energy per byte (contradicted by the "
            "micro-benchmarks) and knobs that are fits, not transferable rules (the best one makes whichever GPU the "
            f"calibration is carried to reach ×{g_best[2]:g} of the source's bandwidth fraction and spend "
            f"×{g_best[1]:g} its host seconds, in both directions, where the two fits find bandwidth fractions of "
            f"{cals['h100'].bandwidth_fraction:.2f} and {cals['b200'].bandwidth_fraction:.2f}): picked on one "
            f"direction and scored on the other, they give {100 * grid[on_b][1]:.1f} % on the H100 (picked on the "
            f"B200-scored half) and {100 * grid[on_h][2]:.1f} % on the B200 (picked on the H100-scored half) — with "
            "two GPUs, a rule chosen on the cross-GPU score is a two-point fit.",
            ""]
    summary = {"cross_best_rule": scored[best_rule][0], "cross_power_oracle": power_oracle,
               "cross_best_variant": grid[g_best][0], "cross_picked_on_b200": grid[on_b][1],
               "cross_picked_on_h100": grid[on_h][2],
               "cross_time_oracle": diag_scores[diag[0][0]][0], "cross_layer_oracle": diag_scores[diag[3][0]][0]}
    return out, summary


def summary_lines(s: dict[str, float], quick: bool) -> list[str]:
    def verdict(v: float, target: float, higher: bool = False) -> str:
        ok = v >= target if higher else v <= target
        return "met" if ok else f"**missed** by {100 * abs(v - target):.1f} points"

    out = ["## Summary", "", "| figure | value | target | verdict |", "|---|---:|---:|---|"]
    if not quick:
        out.append(f"| ML.ENERGY leave-one-model-out, median abs error of energy per token | {100 * s['lomo_e']:.1f} % "
                   f"| ≤ 12 % | {verdict(s['lomo_e'], TARGETS['lomo'])} |")
        out.append(f"| ML.ENERGY leave-one-task-out, same | {100 * s['loto_e']:.1f} % | – | – |")
    out.append(f"| ML.ENERGY cross-GPU (H100→B200 and B200→H100), same | {100 * s['cross_e']:.1f} % | ≤ 15 % | "
               f"{verdict(s['cross_e'], TARGETS['cross'])} |")
    split = "in" if quick else "lomo"
    tag = "in-sample" if quick else "LOMO"
    out.append(f"| ML.ENERGY average power per GPU, **power model alone** at the measured step time ({tag}): the "
               f"figure the target is judged on | {100 * s[split + '_pt']:.1f} % | ≤ 8 % | "
               f"{verdict(s[split + '_pt'], TARGETS['power'])} |")
    out.append(f"| ML.ENERGY average power per GPU, end-to-end: power model at the *modelled* step time ({tag}) | "
               f"{100 * s[split + '_p']:.1f} % | (≤ 8 %) | {verdict(s[split + '_p'], TARGETS['power'])} |")
    if not quick:
        out.append(f"| 5–95 % band coverage out of sample (nested LOMO) | {100 * s['coverage']:.1f} % | ≥ 85 % | "
                   f"{verdict(s['coverage'], TARGETS['coverage'], higher=True)} |")
    if "max_reproduction" in s:
        out.append(f"| micro-benchmarks (H100 GEMM and copy power), worst abs error | "
                   f"{100 * s['max_reproduction']:.1f} % | ≤ 10 % | "
                   f"{verdict(s['max_reproduction'], TARGETS['microbench'])} |")
    out.append(f"| in-sample energy per token (consistency check only) | {100 * s['in_e']:.1f} % | – | – |")
    if not quick:
        h1, b2 = load_calibration("h100"), load_calibration("b200")
        out += ["", "Where the targets are missed, and why (per-GPU figures in §1–3):", "",
                f"- Leave-one-model-out ({100 * s['lomo_e']:.1f} %"
                + (", met" if s['lomo_e'] <= TARGETS['lomo'] else "") + f"): H100 {100 * s['h100_lomo_e']:.1f} %, "
                f"B200 {100 * s['b200_lomo_e']:.1f} %"
                + ("; the H100 alone meets the target. " if s['h100_lomo_e'] <= TARGETS['lomo'] else ". ")
                + "B200 runs of vLLM "
                "0.11.1 include steps several times longer than bandwidth or compute allow while the board draws "
                "~300 W of its 1,000 W (long GPQA contexts at small batch: the same configurations run 2–3× *faster* "
                "on the H100, §1 'Cross-GPU') and FP8 MoE runs (Qwen3-Coder-480B-FP8 on code completion) 7× slower "
                "than their FLOPs and bytes: software, not physics, and each family's slowness is its own, so a "
                "model held out cannot learn it from the others. vLLM's FP8 MoE kernels are no faster than bf16, which "
                "the `vllm` profile models (`engines.FP8_MOE_READ_FACTOR`), and its expert GEMMs run at "
                f"{100 / (1 + h1.expert_compute_overhead):.0f} % (H100) and "
                f"{100 / (1 + b2.expert_compute_overhead):.0f} % (B200) of the dense GEMM rate "
                "(`vllm_expert_compute_overhead`, fitted on the MoE configurations only); prompt lengths are assumed "
                "per task "
                f"(leave-one-task-out {100 * s['loto_e']:.1f} %). The shipped fit (soft power cap, step-time terms "
                "by least absolute deviation) reached 11.9 % with the all-reduce bandwidth fitted freely, but that "
                "bandwidth came out at 189 GB/s on 8 × H100, under half of what NVLink 4 and nccl-tests give (a "
                "fitted term absorbing other step time, which moved GPT-4o with a 9k prompt by +78 %); fixed at "
                f"NVLink's {h1.allreduce_bytes_per_s / 1e9:.0f} GB/s (H100) and {b2.allreduce_bytes_per_s / 1e9:.0f} "
                "GB/s (B200) it was 12.4 % (docs/methodology/inference.md §3 (o), (p), (s)). KV-cache and "
                "recurrent-state traffic read at the HBM copy bandwidth (the micro-benchmark's "
                f"{100 * h1.cache_bandwidth_fraction:.0f} % of datasheet on H100, measured, not fitted; B200 the same, "
                "assumed) instead of the fitted weight-read bandwidth gives the figure above (§3 (w)); the refits' "
                "choice of the weight-read fraction on a grid moves it by a few tenths of a point (on a 24-point grid "
                "instead of the 12 used here: 12.1 %, was 12.8 %; §3 (v)).",
                f"- Cross-GPU ({100 * s['cross_e']:.1f} %): the fitted time terms differ in kind between the GPUs, not "
                f"in scale: B200 steps carry {1e6 * b2.layer_overhead_s:.0f} µs of host time per model layer, H100 "
                f"steps {1e6 * h1.layer_overhead_s:.0f} µs — vLLM 0.11.1 does work "
                "on B200 that it does not on H100, a property of the software stack on that GPU which a datasheet "
                "rule cannot carry over. The rule carries each GPU's own NVLink rate (B200 900 GB/s, H100 450 GB/s, "
                "hardware registry); with the source GPU's rate, as before, the figure was 23.9 %. "
                "The configurations measured on both GPUs (§1, 'Cross-GPU') bound what any "
                "rule can do: in "
                f"{s.get('twin_slow', 0):.0f} of {s.get('twins', 0):.0f} the B200 is *slower* than the H100 on the "
                "same work, and even the best single B200 ÷ H100 factor applied to the *measured* H100 values misses "
                f"energy per token by {100 * s.get('twin_floor_e', float('nan')):.1f} % (step time "
                f"{100 * s.get('twin_floor_t', float('nan')):.1f} %) — before any modelling error of the H100 "
                "itself and of the datasheet power rule (power model alone, cross-GPU: H100 "
                f"{100 * s['h100_cross_pt']:.1f} %, B200 {100 * s['b200_cross_pt']:.1f} %). One factor is not a hard "
                "floor for a model (one per model family and task would reach "
                f"{100 * s.get('twin_floor_e_family', float('nan')):.1f} %), but the families the B200 serves dearly "
                "are not those a datasheet separates (rank correlation of the modelled and measured B200 ÷ H100 ratio "
                f"across families {s.get('twin_rank_corr', float('nan')):+.2f}). Every carry-over rule for the "
                "power terms was scored (§1, 'carry-over rules tried'): the best, picked with hindsight on these "
                f"scores, is at {100 * s.get('cross_best_rule', float('nan')):.1f} % and uses a constant energy per "
                "byte that the H100→H200 micro-benchmarks contradict; adding host-time and bandwidth-fraction knobs, "
                f"a hindsight search reaches {100 * s.get('cross_best_variant', float('nan')):.1f} %, but knobs "
                "picked on one direction give "
                f"{100 * s.get('cross_picked_on_b200', float('nan')):.1f} % and "
                f"{100 * s.get('cross_picked_on_h100', float('nan')):.1f} % on the other (a two-GPU fit, not a "
                "rule); with the scored GPU's own power terms "
                f"(a diagnostic, fitted to the scored figure) the carried-over time model would reach "
                f"{100 * s.get('cross_power_oracle', float('nan')):.1f} %. What a 15 % rule needs is the target's "
                "power split between floor and per-byte energy and its per-layer host time, which neither the "
                "datasheet nor the run metadata carries: this is the error to expect on an uncalibrated GPU, which "
                "is why those carry the cross-GPU band (and why `aifootprint calibrate` exists: it measures the "
                "power split on the user's own GPU).",
                f"- Average power: the power model alone (measured step time, out of sample) is at "
                f"{100 * s['lomo_pt']:.1f} % (H100 {100 * s['h100_lomo_pt']:.1f} %, B200 "
                f"{100 * s['b200_lomo_pt']:.1f} %); end-to-end, with the *modelled* step time, "
                f"{100 * s['lomo_p']:.1f} % (H100 {100 * s['h100_lomo_p']:.1f} %, B200 "
                f"{100 * s['b200_lomo_p']:.1f} %). The target is judged on the power model alone because issue 8 "
                "defines the power model as a regression of measured power on the achieved rates (modelled work ÷ "
                "measured time) and asks for the time and power models to be testable separately; the time model's "
                "error is already judged by the energy-per-token rows, and the end-to-end row counts it a second "
                "time (B200's slow software steps most: a step predicted too short puts the same dynamic energy "
                "into less time). The power model is a soft power cap (`P = P_base + H (1 − exp(−d/H))`, `H = "
                "P_limit − P_base`: DVFS lowers voltage as well as clocks near the limit, so power bends below the "
                "straight line); with the straight line `min(P_base + d, P_limit)` the same fit gave 9.2 % "
                "(docs/methodology/inference.md §3 (o)). What remains: FP8 configurations draw more power than "
                "modelled (§3 (r)) and B200's host-bound steps at small batch.",
                "- Micro-benchmarks: the H100 GEMM power is reproduced within "
                f"{100 * abs(s.get('h100_bf16 GEMM', float('nan'))):.1f} % (the soft cap bends it below the limit) "
                f"and the HBM copy is over-predicted by {100 * s.get('h100_HBM copy', float('nan')):+.1f} %: "
                "ML.ENERGY's serving power needs a floor above idle while serving (P_base "
                f"{h1.base_power_w:.0f} W against {h1.idle_power_w:.0f} W idle), which the 5-second copy does not "
                "show. Fixing the per-byte and per-FLOP energy at the micro-benchmark values and fitting only the "
                "floor keeps the floor (249 W on H100 with the straight line) and worsens leave-one-model-out to "
                "17.8 %; charging tensor-core work at padded tile sizes does not lower it either "
                "(docs/methodology/inference.md §3), so the serving fit is kept. Untested hypothesis: the "
                "micro-benchmarks ran a few seconds after idle on a cool die, the serving measurements in thermal "
                "steady state (leakage grows with temperature). A second one, with evidence behind it: the copy's "
                "data. An H200 copy of random data (2026-12-04) drew 635 W where the micro-benchmark file's H200 "
                "copy drew 397 W at the same bandwidth; how that file's buffers were filled is not recorded, and HBM "
                "energy depends on the bits toggled (docs/validation_h200.md §4). Re-measuring the H100 copy with "
                "random data (`benchmarks/gpu/copy_contents.py`) is the test; it needs a GPU, and none has been "
                "lent since.",
                ]
    return [*out, ""]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mlenergy", type=Path, default=cf.DEFAULT_MLE)
    ap.add_argument("--microbench", type=Path, default=cf.DEFAULT_MICROBENCH)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "validation.md")
    ap.add_argument("--quick", action="store_true", help="skip the leave-one-out refits")
    args = ap.parse_args(argv)
    head = ["# Validation: estimates against public measurements", "",
            "Generated by `python benchmarks/validation.py` — do not edit by hand. Method: "
            "[docs/methodology/inference.md](methodology/inference.md). Rows are labelled **reproduction** (data the "
            "estimator was not fitted to) or **consistency check** (matches partly by construction).", ""]
    summary: dict[str, float] = {}
    body: list[str] = []
    cov: list[str] = []
    if args.mlenergy.exists():
        configs = cf.load_mle(args.mlenergy)
        res = splits(configs, args.quick)
        sec, s1 = mlenergy_section(res, args.quick)
        tw, s4 = twins_section(configs)
        rules, s5 = cross_rules_section(configs)
        body += sec + tw + rules
        summary.update(s1)
        summary.update(s4)
        summary.update(s5)
        if not args.quick:
            cov, s3 = coverage_section(res)
            summary.update(s3)
    else:
        body += ["## 1. ML.ENERGY Leaderboard v3.0", "", f"Skipped: `{args.mlenergy}` not found.", ""]
    bench = cf.load_microbench(args.microbench)
    mb, s2 = microbench_section(bench) if bench else ([], {})
    summary.update(s2)
    body += mb + cov
    cases: list[Any] = [vc.boundary_case(), *vc.disclosure_cases(), *vc.other_cases()]
    for part in cases:
        body += part
    top = summary_lines(summary, args.quick) if "in_e" in summary else []
    text = "\n".join(head + top + body) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print("\n".join(top))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
