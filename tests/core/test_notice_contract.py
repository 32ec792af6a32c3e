"""The JSON output contract: every warning is an object ``{code, subject, message, source}`` (issue 12: warnings
were strings that other code parsed)."""

from __future__ import annotations

import json

import pytest

from aifootprint.cli.main import main
from aifootprint.notice import Notice, to_notice
from aifootprint.result import Result, warning_messages


def test_impacts_json_warnings_are_objects(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["impacts", "--energy-kwh", "1", "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert warnings and all(set(w) == {"code", "subject", "message", "source"} for w in warnings)
    assert any(w["subject"] == "pue" for w in warnings)


def test_scenario_json_warnings_carry_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """devries-2023-nvidia-2027 has no location: the industry-average PUE (UPTIME) is a flagged fallback."""
    assert main(["scenario", "run", "devries-2023-nvidia-2027", "--draws", "200", "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    pue = [w for w in warnings if w["subject"] == "pue"]
    assert pue and pue[0]["code"] == "estimated-fallback" and pue[0]["source"].startswith("UPTIME")


def test_legacy_strings_keep_their_subject() -> None:
    assert to_notice("pue: industry average used").subject == "pue"
    assert to_notice("no location or grid intensity given").subject == ""
    n = Notice("x", "m", "s", "K")
    assert to_notice(n) is n
    d = Result("k", {}, {}, warnings=["pue: a", n]).to_dict()
    assert d["warnings"][1] == {"code": "x", "subject": "s", "message": "m", "source": "K"}
    assert warning_messages(d) == ["pue: a", "m"]


def test_every_warning_code_is_in_the_glossary() -> None:
    """Docs audit 2026-12-04: sixteen codes the code emits were documented nowhere. Every ``Notice("code", …)`` in the
    package must appear in docs/glossary.md's code table (a new code fails here until it is documented)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    glossary = (root / "docs" / "glossary.md").read_text(encoding="utf-8")
    codes = {m for p in (root / "src" / "aifootprint").rglob("*.py")
             for m in re.findall(r'Notice\(\s*(?:code=)?"([a-z0-9-]+)"', p.read_text(encoding="utf-8"))}
    codes |= set(re.findall(r'code="([a-z0-9-]+)"', "".join(
        p.read_text(encoding="utf-8") for p in (root / "src" / "aifootprint").rglob("*.py"))))
    missing = sorted(c for c in codes if f"`{c}`" not in glossary)
    assert len(codes) > 40 and missing == [], missing
