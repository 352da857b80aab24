"""Ages in whole years, the one formula: a client's age, and the birth date of an age.

``Cliente.idade``, the search rows, the age filters and the age bands use
these. (Exports compute the same in SQL: ``reports.cells.age``.)
"""

from __future__ import annotations

from datetime import date


def age_on(born: date, today: date) -> int:
    """Return the age in whole years on ``today`` of someone born on ``born``."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def years_ago(years: int, today: date) -> date:
    """Return the day ``years`` years before ``today`` (28 Feb for a 29 Feb in a common year).

    Someone born on or before it is at least ``years`` old on ``today``.
    """
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a non-leap year
        return today.replace(year=today.year - years, day=28)
