"""Numbers written for people: one implementation of each of the project's two number formats.

- :func:`significant`: a result, to 3 significant figures ("1.90", "0.0240", "3.91 billion"). The report
  (:func:`aifootprint.report.labels.num`) and the text output (:func:`aifootprint.sector.equivalences.fmt`: CLI,
  sector sentences, index page) both write it; they differ in one switch, ``scientific``, said there.
- :func:`exact`: a value a user gave or a bound as defined, not rounded ("8,192", "0.000001" as "1e-06"): the
  messages of the input checks (:mod:`aifootprint.cli.validate`, :mod:`aifootprint.estimate.tasks.flops`), where
  rounding would misstate what was typed or what is accepted.

No imports beyond :mod:`math`: the CLI's flag checks run before numpy loads.
"""

from __future__ import annotations

import math

#: Scale words for large numbers, largest first ("9.00 billion", not "9,000,000,000").
_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
#: With ``scientific=True``, magnitudes below this or from :data:`SCIENTIFIC_LARGE` on are written as ``%.3g``
#: ("5.82e-05", "1e+15"): in text, 1 kWh as a share of world generation (3.39e-12 %) stays short.
SCIENTIFIC_SMALL = 1e-3
SCIENTIFIC_LARGE = 1e15
#: Whole numbers below this are written in full by :func:`exact` ("1e+14" above it: 15 digits are not read).
EXACT_WHOLE_BELOW = 1e10


def significant(x: float, trim: bool = False, scientific: bool = False) -> str:
    """``x`` to 3 significant figures with thousands separators: trailing zeros kept so that numbers side by side
    have the same precision ("1.90", "0.0240", "10.0", "3.91"; ``trim=True``: "1.9", "10"), words for millions and
    more ("9.00 billion"; 999,999 is "1.00 million"), all the digits of a whole part from 1,000 to 999,499
    ("123,456"), plain decimals for small numbers ("0.0000582"), or with ``scientific=True`` ``%.3g`` below
    :data:`SCIENTIFIC_SMALL` and from :data:`SCIENTIFIC_LARGE` on (of ``x`` rounded to 3 figures). 0 and -0.0 are
    "0"; NaN and infinities as Python writes them.

    The decimal places come from the exponent of ``x`` rounded to 3 figures (9.996 is "10.0", not "10.00"), so
    the written number is within half a unit of its third significant figure of ``x`` (the whole part excepted)."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    rounded = f"{abs(x):.2e}"  # "9.996" -> "1.00e+01": the mantissa and exponent after rounding to 3 figures
    if scientific and not SCIENTIFIC_SMALL <= float(rounded) < SCIENTIFIC_LARGE:  # on the rounded value: 0.00099996
        return f"{x:.3g}"  # is "0.00100" like 0.001, and 9.99999e14 "1e+15" like 1e15, not "1,000 trillion"
    for size, word in _WORDS:
        if float(rounded) >= size:
            return f"{significant(x / size, trim)} {word}"
    digits = max(0, 2 - int(rounded.partition("e")[2]))
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if trim and "." in text else text


def exact(x: float) -> str:
    """``x`` as given: a whole number below :data:`EXACT_WHOLE_BELOW` in full with thousands separators ("8,192",
    "1,000"), anything else as ``%g`` ("0.5", "1e-06", "1e+14", "inf", "nan"; an integer beyond any float too,
    "1e+400")."""
    try:
        float(x)
    except OverflowError:  # an integer beyond any float (a count of 400 digits): %g's form, "1e+400"
        from decimal import Decimal

        mantissa, _, power = f"{Decimal(x):.5e}".partition("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{power}"
    if math.isfinite(x) and x == int(x) and abs(x) < EXACT_WHOLE_BELOW:
        return f"{int(x):,}"
    return f"{x:g}"
