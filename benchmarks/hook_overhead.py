"""Per-call overhead of the LLM client hooks vs EcoLogits' per-call overhead, measured in the same run.

Both wrap the same stub ``create`` that returns a prebuilt OpenAI ``ChatCompletion`` (gpt-4o-mini, 1,200 prompt
tokens of which 200 cached, 300 completion tokens of which 100 reasoning), so no network time hides the cost:
overhead = time of the wrapped call − time of the bare stub. aifootprint: :func:`~aifootprint.integrations._wrap.
wrap_method` with a warm :class:`~aifootprint.integrations.core.ImpactCalculator` (what ``instrument`` installs).
EcoLogits (``pip install ecologits``; never a dependency): its OpenAI tracer's non-stream wrapper
(``openai_chat_wrapper_non_stream``: ``llm_impacts`` + rebuilding the response with ``impacts``).

Target (issue 10): ≤ 50 µs per call. Usage: ``python benchmarks/hook_overhead.py [--calls 20000] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def response() -> Any:
    from openai.types.chat import ChatCompletion

    return ChatCompletion.model_validate({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hello"}}],
        "usage": {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500,
                  "prompt_tokens_details": {"cached_tokens": 200},
                  "completion_tokens_details": {"reasoning_tokens": 100}}})


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


def ours(resp: Any) -> Callable[[], Any]:
    from aifootprint.integrations._wrap import Hook, wrap_method
    from aifootprint.integrations.core import ImpactCalculator

    class Owner:
        def create(self, **kwargs: Any) -> Any:
            return resp

    owner = Owner()
    wrap_method(owner, "create", Hook(ImpactCalculator(), "openai"))
    owner.create(model="gpt-4o-mini", messages=[])  # build the estimator (once per model)
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
    hooked = ours(resp)
    mine = per_call_us(hooked, a.calls) - base
    imp = hooked().impacts
    lines = [f"# hook_overhead — {platform.processor() or platform.machine()}, python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {a.calls:,} calls × 5, median",
             f"aifootprint hook: {mine:8.1f} µs per call (target ≤ 50 µs); energy {imp.energy_wh.best:.4g} Wh "
             f"({imp.energy_wh.low:.3g}–{imp.energy_wh.high:.3g}), reasoning + cached tokens used"]
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
