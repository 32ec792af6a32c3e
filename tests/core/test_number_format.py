"""The project's number formats (:mod:`aifootprint.numfmt`): one implementation of the 3-significant-figure format
behind the report's ``num`` and the text output's ``fmt``, and one of the as-given format of the input checks.

Before they were one, the text format wrote 9.996 as "10.00" (four figures), 999,999,999 as "1,000 million" and
raised ValueError on NaN; the report's format had each fixed on its own.
"""

from __future__ import annotations

import math

from hypothesis import example, given
from hypothesis import strategies as st

from aifootprint.cli.validate import accepted_range
from aifootprint.numfmt import SCIENTIFIC_LARGE, SCIENTIFIC_SMALL, exact, significant
from aifootprint.report.labels import num
from aifootprint.sector.equivalences import fmt

WORDS = {"million": 1e6, "billion": 1e9, "trillion": 1e12}
magnitudes = st.floats(min_value=1e-12, max_value=1e24, allow_nan=False, allow_infinity=False)
numbers = st.builds(lambda x, negative: -x if negative else x, magnitudes, st.booleans())


def parse(text: str) -> float:
    """A written number back to a float: "1,234", "-0.0240", "9.00 billion", "1.00 million trillion", "5.82e-05"."""
    head, *scale = text.split(" ")
    value = float(head.replace(",", ""))
    for word in scale:
        value *= WORDS[word]
    return value


def figures(head: str) -> int:
    """Significant figures written in a plain decimal ("0.0240" -> 3, "10.0" -> 3, "100" -> 3)."""
    return len(head.lstrip("-").replace(",", "").replace(".", "").lstrip("0"))


@given(numbers)
def test_a_written_number_parses_back_within_half_its_last_figure(x: float) -> None:
    for text in (significant(x), significant(x, trim=True), significant(x, scientific=True)):
        assert math.isclose(parse(text), x, rel_tol=5e-3 * (1 + 1e-9)), (x, text)


@given(numbers)
@example(9.996)
@example(0.09996)
def test_three_significant_figures_below_a_thousand_and_every_digit_of_a_whole_part(x: float) -> None:
    """Trailing zeros kept, so numbers side by side show the same precision; from 1,000 on (before the scale words)
    the whole part is written in full and nothing after the point."""
    text = significant(x)
    head = text.split(" ")[0]
    if abs(parse(head)) < 1000:
        assert figures(head) == 3, (x, text)
    else:
        assert "." not in head and abs(parse(head)) < 1_000_000, (x, text)


@given(numbers)
def test_the_page_format_never_writes_scientific_notation(x: float) -> None:
    assert "e" not in significant(x).replace("million", "").replace("billion", "").replace("trillion", "")


@given(numbers)
@example(9.996)
@example(-999_999_999.0)
def test_text_and_page_differ_only_in_scientific_notation_at_the_extremes(x: float) -> None:
    if SCIENTIFIC_SMALL <= float(f"{abs(x):.2e}") < SCIENTIFIC_LARGE:  # x rounded to the 3 figures written
        assert fmt(x) == num(x) == significant(x)
    else:
        assert fmt(x) == f"{x:.3g}"


@given(numbers, numbers)
def test_rounding_keeps_order(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert parse(significant(lo)) <= parse(significant(hi))


@given(numbers)
def test_trimming_drops_zeros_not_value(x: float) -> None:
    assert parse(significant(x, trim=True)) == parse(significant(x))
    assert not significant(x, trim=True).split(" ")[0].endswith(("0.", "."))


def test_the_text_format_edges_that_differed() -> None:
    """9.996 was "10.00" (four figures) and 999,999,999 "1,000 million" in text; NaN raised ValueError."""
    assert fmt(9.996) == num(9.996) == "10.0"
    assert fmt(-0.009999) == "-0.0100" and fmt(99.95) == "100"
    assert fmt(999_999) == "1.00 million" and fmt(999_999_999) == "1.00 billion"
    assert fmt(math.nan) == "nan" and fmt(math.inf) == "inf" and fmt(0.0) == "0"
    assert fmt(5.824e-05) == "5.82e-05" and num(5.824e-05) == "0.0000582"
    assert fmt(1e15) == "1e+15" and num(1e15) == "1,000 trillion"


@given(st.integers(min_value=-(10**10) + 1, max_value=10**10 - 1))
def test_exact_writes_a_whole_number_in_full(n: int) -> None:
    assert int(exact(n).replace(",", "")) == n
    assert int(exact(float(n)).replace(",", "")) == n


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_exact_writes_any_other_number_to_six_figures(x: float) -> None:
    assert math.isclose(float(exact(x).replace(",", "")), x, rel_tol=5e-6)


def test_exact_is_the_input_checks_format() -> None:
    """The bounds of the CLI's messages are written exactly: "1,000", "1e+10", "1e+14" (15 digits are not read)."""
    assert accepted_range("--hz") == "accepted: 0.01 to 1,000 Hz"
    assert accepted_range("--gpu-hours") == "accepted: > 0 and ≤ 1e+10 accelerator-hours"
    assert accepted_range("--energy-kwh") == "accepted: 0 to 1e+14 kWh"
    assert exact(8192) == "8,192" and exact(1e-6) == "1e-06" and exact(math.nan) == "nan"
