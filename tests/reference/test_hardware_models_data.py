"""Hardware, model and published-footprint reference data: spot values pinned to their published sources,
provenance on every row, name resolution (aliases, close matches), architecture-vs-parameter consistency and
builder determinism.

Sources are cited per test; keys refer to ``data/sources/hardware_models.csv`` (and the shared source files).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.reference.hardware import Accelerator, get_accelerator, get_server, list_accelerators, list_servers
from aifootprint.reference.models import ModelArch, get_model, list_models
from aifootprint.reference.registry import Registry, Row, row_float, source_keys

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DATA = REPO / "src" / "aifootprint" / "reference" / "data"
SCRIPTS = REPO / "scripts"
OURS = ("accelerators", "servers", "models", "training_runs", "request_figures", "sector_figures")
LICENCES = {"CC-BY-4.0", "MIT", "MPL-2.0", "Apache-2.0", "facts"}
REG = Registry()
ACCELERATORS = list_accelerators(REG)
MODELS = list_models(REG)


def row(table: str, key: str) -> Row:
    return REG.table(table).get(key)


def num(table: str, key: str, column: str) -> float:
    value = row_float(row(table, key), column)
    assert value is not None, f"{table}/{key}: {column} empty"
    return value


# ---------------------------------------------------------------------------------------------- provenance


@pytest.mark.parametrize("name", OURS)
def test_every_row_has_source_year_licence_status(name: str) -> None:
    """Conventions: every row cites resolvable sources, an int year, an SPDX licence (or 'facts'), a status."""
    table = REG.table(name)
    sources = REG.sources()
    assert REG.meta(name).credit and REG.meta(name).builder.startswith("scripts/build_")
    for r in table.rows:
        keys = source_keys(r)
        assert keys and all(k in sources for k in keys), f"{name}/{r['key']}: {keys}"
        assert isinstance(r["year"], int) and 1990 <= r["year"] <= 2035
        assert r["licence"] in LICENCES, f"{name}/{r['key']}: licence {r['licence']!r}"
        assert r["status"] in set("PQSDE"), f"{name}/{r['key']}: status {r['status']!r}"


def test_no_zero_placeholders() -> None:
    """Empty cell = not published; a literal 0 may only appear where a source says 0 (market-based Llama t)."""
    for name in OURS:
        for r in REG.table(name).rows:
            for col, value in r.items():
                if value == 0 and not isinstance(value, bool):
                    assert (name, col) == ("training_runs", "carbon_t_market"), f"{name}/{r['key']}: {col} = 0"


def test_sidecar_columns_documented() -> None:
    for name in OURS:
        meta, table = REG.meta(name), REG.table(name)
        assert set(table.columns) <= set(meta.columns), f"{name}: undocumented columns"


# ---------------------------------------------------------------------------------------------- hardware


def test_h100_published_values() -> None:
    """H100 SXM: 700 W (Meta Llama 3 model card; glennklockwood.com), dense BF16 989.5 / FP8 1,979 TFLOPS (NVIDIA
    datasheet sparse 1,979 / 3,958 halved, via astroC86/gpu-datasheet), 80 GB, 3.35 TB/s; embodied 164 kgCO2e
    (NVIDIA HGX H100 product carbon footprint, as used by EcoLogits)."""
    h100 = get_accelerator("h100", REG)
    assert h100.max_power_w == pytest.approx(700)
    assert h100.bf16_dense_tflops == pytest.approx(989.5, abs=0.5)
    assert h100.fp8_dense_tflops == pytest.approx(1979, abs=1)
    assert (h100.memory_gb, h100.bandwidth_gb_per_s) == (80, 3350)
    assert h100.embodied_carbon_kg == pytest.approx(164)
    assert "NV-PCF-H100" in h100.sources


def test_a100_and_bloom_assumptions() -> None:
    """A100 SXM4 80GB: 400 W, 312 TFLOPS dense, 2,039 GB/s (NVIDIA datasheet via gpu-specs); BLOOM study
    assumptions 50 W idle and 150 kgCO2e per GPU (Luccioni et al. 2022, via Boavizta e-footprint)."""
    a100 = get_accelerator("a100-80gb", REG)
    assert (a100.max_power_w, a100.bf16_dense_tflops, a100.bandwidth_gb_per_s) == (400, 312, 2039)
    assert (a100.idle_power_w, a100.embodied_carbon_kg) == (50, 150)
    assert get_accelerator("a100-40gb", REG).bandwidth_gb_per_s == 1555


def test_blackwell_per_gpu_derived_from_system_totals() -> None:
    """DGX B200 datasheet: 8 GPUs, 1,440 GB, 64 TB/s, 72 PFLOPS FP8 sparse -> per GPU 180 GB, 8 TB/s, 4,500 TFLOPS
    FP8 dense; B200 TGP 1,000 W (MLCommons v6.0). GB200 NVL72: 360 PFLOPS BF16 sparse / 72 / 2 = 2,500."""
    b200, gb200 = get_accelerator("b200", REG), get_accelerator("gb200", REG)
    assert (b200.memory_gb, b200.bandwidth_gb_per_s, b200.fp8_dense_tflops) == (180, 8000, 4500)
    assert b200.max_power_w == 1000 and b200.status == "D" and b200.estimated
    assert gb200.bf16_dense_tflops == pytest.approx(2500) and gb200.max_power_w is None


@pytest.mark.parametrize(
    ("key", "column", "value"),
    [
        ("l40s", "max_power_w", 350),  # NVIDIA / HF hardware page (facts.md caveat 12)
        ("l4", "bf16_dense_tflops", 121),  # NVIDIA L4 datasheet via gpu-specs
        ("t4", "bandwidth_gb_per_s", 320),  # HF gpu_catalog.json, GCP (gpu-specs lists 300)
        ("h200", "memory_gb", 141),  # NVIDIA H200 datasheet
        ("mi300x", "max_power_w", 750),  # MLCommons v4.1 "MI300X-...-192GB-750W"
        ("mi250x", "bf16_dense_tflops", 383),  # AMD MI250X specification
        ("tpu-v5e", "bandwidth_gb_per_s", 819),  # cloud.google.com/tpu/docs/v5e
        ("tpu-v5p", "bf16_dense_tflops", 459),  # cloud.google.com/tpu/docs/v5p
        ("tpu-v4", "max_power_w", 192),  # cloud.google.com/tpu/docs/v4: measured min/mean/max 90/170/192 W
    ],
)
def test_accelerator_spot_values(key: str, column: str, value: float) -> None:
    assert num("accelerators", key, column) == pytest.approx(value)


def test_servers_published_values() -> None:
    """DGX A100 6.5 kW (de Vries 2023); DGX H100 10.2 kW (Epoch AI 2025); p5.48xlarge host 1.2 kW and 5,700 kgCO2e
    without GPUs (EcoLogits via BoaviztAPI); BLOOM server 2,500 kgCO2e without GPUs (Luccioni et al. 2022)."""
    assert get_server("dgx-a100", REG).max_power_w == 6500
    dgx_h100 = get_server("DGX-H100", REG)
    assert dgx_h100.max_power_w == 10200 and dgx_h100.accelerator_spec(REG).key == "h100"
    p5 = get_server("aws-p5.48xlarge", REG)
    assert (p5.host_power_w, p5.embodied_carbon_kg_excl_accelerators) == (1200, 5700)
    assert get_server("bloom-jean-zay-a100", REG).embodied_carbon_kg_excl_accelerators == 2500


def test_server_accelerators_exist_and_power_covers_gpus() -> None:
    """Every server names a known accelerator; nameplate system power exceeds the GPUs' own maximum power."""
    for s in list_servers(REG):
        acc = s.accelerator_spec(REG)
        if s.max_power_w is not None and acc.max_power_w is not None:
            assert s.max_power_w > s.accelerators_per_server * acc.max_power_w


def test_dense_fp8_is_twice_bf16() -> None:
    """Where both are published, dense FP8 = 2x dense BF16 (Ada/Hopper/Blackwell datasheets): a sparse figure
    slipped into one column would break the ratio."""
    pairs = [(a.key, a.fp8_dense_tflops / a.bf16_dense_tflops) for a in ACCELERATORS
             if a.fp8_dense_tflops and a.bf16_dense_tflops]  # fmt: skip
    assert len(pairs) >= 6
    for key, ratio in pairs:
        assert ratio == pytest.approx(2.0, rel=0.03), key


# ---------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("given_name", "key"),
    [
        ("H100", "h100"), ("h100-sxm", "h100"), ("NVIDIA H100 80GB HBM3", "h100"), ("a100", "a100-80gb"),
        ("NVIDIA A100-SXM4-40GB", "a100-40gb"), ("Tesla V100-SXM2-32GB", "v100"), ("Tesla T4", "t4"),
        ("nvidia h100 pcie", "h100-pcie"), ("AMD Instinct MI300X", "mi300x"), ("TPU_v5e", "tpu-v5e"),
    ],
)  # fmt: skip
def test_accelerator_aliases_resolve(given_name: str, key: str) -> None:
    assert get_accelerator(given_name, REG).key == key


def test_aliases_unique() -> None:
    names = [a.key for a in ACCELERATORS] + [x for a in ACCELERATORS for x in a.aliases]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("given_name", "key"),
    [
        ("meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b"), ("Meta-Llama-3-70B-Instruct", "llama-3-70b"),
        ("Qwen/Qwen2.5-7B-Instruct", "qwen2.5-7b"), ("google/gemma-3-27b-it", "gemma-3-27b"),
        ("claude-3-5-sonnet-20241022", "claude-3.5-sonnet"), ("gpt-4o-2024-08-06", "gpt-4o"),
        ("GPT-4o-mini", "gpt-4o-mini"), ("mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b"),
    ],
)  # fmt: skip
def test_model_names_resolve(given_name: str, key: str) -> None:
    assert get_model(given_name, REG).key == key


@pytest.mark.parametrize(
    ("kind", "bad", "expected"),
    [("accelerator", "h10", "h100"), ("accelerator", "a100-80", "a100-80gb"), ("model", "lama-3-8b", "llama-3-8b"),
     ("model", "qwen25-7b", "qwen2.5-7b"), ("server", "dgx-h10", "dgx-h100")],
)  # fmt: skip
def test_unknown_names_suggest_close_matches(kind: str, bad: str, expected: str) -> None:
    getter = {"accelerator": get_accelerator, "model": get_model, "server": get_server}[kind]
    with pytest.raises(InputError) as err:
        getter(bad, REG)
    message = str(err.value)
    assert f"unknown {kind} {bad!r}" in message and "did you mean" in message and expected in message


def _scramble(name: str, upper: list[bool], sep: str) -> str:
    chars = [c.upper() if u else c for c, u in zip(name, upper + [False] * len(name), strict=False)]
    return "".join(chars).replace("-", sep)


@given(
    st.sampled_from([(n, a.key) for a in ACCELERATORS for n in (a.key, *a.aliases)]),
    st.lists(st.booleans(), max_size=30),
    st.sampled_from(["-", "_", " "]),
)
def test_accelerator_lookup_ignores_case_and_separators(pair: tuple[str, str], upper: list[bool], sep: str) -> None:
    name, key = pair
    assert get_accelerator(f"  {_scramble(name, upper, sep)} ", REG).key == key


@given(
    st.sampled_from([m.key for m in MODELS]),
    st.lists(st.booleans(), max_size=30),
    st.sampled_from(["", "-Instruct", "-it", "-chat"]),
    st.sampled_from(["", "some-org/"]),
)
def test_model_lookup_ignores_case_suffix_and_org(key: str, upper: list[bool], suffix: str, org: str) -> None:
    assert get_model(org + _scramble(key, upper, "-") + suffix, REG).key == key


# ---------------------------------------------------------------------------------------------- models


def test_model_spot_values() -> None:
    """Llama 3.1 405B config.json: 126 layers, d_model 16,384, 128 heads, 8 KV heads, vocab 128,256; 405.85B
    parameters (EcoLogits, HF count). DeepSeek-V3: 671B total / 37B active (arXiv:2412.19437). gpt-oss-120b: 128
    experts, 4 active, 117B / 5.1B (EcoLogits; OpenAI model card 116.8B / 5.1B)."""
    m = get_model("llama-3.1-405b", REG)
    assert (m.layers, m.d_model, m.heads, m.kv_heads, m.vocab) == (126, 16384, 128, 8, 128256)
    assert m.total_params_b == pytest.approx(405.85)
    ds = get_model("deepseek-v3", REG)
    assert (ds.total_params_b, ds.active_params_b, ds.experts, ds.active_experts) == (671, 37, 256, 8)
    oss = get_model("gpt-oss-120b", REG)
    assert (oss.experts, oss.active_experts) == (128, 4)
    assert (oss.total_params_b, oss.active_params_b) == pytest.approx((117, 5.1))


def test_closed_models_are_flagged_ranges() -> None:
    """GPT-4o: EcoLogits estimates 440B total, 44-132B active (model-arch-not-released); Epoch AI assumes 100B
    active of 400B total (Feb 2025). Closed models carry no architecture numbers."""
    g = get_model("gpt-4o", REG)
    assert g.estimated and not g.open_weights and g.status == "E"
    assert g.active_params_range_b == (44, 100, 132)
    assert g.total_params_range_b == (400, 440, 440)
    assert g.layers is None and {"ECO-MODELS", "EP25"} <= set(g.sources)
    for m in MODELS:
        assert m.estimated == (not m.open_weights and m.key != "gpt-3"), m.key


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.key)
def test_parameter_invariants(model: ModelArch) -> None:
    low, best, high = model.active_params_range_b
    assert 0 < low <= best <= high
    t_low, total, t_high = model.total_params_range_b
    assert t_low <= total <= t_high and best <= total
    assert (model.active_params_b < model.total_params_b) == model.is_moe
    if model.heads is not None and model.kv_heads is not None:
        assert model.heads % model.kv_heads == 0
    if model.is_moe and model.experts is not None:
        assert model.active_experts is not None and 0 < model.active_experts < model.experts


def _params_from_config(m: ModelArch) -> tuple[float, float, float]:
    """(total, active, input embedding) parameters implied by the architecture: attention + MLP per layer plus
    embeddings.

    Gated MLPs (SwiGLU/GeGLU) have 3 matrices, classic GPT-style MLPs 2; biases and norms are ignored (<1%)."""
    assert m.layers and m.d_model and m.heads and m.kv_heads and m.head_dim and m.ffn_dim and m.vocab
    d, q = m.d_model, m.heads * m.head_dim
    attn = 2 * d * q + 2 * d * m.kv_heads * m.head_dim
    mats = 2 if m.key in ("bloom-176b", "opt-175b", "gpt-3") or m.mamba_layers else 3
    expert = mats * d * m.ffn_dim
    embed = m.vocab * d * (1 if m.tied_embeddings else 2)
    if m.mamba_layers:  # Nemotron-H: each layer is one mixer (Mamba-2, attention or squared-ReLU MLP)
        assert m.attention_layers and m.mamba_heads and m.mamba_head_dim and m.ssm_state_size
        inner = m.mamba_heads * m.mamba_head_dim
        groups = 8  # n_groups of both Nemotron Nano 2 configs (not a registry column)
        mamba = d * (2 * inner + 2 * groups * m.ssm_state_size + m.mamba_heads) + inner * d
        mlp_layers = m.layers - m.attention_layers - m.mamba_layers
        total = m.attention_layers * attn + m.mamba_layers * mamba + mlp_layers * expert + embed
        return total / 1e9, total / 1e9, m.vocab * d / 1e9
    total = m.layers * (attn + expert * (m.experts or 1)) + embed
    active = m.layers * (attn + expert * (m.active_experts or 1)) + embed
    return total / 1e9, active / 1e9, m.vocab * d / 1e9


#: excluded: DeepSeek-V3 (MLA, shared experts, dense first layers), Llama 4 (shared expert, Maverick's interleaved
#: dense / MoE layers, vision encoder in the card's count) and multimodal Gemma 3 (vision encoder counted)
CHECKABLE = [m for m in MODELS if m.layers is not None and m.key not in ("deepseek-v3", "llama-4-scout",
             "llama-4-maverick") and "vision" not in m.notes]


@pytest.mark.parametrize("model", CHECKABLE, ids=lambda m: m.key)
def test_architecture_reproduces_published_parameter_count(model: ModelArch) -> None:
    """The transcribed config (layers, widths, heads, vocab, experts) must reproduce the published parameter count
    (EcoLogits / model cards / papers) within 3.5%: catches a mistyped config value (Nemotron Nano 2: Mamba-2
    in_proj + out_proj per Mamba layer). DeepSeek-V3, Llama 4 and multimodal Gemma 3 are excluded (see
    CHECKABLE). Publishers differ on whether 'active' counts the input-embedding lookup (OpenAI's gpt-oss card
    does not), so either is accepted."""
    total, active, embedding = _params_from_config(model)
    assert total == pytest.approx(model.total_params_b, rel=0.035)
    assert min(abs(active - model.active_params_b), abs(active - embedding - model.active_params_b)) <= (
        0.035 * model.active_params_b
    )


def test_coverage_of_required_models() -> None:
    required = {"llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3-8b", "llama-3-70b", "llama-3.1-8b",
                "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b", "qwen3-30b-a3b", "qwen3-235b-a22b",
                "mistral-7b", "mixtral-8x7b", "mixtral-8x22b", "deepseek-v3", "gpt-oss-20b", "gpt-oss-120b",
                "bloom-176b", "opt-175b", "gpt-3", "gpt-4o", "gpt-4o-mini", "gpt-5", "claude-3.5-sonnet"}
    required |= {f"qwen2.5-{s}" for s in ("0.5b", "1.5b", "3b", "7b", "14b", "32b", "72b")}
    required |= {f"qwen3-{s}" for s in ("0.6b", "1.7b", "4b", "8b", "14b", "32b")}
    required |= {f"gemma-2-{s}" for s in ("2b", "9b", "27b")} | {f"gemma-3-{s}" for s in ("1b", "4b", "12b", "27b")}
    assert required <= {m.key for m in MODELS}  # fmt: skip


# ---------------------------------------------------------------------------------------------- published figures


def test_patterson_training_rows_are_self_consistent() -> None:
    """Patterson et al. 2021 (via LLMCarbon): energy = avg power x chips x days x 24 h x PUE (within 5%) and
    tCO2e = MWh x intensity (within 1%); GPT-3: 1,287 MWh, PUE 1.1, 429 g/kWh, 552.1 tCO2e."""
    gpt3 = row("training_runs", "gpt-3")
    assert (gpt3["energy_mwh"], gpt3["pue"], gpt3["intensity_g_per_kwh"], gpt3["carbon_t"]) == (1287, 1.1, 429, 552.1)
    for key in ("t5-11b", "gshard-600b", "switch-transformer", "gpt-3"):
        r = row("training_runs", key)
        energy = num("training_runs", key, "energy_mwh")
        rebuilt = (num("training_runs", key, "power_w_per_accelerator") * num("training_runs", key, "accelerator_count")
                   * num("training_runs", key, "duration_days") * 24 * num("training_runs", key, "pue") / 1e6)
        assert rebuilt == pytest.approx(energy, rel=0.05), key
        carbon = energy * num("training_runs", key, "intensity_g_per_kwh") / 1000
        assert carbon == pytest.approx(r["carbon_t"], rel=0.01), key


@pytest.mark.parametrize(
    ("keys", "card_total_t"),
    [(("llama-3-8b", "llama-3-70b"), 2290), (("llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"), 11390),
     (("llama-4-scout", "llama-4-maverick"), 1999)],
)  # fmt: skip
def test_meta_rows_sum_to_model_card_totals(keys: tuple[str, ...], card_total_t: float) -> None:
    """Meta model cards publish per-model and family-total location-based tCO2e; the rows must add up."""
    assert sum(num("training_runs", k, "carbon_t") for k in keys) == pytest.approx(card_total_t, abs=0.1)


def test_llama2_card_totals_include_unreleased_34b() -> None:
    """Llama 2 card: 7B/13B/70B = 184,320 / 368,640 / 1,720,320 GPU-h and 31.22 / 62.44 / 291.42 tCO2e, but the
    totals (3,311,616 h; 539.00 t) include the unreleased 34B model: the remainder is 1,038,336 h and 153.92 t."""
    keys = ("llama-2-7b", "llama-2-13b", "llama-2-70b")
    hours = sum(num("training_runs", k, "accelerator_hours") for k in keys)
    carbon = sum(num("training_runs", k, "carbon_t") for k in keys)
    assert (3_311_616 - hours, 539.00 - carbon) == pytest.approx((1_038_336, 153.92))
    # implied intensity of the published rows: t / (h x 0.4 kW) ~ 0.42 kgCO2e/kWh for every size
    for k in keys:
        implied = num("training_runs", k, "carbon_t") * 1000 / (num("training_runs", k, "accelerator_hours") * 0.4)
        assert implied == pytest.approx(0.4234, rel=0.002)


def test_bloom_training_and_inference() -> None:
    """BLOOM (Luccioni et al. 2022): 1,082,990 GPU-h x 400 W = 433,196 kWh; 24.7 tCO2e dynamic at 57 g/kWh; API:
    914 kWh / 230,768 requests = 3.96 Wh per request."""
    assert num("training_runs", "bloom-176b", "accelerator_hours") * 0.4 / 1000 == pytest.approx(
        num("training_runs", "bloom-176b", "energy_mwh"))
    assert num("training_runs", "bloom-176b", "energy_mwh") * 57 / 1000 == pytest.approx(24.7, rel=0.01)
    assert num("request_figures", "bloom-api-2022", "energy_wh") == pytest.approx(914_000 / 230_768, abs=0.005)


def test_request_figures_arithmetic() -> None:
    """de Vries 2023: 564 MWh/day / 195 M requests = 2.89 Wh ('at most 2.9'); Google 2025: components 0.14 + 0.06
    + 0.02 + 0.02 Wh = 0.24 Wh median Gemini prompt; Epoch 2025: 1,050 J = 0.29 Wh ('~0.3')."""
    assert num("request_figures", "chatgpt-dv23", "energy_wh") == pytest.approx(564e6 / 195e6, abs=0.02)
    parts = sum(num("request_figures", f"gemini-2025-part-{p}", "energy_wh")
                for p in ("accelerator", "host", "idle", "overhead"))  # fmt: skip
    assert parts == pytest.approx(num("request_figures", "gemini-apps-median-2025", "energy_wh"))
    assert num("request_figures", "gpt-4o-epoch25", "energy_wh") == pytest.approx(1050 / 3600, abs=0.02)
    for r in REG.table("request_figures").rows:
        assert r["boundary"] in ("accelerator", "server", "datacenter", "unknown")
        lo, hi = row_float(r, "energy_wh_low"), row_float(r, "energy_wh_high")
        if lo is not None and hi is not None:
            assert lo <= hi


def test_sector_figures_arithmetic() -> None:
    """IEA Energy and AI (2025): regional figures sum to the annex totals 416 TWh (2024) and 946 TWh (2030);
    de Vries 2023: 3,617 servers x 6.5 kW x 24 h = 564 MWh/day; 512,821 x 6.5 kW x 24 h x 365 = 29.2 TWh/yr."""
    for year, total in ((2024, 416), (2030, 946)):
        regions = ("us", "china", "europe", "apac", "row")
        assert sum(num("sector_figures", f"iea25-{r}-{year}", "value") for r in regions) == pytest.approx(total)
    chatgpt_mwh_per_day = 3617 * 6.5 * 24 / 1000
    assert chatgpt_mwh_per_day == pytest.approx(num("sector_figures", "dv23-chatgpt-daily", "value"), rel=0.005)
    google_twh = 512_821 * 6.5 * 24 * 365 / 1e9
    assert google_twh == pytest.approx(num("sector_figures", "dv23-google-ai-search", "value"), rel=0.005)
    for r in REG.table("sector_figures").rows:
        lo, hi, v = row_float(r, "value_low"), row_float(r, "value_high"), row_float(r, "value")
        assert v is not None or (lo is not None and hi is not None), r["key"]
        if lo is not None and hi is not None:
            assert lo <= hi and (v is None or lo <= v <= hi), r["key"]


# ---------------------------------------------------------------------------------------------- builders


def _load(name: str) -> ModuleType:
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(name) or importlib.util.module_from_spec(spec)
    if name not in sys.modules:
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SHARED.exists(), reason="shared input data not available")
def test_builders_reproduce_shipped_files(tmp_path: Path) -> None:
    """Running the three builders on ../shared reproduces the shipped files byte for byte (deterministic)."""
    (tmp_path / "sources").mkdir()
    for other in (DATA / "sources").glob("*.csv"):
        if other.name != "hardware_models.csv":
            shutil.copy(other, tmp_path / "sources" / other.name)
    for name in ("build_hardware_data", "build_model_data", "build_published_data"):
        _load(name).build(SHARED, tmp_path)
    for name in OURS:
        for ext in ("csv", "toml"):
            assert (tmp_path / f"{name}.{ext}").read_bytes() == (DATA / f"{name}.{ext}").read_bytes(), name
    built = (tmp_path / "sources" / "hardware_models.csv").read_bytes()
    assert built == (DATA / "sources" / "hardware_models.csv").read_bytes()


def test_accelerator_dataclass_round_trip() -> None:
    """The typed loader keeps every published number (no silent drops)."""
    for a, r in zip(ACCELERATORS, REG.table("accelerators").rows, strict=True):
        assert isinstance(a, Accelerator) and a.key == r["key"]
        for col in ("max_power_w", "bf16_dense_tflops", "memory_gb", "embodied_carbon_kg"):
            assert getattr(a, col) == row_float(r, col)
