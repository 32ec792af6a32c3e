"""Web dashboard (owned by engineer "dash"; this is srv's stub that mounts nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..config import ServerConfig


def mount_dashboard(app: FastAPI, config: ServerConfig) -> None:
    """Mount the dashboard routes and static assets on ``app`` (stub: does nothing)."""
    return None
