"""A run as read back from the run store (:mod:`.store` loads this module on first use: writing never needs it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .store import RunHeader


@dataclass(frozen=True)
class StoredRun:
    """A run as read back: its header, and its end (None while running or if the process died)."""

    header: RunHeader
    ended_at: float | None
    exit_code: int | None
    summary: dict[str, Any] | None

    @property
    def run_id(self) -> str:
        return self.header.run_id
