"""``estimate log`` on a log that is not UTF-8 (a Latin-1 export): a JSON Lines file ended in a UnicodeDecodeError
traceback; a CSV with a Latin-1 cell in a passed-through column was read as binary and ended in pyarrow's "Invalid
UTF8 payload" traceback when the output was written; under ``--dask`` the workers also printed their own multi-line
"Compute Failed" traceback. Each is now one line, exit 2, naming the file (and the column), with the fix; the Dask
path runs on a real LocalCluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aifootprint.cli.main import main

pytest.importorskip("pyarrow")

GOOD = {"model": "llama-3.1-8b", "input_tokens": 10, "output_tokens": 10}


def _latin1_jsonl(path: Path) -> Path:
    lines = [json.dumps(GOOD).encode()] * 5 + [json.dumps({**GOOD, "user": "JOSE"}).replace("JOSE", "Jos\xe9")
                                                .encode("latin-1")]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _latin1_csv(path: Path) -> Path:
    path.write_bytes("model,input_tokens,output_tokens,user\nllama-3.1-8b,10,10,Jos\xe9\n".encode("latin-1"))
    return path


@pytest.mark.parametrize(("make", "needle"), [
    (_latin1_jsonl, "not UTF-8 text (invalid continuation byte"),
    (_latin1_csv, "column 'user' is not UTF-8 text"),
])
@pytest.mark.parametrize("dask", [False, True])
def test_a_log_that_is_not_utf8_is_one_line(make: object, needle: str, dask: bool, tmp_path: Path,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    if dask:
        pytest.importorskip("distributed")
    src = make(tmp_path / ("log.jsonl" if make is _latin1_jsonl else "log.csv"))  # type: ignore[operator]
    out = tmp_path / "out.csv"
    argv = ["estimate", "log", str(src), "--out", str(out), "--no-progress"] + (["--dask", "--workers", "1"] if dask
                                                                               else [])
    assert main(argv) == 2
    err = capfd.readouterr().err
    assert needle in err and "iconv" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert not out.exists()


def test_nested_parquet_columns_become_json_text_in_a_csv_output(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A Parquet log with list / struct columns ended in pyarrow's "Unsupported Type" traceback with a CSV output;
    they are now JSON text, as a JSON Lines log's nested values are read."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "log.parquet"
    pq.write_table(pa.table({**{k: [v, v] for k, v in GOOD.items()}, "tags": [["a", "b"], None],
                             "meta": [{"team": "x"}, {"team": "y"}]}), src)
    out = tmp_path / "out.csv"
    assert main(["estimate", "log", str(src), "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    rows = out.read_text(encoding="utf-8").splitlines()
    assert '"[""a"", ""b""]"' in rows[1] and '"{""team"": ""x""}"' in rows[1] and rows[2].count('""') >= 2
    assert all(r.split(",")[-1] == "" for r in rows[1:])  # both estimated (no skip reason)


def test_binary_parquet_column_is_refused_for_a_csv_output(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "log.parquet"
    pq.write_table(pa.table({**{k: [v] for k, v in GOOD.items()}, "blob": [b"\xff\xfe"]}), src)
    assert main(["estimate", "log", str(src), "--out", str(tmp_path / "out.csv"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "column 'blob' holds binary data, which a CSV output cannot carry; accepted: --out FILE.parquet" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "out.csv").exists()
    assert main(["estimate", "log", str(src), "--out", str(tmp_path / "out.parquet"), "--no-progress"]) == 0
