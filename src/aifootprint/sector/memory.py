"""Whether a sector Monte Carlo fits in memory: its arrays hold one value per draw and scenario year, so
``draws`` × ``years`` sets the peak, checked before any work (:func:`check_memory`)."""

from __future__ import annotations

from ..errors import InputError

#: Peak memory per draw and scenario year, bytes: the most measured with /usr/bin/time (maximum resident set size)
#: on 2026-12-04, ``scenario run iea-2025-data-centres --draws 10000000`` (7 years): 6.1 GB, 88 bytes per draw and
#: year with the CLI's progress display (its default), 4.5 GB, 64 bytes with ``--json`` (a 200-year trajectory at
#: 200,000 draws: 1.3 GB, 33 bytes). 96 leaves a margin over the largest.
BYTES_PER_DRAW_YEAR = 96


def _available_bytes(meminfo: str = "/proc/meminfo") -> int | None:
    """``MemAvailable`` of ``meminfo`` (Linux), None where it cannot be read (then no check)."""
    try:
        with open(meminfo, encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def too_big(draws: int, years: int, available: int | None) -> str:
    """The one-line refusal: the estimate, what is available (when known) and the most draws that fit."""
    need = draws * years * BYTES_PER_DRAW_YEAR
    fits = "" if available is None else (
        f"; {available / 1e9:.1f} GB is available; accepted here: at most "
        f"{max(1, available // (years * BYTES_PER_DRAW_YEAR)):,} draws")
    return (f"{draws:,} draws × {years} scenario years do not fit in memory (about {need / 1e9:.1f} GB at "
            f"{BYTES_PER_DRAW_YEAR} bytes per draw and year){fits}; give fewer draws (--draws) or fewer years")


def check_memory(draws: int, years: int, available: int | None = None, meminfo: str = "/proc/meminfo") -> None:
    """InputError when ``draws`` × ``years`` would need more memory than is available (:data:`BYTES_PER_DRAW_YEAR`),
    before any work: a 200-year scenario at 10 million draws ended in a MemoryError traceback (or the kernel's
    out-of-memory kill)."""
    free = available if available is not None else _available_bytes(meminfo)
    if free is not None and draws * years * BYTES_PER_DRAW_YEAR > free:
        raise InputError(too_big(draws, years, free))
