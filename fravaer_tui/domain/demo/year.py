"""The demo's school year: typical holidays (høstferie, juleferie, vinterferie, påskeferie,
planleggingsdager) and Easter, which places påskeferie."""

from __future__ import annotations

import datetime as dt

from fravaer_tui.domain.model import Holiday
from fravaer_tui.domain.schoolcalendar import school_year_bounds


def school_holidays(dato: dt.date) -> tuple[Holiday, ...]:
    """Typical holidays of the school year containing `dato` (public holidays: `holidays`)."""
    start, end = school_year_bounds(dato)
    year = start.year
    first_day = _weekday_on_or_after(dt.date(year, 8, 15), 0)
    january = _weekday_on_or_after(dt.date(year + 1, 1, 2), 0, any_weekday=True)
    easter = easter_sunday(year + 1)
    autumn_plan = dt.date.fromisocalendar(year, 46, 5)
    return (
        Holiday("Sommerferie", start, first_day - dt.timedelta(days=1)),
        Holiday(
            "Høstferie", dt.date.fromisocalendar(year, 40, 1), dt.date.fromisocalendar(year, 40, 5)
        ),
        Holiday("Planleggingsdag", autumn_plan, autumn_plan),
        Holiday("Juleferie", dt.date(year, 12, 21), dt.date(year + 1, 1, 1)),
        Holiday("Planleggingsdag", january, january),
        Holiday(
            "Vinterferie",
            dt.date.fromisocalendar(year + 1, 8, 1),
            dt.date.fromisocalendar(year + 1, 8, 5),
        ),
        Holiday("Påskeferie", easter - dt.timedelta(days=6), easter + dt.timedelta(days=1)),
        Holiday("Sommerferie", dt.date(year + 1, 6, 20), end),
    )


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _weekday_on_or_after(dato: dt.date, weekday: int, *, any_weekday: bool = False) -> dt.date:
    """The first `weekday` (0 = Monday) on or after `dato`; any Mon–Fri if `any_weekday`."""
    while (dato.weekday() >= 5) if any_weekday else (dato.weekday() != weekday):
        dato += dt.timedelta(days=1)
    return dato
