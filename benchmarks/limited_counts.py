"""Which accelerator counts requests need: the measurement behind :data:`aifootprint.estimate.sizing.LIMITED_COUNTS`.

``RequestEstimator.accelerators_for`` answers from the precomputed context limits of the first ``LIMITED_COUNTS``
power-of-two accelerator counts that hold a model's weights; a request needing a larger count falls back to the exact
search (:func:`~aifootprint.estimate.sizing.accelerators_needed`: same answer, a few memory evaluations more). This
script counts, over every model of the registry on four accelerators at the default batch, for request contexts
from 256 tokens to the model's context window (doubling, plus the window itself), how far above the smallest count
that holds the weights each request lands: rank 1 = that count, rank 2 = twice it, …, and the share a given
``LIMITED_COUNTS`` answers without the fallback. Deterministic (no timing).

Run: ``python benchmarks/limited_counts.py``
"""

from __future__ import annotations

import math
from collections import Counter

from aifootprint.errors import AifootprintError
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.sizing import LIMITED_COUNTS, accelerators_needed
from aifootprint.reference.registry import default_registry

HARDWARE = ("h100", "b200", "a100-80gb", "l4")
CHAT_TOKENS = 8_192  # a chat-scale context: the reference request (1,000 + 500 tokens) and the tests' sizes
DEFAULT_WINDOW = 131_072  # tokens, for a model row without context_length


def contexts(window: float) -> list[float]:
    out, ctx = [], 256.0
    while ctx < window:
        out.append(ctx)
        ctx *= 2
    return [*out, window]


def main() -> None:
    reg = default_registry()
    table = reg.table("models")
    ranks: Counter[int] = Counter()
    chat: Counter[int] = Counter()
    skipped = 0
    for hw in HARDWARE:
        for row in table.rows:
            key = str(row[table.key])
            try:
                est = RequestEstimator(key, RequestConfig(hardware=hw), reg)
                first = accelerators_needed(est.costs, est.cal, est.config.batch, 0.0)
            except AifootprintError:  # the weights alone do not fit on 64 of them
                skipped += 1
                continue
            window = float(row.get("context_length") or DEFAULT_WINDOW)
            for ctx in contexts(window):
                try:
                    n = accelerators_needed(est.costs, est.cal, est.config.batch, ctx)
                except AifootprintError:
                    rank = 0  # does not fit at all (refused whatever LIMITED_COUNTS is)
                else:
                    rank = 1 + round(math.log2(n / first))
                ranks[rank] += 1
                if ctx <= CHAT_TOKENS:
                    chat[rank] += 1
    total = sum(ranks.values())
    print(f"{len(table.rows)} models x {len(HARDWARE)} accelerators ({skipped} pairs whose weights never fit), "
          f"contexts 256 tokens .. context window, default batch: {total} requests")
    for r in sorted(ranks):
        label = "does not fit" if r == 0 else f"rank {r}"
        print(f"  {label:14s} {ranks[r]:6d}  {100 * ranks[r] / total:5.1f} %")
    for name, counts in (("all contexts", ranks), (f"contexts <= {CHAT_TOKENS:,}", chat)):
        fits = sum(v for r, v in counts.items() if r > 0)
        print(f"{name}: share of the {fits} fitting requests answered without the fallback")
        for k in range(1, max(ranks) + 1):
            answered = sum(v for r, v in counts.items() if 1 <= r <= k)
            mark = "  <- LIMITED_COUNTS" if k == LIMITED_COUNTS else ""
            print(f"  LIMITED_COUNTS={k}: {100 * answered / fits:5.1f} %{mark}")


if __name__ == "__main__":
    main()
