"""A tracker's windows: the open window's start state (:class:`_Window`) and the handle :meth:`.Tracker.window` yields
(:class:`WindowHandle`). Imports nothing at run time (the tracker's import cost: tests/measure/test_import_cost.py)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from .measurement import Measurement


class _Window:
    """An open window: its name, start [s since the run's start] and each device's state at the start."""

    __slots__ = ("marks", "name", "start_s")

    def __init__(self, name: str, start_s: float, marks: dict[str, tuple[float, float, float, float, int]]) -> None:
        self.name, self.start_s, self.marks = name, start_s, marks


class WindowHandle:
    """Yielded by :meth:`Tracker.window`; ``result`` is filled when the window closes."""

    __slots__ = ("name", "result")

    def __init__(self, name: str, result: Measurement | None = None) -> None:
        self.name, self.result = name, result

    def __repr__(self) -> str:
        return f"WindowHandle(name={self.name!r}, result={self.result!r})"
