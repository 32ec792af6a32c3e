"""The registry's one-row fast path (``Registry.find_row``) and its sidecar-key reader give what the full table and
the TOML parser give, for every row of every shipped dataset (issue 12: ``aifootprint measure`` parsed the 296-row
grid table and imported ``tomllib`` to read one row)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifootprint.errors import DataError
from aifootprint.reference.registry import Registry, _sidecar_key

DATASETS = Registry().datasets()


@pytest.mark.parametrize("name", DATASETS)
def test_sidecar_key_is_the_toml_key(name: str) -> None:
    reg = Registry()
    fast = _sidecar_key(reg.data_dir / f"{name}.toml")
    assert fast is None or fast == reg.meta(name).key  # None: Registry parses the TOML instead


@pytest.mark.parametrize("name", ["grid_intensity", "water_offsite", "datacenter_operators", "cloud_regions",
                                  "accelerator_calibration", "models", "accelerators", "servers", "api_providers",
                                  "request_figures"])
def test_the_site_and_estimate_tables_need_no_toml_parser(name: str) -> None:
    """The tables ``aifootprint measure`` and a first request estimate read have sidecars simple enough for the fast
    reader: no ``tomllib`` on those paths (~10 ms in a fresh process)."""
    assert _sidecar_key(Registry().data_dir / f"{name}.toml") is not None


@pytest.mark.parametrize("name", DATASETS)
def test_find_row_is_table_find(name: str) -> None:
    """Every row of the tables up to 400 rows (the site tables measure reads among them), every 97th row of the
    larger ones (each look-up scans the file: all 4,713 CPU rows would take minutes), upper-cased keys, misses."""
    full = Registry().table(name)
    keys = full.keys()
    if len(keys) > 400:
        keys = [*keys[::97], keys[-1]]
    keys = [*keys, *(k.upper() for k in keys[::7]), "no-such-key", " "]
    for key in keys:
        fresh = Registry()  # nothing loaded: the scanning path
        assert fresh.find_row(name, key) == full.find(key), (name, key)
        assert name not in fresh._tables


def test_find_row_uses_a_loaded_table() -> None:
    reg = Registry()
    table = reg.table("grid_intensity")
    assert reg.find_row("grid_intensity", "WORLD") is table.find("WORLD")


@pytest.mark.parametrize(("toml", "expected"), [
    ('title = "t"\nkey = "zone"\n[columns]\nkey = "other"\n', "zone"),
    ('title = "t"\n[columns]\nkey = "other"\n', ""),
    ('key = ["a", "b"]\n', None),
    ('key = "a" # comment\n', None),
    ('key = \'a\'\n', None),
    ('key = "a\\tb"\n', None),
    ('description = """\nkey = "x"\n"""\nkey = "y"\n', "y"),  # a multi-line string of another key is skipped
    ("description = '''a\nkey = \"x\"'''\nkey = \"y\"\n", "y"),
    ('description = """one line"""\nkey = "y"\n', "y"),
    ('key = """y"""\n', None),  # a multi-line key itself: the parser
    ('description = """never closed\nkey = "y"\n', None),
    ('description = """a \\""" b\n"""\nkey = "y"\n', None),  # an escape near the delimiter: the parser
    ("description = \"\"\"a ''' b\"\"\"\nkey = \"y\"\n", None),
])
def test_sidecar_key_falls_back_when_the_file_is_not_simple(tmp_path: Path, toml: str, expected: str | None) -> None:
    path = tmp_path / "t.toml"
    path.write_text(toml, encoding="utf-8")
    assert _sidecar_key(path) == expected


def test_a_list_key_still_goes_through_the_toml_parser(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b,source,year,licence,status\n1,x,S,2024,CC-BY,P\n2,y,S,2024,CC-BY,P\n",
                                    encoding="utf-8")
    (tmp_path / "t.toml").write_text('key = ["b", "a"]\n', encoding="utf-8")
    reg = Registry(tmp_path)
    assert reg.table("t").key == "b"
    assert Registry(tmp_path).find_row("t", "Y") == {"a": 2, "b": "y", "source": "S", "year": 2024,
                                                     "licence": "CC-BY", "status": "P"}


def test_find_row_reports_a_ragged_row_and_a_missing_key_column(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b\n1,x\n2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"t\.csv:3: 1 cells"):
        Registry(tmp_path).find_row("t", "9")
    (tmp_path / "u.csv").write_text("a,b\n1,x\n", encoding="utf-8")
    (tmp_path / "u.toml").write_text('key = "c"\n', encoding="utf-8")
    with pytest.raises(DataError, match="key column 'c' not in header"):
        Registry(tmp_path).find_row("u", "1")
