"""Generic registry behaviour on a small data directory made by the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import DataError, InputError
from aifootprint.reference.registry import Registry, parse_cell


def _make(tmp_path: Path) -> Registry:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.csv").write_text(
        "key,citation,url,licence,status\nK1,Doe J. A paper. 2020,https://example.org/k1,CC-BY-4.0,P\n"
    )
    (tmp_path / "things.csv").write_text(
        "key,power_w,source,year,licence,status\nalpha,10,K1,2020,facts,P\nBeta,,K1,2021,facts,S\n"
    )
    (tmp_path / "things.toml").write_text('title = "Things"\nkey = "key"\ncredit = "Doe 2020"\n')
    return Registry(tmp_path)


def test_parse_cell() -> None:
    assert parse_cell("") is None
    assert parse_cell("12") == 12
    assert parse_cell("1.5") == 1.5
    assert parse_cell("TRUE") is True
    assert parse_cell(" x ") == "x"


def test_table_lookup_is_case_insensitive(tmp_path: Path) -> None:
    reg = _make(tmp_path)
    t = reg.table("things")
    assert t.get("BETA")["year"] == 2021
    assert t.get("alpha")["power_w"] == 10
    assert t.find("gamma") is None
    assert [r["key"] for r in t.where(year=2020)] == ["alpha"]


def test_unknown_names_suggest(tmp_path: Path) -> None:
    reg = _make(tmp_path)
    with pytest.raises(InputError, match="did you mean: alpha"):
        reg.table("things").get("alpah")
    with pytest.raises(InputError, match="unknown dataset 'thing'"):
        reg.table("thing")
    with pytest.raises(InputError, match="K1"):
        reg.cite("K2")


def test_cite(tmp_path: Path) -> None:
    reg = _make(tmp_path)
    assert "https://example.org/k1" in reg.cite("k1").format()


def test_malformed_row(tmp_path: Path) -> None:
    reg = _make(tmp_path)
    (tmp_path / "bad.csv").write_text("key,source,year,licence,status\nx,K1,2020\n")
    with pytest.raises(DataError, match=r"bad.csv:2"):
        reg.table("bad")


def _parse_cell_reference(text: str) -> object:
    """parse_cell as first written (every cell through int() and float()): the fast path must give the same."""
    s = text.strip()
    if s == "":
        return None
    low = s.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(s)
    except ValueError:
        pass
    try:
        return float(s)
    except ValueError:
        return s


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"\s*[-+]?[0-9_.eE]*(inf|nan|Infinity)?[0-9]*\s*", fullmatch=True),
                 st.sampled_from(["TRUE", " False ", "1_000", "١٢", "²", "NaN", "-inf", ".5", "1e3", "x1"])))
def test_parse_cell_fast_path_is_the_reference(text: str) -> None:
    got, want = parse_cell(text), _parse_cell_reference(text)
    assert type(got) is type(want)
    assert got == want or (isinstance(want, float) and want != want and got != got)
