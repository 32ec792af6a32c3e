"""Accepted ranges of a deployment (its traffic, its accelerator count): one definition for
:class:`~.lifecycle.Deployment`, the estimators' sizing and the CLI's flag checks (:mod:`aifootprint.cli.validate`).
No imports, so that the CLI checks its flags before loading numpy.
"""

from __future__ import annotations

#: Accepted annual growth of requests [-]: -99 % (shrinking) to x11 (growth 10.0) per year. Wider values are typos or
#: unit slips (50 typed for 50 %), and 1e308 overflowed numpy.
GROWTH_PER_YEAR_RANGE = (-0.99, 10.0)
#: Longest deployment or run [days]: 100 years.
MAX_DAYS = 36_500
#: Accepted requests per day on day 0: with it every daily and cumulative figure stays finite over the longest
#: deployment (:data:`MAX_DAYS`) at the largest growth (x11 a year).
MAX_REQUESTS_PER_DAY = 1e13
#: Largest tensor-parallel group tried when choosing the accelerator count, and the largest count accepted
#: (8 per node x 8 nodes).
MAX_ACCELERATORS = 64
#: Most sequences (or items: images, texts, audio files) served together: a generous round bound stated as such
#: (serving batches are 1–1,000); one definition for `estimate request` and the task commands.
MAX_BATCH = 100_000
