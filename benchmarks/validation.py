"""Compare aifootprint's estimates with every public measurement we have; write ``docs/validation.md``.

Cases:

1. ML.ENERGY Leaderboard v3.0 (Chung et al., arXiv:2505.06371): every LLM configuration of lm-arena-chat, gpqa and
   sourcegraph-fim — energy per output token at the measured average batch, GPU model and count, accelerator
   boundary. In-sample (shipped calibration) and leave-one-model-out (refit without the model's family).
2. Google's Gemini boundary split (GO25): the structure accelerator → host → idle → overhead.
3. Epoch AI's GPT-4o case (EP25): 0.3 Wh for 500 output tokens; 2.5 Wh with a 10k-token input.
4. BLOOM API (BL22 via DV23): 3.96 Wh per request, 16 A100 40GB, batch ~1.
5. Training runs, each with its publisher's method (Llama model cards, GPT-3, BLOOM, OPT).

Usage: ``python benchmarks/validation.py [--mlenergy PATH] [--out docs/validation.md] [--quick]``. The ML.ENERGY
measurements are read at run time and never shipped; only derived errors are written.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import build_calibration as bc  # noqa: E402

from aifootprint.estimate.calibration import load_calibration  # noqa: E402
from aifootprint.estimate.inference import RequestConfig, RequestEstimator  # noqa: E402
from aifootprint.estimate.training import TrainingSpec, estimate_training_point  # noqa: E402

CREDIT = ("ML.ENERGY Leaderboard v3.0 (ml.energy/leaderboard, data of 2026-02-16), Chung et al., NeurIPS 2025 D&B, "
          "arXiv:2505.06371")


def family(model_id: str) -> str:
    """Model family for leave-one-model-out: FP8 / Thinking / Instruct variants share one architecture entry."""
    for prefix in bc.MLE_ARCHS:
        if model_id.startswith(prefix):
            return prefix
    return model_id


def pct(x: float) -> str:
    return f"{100 * x:+.1f} %"


def mlenergy(path: Path, quick: bool) -> tuple[list[str], dict[str, float]]:
    """Case 1: returns markdown lines and summary figures."""
    configs = bc.load_mle(path)
    in_err = np.zeros(len(configs))
    lomo_err = np.full(len(configs), np.nan)
    est = np.zeros(len(configs))
    index = {id(c): k for k, c in enumerate(configs)}
    for gpu, key in bc.GPU_KEY.items():
        sub = [c for c in configs if c.gpu == gpu]
        cal = load_calibration(key)  # the shipped calibration (in-sample)
        _, e = bc.predict(sub, cal)
        for c, v in zip(sub, e, strict=True):
            est[index[id(c)]] = v
            in_err[index[id(c)]] = v / c.energy_per_token_j - 1.0
        if quick:
            continue
        spec = bc.get_spec(key)
        for fam in sorted({family(c.model_id) for c in sub}):
            train = [c for c in sub if family(c.model_id) != fam]
            test = [c for c in sub if family(c.model_id) == fam]
            refit = bc.fit(train, spec, grid=16)
            _, e2 = bc.predict(test, refit)
            for c, v in zip(test, e2, strict=True):
                lomo_err[index[id(c)]] = v / c.energy_per_token_j - 1.0
    a_in = np.abs(in_err)
    summary = {"n": float(len(configs)), "median_in": float(np.median(a_in)), "max_in": float(np.max(a_in)),
               "p90_in": float(np.percentile(a_in, 90)), "bias_in": float(np.median(in_err))}
    if not quick:
        a_lo = np.abs(lomo_err)
        summary.update(median_lomo=float(np.median(a_lo)), max_lomo=float(np.max(a_lo)),
                       p90_lomo=float(np.percentile(a_lo, 90)))
    out = ["## 1. ML.ENERGY Leaderboard v3.0 (accelerator boundary)", "",
           f"Source: {CREDIT}. Measurements read at run time from `{path.name}`; not shipped.", "",
           "Per configuration: the roofline of `aifootprint.estimate` with the model's published architecture (the "
           "registry's `models.csv`, incl. sliding-window / chunked attention, MLA and Mamba-2 state), the "
           "measured average batch, mean output length, GPU model and count; energy per output token compared with "
           "the measured steady-state GPU energy per output token. Prompt lengths are not published by the "
           f"leaderboard; assumed means per task: {bc.TASK_INPUT_TOKENS} (status E).", ""]
    rows = [("all", np.ones(len(configs), bool))]
    for g in bc.GPU_KEY:
        rows.append((g, np.array([c.gpu == g for c in configs])))
    for t in bc.TASKS:
        rows.append((t, np.array([c.task == t for c in configs])))
    out += ["| subset | configurations | median abs error, in-sample | 90th pct | max | median abs error, "
            "leave-one-model-out | max |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, mask in rows:
        ai = np.abs(in_err[mask])
        lo = np.abs(lomo_err[mask])
        lo_s = "–" if quick else f"{100 * np.median(lo):.1f} %"
        lo_m = "–" if quick else f"{100 * np.max(lo):.0f} %"
        out.append(f"| {name} | {int(mask.sum())} | {100 * np.median(ai):.1f} % | {100 * np.percentile(ai, 90):.0f} % "
                   f"| {100 * np.max(ai):.0f} % | {lo_s} | {lo_m} |")
    out += ["", f"Median signed error (in-sample): {pct(summary['bias_in'])}.", ""]
    # per model x task x gpu
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for k, c in enumerate(configs):
        groups[(c.model_id, c.task, c.gpu)].append(k)
    out += ["### Per model, task and GPU", "",
            "| model | task | GPU | configs | measured J/token (min–max) | median error in-sample | worst | "
            "median error LOMO |", "|---|---|---|---:|---|---:|---:|---:|"]
    for (m, t, g), ks in sorted(groups.items()):
        meas = [configs[k].energy_per_token_j for k in ks]
        e_in = in_err[ks]
        worst = e_in[np.argmax(np.abs(e_in))]
        lomo = "–" if quick else pct(float(np.median(lomo_err[ks])))
        out.append(f"| {m} | {t} | {g} | {len(ks)} | {min(meas):.3g}–{max(meas):.3g} | {pct(float(np.median(e_in)))} "
                   f"| {pct(float(worst))} | {lomo} |")
    out += ["### Sensitivity to the assumed prompt length", "",
            "Prompt lengths are the one workload input the leaderboard does not publish. Median |error| of each task "
            "with the shipped calibration when its assumed mean prompt length changes (others unchanged):", "",
            "| task | 0.5 × | 1 × (used) | 2 × | 4 × |", "|---|---:|---:|---:|---:|"]
    for t in bc.TASKS:
        cells = []
        for mult in (0.5, 1.0, 2.0, 4.0):
            sub = [replace(c, input_tokens=c.input_tokens * mult) for c in configs if c.task == t]
            errs = []
            for gpu, key in bc.GPU_KEY.items():
                part = [c for c in sub if c.gpu == gpu]
                if part:
                    errs.extend(bc.rel_errors(part, load_calibration(key)))
            cells.append(f"{100 * np.median(np.abs(errs)):.1f} %")
        out.append(f"| {t} ({bc.TASK_INPUT_TOKENS[t]:.0f} tokens) | " + " | ".join(cells) + " |")
    out.append("")
    order = np.argsort(-np.abs(in_err))[:15]
    out += ["", "### Worst 15 configurations (in-sample)", "",
            "| model | task | GPU × n | max_num_seqs | avg batch | output tokens | measured J/token | estimated "
            "| error |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for k in order:
        c = configs[k]
        out.append(f"| {c.model_id} | {c.task} | {c.gpu} × {c.n} | {c.max_num_seqs} | {c.batch:.1f} | "
                   f"{c.output_tokens:.0f} | {c.energy_per_token_j:.4g} | {est[k]:.4g} | {pct(float(in_err[k]))} |")
    pair = {(c.n, c.max_num_seqs): c.energy_per_token_j for c in configs
            if c.model_id == "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8" and c.gpu == "B200"}
    if (8, 256) in pair and (4, 256) in pair:
        out += ["", "Why: most of the worst cases are one model on one GPU type. Qwen3-Coder-480B-A35B-FP8 on 8 × B200 "
                f"measures {pair[(8, 256)]:.2f} J/token at max_num_seqs 256, against {pair[(4, 256)]:.2f} J/token for "
                "the same model, task and batch on 4 × B200: doubling the GPUs costs "
                f"{pair[(8, 256)] / pair[(4, 256)]:.1f}× the energy per token, which no bandwidth or compute term "
                "explains (a serving-stack effect of that configuration). At small batches on code completion we "
                "overestimate (Qwen3-Coder-30B at batch 8): the assumed 2,000-token prompts are probably too long "
                "for those runs, or prefix caching shortened them — the leaderboard does not publish prompt lengths."]
    out += ["", "### All configurations", "", f"<details><summary>{len(configs)} rows</summary>", "",
            "| model | task | GPU × n | max_num_seqs | avg batch | out tok | measured J/tok | estimated | error "
            "| LOMO |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for k, c in enumerate(configs):
        lo = "–" if quick else pct(float(lomo_err[k]))
        out.append(f"| {c.model_id} | {c.task} | {c.gpu} × {c.n} | {c.max_num_seqs} | {c.batch:.1f} | "
                   f"{c.output_tokens:.0f} | {c.energy_per_token_j:.4g} | {est[k]:.4g} | {pct(float(in_err[k]))} "
                   f"| {lo} |")
    out += ["", "</details>", ""]
    return out, summary


def boundary_case() -> list[str]:
    """Case 2: Gemini's boundary structure."""
    out = ["## 2. Boundary structure vs Google's Gemini measurement (GO25)", "",
           "Google (Elsworth et al. 2025, arXiv:2508.15734) measured the median Gemini Apps text prompt at 0.24 Wh "
           "with a comprehensive boundary: active accelerators 0.14 Wh (58 %), host CPU and DRAM 0.06 (25 %), idle "
           "machines 0.02 (10 %), data-centre overhead 0.02 (8 %); 0.10 Wh with the narrow 'active accelerators only' "
           "approach. Gemini's architecture and TPU serving are not public, so the check is on *structure*: the "
           "shares of our four terms for open models on H100 at Google's PUE (1.09), batch 64, 500 input / 300 output "
           "tokens.", "",
           "| model | accelerators Wh | host | idle | overhead | total Wh | accelerator share | total ÷ accelerator |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    host_shares, ratios = [], []
    for m in ("llama-3.1-8b", "qwen3-32b", "llama-3.1-70b", "qwen3-235b-a22b"):
        e = RequestEstimator(m, RequestConfig(hardware="h100", boundary="datacenter", operator="google",
                                              location="US")).estimate(500, 300)
        acc = e.prefill_wh + e.decode_wh
        host_shares.append(e.host_wh / e.energy_wh)
        ratios.append(e.energy_wh / acc)
        out.append(f"| {m} | {acc:.4f} | {e.host_wh:.4f} | {e.idle_wh:.4f} | {e.overhead_wh:.4f} | {e.energy_wh:.4f} "
                   f"| {100 * acc / e.energy_wh:.0f} % | {e.energy_wh / acc:.2f} |")
    out += ["| **Gemini (GO25)** | 0.14 | 0.06 | 0.02 | 0.02 | 0.24 | 58 % | 1.72 |", "",
            "The idle term is calibrated on GO25 (10 % of active energy) and the overhead uses Google's PUE, so those "
            "two match by construction. The host share comes from an independent source (1.2 kW per 8-GPU server, "
            f"EcoLogits/BoaviztAPI) and lands at {100 * min(host_shares):.0f}–{100 * max(host_shares):.0f} % against "
            f"Google's 25 %, so our full-stack multiplier ({min(ratios):.2f}–{max(ratios):.2f}) is below Google's "
            "1.72: a TPU host may draw more per accelerator than 150 W, and an H100 draws more than a TPU, which "
            "shrinks the host's share. Google's 2.4× (0.24 ÷ 0.10) also counts "
            "accelerators that are provisioned but not active in the 'comprehensive' accelerator term (0.14 vs 0.10 "
            "Wh), which a per-request model cannot see.", ""]
    return out


def single(model: str, i: float, o: float, **cfg: Any) -> float:
    return RequestEstimator(model, RequestConfig(**cfg)).estimate(i, o).energy_wh


def epoch_bloom() -> tuple[list[str], list[tuple[str, float, float]]]:
    """Cases 3 and 4."""
    rows: list[tuple[str, float, float]] = []
    out = ["## 3. Epoch AI's GPT-4o estimate (EP25)", "",
           "Epoch: ~0.3 Wh for a typical query (500 output tokens, 100 B active / 400 B total parameters, H100, "
           "all-in 1,500 W per GPU at 70 % of peak, 10 % FLOP utilisation); ~2.5 Wh with a 10k-token input (S). "
           "Ours: GPT-4o from the registry (100 B active, 440 B total, EcoLogits/Epoch estimates), datacenter "
           "boundary at OpenAI's provider defaults (Azure, PUE 1.20), input 100 tokens unless stated (assumption).",
           "", "| case | measured / published Wh | estimated Wh | error |", "|---|---:|---:|---:|"]
    for label, i, prec, pub in (("500 out, bf16, batch 64", 100, "bf16", 0.3),
                                ("500 out, fp8, batch 64", 100, "fp8", 0.3),
                                ("10k in + 500 out, fp8, batch 64", 10_000, "fp8", 2.5)):
        v = single("gpt-4o", i, 500, hardware="h100", precision=prec)
        rows.append((f"Epoch GPT-4o {label}", pub, v))
        out.append(f"| {label} | {pub} | {v:.3f} | {pct(v / pub - 1)} |")
    out += ["", "Epoch's 10 % FLOP utilisation is an assumption about batching; ours follows from the roofline at "
            "batch 64, where decode of a 440 B-parameter MoE is bound by reading the weights (at batch 64 nearly every "
            "expert is touched each step), so the short-query case is higher than Epoch's. With a 10k-token input, "
            "prefill is compute-bound and the tensor-parallel all-reduces grow with the prompt tokens; that case rests "
            "on the fitted all-reduce bandwidth. GPT-4o's size and serving setup are not public, so neither figure is "
            "a measurement.", "",
            "## 4. BLOOM API deployment (BL22 via DV23)", "",
            "Measured: 914 kWh over 18 days for 230,768 requests on 16 A100 40GB (GCP) = 3.96 Wh per request, a demo "
            "API at batch ~1. Output length not published; we assume 100 input / 100 output tokens (E). The "
            "deployment was mostly idle: 230,768 requests in 18 days is 0.15 requests/s, so energy per request is "
            "dominated by idle power, which a per-request model does not include unless told the utilisation.", "",
            "| case | published Wh | estimated Wh | error |", "|---|---:|---:|---:|"]
    active = single("bloom-176b", 100, 100, hardware="a100-40gb", batch=1, accelerators=16, boundary="server")
    avg_w = 914_000.0 / (18 * 24.0) / 16
    rows.append(("BLOOM API (active serving, 100 in / 100 out assumed)", 3.96, active))
    out += [f"| active serving only (batch 1, 16 × A100 40GB, server boundary) | 3.96 | {active:.3f} | "
            f"{pct(active / 3.96 - 1)} |", "",
            f"The measured total is 914 kWh over 432 h = {avg_w:.0f} W per GPU on average, hosts included — below "
            f"the {load_calibration('a100-40gb').static_power_w:.0f} W static power of a *serving* A100 in our "
            "calibration, so the GPUs spent most of the 18 days idle at low clocks. The agreement of the active-only "
            "estimate is therefore partly luck: output lengths are not published, and a lightly used deployment's "
            "energy per request is set by idle power × wall time ÷ requests, which a per-request model for a loaded "
            "server does not see. Use `estimate lifecycle` or an explicit utilisation for such deployments.", ""]
    return out, rows


def training() -> tuple[list[str], list[tuple[str, float, float]]]:
    """Case 5: published training runs, each recomputed with its publisher's method."""
    cases = [
        ("GPT-3 (PA21): 10,000 V100 × 14.8 d × 330 W × PUE 1.1", 1287.0,
         TrainingSpec(hardware="v100", accelerators=10_000, duration_days=14.8, power_w_per_accelerator=330,
                      boundary="accelerator"), 1.1),
        ("GPT-3 via FLOPs: 3.14e23 ÷ (125 TF × 24.6/125 MFU), 330 W, PUE 1.1", 1287.0,
         TrainingSpec(hardware="v100", flops=3.14e23, mfu=24.6 / 125, power_w_per_accelerator=330,
                      boundary="accelerator"), 1.1),
        ("BLOOM (BL22): 1,082,990 GPU-h × 400 W", 433.196,
         TrainingSpec(hardware="a100-80gb", accelerator_hours=1_082_990, power_w_per_accelerator=400,
                      boundary="accelerator"), 1.0),
        ("Llama 3.1 405B (card): 30.84 M H100-h × 700 W", 21_588.0,
         TrainingSpec(hardware="h100", accelerator_hours=30.84e6, boundary="accelerator",
                      power_w_per_accelerator=700), 1.0),
        ("OPT-175B via FLOPs: 6 × 175 B × 180 B tokens, A100 80GB, 147 TFLOP/s achieved, 400 W", 324.0,
         TrainingSpec(hardware="a100-80gb", params_b=175, tokens_b=180, mfu=147 / 312, power_w_per_accelerator=400,
                      boundary="accelerator"), 1.0),
    ]
    out = ["## 5. Training runs, with each publisher's method", "",
           "| run | published MWh | recomputed MWh | error |", "|---|---:|---:|---:|"]
    rows = []
    for label, pub, spec, pue in cases:
        mwh = estimate_training_point(spec).it_energy_kwh * pue / 1000.0
        rows.append((label, pub, mwh))
        out.append(f"| {label} | {pub:,.1f} | {mwh:,.1f} | {pct(mwh / pub - 1)} |")
    out += ["", "OPT-175B's 324 MWh (re-tabulated by Luccioni et al. 2022, S) is not reproducible from the OPT "
            "paper's published compute alone: 6 N D FLOPs at the reported 147 TFLOP/s per A100 give about 143 MWh of "
            "GPU energy; the difference (restarts, failed runs, host power, PUE) is not itemised. Llama cards' "
            "location-based tCO2e are consistent with one grid factor of ~0.42 kgCO2e per GPU-kWh across Llama 2, 3 "
            "and 3.1 (tests/estimate/test_training.py).", ""]
    return out, rows


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mlenergy", type=Path, default=bc.DEFAULT_MLE)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "validation.md")
    ap.add_argument("--quick", action="store_true", help="skip the leave-one-model-out refits")
    args = ap.parse_args(argv)
    lines = ["# Validation: estimates against public measurements", "",
             "Generated by `python benchmarks/validation.py` — do not edit by hand. Method: "
             "[docs/methodology/inference.md](methodology/inference.md).", ""]
    summary: dict[str, float] = {}
    if args.mlenergy.exists():
        body, summary = mlenergy(args.mlenergy, args.quick)
    else:
        body = ["## 1. ML.ENERGY Leaderboard v3.0", "", f"Skipped: `{args.mlenergy}` not found.", ""]
    b2 = boundary_case()
    b34, rows34 = epoch_bloom()
    b5, rows5 = training()
    head = ["## Summary", ""]
    if summary:
        lomo = (f"; leave-one-model-out median {100 * summary['median_lomo']:.1f} %, "
                f"max {100 * summary['max_lomo']:.0f} %" if "median_lomo" in summary else "")
        head += [f"- ML.ENERGY v3.0, {int(summary['n'])} LLM configurations, accelerator boundary: median |error| "
                 f"{100 * summary['median_in']:.1f} % in-sample (90th percentile {100 * summary['p90_in']:.0f} %, max "
                 f"{100 * summary['max_in']:.0f} %){lomo}. Target ≤ 15 %: "
                 + ("met in-sample." if summary["median_in"] <= 0.15 else
                    f"missed by {100 * summary['median_in'] - 15:.1f} points in-sample.")
                 + " Errors are larger out of sample and on B200 (see §1)."]
    for label, pub, v in rows34 + rows5:
        head.append(f"- {label}: published {pub:g}, estimated {v:.4g} ({pct(v / pub - 1)}).")
    head += ["", "Worst cases and their causes are listed under each section: B200 runs of vLLM 0.11.1 whose step "
             "times are several times what bandwidth allows at small batch (software, not physics), reasoning tasks "
             "whose long contexts stress attention kernels, and deployments whose energy is dominated by idle time.",
             ""]
    text = "\n".join(lines + head + body + b2 + b34 + b5) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print("\n".join(head))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
