"""Year lengths used by the sector code, one constant per meaning (no numpy: imported by ``compare``).

* **Annual electricity** (a power or a daily energy turned into energy per year): 365 days = 8,760 h. This is the
  convention of the figures the sector models reproduce and compare with: de Vries 2023 (DV23: "× 24 h × 365
  days"), de Vries-Gao 2025 (DV25a), IEA 2025 (IEA25) and the annual generation statistics of
  ``country_electricity.csv`` (OWID/Ember, calendar-year totals). Using 365.25 here would move every reproduced
  figure by 0.07 % for no gain in accuracy.
* **Hardware lifetimes** (seconds of service life over which embodied carbon is amortised) use the Julian year of
  365.25 days: :data:`aifootprint.impacts.SECONDS_PER_YEAR`. A multi-year service life spans leap days, so the
  mean year length is the right divisor there. The sector models never amortise over a lifetime in seconds.
"""

from __future__ import annotations

#: Days in the year of annual electricity figures (DV23; DV25a; IEA25: 365-day years, 8,760 h).
DAYS_PER_YEAR = 365.0
#: Hours in the year of annual electricity figures: 24 h × :data:`DAYS_PER_YEAR` = 8,760 h (DV23).
HOURS_PER_YEAR = 24.0 * DAYS_PER_YEAR
