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
        d = {"label": labels, "meas_e": w.energy_per_token_j, "meas_p": w.power_w_per_gpu, "in_e": e,
             "in_p": cf.power_per_gpu(w, t, e), "task": np.array([c.task for c in sub]),
             "family": np.array([cf.family(c.model_id) for c in sub])}
        other = "b200" if key == "h100" else "h100"
        tx, ex = cf.predict(w, cf.scale_to(load_calibration(other), spec))
        d["cross_e"], d["cross_p"] = ex, cf.power_per_gpu(w, tx, ex)
        if not quick:
            phi = cal.compute_fraction
            d["lomo_e"], d["lomo_p"] = cf.held_out(sub, spec, phi, lambda c: cf.family(c.model_id))
            d["loto_e"], d["loto_p"] = cf.held_out(sub, spec, phi, lambda c: c.task)
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
           "| GPU | split | configurations | energy per token | average power per GPU | what was fitted |",
           "|---|---|---:|---:|---:|---|"]
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
            summary[f"{key}_{split}_e"], summary[f"{key}_{split}_p"] = med(ee), med(pe)
            out.append(f"| {key.upper()} | {name} | {len(ee)} | {100 * med(ee):.1f} % | {100 * med(pe):.1f} % | "
                       f"{fitted} |")
    for split in ("in", "lomo", "loto", "cross"):
        if all(f"{split}_e" in d for d in res.values()):
            ee = np.concatenate([d[f"{split}_e"] / d["meas_e"] - 1.0 for d in res.values()])
            pe = np.concatenate([d[f"{split}_p"] / d["meas_p"] - 1.0 for d in res.values()])
            summary[f"{split}_e"], summary[f"{split}_p"] = med(ee), med(pe)
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
        p_copy = cal.base_power_w + cal.energy_per_byte_j * b.copy_bytes_per_s
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
    lo, hi = cf.band(h["meas_e"] / h["cross_e"])
    r = b["meas_e"] / b["cross_e"]
    cross_cov = float(np.mean((r >= lo) & (r <= hi)))
    summary["cross_coverage"] = cross_cov
    h200 = load_calibration("h200")
    out += ["", f"Uncalibrated accelerators (H200's time terms, every datasheet-scaled GPU) carry the cross-GPU band "
            f"{h200.band_low_factor:.2f}–{h200.band_high_factor:.2f}. Scored the same way (band from B200→H100 errors, "
            f"checked on H100→B200): {100 * cross_cov:.0f} % coverage.", ""]
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
    pw = s["lomo_p"] if not quick else s["in_p"]
    out.append(f"| ML.ENERGY average power per GPU, median abs error ({'in-sample' if quick else 'LOMO'}) | "
               f"{100 * pw:.1f} % | ≤ 8 % | {verdict(pw, TARGETS['power'])} |")
    if not quick:
        out.append(f"| 5–95 % band coverage out of sample (nested LOMO) | {100 * s['coverage']:.1f} % | ≥ 85 % | "
                   f"{verdict(s['coverage'], TARGETS['coverage'], higher=True)} |")
    if "max_reproduction" in s:
        out.append(f"| micro-benchmarks (H100 GEMM and copy power), worst abs error | "
                   f"{100 * s['max_reproduction']:.1f} % | ≤ 10 % | "
                   f"{verdict(s['max_reproduction'], TARGETS['microbench'])} |")
    out.append(f"| in-sample energy per token (consistency check only) | {100 * s['in_e']:.1f} % | – | – |")
    if not quick:
        out += ["", "Where the targets are missed, and why (per-GPU figures in §1–3):", "",
                f"- Leave-one-model-out: H100 {100 * s['h100_lomo_e']:.1f} %, B200 {100 * s['b200_lomo_e']:.1f} %. "
                "B200 runs of vLLM 0.11.1 include steps several times longer than bandwidth or compute allow at the "
                "board drawing 300 W (GPQA at small batch) and FP8 MoE runs (Qwen3-Coder-480B-FP8 on code completion) "
                "that are 7× slower than their FLOPs and bytes: software, not physics. vLLM's FP8 MoE kernels are no "
                "faster than bf16, which the `vllm` profile now models (FP8 expert reads at bf16 cost, "
                "`engines.FP8_MOE_READ_FACTOR`); prompt lengths are assumed per task (leave-one-task-out "
                f"{100 * s['loto_e']:.1f} %).",
                f"- Cross-GPU ({100 * s['cross_e']:.1f} %): with a host time per model layer in the `vllm` profile "
                f"the time fit finds nearly the same achievable decode bandwidth on both GPUs (B200 "
                f"{100 * load_calibration('b200').bandwidth_fraction:.0f} %, H100 "
                f"{100 * load_calibration('h100').bandwidth_fraction:.0f} % of datasheet), but B200 steps carry "
                f"{1e6 * load_calibration('b200').layer_overhead_s:.0f} µs of host time per layer and H100 steps "
                f"{1e6 * load_calibration('h100').layer_overhead_s:.0f} µs: vLLM 0.11.1 launches per-layer work on "
                "B200 that it does not on H100, a property of the software stack on that GPU, not of the engine "
                "alone, which a datasheet rule cannot carry over. This is the error to expect on an uncalibrated "
                "GPU, which is why those carry the cross-GPU band (and why `aifootprint calibrate` exists).",
                f"- Average power ({100 * s['lomo_p']:.1f} % out of sample; H100 {100 * s['h100_lomo_p']:.1f} %, B200 "
                f"{100 * s['b200_lomo_p']:.1f} %): power is predicted from the *modelled* step time, so the time "
                "errors above carry over (B200's most); the H100 target is nearly met.",
                "- Micro-benchmarks: the GEMM power is reproduced; the HBM copy is over-predicted because ML.ENERGY's "
                "serving power needs an activity floor well above idle while kernels run (P_base "
                f"{load_calibration('h100').base_power_w:.0f} W against {load_calibration('h100').idle_power_w:.0f} W "
                "idle), which a plain copy kernel does not show. Fixing the per-byte and per-FLOP energy at the "
                "micro-benchmark values and fitting only the floor keeps the floor (249 W on H100) and worsens "
                "leave-one-model-out to 17.8 % (docs/methodology/inference.md §3), so the serving fit is kept.",
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
        res = splits(cf.load_mle(args.mlenergy), args.quick)
        sec, s1 = mlenergy_section(res, args.quick)
        body += sec
        summary.update(s1)
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
