"""Sector projections: scenarios (supply-chain, demand-side, published trajectories), rebound, Monte Carlo and
equivalences. Nothing heavy is imported here; import the submodules you need:

* :mod:`.scenario` (load/parse scenario TOML), :mod:`.models` (the three models), :mod:`.montecarlo` (``run``),
* :mod:`.rebound` (Jevons' paradox), :mod:`.equivalences` (countries, Bitcoin, households, bottles …).
"""

from __future__ import annotations
