"""Framework errors are recognised by class (isinstance against the click that typer uses), not by class name
(issue 12: error classes matched by name)."""

from __future__ import annotations

import pytest

from aifootprint.cli import main as cli


def test_click_usage_error_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    ce = cli._click_exceptions()
    assert cli._framework_error(ce.NoSuchOption("--nope")) == 2
    assert "No such option: --nope" in capsys.readouterr().err


def test_an_unrelated_class_named_like_a_click_error_is_not_swallowed() -> None:
    class UsageError(Exception):  # same name as click's, not click's
        pass

    class ClickException(Exception):
        pass

    assert cli._framework_error(UsageError("x")) is None
    assert cli._framework_error(ClickException("x")) is None


def test_abort_is_exit_130(capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    assert cli._framework_error(typer.Abort()) == 130
    assert "aborted" in capsys.readouterr().err
