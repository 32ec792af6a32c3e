"""Exceptions. :class:`InputError` is what users see: one clear line, exit code 2 in the CLI."""

from __future__ import annotations

TYPE_CHECKING = False  # nothing imported at run time for annotations (import time)
if TYPE_CHECKING:
    from collections.abc import Iterable


class AifootprintError(Exception):
    """Base class of every error raised on purpose by aifootprint."""


class InputError(AifootprintError, ValueError):
    """The user gave something we cannot use. The message says what was wrong and what is accepted."""


class DataError(AifootprintError):
    """A shipped or user-supplied data file is malformed."""


def close_matches(value: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` choices that look like ``value`` (case-insensitive)."""
    import difflib  # only on an error: keeps it (and its imports) out of every entry point's import time

    lowered = {c.lower(): c for c in choices}
    v = value.lower().strip()
    # names that start with or contain what was typed ("h10" -> "h100", "gemini" -> "gemini-2.5-pro") come first
    prefix = [c for c in sorted(lowered) if c.startswith(v)] if v else []
    inside = [c for c in sorted(lowered) if v and v in c and c not in prefix] if len(v) >= 3 else []
    fuzzy = difflib.get_close_matches(v, list(lowered), n=n, cutoff=0.5)
    ordered = list(dict.fromkeys(prefix + inside + fuzzy))
    return [lowered[c] for c in ordered[:n]]


def unknown_choice(kind: str, value: str, choices: Iterable[str], limit: int = 12,
                   prefixes: bool = False) -> InputError:
    """Build the error for an unknown name: close matches first, then (some of) the accepted values.

    ``prefixes``: the lookup accepts a unique prefix (run ids); a prefix of several choices is then reported as
    ambiguous, with the choices it starts, instead of as unknown."""
    options = sorted(set(choices))
    starting = [c for c in options if prefixes and value and c.startswith(value)]
    if len(starting) > 1:  # a prefix of several (``runs show 2026``): say so instead of "unknown"
        shown = ", ".join(starting[:5]) + (f", … ({len(starting)} in all)" if len(starting) > 5 else "")
        return InputError(f"{kind} {value!r} is ambiguous: {len(starting)} {kind}s start with it ({shown}); "
                          "give more of it")
    matches = close_matches(value, options)
    msg = f"unknown {kind} {value!r}"
    msg += f"; did you mean: {', '.join(matches)}?" if matches else "."
    shown = ", ".join(options[:limit])
    more = f", … ({len(options)} in all)" if len(options) > limit else ""
    msg += f" Accepted: {shown}{more}."
    return InputError(msg)
