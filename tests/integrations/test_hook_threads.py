"""Calls from many threads: one instrumented client in a thread pool against the local fake server, the ledger's
totals exact; and the closed-model range lookup under thread switches at every bytecode (it shares the estimator's
full-result cache, whose eviction raised KeyError when two threads evicted at once: those calls had no impacts)."""

from __future__ import annotations

import random
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aifootprint.integrations.core import CallImpacts, HookConfig, ImpactCalculator, Usage
from aifootprint.integrations.ledger import Ledger, project_totals

from .fake_llm import fake_llm_server


def test_thread_pool_calls_and_ledger_totals_are_exact(tmp_path: Path) -> None:
    openai = pytest.importorskip("openai")
    from aifootprint.integrations.openai import instrument

    store = tmp_path / "runs.sqlite"
    with Ledger("pool", store) as ledger, fake_llm_server() as (url, _):
        c = instrument(openai.OpenAI(api_key="t", base_url=url + "/v1", max_retries=0), HookConfig(sinks=(ledger,)))
        with ThreadPoolExecutor(8) as pool:
            out = list(pool.map(lambda _: c.chat.completions.create(model="gpt-4o-mini", messages=[]).impacts,
                                range(64)))
    assert all(isinstance(x, CallImpacts) for x in out)
    tot = project_totals(store, "pool")
    assert tot["calls"] == 64
    assert tot["energy_wh"]["best"] == pytest.approx(sum(x.energy_wh.best for x in out), rel=1e-12)


def test_closed_model_ranges_from_many_threads() -> None:
    calc = ImpactCalculator()
    failures: list[str] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(1500):
            try:
                out = calc.impacts("gpt-4o-mini", Usage(int(10 ** rng.uniform(0, 5)), int(10 ** rng.uniform(0, 3.5))))
                if not isinstance(out, CallImpacts):
                    failures.append(out.code)
            except Exception as exc:  # what Hook.finish would log, leaving the response without impacts
                failures.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible (restored below)
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(work, range(4)))
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
