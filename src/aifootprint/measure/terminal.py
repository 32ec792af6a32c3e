"""Text of the user's own (a run's name, a command line) made safe for a terminal or a document:
:func:`printable`. Imports nothing: the CLI's human view of every command uses it (:func:`aifootprint.cli.output.emit`),
which must not pull in the run store (``sqlite3``) for it."""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` for a terminal or a document: control characters (C0, DEL, C1: ESC starts the terminal's colour,
    cursor and title sequences, CR rewrites the line) written as ``\\xNN`` escapes. A run's name is the user's
    ``--name`` or command line, printed by ``runs list`` and the impact statement: a name holding
    ``ESC ] 0 ; ... BEL`` set the terminal's title and a CR overwrote the row."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                   for c in text)
