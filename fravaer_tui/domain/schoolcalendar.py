"""School years, semesters, school days and the windows the rules count in (DESIGN, Domain)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache

# The formats live in `words` (one place for Norwegian words and formats), importable from
# here as before.
from fravaer_tui.domain.formats import format_date as format_date
from fravaer_tui.domain.formats import format_number as format_number
from fravaer_tui.domain.formats import format_percent as format_percent
from fravaer_tui.domain.model import Holiday, Kortdag
from fravaer_tui.domain.validate import check_date, visible

ONE_DAY = dt.timedelta(days=1)


def school_year_start(dato: dt.date) -> dt.date:
    """The school year runs 1 Aug – 31 Jul."""
    return dt.date(dato.year if dato.month >= 8 else dato.year - 1, 8, 1)


def school_year_name(dato: dt.date) -> str:
    start = school_year_start(dato).year
    return f"{start}-{start + 1}"


def school_year_bounds(dato: dt.date) -> tuple[dt.date, dt.date]:
    start = school_year_start(dato)
    return start, dt.date(start.year + 1, 7, 31)


def semester_bounds(dato: dt.date) -> tuple[dt.date, dt.date]:
    """Høst = 1 Aug – 31 Dec, vår = 1 Jan – 31 Jul."""
    if dato.month >= 8:
        return dt.date(dato.year, 8, 1), dt.date(dato.year, 12, 31)
    return dt.date(dato.year, 1, 1), dt.date(dato.year, 7, 31)


def semester_name(dato: dt.date) -> str:
    return f"høst {dato.year}" if dato.month >= 8 else f"vår {dato.year}"


def add_months(dato: dt.date, months: int) -> dt.date:
    """Same day N calendar months later (earlier if negative), clamped to the month's end."""
    index = dato.year * 12 + (dato.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - ONE_DAY).day
    return dt.date(year, month, min(dato.day, last))


def months_window_start(dato: dt.date, months: int) -> dt.date:
    """First day of an N-month window ending at `dato`: 20.11.2026, 1 month → 21.10.2026."""
    return add_months(dato, -months) + ONE_DAY


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[dt.date]:
    import holidays  # ~0.1 s to import: only when a calendar is first asked

    return frozenset(holidays.Norway(years=year, include_sundays=False))


def public_holiday_name(dato: dt.date) -> str | None:
    import holidays

    return holidays.Norway(years=dato.year, include_sundays=False, language="no").get(dato)


class SchoolCalendar:
    """Which dates are school days: Mon–Fri, not a public holiday, not in the school's holidays."""

    __slots__ = ("ferier", "kortdager", "_cache", "_public")

    def __init__(
        self,
        ferier: tuple[Holiday, ...] = (),
        public: dict[int, frozenset[dt.date]] | None = None,
        kortdager: tuple[Kortdag, ...] = (),
    ) -> None:
        """`public`: public holidays per year already worked out by the `holidays` package
        (a cache, so the app need not import it at start); other years are asked for.
        `kortdager`: short days (`[[kortdag]]` in skole.toml), the last period held."""
        self.ferier = tuple(sorted(ferier, key=lambda h: h.fra))
        self.kortdager = {k.dato: k.siste_time for k in kortdager}
        self._cache: dict[dt.date, bool] = {}
        self._public = dict(public or {})

    def last_period(self, dato: dt.date) -> int | None:
        """On a kortdag, the last period held that day; otherwise None (the whole timetable)."""
        return self.kortdager.get(dato)

    def public_holidays(self, year: int) -> frozenset[dt.date]:
        found = self._public.get(year)
        if found is None:
            found = self._public[year] = public_holidays(year)
        return found

    def holiday_name(self, dato: dt.date) -> str | None:
        for ferie in self.ferier:
            if ferie.fra <= dato <= ferie.til:
                return ferie.navn
        return public_holiday_name(dato)

    def is_school_day(self, dato: dt.date) -> bool:
        known = self._cache.get(dato)
        if known is None:
            known = (
                dato.isoweekday() <= 5
                and dato not in self.public_holidays(dato.year)
                and not any(f.fra <= dato <= f.til for f in self.ferier)
            )
            self._cache[dato] = known
        return known

    def school_days(self, fra: dt.date, til: dt.date) -> Iterator[dt.date]:
        """School days from `fra` to `til`, both inclusive."""
        dato = fra
        while dato <= til:
            if self.is_school_day(dato):
                yield dato
            dato += ONE_DAY

    def previous_school_day(self, dato: dt.date) -> dt.date:
        dato -= ONE_DAY
        while not self.is_school_day(dato):
            dato -= ONE_DAY
        return dato

    def next_school_day(self, dato: dt.date) -> dt.date:
        dato += ONE_DAY
        while not self.is_school_day(dato):
            dato += ONE_DAY
        return dato

    def add_school_days(self, dato: dt.date, days: int) -> dt.date:
        for _ in range(days):
            dato = self.next_school_day(dato)
        return dato

    def first_school_day(self, fra: dt.date, til: dt.date) -> dt.date | None:
        return next(self.school_days(fra, til), None)

    def on_or_next_school_day(self, dato: dt.date) -> dt.date:
        """`dato` if it is a school day, else the next one: a deadline moves forward."""
        return dato if self.is_school_day(dato) else self.next_school_day(dato)

    def within_days(self, start: dt.date, days: int) -> dt.date:
        """«innen N dager»: N calendar days from `start`; a last day that is not a school
        day moves forward to the next school day, never backwards (DESIGN, follow-up)."""
        return self.on_or_next_school_day(start + dt.timedelta(days=days))

    def after_school_weeks(self, start: dt.date, weeks: int) -> dt.date:
        """«etter N uker» of trial: the 5N-th school day after `start` (holidays are not
        trial time). 0 weeks: `start` itself, or the next school day."""
        if weeks <= 0:
            return self.on_or_next_school_day(start)
        return self.add_school_days(start, 5 * weeks)


def parse_date(text: str) -> dt.date:
    """Accept YYYY-MM-DD and dd.mm.yyyy in 2000–2099; else ValueError with a Norwegian message."""
    text = text.strip()
    try:
        if "." in text:
            day, month, year = text.split(".")
            if len(year) != 4:
                raise ValueError
            dato = dt.date(int(year), int(month), int(day))
        else:
            dato = dt.date.fromisoformat(text)
    except (ValueError, OverflowError):
        raise ValueError(
            f"«{visible(text)}» er ikke en gyldig dato (bruk dd.mm.åååå eller åååå-mm-dd)"
        ) from None
    return check_date(dato, text)  # 2000–2099: no date arithmetic can overflow
