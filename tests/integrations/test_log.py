"""``estimate log``: chunked CSV / JSON Lines / Parquet, error policy, Dask LocalCluster, intensity profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.estimate.batch import estimate_table
from aifootprint.estimate.log import LogEstimator, LogSpec
from aifootprint.estimate.logio import run_local

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pcsv = pytest.importorskip("pyarrow.csv")

MODELS = ["gpt-4o-mini", "llama-3.1-8b", "qwen3-8b"]


def _good(n: int, seed: int = 0) -> Any:
    rng = np.random.default_rng(seed)
    return pa.table({"model": [MODELS[k] for k in rng.integers(0, 3, n)],
                     "input_tokens": rng.integers(0, 4000, n), "output_tokens": rng.integers(1, 1000, n),
                     "user": [f"u{k}" for k in range(n)]})


def _write(table: Any, path: Path) -> Path:
    if path.suffix == ".parquet":
        pq.write_table(table, path, row_group_size=40)
    elif path.suffix == ".csv":
        pcsv.write_csv(table, path)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in table.to_pylist()))
    return path


@pytest.fixture(scope="module")
def est() -> LogEstimator:
    return LogEstimator(LogSpec(chunk_rows=50))


def test_rows_equal_batch_estimate_table(tmp_path: Path, est: LogEstimator) -> None:
    """Consistency check (not a validation): each row equals estimate_table's, an independent code path for
    carbon and water (batch._impacts), to 1e-12."""
    t = _good(120)
    out = tmp_path / "out.parquet"
    stats = run_local(_write(t, tmp_path / "in.parquet"), out, est, progress=False)
    got = pq.read_table(out)
    ref = estimate_table({k: t[k].to_numpy(zero_copy_only=False) for k in ("model", "input_tokens", "output_tokens")})
    for col in ("energy_wh", "carbon_g", "water_l"):
        np.testing.assert_allclose(got[col].to_numpy(), ref[col], rtol=1e-12)
    assert got.column_names[:4] == t.column_names and got["user"].to_pylist() == t["user"].to_pylist()
    assert stats.rows == stats.estimated == 120 and not stats.skipped


def test_three_formats_same_totals(tmp_path: Path, est: LogEstimator) -> None:
    t = _good(130, seed=1)
    totals = []
    for suffix in (".parquet", ".csv", ".jsonl"):
        stats = run_local(_write(t, tmp_path / f"in{suffix}"), tmp_path / f"out{suffix}", est, progress=False)
        totals.append(sum(v[1] for v in stats.by_model.values()))
    assert totals[0] == pytest.approx(totals[1], rel=1e-12) == pytest.approx(totals[2], rel=1e-12)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.integers(1, 97))
def test_total_independent_of_chunk_size(tmp_path: Path, chunk: int) -> None:
    t = _good(97, seed=2)
    src = tmp_path / "c.parquet"
    if not src.exists():
        pq.write_table(t, src)
    one = run_local(src, tmp_path / "a.parquet", LogEstimator(LogSpec(chunk_rows=97)), progress=False)
    (tmp_path / "a.parquet").unlink()
    many = run_local(src, tmp_path / "a.parquet", LogEstimator(LogSpec(chunk_rows=chunk)), progress=False)
    (tmp_path / "a.parquet").unlink()
    for m in one.by_model:
        assert many.by_model[m] == pytest.approx(one.by_model[m], rel=1e-12)


BAD = [
    {"model": "gpt-4o", "input_tokens": 100, "output_tokens": 50},
    {"model": "gpt-9000", "input_tokens": 100, "output_tokens": 50},
    {"model": None, "input_tokens": 100, "output_tokens": 50},
    {"model": "gpt-4o", "input_tokens": "many", "output_tokens": 50},
    {"model": "gpt-4o", "input_tokens": -5, "output_tokens": 50},
    {"model": "gpt-4o", "input_tokens": 100, "output_tokens": 0},
    {"model": "gpt-4o", "input_tokens": None, "output_tokens": 50},
    {"model": "gpt-4o", "input_tokens": 100, "output_tokens": 60},
]


def test_bad_rows_counted_by_reason(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in BAD))
    stats = run_local(src, tmp_path / "o.csv", LogEstimator(LogSpec(chunk_rows=3)), progress=False)
    assert stats.skipped == {"unknown-model": 1, "missing-model": 1, "non-numeric-tokens": 1, "negative-tokens": 1,
                             "no-output-tokens": 1, "missing-tokens": 1}
    assert stats.estimated == 2 and stats.examples["negative-tokens"].startswith("row 5:")
    reasons = pcsv.read_csv(tmp_path / "o.csv")["skip_reason"].to_pylist()
    assert reasons[0] in (None, "") and reasons[1] == "unknown-model"
    good = LogEstimator(LogSpec()).calc.impacts
    from aifootprint.integrations.core import Usage

    total = sum(good("gpt-4o", Usage(100, o)).energy_wh.best for o in (50, 60))  # type: ignore[union-attr]
    assert stats.by_model["gpt-4o"][1] == pytest.approx(total, rel=1e-12)


def test_fail_policy_names_file_row_and_leaves_no_output(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in [BAD[0]] * 4 + [BAD[4]]))
    out = tmp_path / "o.parquet"
    with pytest.raises(InputError, match=r"row 5: token count below 0"):
        run_local(src, out, LogEstimator(LogSpec(chunk_rows=2, on_error="fail")), progress=False)
    assert not out.exists() and not list(tmp_path.glob(".*part"))


def test_jsonl_sparse_keys_across_chunks(tmp_path: Path) -> None:
    """Optional keys absent from a whole chunk, or empty in it, do not break a Parquet output."""
    rows = [{"model": "gpt-4o", "input_tokens": 10, "output_tokens": 5}] * 3 + [
        {"model": "gpt-4o", "input_tokens": 10, "output_tokens": 5, "tag": "a", "note": None},
        {"input_tokens": 10, "output_tokens": 5, "tag": "b"}]
    src = tmp_path / "s.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    est = LogEstimator(LogSpec(chunk_rows=3, model="gpt-4o"))
    with pytest.raises(InputError, match=r"key\(s\) tag, note first appear after the first 3 rows"):
        run_local(src, tmp_path / "o.parquet", est, progress=False)
    assert not (tmp_path / "o.parquet").exists()
    stats = run_local(src, tmp_path / "o.jsonl", est, progress=False)  # JSON Lines output keeps every key
    got = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert stats.estimated == 5 and [r.get("tag") for r in got] == [None, None, None, "a", "b"]
    late = tmp_path / "late.jsonl"  # a known key missing or empty in a later chunk: empty cells
    late.write_text("".join(json.dumps(r) + "\n" for r in [{**rows[3], "note": 1}] * 3 + rows[:2]))
    run_local(late, tmp_path / "late.parquet", est, progress=False)
    assert pq.read_table(tmp_path / "late.parquet")["tag"].to_pylist() == ["a", "a", "a", None, None]


def test_defaults_for_missing_columns(tmp_path: Path) -> None:
    src = tmp_path / "only_out.csv"
    src.write_text("completion\n10\n20\n")
    spec = LogSpec(model="llama-3.1-8b", input_tokens=100, output_col="completion")
    stats = run_local(src, tmp_path / "o.jsonl", LogEstimator(spec), progress=False)
    assert stats.estimated == 2 and stats.input_tokens == 200 and stats.output_tokens == 30


def test_intensity_profile_per_hour(tmp_path: Path) -> None:
    prof = tmp_path / "p.csv"
    prof.write_text("timestamp,intensity_g_per_kwh\n2025-01-01T00:00:00Z,100\n2025-01-01T01:00:00Z,300\n")
    src = tmp_path / "t.csv"
    src.write_text("model,input_tokens,output_tokens,ts\nllama-3.1-8b,100,50,2025-01-01T00:30:00Z\n"
                   "llama-3.1-8b,100,50,2025-01-01T01:30:00Z\nllama-3.1-8b,100,50,yesterday\n")
    from aifootprint.impacts.intensity.base import ProfileProvider

    est = LogEstimator(LogSpec(time_col="ts"), ProfileProvider.from_file(str(prof)))
    run_local(src, tmp_path / "o.csv", est, progress=False)
    out = pcsv.read_csv(tmp_path / "o.csv")
    e, c = out["energy_wh"].to_pylist(), out["carbon_g"].to_pylist()
    assert c[0] == pytest.approx(e[0] / 1000 * 100, rel=1e-12) and c[1] == pytest.approx(e[1] / 1000 * 300, rel=1e-12)
    assert out["skip_reason"].to_pylist()[2] == "bad-timestamp"
    assert out["intensity_g_per_kwh"].to_pylist()[:2] == [100.0, 300.0]


def test_dask_local_cluster_same_output(tmp_path: Path) -> None:
    """A real LocalCluster (2 in-process workers, reached by its scheduler address as with --scheduler): same rows,
    same totals, same skipped rows as the local path, for the three formats. (The default LocalCluster that
    ``--dask`` starts itself is run by the README snippet test.)"""
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    from aifootprint.estimate.log_dask import run_dask

    t = pa.concat_tables([_good(150, seed=3), pa.table({"model": ["nope"], "input_tokens": [1],
                                                        "output_tokens": [1], "user": ["x"]})])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        for suffix in (".parquet", ".csv", ".jsonl"):
            src = _write(t, tmp_path / f"in{suffix}")
            local = run_local(src, tmp_path / f"l{suffix}", LogEstimator(LogSpec(chunk_rows=64)), progress=False)
            dist = run_dask(src, tmp_path / f"d{suffix}", LogSpec(), address=cluster.scheduler_address,
                            progress=False, block_bytes=2000)
            assert dist.skipped == local.skipped == {"unknown-model": 1}
            assert dist.rows == local.rows == 151
            for m in local.by_model:
                assert dist.by_model[m] == pytest.approx(local.by_model[m], rel=1e-12)
    a = pq.read_table(tmp_path / "l.parquet")
    b = pq.read_table(tmp_path / "d.parquet")
    assert a["energy_wh"].to_pylist() == b["energy_wh"].to_pylist()


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.out + cap.err


def test_cli_bad_input_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(_good(5), tmp_path / "g.csv")
    (tmp_path / "exists.csv").write_text("keep me\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("model,input_tokens,output_tokens\n")
    (tmp_path / "x.txt").write_text("a")
    cases = {
        "exists; give --force": [str(good), "--out", str(tmp_path / "exists.csv")],
        "is the input file": [str(good), "--out", str(good), "--force"],
        "no column 'tokens_in'": [str(good), "--out", str(tmp_path / "o.csv"), "--input-col", "tokens_in"],
        "is empty": [str(tmp_path / "empty.csv"), "--out", str(tmp_path / "o.csv")],
        "has no data rows": [str(tmp_path / "header.csv"), "--out", str(tmp_path / "o.csv")],
        "unknown log format": [str(tmp_path / "x.txt"), "--out", str(tmp_path / "o.csv")],
        "does not exist": [str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o.csv")],
        "--on-error must be": [str(good), "--out", str(tmp_path / "o.csv"), "--on-error", "ignore"],
        "--model:": [str(good), "--out", str(tmp_path / "o.csv"), "--model", "gpt-9000"],
        "output directory": [str(good), "--out", str(tmp_path / "nodir" / "o.csv")],
    }
    for expect, args in cases.items():
        code, text = _cli(["estimate", "log", *args], capsys)
        assert code == 2, (expect, text)
        assert expect in text and "Traceback" not in text
    assert (tmp_path / "exists.csv").read_text() == "keep me\n"
    assert not (tmp_path / "o.csv").exists()


def test_cli_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(_good(30), tmp_path / "g.parquet")
    code, text = _cli(["estimate", "log", str(src), "--out", str(tmp_path / "o.jsonl"), "--json"], capsys)
    assert code == 0
    d = json.loads(text)
    assert d["kind"] == "estimate-log" and d["rows"] == 30
    e = d["energy_kwh"]
    assert e["low"] < e["best"] < e["high"]
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert sum(r["energy_wh"] for r in rows) / 1000 == pytest.approx(e["best"], rel=1e-9)
