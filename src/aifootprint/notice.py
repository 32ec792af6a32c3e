"""Structured warnings: what every result, sensor and command reports besides its numbers.

A :class:`Notice` has a stable ``code`` (machine-readable, e.g. ``"estimated-fallback"``), the ``subject`` it is about
(a parameter, a device, a model), a human ``message`` and, where it rests on a figure, the ``source`` key. Code that
needs to act on a warning compares ``code`` (and ``subject``), never the message text; text is produced only at the
edge (CLI, report, ``str(notice)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Subject of the ``estimated-*`` notices (a value the method estimated: unpublished parameters, an uncalibrated
#: accelerator): the same subject a legacy "estimated: …" message parses to (:func:`to_notice`), so report code
#: that routes on it treats both alike.
ESTIMATED = "estimated"


@dataclass(frozen=True)
class Notice:
    """One structured warning. ``str(notice)`` is the message as shown to people."""

    code: str
    message: str
    subject: str = ""
    source: str = ""

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "subject": self.subject, "message": self.message, "source": self.source}


def to_notice(item: Notice | str) -> Notice:
    """A :class:`Notice` for ``item``; a legacy plain message ``"subject: text"`` keeps its leading identifier as
    the ``subject`` (``"pue: industry-average PUE used"`` -> subject ``"pue"``), code ``"note"``.

    The one place where a legacy string's text is read: callers route on ``.subject`` and ``.code``.
    """
    if isinstance(item, Notice):
        return item
    text = str(item)
    head, sep, _ = text.partition(": ")
    subject = head if sep and head and " " not in head.strip() else ""
    return Notice(code="note", message=text, subject=subject)


def to_notices(items: Iterable[Notice | str]) -> list[Notice]:
    """:func:`to_notice` of each item."""
    return [to_notice(i) for i in items]
