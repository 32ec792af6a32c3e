"""Write the index as a static site: ``index.html``, ``figures.json``, ``assets/`` and a marker file.

Never overwrites what is not ours: a non-empty folder without the marker file is refused unless ``force`` (and
even then only our file names are written, nothing else is touched or removed); a symlink, device or folder where
one of our files goes is refused always (the file is replaced by rename, never written through a link).
"""

from __future__ import annotations

import functools
import json
import os
import stat
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..fileio import replace_atomically
from .changes import Changes, compare_snapshot, load_previous
from .figures import IndexConfig, build_index
from .model import IndexData
from .render import ASSETS, render_index

#: Marker file: its presence says the folder was written by ``aifootprint index`` (and may be rewritten).
MARKER = ".aifootprint-index"
ASSET_DIR = "assets"


@dataclass(frozen=True)
class SiteResult:
    """What :func:`write_site` wrote."""

    out_dir: Path
    files: tuple[Path, ...]
    figures: int
    data_version: str
    previous_version: str


@functools.cache  # bundled files: read once per process (the server serves them on every page load)
def static_bytes(name: str) -> bytes:
    """A bundled asset of the page (``static/<name>``)."""
    if name not in ASSETS:
        raise InputError(f"unknown asset {name!r}; bundled: {', '.join(ASSETS)}")
    return resources.files(__package__).joinpath("static", name).read_bytes()


def _check_target(path: Path) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        kind = "a symlink" if stat.S_ISLNK(st.st_mode) else "a folder" if stat.S_ISDIR(st.st_mode) else \
            "not a regular file"
        raise InputError(f"{path} is {kind}; the index writes regular files only and does not replace it "
                         "(remove it or choose another --out)")


def _check_dir(path: Path, force: bool) -> None:
    if path.is_symlink():
        raise InputError(f"{path} is a symlink; give the real folder as --out")
    if path.exists() and not path.is_dir():
        raise InputError(f"{path} exists and is not a folder; give a new or empty folder as --out")
    if path.is_dir() and not (path / MARKER).exists() and any(path.iterdir()) and not force:
        raise InputError(f"{path} is not empty and was not written by `aifootprint index` (no {MARKER} file); "
                         "give a new or empty folder, or --force to add the index's files there")


def _write(path: Path, data: bytes) -> None:
    _check_target(path)
    replace_atomically(path, data)


def build_page(config: IndexConfig | None = None, asset_base: str = "assets/") -> tuple[IndexData, Changes, str]:
    """The index data, its change table and the HTML page."""
    data = build_index(config=config)
    changes = compare_snapshot(data, load_previous(data.data_version))
    return data, changes, render_index(data, changes, asset_base)


def figures_json(data: IndexData, changes: Changes) -> str:
    """``figures.json``: every figure with sources, method and versions, and the change table."""
    return json.dumps({**data.to_dict(), "changes": changes.to_dict()}, indent=1, ensure_ascii=False) + "\n"


def write_site(out_dir: Path | str, force: bool = False, config: IndexConfig | None = None) -> SiteResult:
    """Write the static site into ``out_dir`` (created when missing); see the module docstring for the rules."""
    out = Path(out_dir)
    _check_dir(out, force)
    assets = out / ASSET_DIR
    if assets.exists() or assets.is_symlink():
        _check_dir(assets, force=True)
    targets = [out / "index.html", out / "figures.json", out / MARKER, *(assets / name for name in ASSETS)]
    for target in targets:  # refuse before the (slower) build
        _check_target(target)
    data, changes, page = build_page(config)
    out.mkdir(parents=True, exist_ok=True)
    assets.mkdir(exist_ok=True)
    written = []
    for name, content in (("index.html", page.encode("utf-8")),
                          ("figures.json", figures_json(data, changes).encode("utf-8"))):
        _write(out / name, content)
        written.append(out / name)
    for name in ASSETS:
        _write(assets / name, static_bytes(name))
        written.append(assets / name)
    _write(out / MARKER, (b"written by `aifootprint index`; files: index.html, figures.json, assets/\n"))
    return SiteResult(out, tuple(written), len(data.figures()), data.data_version, changes.previous_version)
