"""Run a function's every call inside a fresh scope (the one implementation behind both ``track`` decorators), and
the module-level decorator :func:`track` (a fresh tracker per call)."""

from __future__ import annotations

import functools
from collections.abc import Callable

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from typing import Any, ParamSpec, TypeVar

    from .config import TrackerConfig
    from .tracker import Tracker

    P = ParamSpec("P")
    R = TypeVar("R")


def around_calls(func: Callable[P, R], scope: Callable[[], AbstractContextManager[Any]],
                 done: Callable[[Callable[P, R], Any], None] | None = None) -> Callable[P, R]:
    """``func`` with each call run inside a fresh ``scope()``, then ``done(wrapper, what the scope entered)`` after a
    normal exit: the one implementation behind both ``track`` decorators. An ``async def`` function is wrapped around
    its whole awaited run (its call only creates a coroutine, run later). A generator function is refused with
    :class:`TypeError`: calling it runs nothing, and its work happens in whoever iterates it, which is what to measure
    (a window around the loop)."""
    import inspect

    if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
        raise TypeError(f"cannot track the generator function {func.__qualname__}: calling it runs nothing; measure "
                        "the loop that consumes it (with tracker.window(NAME): ...)")
    if inspect.iscoroutinefunction(func):
        afunc: Any = func

        @functools.wraps(func)
        async def ainner(*args: Any, **kwargs: Any) -> Any:
            with scope() as entered:
                out = await afunc(*args, **kwargs)
            if done is not None:
                done(ainner, entered)  # type: ignore[arg-type]
            return out

        return ainner  # type: ignore[return-value]

    @functools.wraps(func)
    def inner(*args: P.args, **kwargs: P.kwargs) -> R:
        with scope() as entered:
            out = func(*args, **kwargs)
        if done is not None:
            done(inner, entered)
        return out

    return inner


def _keep_measurement(wrapper: Callable[..., Any], tracker: Tracker) -> None:
    wrapper.last_measurement = tracker.result  # type: ignore[attr-defined]


def track(name: str | None = None, config: TrackerConfig | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: run a fresh :class:`Tracker` around each call; the last measurement is ``func.last_measurement``.
    An ``async def`` function is measured over its whole awaited run (the tracker starts and stops around it; both
    take a few ms on the event loop's thread); a generator function is refused (:func:`around_calls`). Without a
    ``config`` the GPUs are read in-process (``gpu_reader="thread"``): a tracker per call would start a reader process
    per call (~49 ms a start/stop cycle under ``auto`` against ~1.5 ms, fake NVML on a 2-core VM)."""

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        from .tracker import Tracker

        cfg = config or track_config(name or func.__qualname__)
        return around_calls(func, lambda: Tracker(cfg), _keep_measurement)

    return wrap


def track_config(name: str) -> TrackerConfig:
    """The configuration :func:`track` gives each call's tracker when none is passed: in-process GPU reads."""
    from .config import TrackerConfig

    return TrackerConfig(name=name, gpu_reader="thread")
