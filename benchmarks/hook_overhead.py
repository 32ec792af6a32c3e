"""Per-call overhead of the LLM client hooks vs EcoLogits' per-call overhead, measured in the same run.

Both wrap the same stub ``create`` that returns a prebuilt OpenAI ``ChatCompletion`` (gpt-4o-mini, 1,200 prompt
tokens of which 200 cached, 300 completion tokens of which 100 reasoning), so no network time hides the cost:
overhead = time of the wrapped call − time of the bare stub. aifootprint: :func:`~aifootprint.integrations._wrap.
wrap_method` with a warm :class:`~aifootprint.integrations.core.ImpactCalculator` (what ``instrument`` installs).
EcoLogits (``pip install ecologits``; never a dependency): its OpenAI tracer's non-stream wrapper
(``openai_chat_wrapper_non_stream``: ``llm_impacts`` + rebuilding the response with ``impacts``).

A second figure cycles through 2,000 responses of varied sizes (each met once in the warm-up): a closed model's
range depends on the request's size (its parameter-range factors), so this includes that lookup. Target (issue 10):
≤ 50 µs per call. Usage: ``python benchmarks/hook_overhead.py [--calls 20000] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def response(prompt_tokens: int = 1200, completion_tokens: int = 300) -> Any:
    from openai.types.chat import ChatCompletion

    return ChatCompletion.model_validate({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hello"}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens,
                  "prompt_tokens_details": {"cached_tokens": min(200, prompt_tokens)},
                  "completion_tokens_details": {"reasoning_tokens": min(100, completion_tokens)}}})


def varied_responses(n: int, seed: int = 1) -> list[Any]:
    """``n`` responses of log-uniform sizes (10–30,000 prompt tokens, 5–2,000 completion tokens; seeded): a closed
    model's range depends on the request's size, so varied sizes exercise the range lookup as well."""
    import random

    rng = random.Random(seed)
    return [response(int(10 ** rng.uniform(1, 4.5)), int(10 ** rng.uniform(0.7, 3.3))) for _ in range(n)]


def per_call_us(fn: Callable[[], Any], calls: int, repeats: int = 5) -> float:
    """Median over ``repeats`` of the mean CPU time per call [µs] (process CPU time: robust on a shared machine)."""
    for _ in range(min(calls, 200)):
        fn()
    runs = []
    for _ in range(repeats):
        t = time.process_time()
        for _ in range(calls):
            fn()
        runs.append((time.process_time() - t) / calls * 1e6)
    return statistics.median(runs)


def cycling(responses: list[Any]) -> Callable[[], Any]:
    """A stub ``create`` returning ``responses`` in turn (the bare baseline when not wrapped)."""
    it = itertools.cycle(responses)

    def create(**kwargs: Any) -> Any:
        return next(it)

    return create


def ours(responses: list[Any]) -> Callable[[], Any]:
    from aifootprint.integrations._wrap import Hook, wrap_method
    from aifootprint.integrations.core import ImpactCalculator

    class Owner:
        create = staticmethod(cycling(responses))

    owner = Owner()
    wrap_method(owner, "create", Hook(ImpactCalculator(), "openai"))
    for _ in responses:  # build the estimator (once per model) and meet every size once
        owner.create(model="gpt-4o-mini", messages=[])
    return lambda: owner.create(model="gpt-4o-mini", messages=[])


def ecologits(resp: Any) -> tuple[Callable[[], Any] | None, str]:
    try:
        import ecologits as eco
        from ecologits import EcoLogits
        from ecologits.tracers.openai_tracer import openai_chat_wrapper_non_stream
    except ImportError:
        return None, "EcoLogits not installed (pip install ecologits): comparison skipped"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        EcoLogits.init(providers=["openai"])

    def stub(*args: Any, **kwargs: Any) -> Any:
        return resp

    kwargs = {"model": "gpt-4o-mini", "messages": []}
    return (lambda: openai_chat_wrapper_non_stream(stub, None, (), kwargs)), f"EcoLogits {eco.__version__}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    resp = response()

    def bare() -> Any:
        return resp

    base = per_call_us(bare, a.calls)
    hooked = ours([resp])
    mine = per_call_us(hooked, a.calls) - base
    imp = hooked().impacts
    varied = varied_responses(2000)
    mixed = per_call_us(ours(varied), a.calls) - per_call_us(cycling(varied), a.calls)
    lines = [f"# hook_overhead — {platform.processor() or platform.machine()}, python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {a.calls:,} calls × 5, median",
             f"aifootprint hook: {mine:8.1f} µs per call (target ≤ 50 µs); energy {imp.energy_wh.best:.4g} Wh "
             f"({imp.energy_wh.low:.3g}–{imp.energy_wh.high:.3g}), reasoning + cached tokens used",
             f"aifootprint hook, 2,000 varied sizes (each met once before): {mixed:8.1f} µs per call"]
    fn, label = ecologits(response())  # its own response object: ours carries an ``impacts`` attribute
    if fn is None:
        lines.append(label)
    else:
        eco = per_call_us(fn, max(a.calls // 10, 200)) - base
        e = fn().impacts.energy.value
        lines.append(f"{label} OpenAI tracer: {eco:8.1f} µs per call; energy {getattr(e, 'mean', e)!s} kWh "
                     f"(output tokens and latency only)")
        lines.append(f"ratio EcoLogits / aifootprint: {eco / mine:.1f}×")
    print("\n".join(lines))
    if a.out:
        Path(a.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
