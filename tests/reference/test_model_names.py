"""Model names as providers and gateways spell them (AWS Bedrock, Vertex AI, Ollama, Together, LiteLLM prefixes,
OpenAI fine-tunes) resolve to their registry entry, never to another family or size; quantised builds and names
without a size are refused with a hint."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.reference.models import finetune_base, get_model, list_models, model_candidates

KEYS = [m.key for m in list_models()]

#: input name -> registry key it resolves to; None: unknown (InputError naming close models)
RESOLVES: list[tuple[str, str | None]] = [
    # AWS Bedrock model ids and cross-region inference profiles
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3.5-sonnet"),
    ("anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3.5-sonnet"),
    ("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3.7-sonnet"),
    ("eu.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3.5-haiku"),
    ("apac.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4"),
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4.5"),
    ("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku"),
    ("meta.llama3-1-8b-instruct-v1:0", "llama-3.1-8b"),
    ("us.meta.llama3-1-70b-instruct-v1:0", "llama-3.1-70b"),
    ("meta.llama3-2-1b-instruct-v1:0", "llama-3.2-1b"),
    ("meta.llama3-8b-instruct-v1:0", "llama-3-8b"),
    ("mistral.mixtral-8x7b-instruct-v0:1", "mixtral-8x7b"),
    ("openai.gpt-oss-120b-1:0", "gpt-oss-120b"),
    ("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3.5-sonnet"),
    ("meta.llama3-1-13b-instruct-v1:0", None),  # no such size: not 8b, not 70b
    # Google Vertex AI versions
    ("claude-3-5-sonnet-v2@20241022", "claude-3.5-sonnet"),
    ("claude-3-5-haiku@20241022", "claude-3.5-haiku"),
    ("claude-sonnet-4@20250514", "claude-sonnet-4"),
    ("claude-opus-4-1@20250805", "claude-opus-4.1"),
    ("gemini-2.0-flash-001", "gemini-2.0-flash"),
    ("gemini-2.0-flash-lite-001", "gemini-2.0-flash-lite"),
    # Ollama name:size[-variant]
    ("llama3.1:8b", "llama-3.1-8b"),
    ("llama3.1:70b", "llama-3.1-70b"),
    ("llama3.1:405b-instruct-fp16", "llama-3.1-405b"),
    ("llama3.2:3b-text-bf16", "llama-3.2-3b"),
    ("qwen2.5:7b", "qwen2.5-7b"),
    ("qwen2.5:72b-instruct", "qwen2.5-72b"),
    ("qwen3:30b-a3b", "qwen3-30b-a3b"),
    ("gemma2:9b", "gemma-2-9b"),
    ("gemma3:27b", "gemma-3-27b"),
    ("mixtral:8x22b", "mixtral-8x22b"),
    ("gpt-oss:20b", "gpt-oss-20b"),
    ("llama3.1", None),  # Ollama's default size is not in the name: not guessed
    ("llama3.1:latest", None),
    ("llama3.1:13b", None),
    # LiteLLM provider prefixes and OpenAI fine-tunes
    ("openai/gpt-4o", "gpt-4o"),
    ("openai/gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
    ("anthropic/claude-3-5-sonnet-20241022", "claude-3.5-sonnet"),
    ("bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3.7-sonnet"),
    ("vertex_ai/claude-3-5-sonnet-v2@20241022", "claude-3.5-sonnet"),
    ("vertex_ai/gemini-2.0-flash-001", "gemini-2.0-flash"),
    ("gemini/gemini-2.5-pro", "gemini-2.5-pro"),
    ("ollama/llama3.1:8b", "llama-3.1-8b"),
    ("ollama_chat/qwen2.5:14b", "qwen2.5-14b"),
    ("azure/gpt-4o", "gpt-4o"),  # a deployment named after its model
    ("azure/my-prod-deployment", None),  # a deployment's own name: map it
    ("ft:gpt-4o-mini-2024-07-18:my-org:custom:9abcDEF", "gpt-4o-mini"),
    ("ft:gpt-4.1-nano-2025-04-14:org::id", "gpt-4.1-nano"),
    ("openai/ft:gpt-4o-2024-08-06:org:x:id", "gpt-4o"),
    # names that were already resolved keep resolving
    ("meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b"),
    ("meta-llama/Meta-Llama-3-70B-Instruct", "llama-3-70b"),
    ("claude-3-5-sonnet-20241022", "claude-3.5-sonnet"),
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("gpt-4-turbo", "gpt-4-turbo"),  # OpenAI's -turbo is part of the name
    ("gpt-4-turbo-2024-04-09", "gpt-4-turbo"),
    ("gpt-3.5-turbo-0125", "gpt-3.5-turbo"),
    ("mistralai/Mistral-7B-Instruct-v0.1", "mistral-7b"),
    ("deepseek-v3", "deepseek-v3"),
    ("nemotron-nano-9b-v2", "nemotron-nano-9b-v2"),
]

#: names that state a quantised build -> (registry key named in the error, --precision it suggests or None)
QUANTISED: list[tuple[str, str, str | None]] = [
    ("qwen2.5:7b-instruct-q4_K_M", "qwen2.5-7b", "int4"),
    ("llama3.1:70b-instruct-q4_0", "llama-3.1-70b", "int4"),
    ("llama3.1:8b-instruct-q8_0", "llama-3.1-8b", "fp8"),
    ("gemma2:27b-instruct-q5_K_M", "gemma-2-27b", None),
    ("meta-llama/Llama-3.1-8B-Instruct-Turbo", "llama-3.1-8b", "fp8"),  # Together Turbo: FP8
    ("together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", "llama-3.1-70b", "fp8"),
    ("meta-llama/Meta-Llama-3-8B-Instruct-Lite", "llama-3-8b", "int4"),  # Together Lite: INT4
    ("Qwen/Qwen3-8B-FP8", "qwen3-8b", "fp8"),
    ("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", "qwen2.5-7b", "int4"),
    ("Qwen/Qwen2.5-7B-Instruct-AWQ", "qwen2.5-7b", None),
]


@pytest.mark.parametrize(("name", "key"), RESOLVES)
def test_provider_and_gateway_names_resolve_to_their_entry(name: str, key: str | None) -> None:
    if key is None:
        with pytest.raises(InputError, match="unknown model"):
            get_model(name)
    else:
        assert get_model(name).key == key


@pytest.mark.parametrize(("name", "key", "precision"), QUANTISED)
def test_a_quantised_build_is_refused_naming_its_model_and_precision(name: str, key: str,
                                                                      precision: str | None) -> None:
    """A quantisation tag changes the serving precision, which a name cannot carry into the estimate: the error
    says which entry and which --precision to give instead of estimating full precision silently."""
    with pytest.raises(InputError) as err:
        get_model(name)
    msg = str(err.value)
    assert f"--model {key}" in msg
    assert (f"--precision {precision}" in msg) if precision else "--precision of its weights" in msg


def test_an_unknown_name_hints_at_close_models_as_read() -> None:
    with pytest.raises(InputError) as err:
        get_model("llama3.1:latest")
    msg = str(err.value)
    assert "read as 'llama-3.1'" in msg
    assert "did you mean: llama-3.1-405b, llama-3.1-70b, llama-3.1-8b?" in msg


def test_an_azure_deployment_name_says_to_map_it() -> None:
    with pytest.raises(InputError, match=r"Azure deployment name is your own.*HookConfig\(models="):
        get_model("azure/my-prod-deployment")


@pytest.mark.parametrize(("argv", "key"), [
    (["--model", "us.anthropic.claude-3-7-sonnet-20250219-v1:0"], "claude-3.7-sonnet"),
    (["--model", "llama3.1:70b"], "llama-3.1-70b"),
    (["--model", "ft:gpt-4o-mini-2024-07-18:org:suffix:id"], "gpt-4o-mini"),
])
def test_the_cli_reports_the_entry_a_name_resolved_to(argv: list[str], key: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from aifootprint.cli.main import main

    assert main(["estimate", "request", *argv, "--input-tokens", "100", "--output-tokens", "10", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"]["model"] == key


@pytest.mark.parametrize(("name", "needle"), [
    ("Qwen/Qwen2.5-7B-Instruct-AWQ", "--model qwen2.5-7b with the --precision"), ("llama3.1:latest", "llama-3.1-8b")])
def test_the_cli_refuses_in_one_line(name: str, needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    from aifootprint.cli.main import main

    assert main(["estimate", "request", "--model", name, "--input-tokens", "100", "--output-tokens", "10"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and needle in err, err


def test_the_fine_tune_rule_is_the_registrys() -> None:
    """The client hooks use the registry's rule (one implementation)."""
    from aifootprint.reference import model_names

    assert finetune_base is model_names.finetune_base
    assert finetune_base("ft:gpt-4o-mini-2024-07-18:org:s:id") == "gpt-4o-mini-2024-07-18"
    assert finetune_base("ft:") == "ft:"
    assert finetune_base("gpt-4o") == "gpt-4o"


def test_the_hooks_name_the_entry_used_or_say_why_not() -> None:
    from aifootprint.integrations.core import ImpactCalculator, Usage
    from aifootprint.notice import Notice

    calc = ImpactCalculator()
    for name, key in (("ft:gpt-4o-mini-2024-07-18:org:suffix:abc", "gpt-4o-mini"),
                      ("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3.7-sonnet"),
                      ("llama3.1:8b", "llama-3.1-8b")):
        assert getattr(calc.impacts(name, Usage(1000, 200)), "model", None) == key
    out = calc.impacts("Qwen/Qwen2.5-7B-Instruct-AWQ", Usage(1000, 200))  # bits not stated: no precision to use
    assert isinstance(out, Notice) and out.code == "unknown-model" and "--precision of its weights" in out.message
    quant = calc.impacts("qwen2.5:7b-instruct-q4_K_M", Usage(1000, 200))
    assert getattr(quant, "model", None) == "qwen2.5-7b"
    assert "precision-from-name" in [n.code for n in getattr(quant, "warnings", ())]


@pytest.mark.parametrize(("name", "key", "precision"), [q for q in QUANTISED if q[2] is not None])
def test_a_quantised_build_with_known_bits_is_estimated_at_that_precision(name: str, key: str,
                                                                          precision: str) -> None:
    """The estimator serves a quantised build's entry at the precision its tag states (the same result as
    ``--model KEY --precision P``), with the notice ``precision-from-name``; an explicit --precision wins."""
    from aifootprint.estimate.config import RequestConfig
    from aifootprint.estimate.inference import RequestEstimator

    named = RequestEstimator(name)
    assert named.model.key == key and named.precision == precision
    assert named.estimate(1000, 200).energy_wh == RequestEstimator(key, RequestConfig(precision=precision)).estimate(
        1000, 200).energy_wh
    res = named.result(1000, 200)
    assert [w.code for w in res.warnings if getattr(w, "code", "") == "precision-from-name"] == ["precision-from-name"]
    source = {a.name: a.source for a in res.assumptions}["precision"]
    assert "quantisation tag" in source and "registry" not in source
    explicit = RequestEstimator(name, RequestConfig(precision="bf16"))
    assert explicit.precision == "bf16"
    assert "precision-from-name" not in [getattr(w, "code", "") for w in explicit.result(1000, 200).warnings]


def test_every_key_is_its_own_first_candidate() -> None:
    for key in KEYS:
        assert model_candidates(key)[0] == key
        assert get_model(key.upper()).key == key


_SIZE = re.compile(r"^(?:\d+(?:\.\d+)?b|\d+x\d+b|a\d+b)$")
_SIZES = ["0.5b", "1b", "1.5b", "2b", "3b", "4b", "7b", "8b", "9b", "12b", "13b", "14b", "20b", "27b", "30b", "32b",
          "70b", "72b", "120b", "176b", "235b", "405b", "8x7b", "8x22b"]


def _sizes(name: str) -> list[str]:
    return [s for s in re.split(r"[-:/_@.\s]+", name.lower()) if _SIZE.match(s)]


def _words(key: str) -> list[str]:
    return [w for w in re.split(r"[^a-z]+", key) if w and not _SIZE.match(w)]


def _decorate(key: str, how: int, date: str) -> str:
    """``key`` as one provider convention spells it."""
    parts = key.split("-")
    size_last = bool(_SIZE.match(parts[-1]))
    family = re.sub(r"^(llama|gemma)-", r"\1", "-".join(parts[:-1]))
    return [
        key,
        f"{key}-instruct",
        f"{key}-{date}",
        f"org/{key.title()}-Instruct",
        f"bedrock/us.meta.{key}-instruct-v1:0",
        f"vertex_ai/{key}@{date}",
        f"{key.replace('.', '-')}@{date}" if key.startswith("claude") else key,
        f"{key}-001",
        f"{family}:{parts[-1]}-instruct" if size_last else key,
        f"ollama/{family}:{parts[-1]}" if size_last else key,
        f"ft:{key}-{date[:4]}-{date[4:6]}-{date[6:]}:org:x:id",
    ][how]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KEYS), st.sampled_from([None, *_SIZES]), st.integers(0, 10),
       st.sampled_from(["20240620", "20251231"]))
def test_resolution_never_changes_family_or_size_and_is_idempotent(key: str, size: str | None, how: int,
                                                                    date: str) -> None:
    """Any registry key, its size possibly swapped for another, spelt by any convention: the name resolves to an
    entry whose size tokens are the name's and whose words all appear in the name, or is refused; resolving the
    result again gives the result."""
    stem = key
    if size is not None and _sizes(key):
        stem = "-".join(size if _SIZE.match(p) and not p.startswith("a") else p for p in key.split("-"))
    name = _decorate(stem, how, date)
    try:
        found = get_model(name).key
    except InputError:
        assert stem not in KEYS, (name, stem)
        return
    assert _sizes(found) == _sizes(stem), (name, found)
    assert all(w in name.lower() for w in _words(found)), (name, found)
    assert get_model(found).key == found
    if stem in KEYS:
        assert found == stem, (name, found)
