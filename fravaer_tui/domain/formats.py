"""The app's Norwegian formats in one place: weekdays, plurals, dates and numbers.

STYLE: the UI speaks bokmål, dates dd.mm.yyyy, decimal comma. Every module that writes a
weekday, a count with its noun, a date or a number for a person takes it from here.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
WEEKDAY_PLURALS = (
    "mandager",
    "tirsdager",
    "onsdager",
    "torsdager",
    "fredager",
    "lørdager",
    "søndager",
)

# An alert's unit (`RuleDef.enhet`, plural in the profiles) -> (one, many).
UNITS = {"timer": ("time", "timer"), "dager": ("dag", "dager"), "ganger": ("gang", "ganger")}


def weekday(dato: dt.date) -> str:
    """«mandag»."""
    return WEEKDAYS[dato.weekday()]


def format_date(dato: dt.date) -> str:
    """Dates in the UI are dd.mm.yyyy."""
    return dato.strftime("%d.%m.%Y")


def format_day_month(dato: dt.date) -> str:
    """«14.10», for a date whose year the sentence already gives."""
    return dato.strftime("%d.%m")


def format_number(value: float, decimals: int = 2) -> str:
    """Numbers in the UI: decimal comma, no trailing zeros (2,5 and 5)."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def decimal_comma(value: float, decimals: int = 2) -> str:
    """A fixed number of decimals with a comma, «2,25»: what Norwegian Excel reads as a number."""
    return f"{value:.{decimals}f}".replace(".", ",")


def format_percent(value: float) -> str:
    """A percentage in the UI with one decimal: 12,5 %."""
    return f"{value:.1f}".replace(".", ",") + " %"


def percent_half_up(value: float) -> str:
    """A percentage with one decimal rounded half up, as a reader rounds (18,25 → 18,3 %;
    binary floats would give 18,2)."""
    return f"{one_decimal(value)} %".replace(".", ",")


def one_decimal(value: float) -> Decimal:
    """`value` rounded half up to one decimal."""
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def whole_percent(share: float) -> str:
    """A share 0..1 as a whole percentage: «27 %»."""
    return f"{round(100 * share)} %"


def count(value: float, one: str, many: str) -> str:
    """A number and its noun: «1 time», «2,5 timer», «0 dager»."""
    return f"{format_number(value)} {one if value == 1 else many}"


def count_unit(value: float, enhet: str) -> str:
    """A number with an alert's unit (`UNITS`), any other unit as it is written."""
    one, many = UNITS.get(enhet, (enhet, enhet))
    return count(value, one, many)
