"""The user config file and the calibration profiles it names.

Location: ``$AIFOOTPRINT_CONFIG`` (a file), else ``$XDG_CONFIG_HOME/aifootprint/config.toml``, else
``~/.config/aifootprint/config.toml`` (:func:`config_path`; the environment and home folder are parameters, so
tests and servers inject their own). A missing file is an empty config. The table read here::

    [calibration]
    h100 = "~/calibration/h100.toml"     # accelerator (registry key or alias) = profile path
    h200 = "h200.toml"                   # relative paths are relative to the config file's folder

Other tables belong to other parts of aifootprint and are left alone. Every fault (not TOML, unknown accelerator, a
path that is not a string) raises :class:`~aifootprint.errors.InputError` naming the config file.

:func:`select_profile` is what estimators call: an explicit ``--calibration FILE`` wins, else the config's entry for
the accelerator, else ``None`` (shipped calibration). A profile measured on another accelerator is refused.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..fileio import read_input
from .profile import CalibrationProfile, check_against_datasheet, read_profile

if TYPE_CHECKING:
    from ..reference.registry import Registry

ENV_CONFIG = "AIFOOTPRINT_CONFIG"


@dataclass(frozen=True)
class UserConfig:
    """The parts of the user config that calibration uses. ``path`` is None when no file exists."""

    path: Path | None = None
    calibration: Mapping[str, Path] = field(default_factory=dict)  # accelerator key -> profile path


def config_path(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """Where the user config lives (see the module docstring); it need not exist."""
    environ = os.environ if env is None else env
    explicit = environ.get(ENV_CONFIG)
    if explicit:
        return Path(explicit).expanduser()
    xdg = environ.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else (home or Path.home()) / ".config"
    return base / "aifootprint" / "config.toml"


def load_config(path: Path | None = None, *, env: Mapping[str, str] | None = None, home: Path | None = None,
                registry: Registry | None = None) -> UserConfig:
    """Read the user config (``path``, else :func:`config_path`). Accelerator names are resolved to registry keys."""
    from ..reference.hardware import get_accelerator

    target = path if path is not None else config_path(env, home)
    try:
        text = read_input(target, "config").decode("utf-8")
    except FileNotFoundError:
        return UserConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"config {str(target)!r} cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"config {str(target)!r} is not valid TOML: {exc}") from None
    table = data.get("calibration", {})
    if not isinstance(table, dict):
        raise InputError(f"config {str(target)!r}: 'calibration' must be a table ([calibration] h100 = \"path\")")
    entries: dict[str, Path] = {}
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"config {str(target)!r}: [calibration] {name} = {value!r}; accepted: a file path string")
        try:
            key = get_accelerator(name, registry).key
        except InputError as exc:
            raise InputError(f"config {str(target)!r}: [calibration] {exc}") from None
        if key in entries:
            raise InputError(f"config {str(target)!r}: [calibration] names accelerator {key!r} twice")
        p = Path(value).expanduser()
        entries[key] = p if p.is_absolute() else target.parent / p
    return UserConfig(path=target, calibration=entries)


def select_profile(accelerator: str, calibration_file: Path | str | None = None, config: UserConfig | None = None,
                   registry: Registry | None = None) -> CalibrationProfile | None:
    """The measured profile to use for ``accelerator`` (a registry key), or None for the shipped calibration.

    ``calibration_file`` (``--calibration FILE``) wins over the config's ``[calibration]`` entry. A profile whose
    ``accelerator`` differs from the one estimated raises :class:`InputError` (it describes another GPU), and so
    does one that contradicts that accelerator's datasheet (:func:`~.profile.check_against_datasheet`).
    """
    if calibration_file is not None:
        path, origin = Path(calibration_file), "--calibration"
    elif config is not None and accelerator in config.calibration:
        path, origin = config.calibration[accelerator], f"config {str(config.path)!r}"
    else:
        return None
    profile = read_profile(path)
    if profile.accelerator != accelerator:
        raise InputError(f"{origin}: profile {str(path)!r} was measured on {profile.accelerator!r}, not on "
                         f"{accelerator!r}; accepted: a profile of the accelerator being estimated")
    from ..reference.hardware import get_accelerator

    check_against_datasheet(profile, get_accelerator(accelerator, registry), f"{origin}: profile {str(path)!r}")
    return profile
