"""Every repository path (``src/…``, ``tests/…``, ``benchmarks/…``, ``scripts/…``, ``docs/…``, ``deploy/…``) and
every relative markdown link (with its ``#anchor``) that README.md and docs/**/*.md name exists. (The examples
themselves run in ``test_docs_examples.py``.)"""

from __future__ import annotations

import re
from pathlib import Path

from .docs_markdown import ROOT, doc_files, rel

REPO_PATH = re.compile(r"(?<![\w./~-])((?:src|tests|benchmarks|scripts|docs|deploy)/"
                       r"(?:\{[^}\s]*\}|[^\s`'\")\],;:|{#])*)")
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
LINK_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _expand(pattern: str) -> list[str]:
    """``a/{b,c}.py`` -> ``a/b.py``, ``a/c.py`` (one level, as the docs write it); ``<name>`` -> ``*``."""
    pattern = re.sub(r"<[^>]*>", "*", pattern)
    m = re.search(r"\{([^}]*)\}", pattern)
    if not m:
        return [pattern]
    return [x for alt in m.group(1).split(",") for x in _expand(pattern[:m.start()] + alt + pattern[m.end():])]


def named_paths() -> list[tuple[str, str]]:
    """(where, path) for every repository path written in the docs."""
    found = []
    for doc in doc_files():
        for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            found += [(f"{rel(doc)}:{n}", m.group(1).rstrip(".")) for m in REPO_PATH.finditer(line)]
    return found


def test_every_repository_path_named_in_the_docs_exists() -> None:
    named = named_paths()
    assert len(named) > 50, "the path pattern finds the docs' paths"
    missing = [f"{where}: {path}" for where, path in named
               if not all(any(ROOT.glob(p)) if "*" in p else (ROOT / p).exists() for p in _expand(path))]
    assert not missing, "paths named in the docs that do not exist:\n" + "\n".join(missing)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation other than - and _ dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(doc: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    text = re.sub(r"^(```|~~~).*?^\1", "", doc.read_text(encoding="utf-8"), flags=re.M | re.S)
    for m in re.finditer(r"^#{1,6}\s+(.*?)\s*#*\s*$", text, flags=re.M):
        slug = _slug(re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1)))
        k = seen.get(slug, 0)
        seen[slug] = k + 1
        out.add(slug if k == 0 else f"{slug}-{k}")
    return out


def test_every_relative_link_in_the_docs_resolves() -> None:
    broken, count = [], 0
    for doc in doc_files():
        for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            for target in [m.group(1) for m in LINK.finditer(line)] + [m.group(1) for m in LINK_DEF.finditer(line)]:
                if SCHEME.match(target):
                    continue
                count += 1
                path, _, anchor = target.partition("#")
                dest = (doc.parent / path).resolve() if path else doc
                if not dest.exists() or not dest.is_relative_to(ROOT):
                    broken.append(f"{rel(doc)}:{n}: {target} (no such file in the repository)")
                elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                    broken.append(f"{rel(doc)}:{n}: {target} (no heading #{anchor} in {rel(dest)})")
    assert count > 20, "the link pattern finds the docs' links"
    assert not broken, "broken links:\n" + "\n".join(broken)
