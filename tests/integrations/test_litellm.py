"""LiteLLM callback: the documented payload shape (always), and a real litellm install when present."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from aifootprint.integrations.core import CallImpacts, CallRecord, HookConfig, ImpactCalculator, Usage
from aifootprint.integrations.litellm import ImpactsCallback
from aifootprint.notice import Notice


class Collect:
    def __init__(self) -> None:
        self.calls: list[CallRecord] = []

    def record(self, call: CallRecord) -> None:
        self.calls.append(call)


def _payload() -> tuple[dict[str, Any], Any]:
    """kwargs and response_obj as LiteLLM's custom-callback docs describe them (docs.litellm.ai, custom_callback)."""
    usage = SimpleNamespace(prompt_tokens=1200, completion_tokens=300, total_tokens=1500,
                            prompt_tokens_details=SimpleNamespace(cached_tokens=200),
                            completion_tokens_details=SimpleNamespace(reasoning_tokens=100))
    response = SimpleNamespace(id="chatcmpl-1", model="gpt-4o-mini", usage=usage, choices=[])
    kwargs = {"model": "openai/gpt-4o-mini", "messages": [], "litellm_call_id": "abc",
              "litellm_params": {"custom_llm_provider": "openai", "api_base": "http://x"},
              "standard_logging_object": {"prompt_tokens": 1200, "completion_tokens": 300}}
    return kwargs, response


def test_documented_payload_shape() -> None:
    sink = Collect()
    cb = ImpactsCallback(ImpactCalculator(HookConfig(sinks=(sink,))))
    kwargs, response = _payload()
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    cb.log_success_event(kwargs, response, t0, t0 + dt.timedelta(seconds=2))
    assert isinstance(response.impacts, CallImpacts) and response.impacts.usage == Usage(1200, 300, 100, 200)
    (rec,) = sink.calls
    assert rec.system == "openai" and rec.request_model == "openai/gpt-4o-mini" and rec.end_s - rec.start_s == 2.0


def test_usage_from_standard_logging_object_and_bad_payload() -> None:
    cb = ImpactsCallback(ImpactCalculator())
    kwargs, _ = _payload()
    resp = SimpleNamespace(model="anthropic/claude-sonnet-4")
    out = cb.handle(kwargs, resp, None, None)
    assert isinstance(out, CallImpacts) and out.model == "claude-sonnet-4" and out.usage == Usage(1200, 300)
    bad = cb.handle({}, object(), None, None)  # nothing usable: flagged, no exception
    assert isinstance(bad, Notice) and bad.code == "no-usage"


_REAL = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import litellm
from aifootprint.integrations.core import HookConfig
from aifootprint.integrations.litellm import impacts_logger
from tests.integrations.fake_llm import fake_llm_server

seen = []
class Sink:
    def record(self, call):
        seen.append(call)
litellm.callbacks = [impacts_logger(HookConfig(sinks=(Sink(),)))]
with fake_llm_server() as (url, _):
    r = litellm.completion(model="openai/gpt-4o-mini", api_base=url + "/v1", api_key="t",
                           messages=[{"role": "user", "content": "hi"}])
    for _ in range(100):  # success callbacks may run on a worker thread
        if seen:
            break
        time.sleep(0.05)
u = seen[0].impacts.usage
print(json.dumps({"content": r.choices[0].message.content, "system": seen[0].system, "cached": u.cached_tokens,
                  "reasoning": u.reasoning_tokens, "model": seen[0].impacts.model}))
"""


def test_real_litellm_against_fake_server() -> None:
    """A real LiteLLM (when installed) calling the fake server, in a subprocess: litellm's import emits
    warnings of its own and would fetch its price map unless LITELLM_LOCAL_MODEL_COST_MAP is set."""
    import importlib.util
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    if importlib.util.find_spec("litellm") is None:
        pytest.skip("litellm is not installed (it is in the test extra): pip install -e '.[test]'")
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    done = subprocess.run([sys.executable, "-c", _REAL, root], capture_output=True, text=True, env=env, timeout=240,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got == {"content": "hello", "system": "openai", "cached": 200, "reasoning": 100, "model": "gpt-4o-mini"}
