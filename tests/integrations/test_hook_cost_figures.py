"""docs/integrations.md quotes the hook's cost from the latest output of ``benchmarks/hook_overhead.py``
(``benchmarks/results/hook_overhead.txt``). Before, it gave ranges over five runs (14.8–32 µs with varied sizes)
that no single output printed, while the README gave 13.4–14.9 µs for the same row."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _figures() -> dict[str, str]:
    text = (ROOT / "benchmarks" / "results" / "hook_overhead.txt").read_text(encoding="utf-8")
    found = {
        "same": re.search(r"^aifootprint hook:\s+([\d.]+) µs per call", text, re.M),
        "varied": re.search(r"^aifootprint hook, [\d,]+ varied sizes.*?:\s+([\d.]+) µs per call", text, re.M),
        "ecologits": re.search(r"^EcoLogits .*tracer:\s+([\d.]+) µs per call", text, re.M),
        "ratio": re.search(r"^ratio EcoLogits / aifootprint: ([\d.]+)×", text, re.M),
        "date": re.search(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC", text),
    }
    assert all(found.values()), found
    return {k: m.group(1) for k, m in found.items() if m}


def test_integrations_doc_quotes_the_latest_hook_benchmark() -> None:
    doc = (ROOT / "docs" / "integrations.md").read_text(encoding="utf-8")
    cost = doc[doc.index("- **Cost**:"):]
    cost = cost[:cost.index("\n- ") if "\n- " in cost else cost.index("\n\n")]
    fig = _figures()
    for quoted in (f"{fig['same']} µs of CPU per call", f"{fig['varied']} µs when the calls' sizes vary",
                   f"{fig['ecologits']} µs", f"{fig['ratio']}×", fig["date"], "benchmarks/results/hook_overhead.txt"):
        assert quoted in " ".join(cost.split()), (quoted, cost)
    numbers = set(re.findall(r"(\d+(?:\.\d+)?) µs", " ".join(cost.split())))
    assert numbers == {fig["same"], fig["varied"], fig["ecologits"]}, numbers  # no figure from another run
