"""The README's Integrations commands run as written (on small files made here)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from aifootprint.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"


def integrations_section() -> str:
    """The README's "### Integrations" section (up to the next heading)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("### Integrations")
    return text[start:text.index("\n#", start + 1)]


def test_snippet_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    t = pa.table({"model": ["gpt-4o-mini", "llama-3.1-8b"], "input_tokens": [500, 1200],
                  "output_tokens": [200, 300]})
    pq.write_table(t, tmp_path / "requests.parquet")
    pcsv.write_csv(t, tmp_path / "requests.csv")
    (tmp_path / "grid.csv").write_text("timestamp,intensity_g_per_kwh\n2025-01-01T00:00:00Z,50\n"
                                       "2025-01-01T01:00:00Z,70\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIFOOTPRINT_HOME", str(tmp_path))
    from aifootprint.integrations.core import CallImpacts, CallRecord, ImpactCalculator, Usage
    from aifootprint.integrations.ledger import Ledger

    imp = ImpactCalculator().impacts("gpt-4o-mini", Usage(100, 50))
    assert isinstance(imp, CallImpacts)
    with Ledger("chatbot") as ledger:
        ledger.record(CallRecord("openai", "gpt-4o-mini", "gpt-4o-mini", 0.0, 1.0, "r1", imp))
    commands = re.findall(r"`(aifootprint [^`]+)`", integrations_section())
    commands = [c.replace("tcp://…", "") for c in commands if "--scheduler" not in c or "--dask" in c]
    assert len(commands) == 4
    for cmd in commands:
        args = shlex.split(cmd)[1:]
        if "--dask" in args:
            args += ["--json"]  # same command, machine-readable
        assert main(args) == 0, cmd
    out = capsys.readouterr().out
    assert "chatbot" in out
    assert (tmp_path / "impacts.parquet").exists() and (tmp_path / "impacts.csv").exists()
