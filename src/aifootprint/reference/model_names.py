"""Model names as providers and gateways spell them -> registry keys to try.

Each rule strips what a naming convention adds around a model's name; none guesses a family or a size (a name
without a size, ``llama3.1`` or ``llama3.1:latest``, stays unknown). Conventions and where they are documented:

- Hugging Face ids and gateway prefixes: ``meta-llama/Llama-3.1-8B-Instruct``, ``openai/gpt-4o``,
  ``together_ai/…``, ``bedrock/…``, ``vertex_ai/…``, ``ollama/…``, ``azure/<deployment>``: the last ``/``
  segment is the name (https://docs.litellm.ai/docs/providers). An Azure deployment name is the user's own: it
  resolves only when it is itself a model name; otherwise map it (``HookConfig(models=…)``).
- OpenAI fine-tunes ``ft:<base>:<org>:<suffix>:<id>``: the base model, the second field
  (https://platform.openai.com/docs/guides/fine-tuning).
- AWS Bedrock model ids ``<provider>.<model>-v<N>:<M>`` and cross-region inference profiles ``us.`` / ``eu.`` /
  ``apac.`` / … before them (https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html,
  https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html); Meta's ids spell the
  version with dashes, ``meta.llama3-1-8b-instruct-v1:0``.
- Google Vertex AI versions: ``claude-3-5-sonnet-v2@20241022`` (partner models,
  https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/use-claude) and ``gemini-2.0-flash-001``
  (https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions).
- Ollama tags ``<name>:<size>[-<variant>][-<quantisation>]``, ``llama3.1:8b``, ``qwen2.5:7b-instruct-q4_K_M``
  (https://ollama.com/library/llama3.1/tags).
- Together ``<org>/<Model>-Turbo`` / ``-Lite`` (https://docs.together.ai/docs/serverless-models).
- Dates and versions: ``-20241022``, ``-2024-08-06``, ``-0125``, ``-v0.1``; chat/instruct suffixes.

A name that states a quantised build (an Ollama ``q4_K_M`` / ``q8_0`` tag, ``-AWQ``, ``-GPTQ``, ``-FP8``, ``-Int4``,
Together's ``-Turbo`` (FP8) and ``-Lite`` (INT4)) changes the serving precision, which a registry record cannot
carry: :func:`name_candidates` marks the candidates it yields after such a tag with a :class:`Quantisation`,
:func:`~aifootprint.reference.models.get_model` raises
:class:`~aifootprint.reference.models.QuantisedModelName` for them, and the estimator serves the entry at the
precision the tag states (notice ``precision-from-name``) or, when it states no bits it has, refuses naming the
registry model and the ``--precision`` to give. ``fp16`` / ``bf16`` tags are the full precision estimates assume
and are accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Quantisation", "finetune_base", "name_candidates"]

_SUFFIXES = ("-instruct", "-chat", "-it", "-hf", "-base", "-pt", "-latest", "-text")
_DATE = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2}|\d{4})$")
_VERTEX_VERSION = re.compile(r"-\d{3}$")  # gemini-2.0-flash-001
_VERSION_TAG = re.compile(r"-v\d+(\.\d+)*$")
_VERSION_DASH = re.compile(r"(?<=\d)-(?=\d(?:-|$))")
_BEDROCK = re.compile(
    r"^(?:(?:us|eu|apac|jp|au|ca|us-gov|global)\.)?"  # cross-region inference profile
    r"(?:anthropic|meta|mistral|amazon|cohere|ai21|deepseek|openai|qwen|writer)\.(?P<model>[^.].*)$")
_BEDROCK_VERSION = re.compile(r"(?:-v\d+(?::\d+)?|-\d+:\d+|:\d+)?(?::\d+k)?$")  # -v1:0, -1:0, :0, :200k
_VERTEX_AT = re.compile(r"@(?:\d{8}|\d{3}|latest)$")
_FAMILY_DIGIT = re.compile(r"^(llama|gemma)(?=\d)")  # llama3.1 -> llama-3.1, gemma2 -> gemma-2 (Ollama, Bedrock)
#: a tag segment that starts a quantisation: q4, q4_k_m (normalised q4-k-m), iq3, int4, fp8, awq, gptq, …
_QUANT_SEGMENT = re.compile(r"^(?:i?q\d\w*|int\d+|fp\d+|f\d+|bf16|awq|gptq|gguf|w\d+a\d+|bnb|\d+bit)$")
_FULL_PRECISION = ("fp16", "bf16", "f16", "fp32", "f32")


@dataclass(frozen=True)
class Quantisation:
    """A quantised build stated in a model name: the tag as written (normalised) and the weight bits it implies
    (``None``: not stated, e.g. ``-AWQ`` without a bit count)."""

    tag: str
    bits: int | None

    @property
    def precision(self) -> str | None:
        """The estimator precision with the same weight bytes (``--precision``), if there is one."""
        return {4: "int4", 8: "fp8"}.get(self.bits or 0)


def finetune_base(name: str) -> str:
    """``ft:gpt-4o-mini-2024-07-18:my-org:suffix:id`` -> ``gpt-4o-mini-2024-07-18`` (an OpenAI fine-tune's base
    model, the second field of its name: platform.openai.com/docs/guides/fine-tuning); other names unchanged."""
    if name.startswith("ft:"):
        base = name.split(":", 2)[1]
        if base:
            return base
    return name


def _quantisation(segments: list[str]) -> tuple[list[str], Quantisation | None]:
    """Split trailing tag segments at the first one that names a quantisation."""
    for i, seg in enumerate(segments):
        if i and _QUANT_SEGMENT.match(seg):
            tag = "-".join(segments[i:])
            if tag in _FULL_PRECISION:
                return segments[:i], None
            bits = re.search(r"\d+", re.sub(r"^w(\d+)a\d+", r"\1", seg))
            n = int(bits.group()) if bits and not seg.startswith(("awq", "gptq", "gguf", "bnb")) else None
            if n is None:  # -gptq-int4, -bnb-4bit: the bits follow
                more = re.search(r"(?:int|q)(\d+)|(\d+)bit", tag)
                n = int(more.group(1) or more.group(2)) if more else None
            return segments[:i], Quantisation(tag, n)
    return segments, None


def name_candidates(name: str) -> list[tuple[str, Quantisation | None]]:
    """Keys to try for a user-given model name, most literal first, each with the quantisation the name stated
    before it (None: full precision)."""
    norm = re.sub(r"[\s_]+", "-", name.strip().lower())
    out: list[tuple[str, Quantisation | None]] = [(norm, None)]
    quant: Quantisation | None = None

    def step(new: str) -> None:
        nonlocal norm
        if new and new != norm:
            norm = new
            out.append((norm, quant))

    if "/" in norm:  # HF org, gateway prefix (openai/, bedrock/, azure/…), ARN path: the last segment
        step(norm.rsplit("/", 1)[1])
    step(finetune_base(norm))
    bedrock = _BEDROCK.match(norm)
    if bedrock:
        step(_BEDROCK_VERSION.sub("", bedrock.group("model")))
    step(_VERTEX_AT.sub("", norm))
    if ":" in norm:  # Ollama name:tag
        base, _, tag = norm.partition(":")
        if base and tag and ":" not in tag:
            segments, quant = _quantisation(["", *tag.split("-")])
            rest = [s for s in segments[1:] if s != "latest"]
            step("-".join([base, *rest]))
    else:
        segments, q = _quantisation(norm.split("-"))
        if q is not None:
            quant = q
            step("-".join(segments))
    if norm.startswith("meta-llama-"):
        step(norm.removeprefix("meta-"))
    step(_FAMILY_DIGIT.sub(r"\1-", norm))
    _strip(norm, step)
    if norm.endswith(("-turbo", "-lite")):  # Together: -Turbo = FP8, -Lite = INT4 builds
        turbo = norm.endswith("-turbo")
        quant = quant or Quantisation("turbo" if turbo else "lite", 8 if turbo else 4)
        step(norm.rsplit("-", 1)[0])
        _strip(norm, step)
    step(_VERSION_DASH.sub(".", norm))  # claude-3-5-sonnet -> claude-3.5-sonnet, llama-3-1-8b -> llama-3.1-8b
    seen: dict[str, Quantisation | None] = {}
    for cand, q in out:
        seen.setdefault(cand, q)
    return list(seen.items())


def _strip(norm: str, step: Callable[[str], None]) -> None:
    """Strip dates, Vertex versions, version tags (-v0.1) and chat/instruct suffixes, in any order, one at a time
    (each intermediate is a candidate: ``deepseek-v3-001`` -> ``deepseek-v3`` before ``deepseek``)."""
    while True:
        for stripped in (_DATE.sub("", norm), _VERTEX_VERSION.sub("", norm), _VERSION_TAG.sub("", norm),
                         *(norm.removesuffix(s) for s in _SUFFIXES)):
            if stripped and stripped != norm:
                step(stripped)
                norm = stripped
                break
        else:
            return
