"""The docs as the docs tests read them: README.md and docs/**/*.md, their fenced blocks and the ``docs-test``
markers right above each (shared by ``test_docs_examples.py``, which runs the examples, and
``test_docs_paths_and_links.py``, which checks the paths and links they name)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$")


def doc_files() -> list[Path]:
    """README.md and every markdown file under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts (1-based line of the fence), its info string and lines, its markers."""

    doc: Path
    line: int
    lang: str
    lines: tuple[str, ...]
    markers: tuple[str, ...]

    @property
    def ident(self) -> str:
        return f"{rel(self.doc)}:{self.line}"


def blocks(doc: Path) -> Iterator[Block]:
    """The fenced blocks of ``doc`` with the ``docs-test`` markers on the lines right above each."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang = m.group(2), m.group(3).lower()
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        markers: list[str] = []
        k = i - 1
        while k >= 0 and lines[k].lstrip().startswith("<!--"):
            mm = MARKER.match(lines[k])
            if mm:
                markers.insert(0, mm.group(1))
            k -= 1
        yield Block(doc, i + 1, lang, tuple(lines[i + 1:end]), tuple(markers))
        i = end + 1
