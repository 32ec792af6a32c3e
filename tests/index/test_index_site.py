"""``aifootprint index --out DIR``: writes the static site, never clobbers what is not ours."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.index.figures import IndexConfig
from aifootprint.index.site import MARKER, static_bytes, write_site

CFG = IndexConfig(draws=200, models=("llama-3.2-1b", "llama-3.1-8b"))


def test_cli_writes_offline_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The page, figures.json and every referenced asset are written; nothing points off-site."""
    out = tmp_path / "site"
    assert main(["index", "--out", str(out), "--draws", "500"]) == 0
    assert "wrote" in capsys.readouterr().out
    page = (out / "index.html").read_text(encoding="utf-8")
    for ref in ("assets/chart.umd.min.js", "assets/charts.js", "assets/index.js", "assets/index.css"):
        assert ref in page and (out / ref).read_bytes() == static_bytes(ref.removeprefix("assets/"))
    assert "Chart.js v4" in (out / "assets/chart.umd.min.js").read_text(encoding="utf-8")[:200]
    assert "MIT" in (out / "assets/LICENSE.chartjs.md").read_text(encoding="utf-8")
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert not [u for u in __import__("re").findall(r'(?:src|href)="([^"#]+)"', page)
                if u.startswith(("http:", "https:", "//"))]
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert figures["data_version"] and figures["changes"]["current_version"] == figures["data_version"]
    assert (out / MARKER).exists()
    # ours: rewriting is fine, and the count reported is the figures written
    again = write_site(out, config=CFG)
    rewritten = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    # at least energy, carbon and water of each requested model
    assert again.figures == sum(len(s["figures"]) for s in rewritten["sections"]) >= 3 * len(CFG.models)


def test_refuses_foreign_folder_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A non-empty folder without the marker: exit 2 and one line; --force adds our files and leaves theirs."""
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "index.html").write_text("their page", encoding="utf-8")
    assert main(["index", "--out", str(tmp_path), "--draws", "500"]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err and "Traceback" not in err
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "their page"
    write_site(tmp_path, force=True, config=CFG)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert "living AI energy index" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_never_writes_through_symlinks(tmp_path: Path) -> None:
    """A symlink where index.html goes, or as the folder itself, is refused and its target left untouched."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")
    os.symlink(victim, out / "index.html")
    with pytest.raises(InputError, match="symlink"):
        write_site(out, config=CFG)
    assert victim.read_text(encoding="utf-8") == "precious"
    link_dir = tmp_path / "linkdir"
    os.symlink(tmp_path / "elsewhere", link_dir)
    with pytest.raises(InputError, match="symlink"):
        write_site(link_dir, config=CFG)
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"):
        write_site(afile, config=CFG)


def test_bad_draws_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["index", "--out", str(tmp_path / "x"), "--draws", "0"]) == 2
    assert "--draws 0 is out of range; accepted: 100 to 10,000,000" in capsys.readouterr().err  # as `scenario run`
