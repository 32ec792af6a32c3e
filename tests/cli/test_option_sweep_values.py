"""Bad values found by sweeping every option of every command from a valid call (1,047 invocations): each failed
before its fix.

- ``estimate transcription --audio-seconds 1e308``: OverflowError traceback; ``--tokens-per-second nan`` / ``-inf``
  / ``0`` were accepted (a NaN or zero transcript).
- ``estimate log`` with ``--input-tokens nan`` (the default for rows without a count) was accepted.
- ``estimate log`` over a row with 1e308 tokens wrote ``nan`` impacts, leaked numpy overflow warnings and ended in a
  TypeError traceback in the summary; such a row is now skipped as ``does-not-fit`` (no context window holds it).
- ``estimate log --hardware no-such-zz`` (or a bad ``--boundary``, ``--location``, ``--operator``) exited 0 with
  every row skipped as ``unknown-model``; ``--scheduler no-such-zz`` ended in an uncaught ValueError from Dask.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.estimate.batch import estimate_arrays
from aifootprint.estimate.inference import RequestEstimator
from aifootprint.estimate.lifecycle import Deployment
from aifootprint.estimate.log import MAX_REQUEST_TOKENS, LogEstimator, LogSpec
from aifootprint.estimate.tasks.flops import MAX_AUDIO_S, MAX_TOKENS_PER_S

_ESTIMATOR = RequestEstimator("llama-3.1-8b")
TRANSCRIBE = ["estimate", "transcription", "--model", "whisper-tiny"]


@pytest.mark.parametrize(("flag", "value", "needle"), [
    ("--audio-seconds", "1e308", f"--audio-seconds 1e+308 is out of range; accepted: more than 0 to {MAX_AUDIO_S:g} s"),
    ("--audio-seconds", "nan", "--audio-seconds must be a positive number"),
    ("--tokens-per-second", "nan", "--tokens-per-second must be a positive number, got nan"),
    ("--tokens-per-second", "-inf", "--tokens-per-second must be a positive number, got -inf"),
    ("--tokens-per-second", "0", "--tokens-per-second must be a positive number"),
    ("--tokens-per-second", "5000", f"--tokens-per-second 5000 is out of range; accepted: more than 0 to "
                                    f"{MAX_TOKENS_PER_S:g}"),
])
def test_transcription_sizes_are_checked(flag: str, value: str, needle: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*TRANSCRIBE, flag, value]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1, err


def test_transcription_at_the_limits_still_estimates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*TRANSCRIBE, "--audio-seconds", f"{MAX_AUDIO_S:g}", "--tokens-per-second",
                 f"{MAX_TOKENS_PER_S:g}", "--json"]) == 0
    assert '"energy_wh"' in capsys.readouterr().out


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_log_default_token_counts_must_be_finite_and_not_negative(value: float) -> None:
    with pytest.raises(InputError, match=r"--input-tokens \(the default for rows without it\) must be a finite"):
        LogSpec(input_tokens=value)
    with pytest.raises(InputError, match=r"--output-tokens \(the default for rows without it\) must be a finite"):
        LogSpec(output_tokens=value)


def test_log_row_beyond_any_context_is_skipped_as_does_not_fit(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Runs under ``-W error``: a numpy overflow warning would fail it."""
    src = tmp_path / "big.csv"
    src.write_text("model,input_tokens,output_tokens\nllama-3.1-8b,1e308,100\nllama-3.1-8b,100,1e12\n"
                   "llama-3.1-8b,100,100\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["estimate", "log", str(src), "--out", str(out), "--json"]) == 0
    text = capsys.readouterr().out
    assert '"does-not-fit": 2' in text and "nan" not in text.lower()
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[1].endswith('"does-not-fit"') and rows[2].endswith('"does-not-fit"')
    assert "nan" not in out.read_text(encoding="utf-8") and rows[3].endswith(",")  # the good row: estimated
    assert MAX_REQUEST_TOKENS > 10 * 10_485_760  # far above the longest context in the registry (Llama 4 Scout)


def test_log_estimator_marks_rows_without_arithmetic() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"model": ["llama-3.1-8b"] * 2, "input_tokens": [2e9, 10.0], "output_tokens": [5.0, 5.0]})
    est = LogEstimator(LogSpec())
    _, stats = est.chunk(table)
    assert stats.skipped == {"does-not-fit": 1} and stats.estimated == 1


def test_batch_api_refuses_an_overflowing_context_in_one_error() -> None:
    est = RequestEstimator("llama-3.1-8b")
    with pytest.raises(InputError, match=r"does not fit on any number of .* \(a context of 1e\+308 tokens\)"):
        estimate_arrays(est, np.array([1e308]), np.array([10.0]))


@pytest.mark.parametrize(("flag", "value", "needle"), [
    ("--hardware", "no-such-zz", "unknown accelerator 'no-such-zz'. Accepted: a100"),
    ("--boundary", "nope", "unknown boundary 'nope'. Accepted: accelerator, datacenter, server."),
    ("--location", "ZZ-Nowhere", "unknown location 'ZZ-Nowhere'"),
    ("--operator", "nope", "unknown data-centre operator 'nope'. Accepted: aws"),
    ("--scheduler", "no-such-zz", "cannot reach the Dask scheduler 'no-such-zz': missing port number"),
])
def test_log_refuses_a_bad_deployment_once(flag: str, value: str, needle: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    if flag == "--scheduler":
        pytest.importorskip("distributed")
    src = tmp_path / "in.csv"
    src.write_text("model,input_tokens,output_tokens\nllama-3.1-8b,100,100\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["estimate", "log", str(src), "--out", str(out), flag, value]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


# -- the Python API: a sweep of the estimator's entry points found RequestEstimator.estimate(inf, 100) returning
# -- NaN energies (the request was sized on infinity); every entry point now refuses a non-finite count


finite_or_not = st.one_of(st.floats(allow_nan=True, allow_infinity=True, min_value=None, max_value=None),
                          st.integers(min_value=0, max_value=10**6).map(float))


@settings(max_examples=150, deadline=None)
@given(i=finite_or_not, o=finite_or_not)
def test_point_estimate_is_finite_or_refused(i: float, o: float) -> None:
    """Invariant of the fast path: an InputError, or every field finite and not negative."""
    try:
        r = _ESTIMATOR.estimate(i, o)
    except InputError:
        assert not (0 <= i < math.inf and 1 <= o < math.inf) or i + o > 1e5  # refused: bad, or does not fit
        return
    assert all(math.isfinite(v) and v >= 0 for v in r), r


@pytest.mark.parametrize(("i", "o"), [(math.inf, 100.0), (100.0, math.inf), (math.nan, 100.0), (-1.0, 100.0)])
def test_every_entry_point_refuses_a_non_finite_count(i: float, o: float) -> None:
    with pytest.raises(InputError, match="tokens must be finite"):
        _ESTIMATOR.estimate(i, o)
    with pytest.raises(InputError, match="tokens must be finite"):
        estimate_arrays(_ESTIMATOR, np.array([i]), np.array([o]))
    with pytest.raises(InputError, match="tokens must be finite"):
        Deployment(requests_per_day=1000.0, input_tokens=i, output_tokens=o)
