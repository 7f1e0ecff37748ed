"""The effect of tiltak: absence before against after a date, as shares of held lessons and
as absence days (an evaluation's «effekt»)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from fravaer_tui.domain.formats import format_day_month, one_decimal, percent_half_up
from fravaer_tui.domain.model import Registration, Roster
from fravaer_tui.domain.rules import Lessons, day_fractions
from fravaer_tui.domain.schoolcalendar import ONE_DAY, SchoolCalendar, format_date


@dataclass(frozen=True, slots=True)
class Effect:
    """Absence before vs after, as shares of held lessons (0–100 %) and absence days."""

    for_fra: dt.date
    for_til: dt.date
    etter_fra: dt.date
    etter_til: dt.date
    for_prosent: float
    etter_prosent: float
    for_dager: float
    etter_dager: float

    @property
    def endring(self) -> float:
        """Percentage points; negative = less absence after."""
        return round(self.etter_prosent - self.for_prosent, 2)

    def sentence(self) -> str:
        """Plain Norwegian, one decimal, as it would go into an evaluation note."""
        for_, etter = percent_half_up(self.for_prosent), percent_half_up(self.etter_prosent)
        perioder = (
            f"(før: {format_day_month(self.for_fra)}–{format_day_month(self.for_til)}, "
            f"etter: {format_day_month(self.etter_fra)}–{format_day_month(self.etter_til)})"
        )
        shown_before, shown_after = one_decimal(self.for_prosent), one_decimal(self.etter_prosent)
        if shown_after < shown_before:
            return f"Fraværet gikk ned fra {for_} til {etter} av timene {perioder}."
        if shown_after > shown_before:
            return f"Fraværet gikk opp fra {for_} til {etter} av timene {perioder}."
        return f"Fraværet var uendret, {etter} av timene {perioder}."


@dataclass(frozen=True, slots=True)
class _Absent:
    """What `rules.day_fractions` reads from an absence: its date, class and period."""

    dato: dt.date
    klasse: str
    time: int


def effect_of(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    skille: dt.date,
    dager: int,
    til: dt.date | None = None,
) -> Effect:
    """Absence in the `dager` calendar days before `skille` vs from `skille` on.

    The after-window is `dager` days from `skille`, cut at `til` (e.g. the evaluation
    date). Prosent = the student's absent lessons (fravær, forlot) in `klasse`'s lessons ÷
    that class's lessons on school days in the window, registered or not; dager = absence
    days as the rules count them (`rules.day_fractions`).
    ValueError if a window holds no lessons (a share of nothing says nothing).
    """
    if dager < 1:
        raise ValueError("Perioden må være minst én dag.")
    for_fra, for_til = skille - dt.timedelta(days=dager), skille - ONE_DAY
    etter_til = skille + dt.timedelta(days=dager - 1)
    if til is not None:
        if til < skille:
            raise ValueError(
                f"Perioden etter tiltaket starter {format_date(skille)}, "
                f"etter sluttdatoen {format_date(til)}."
            )
        etter_til = min(etter_til, til)
    regs = [r for r in registrations if for_fra <= r.dato <= etter_til]
    lessons = Lessons(roster, calendar, regs)
    absent = {
        _Absent(r.dato, r.klasse, r.time)
        for r in regs
        if r.klasse == klasse
        and calendar.is_school_day(r.dato)
        and (mark := r.mark_for(elev)) is not None
        and mark.is_absence
    }
    fractions = day_fractions(absent, lessons)

    def window(fra: dt.date, to: dt.date) -> tuple[float, float]:
        held = lessons.held(klasse, fra, to)
        if not held:
            raise ValueError(
                f"{klasse} har ingen timer {format_date(fra)}–{format_date(to)}; "
                "velg en annen periode."
            )
        missed = sum(1 for a in absent if fra <= a.dato <= to)
        days = sum(v for d, v in fractions.items() if fra <= d <= to)
        return round(min(100.0, 100.0 * missed / held), 2), round(days, 2)

    for_prosent, for_dager = window(for_fra, for_til)
    etter_prosent, etter_dager = window(skille, etter_til)
    return Effect(
        for_fra=for_fra,
        for_til=for_til,
        etter_fra=skille,
        etter_til=etter_til,
        for_prosent=for_prosent,
        etter_prosent=etter_prosent,
        for_dager=for_dager,
        etter_dager=etter_dager,
    )
