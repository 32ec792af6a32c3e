"""The client hooks and ``aifootprint estimate request`` flag the same conditions with the same codes.

A site factor taken from a fallback (world-average grid, industry-average PUE / WUE) was ``estimated-fallback`` in
the CLI and ``site-factor-estimated`` in the hooks; an accelerator without serving measurements was
``estimated-calibration`` and ``hardware-uncalibrated``. The glossary's codes are now the only ones: the hooks take the
full result's site notices."""

from __future__ import annotations

import json

import pytest

from aifootprint.cli.main import main
from aifootprint.integrations.core import CallImpacts, HookConfig, ImpactCalculator, Usage

#: codes only the CLI gives: the comparison with published figures (not made per API call)
CLI_ONLY = {"published-outside-range"}


@pytest.mark.parametrize(("model", "hardware", "location"), [
    ("llama-3.1-8b", "h100", None),      # world-average grid, industry PUE / WUE
    ("llama-3.1-8b", "a100-80gb", "FR"),  # scaled calibration; a located grid
    ("gpt-4o-mini", "h100", None),       # a closed model at its provider's site
    ("claude-sonnet-4", "h100", "DE"),
])
def test_hook_and_cli_emit_the_same_codes(model: str, hardware: str, location: str | None,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", "request", "--model", model, "--input-tokens", "1000", "--output-tokens", "300",
            "--hardware", hardware, "--json"]
    assert main(argv + (["--location", location] if location else [])) == 0
    cli = json.loads(capsys.readouterr().out)
    imp = ImpactCalculator(HookConfig(hardware=hardware, location=location)).impacts(model, Usage(1000, 300))
    assert isinstance(imp, CallImpacts)
    cli_codes = {w["code"] for w in cli["warnings"]} - CLI_ONLY
    assert {w.code for w in imp.warnings} == cli_codes
    # each estimated site factor by name, as the CLI names it
    fallback = {w["subject"] for w in cli["warnings"] if w["code"] == "estimated-fallback"}
    assert {w.subject for w in imp.warnings if w.code == "estimated-fallback"} == fallback
    assert "site-factor-estimated" not in {w.code for w in imp.warnings}
