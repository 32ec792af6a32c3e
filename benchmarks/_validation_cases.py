"""Published per-request and training cases for ``benchmarks/validation.py`` (sections 4–7 of docs/validation.md)."""

from __future__ import annotations

from typing import Any

from aifootprint.estimate.calibration import load_calibration
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.training import TrainingSpec, estimate_training_point


def pct(x: float) -> str:
    return f"{100 * x:+.1f} %"


def boundary_case() -> list[str]:
    """Case 2: Gemini's boundary structure."""
    out = ["## 4. Boundary structure vs Google's Gemini measurement (GO25)", "",
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


def bloom() -> tuple[list[str], list[tuple[str, float, float]]]:
    """BLOOM API case."""
    rows: list[tuple[str, float, float]] = []
    out = ["## 6. BLOOM API deployment (BL22 via DV23)", "",
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
            f"the {load_calibration('a100-40gb').base_power_w:.0f} W base power of a *serving* A100 in our "
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
    out = ["## 7. Training runs, with each publisher's method", "",
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
            "and 3.1 (tests/estimate/test_estimate_training_lifecycle.py).", ""]
    return out, rows


#: Published per-prompt disclosures of closed models (request_figures.csv keys) with the request each describes:
#: (figure key, model, input tokens, output tokens, boundary). Token counts not published are assumptions (E): a
#: typical chat turn of 100 input / 500 output tokens (Epoch's 500 output tokens, EP25); Mistral's 400-token response.
DISCLOSURES = (
    ("gpt-4o-epoch25", "gpt-4o", 100, 500, "datacenter"),
    ("gpt-4o-epoch25-10k-input", "gpt-4o", 10_000, 500, "datacenter"),
    ("gpt-4o-epoch25-100k-input", "gpt-4o", 100_000, 500, "datacenter"),
    ("chatgpt-openai-2025", "gpt-4o", 100, 500, "datacenter"),
    ("gemini-apps-median-2025", "gemini-2.5-flash", 100, 500, "datacenter"),
    ("gemini-apps-median-2025-accelerator", "gemini-2.5-flash", 100, 500, "accelerator"),
)


def disclosure_cases() -> list[list[str]]:
    """Section 5: every published per-prompt disclosure of a closed model against the default estimate for it (the
    closed model's cited deployment assumptions, :mod:`aifootprint.estimate.deployments`), inside or outside the
    5–95 % range. Nothing is fitted to these figures."""
    from aifootprint.estimate.inference import estimate_request
    from aifootprint.reference.registry import default_registry

    figs = default_registry().table("request_figures")
    out = ["## 5. Published per-prompt disclosures of closed models", "",
           "Default estimate (the model's cited deployment assumptions, `aifootprint.estimate.deployments`; the "
           "provider's data-centre defaults) for the request each disclosure describes; tokens not published are "
           "assumed (100 in / 500 out). None of these figures was used to set any default.", "",
           "| disclosure | published | estimate (5–95 %) | inside? | deployment assumed |", "|---|---:|---:|---|---|"]
    for key, model, i, o, boundary in DISCLOSURES:
        row = figs.find(key)
        if row is None:
            continue
        res = estimate_request(model, i, o, RequestConfig(boundary=boundary))
        e = res.values["energy_wh"]
        inside = e.low <= float(row["energy_wh"]) <= e.high
        dep = f"{res.inputs['accelerators']} × {res.inputs['hardware']}, {res.inputs['precision']}, batch " \
              f"{res.inputs['batch']}"
        out.append(f"| {row['description']} ({row['source']}) | {row['energy_wh']} Wh | {e.best:.3g} "
                   f"({e.low:.3g}–{e.high:.3g}) Wh | {'yes' if inside else '**no**'} | {dep} |")
    alt = estimate_request("gpt-4o", 100, 500, RequestConfig(engine="cuda-graph")).values["energy_wh"]
    out.append(f"| (same typical GPT-4o query, `--engine cuda-graph`: native FP8 MoE kernels, no host time) | 0.3 / "
               f"0.34 Wh | {alt.best:.3g} ({alt.low:.3g}–{alt.high:.3g}) Wh | "
               f"{'yes' if alt.low <= 0.3 <= alt.high else '**no**'} | engine sensitivity, not a default |")
    res = estimate_request("mistral-large-2", 100, 400, RequestConfig(location="SE", operator="microsoft"))
    d = res.to_dict()
    c, emb = d["carbon_g"], d.get("embodied_carbon_g") or {"low": 0.0, "best": 0.0, "high": 0.0}
    w = d["water_l"]
    tot = [c[k] + emb[k] for k in ("low", "best", "high")]
    out += [f"| one 400-token Le Chat response, Mistral Large 2, life cycle (MI25) | 1.14 gCO2e | {tot[1]:.3g} "
            f"({tot[0]:.3g}–{tot[2]:.3g}) gCO2e | {'yes' if tot[0] <= 1.14 <= tot[2] else '**no**'} | "
            f"{res.inputs['accelerators']} × {res.inputs['hardware']}, Azure Sweden (ECO provider table) |",
            f"| same, water (MI25) | 45 mL | {1000 * w['best']:.3g} ({1000 * w['low']:.3g}–{1000 * w['high']:.3g}) "
            f"mL | {'yes' if w['low'] <= 0.045 <= w['high'] else '**no**'} | same |", "",
            "Why the others fall outside (nothing was tuned to close the gaps):", "",
            "- **Epoch's typical GPT-4o query and OpenAI's average ChatGPT query** (0.30 / 0.34 Wh) lie below "
            "the range. At batch 64 a decode step of a 440 B-parameter MoE reads nearly every expert, so the weight "
            "reads are amortised over only 64 sequences; Epoch's 10 % FLOP utilisation implies far larger batches "
            "(or expert parallelism across many GPUs), and under the `vllm` profile FP8 expert reads cost bf16 bytes "
            "(vLLM 0.11.1's kernels; the `cuda-graph` row shows an engine with native FP8 MoE kernels). OpenAI gives "
            "neither tokens, model nor boundary for its average. Epoch's long-input cases: tensor parallelism wider "
            "than GPT-4o's assumed 8 KV heads holds copies of the KV cache, so 64 sequences of 10k tokens would need "
            "32 H100s (each step reads every copy) and 64 of 100k fit on none. A serving engine admits only the "
            "sequences whose KV blocks fit, and a group wider than the KV heads is used only where no lower batch "
            "on a narrower group costs less per request (docs/methodology/inference.md, sizing): both requests are "
            "served at the group and batch in the last column, with the notice `batch-limited`. The 10k case lies "
            "above the range, the 100k case inside, where attention over the long context dominates both "
            "estimates. (Before 0.3.0 sizing counted one copy of the cache while the steps read every copy: the "
            "same requests ran on 16 and 64 H100s at batch 64.)",
            "- **Google's Gemini medians** (0.24 Wh comprehensive, 0.10 Wh accelerators only) lie below: Gemini runs "
            "on TPUs (no TPU serving calibration here; an H100 stand-in), Gemini 2.5 Flash's size is an EcoLogits "
            "guess (88 B active / 440 B total, likely too large for a Flash model), and a *median* prompt is shorter "
            "than the 100 / 500 tokens assumed. The structure of the boundary (§4) is comparable; the level is not.",
            "- **Mistral's life-cycle figures** (1.14 gCO2e, 45 mL per 400-token response) are ~80× and ~35× the "
            "estimate: they are a life-cycle total — training and 18 months of fleet operation allocated per "
            "response, hardware manufacturing, and Mistral's own site factors — not the marginal energy of one "
            "response on a loaded server in Sweden's low-carbon grid.", ""]
    return [out]


def other_cases() -> list[list[str]]:
    """Sections 6 and 7: BLOOM and training runs."""
    return [bloom()[0], training()[0]]

