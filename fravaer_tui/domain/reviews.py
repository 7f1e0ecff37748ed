"""The regular reviews (issue 13, point 3): when each is due, and the record of one held.

Strand, Ledelsens ansvar a: «Avdelingsledere og rektor drøfter ukentlige meldinger som
kontaktlærere har sendt inn angående bekymringsfullt fravær». Hole, «Forebygging og
registrering av fravær»: «Månedlig gjennomgang av fravær ved kontaktlærer», «To ganger pr
semester – gjennomgang av fravær på trinn/teamtid med avdelingsleder», «To ganger pr
semester – ledelsen gjennomgår skolens samlede fravær».

A review's periods, and each period's frist (its last school day; DESIGN's holidays do not
count, so a week or month without school days has no review):
- ukentlig: Monday–Sunday weeks;
- maanedlig: calendar months;
- to_ganger_semester: the semester's school days in two halves (the first half gets the
  extra day of an odd count); the first review is due on the last school day of the first
  half, the second on the semester's last school day.
A period not recorded when its frist has passed is overdue (forfalt), like a step.

Pure: no I/O and no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fravaer_tui.domain.profiles import ReviewDef
from fravaer_tui.domain.schoolcalendar import (
    ONE_DAY,
    SchoolCalendar,
    add_months,
    format_date,
    semester_bounds,
)
from fravaer_tui.domain.validate import check_name, check_text

FREQUENCY_WORDS = {
    "ukentlig": "hver uke",
    "maanedlig": "hver måned",
    "to_ganger_semester": "to ganger i semesteret",
}
MAX_NOTE = 2000
MAX_DECISION = 500


@dataclass(frozen=True, slots=True)
class Period:
    fra: dt.date
    til: dt.date
    frist: dt.date  # the period's last school day

    def contains(self, dato: dt.date) -> bool:
        return self.fra <= dato <= self.til


@dataclass(frozen=True, slots=True)
class Beslutning:
    """A decision taken at a review: what is to be done, and who does it."""

    hva: str
    hvem: str


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A review held: which (ReviewDef.id), for what (a class, a trinn, or "" the school),
    the period it covers, the day it was held, who recorded it, who took part, notes and
    decisions."""

    id: str
    gjennomgang: str
    omfang: str  # the class ("8A"), the trinn ("8") or "" for the whole school
    fra: dt.date
    til: dt.date
    dato: dt.date
    av: str
    deltakere: tuple[str, ...] = ()
    notat: str = ""
    beslutninger: tuple[Beslutning, ...] = ()
    tid: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One period of a review for one scope, and its record if it was held."""

    review: ReviewDef
    omfang: str
    period: Period
    record: ReviewRecord | None

    def overdue(self, dato: dt.date) -> bool:
        return self.record is None and self.period.frist < dato

    @property
    def scope_text(self) -> str:
        return scope_text(self.review, self.omfang)


def scope_text(review: ReviewDef, omfang: str) -> str:
    if review.omfang == "klasse":
        return omfang
    if review.omfang == "trinn":
        return f"{omfang}. trinn"
    return "hele skolen"


def _last_school_day(calendar: SchoolCalendar, fra: dt.date, til: dt.date) -> dt.date | None:
    day = til
    while day >= fra:
        if calendar.is_school_day(day):
            return day
        day -= ONE_DAY
    return None


def _weeks(calendar: SchoolCalendar, fra: dt.date, til: dt.date) -> list[Period]:
    found = []
    monday = fra - dt.timedelta(days=fra.weekday())
    while monday <= til:
        sunday = monday + dt.timedelta(days=6)
        last = _last_school_day(calendar, monday, sunday)
        if last is not None:
            found.append(Period(monday, sunday, last))
        monday += dt.timedelta(days=7)
    return found


def _months(calendar: SchoolCalendar, fra: dt.date, til: dt.date) -> list[Period]:
    found = []
    first = fra.replace(day=1)
    while first <= til:
        last_day = add_months(first, 1) - ONE_DAY
        last = _last_school_day(calendar, first, last_day)
        if last is not None:
            found.append(Period(first, last_day, last))
        first = add_months(first, 1)
    return found


def _semester_halves(calendar: SchoolCalendar, fra: dt.date, til: dt.date) -> list[Period]:
    found = []
    start = semester_bounds(fra)[0]
    while start <= til:
        sem_fra, sem_til = semester_bounds(start)
        days = list(calendar.school_days(sem_fra, sem_til))
        if days:
            middle = days[(len(days) + 1) // 2 - 1]
            found.append(Period(sem_fra, middle, middle))
            if len(days) > 1:
                found.append(Period(middle + ONE_DAY, sem_til, days[-1]))
        start = sem_til + ONE_DAY
    return found


def periods(hyppighet: str, calendar: SchoolCalendar, fra: dt.date, til: dt.date) -> list[Period]:
    """The review's periods that overlap fra–til and end on a school day inside it (a
    week of July before the school year begins is last year's)."""
    makers = {"ukentlig": _weeks, "maanedlig": _months, "to_ganger_semester": _semester_halves}
    found = makers[hyppighet](calendar, fra, til)
    return [p for p in found if fra <= p.frist and p.fra <= til]


def occurrences(
    review: ReviewDef,
    omfang: str,
    calendar: SchoolCalendar,
    records: Iterable[ReviewRecord],
    fra: dt.date,
    til: dt.date,
) -> list[Occurrence]:
    """Each period of fra–til with its record (the newest, if held more than once)."""
    mine = [r for r in records if r.gjennomgang == review.id and r.omfang == omfang]
    found = []
    for period in periods(review.hyppighet, calendar, fra, til):
        held = [r for r in mine if r.fra == period.fra and r.til == period.til]
        record = max(held, key=lambda r: (r.dato, r.id), default=None)
        found.append(Occurrence(review, omfang, period, record))
    return found


def due(found: Iterable[Occurrence], dato: dt.date, horizon_days: int = 0) -> list[Occurrence]:
    """Periods not held that have begun and are due by `dato` + horizon: overdue first."""
    until = dato + dt.timedelta(days=horizon_days)
    wanted = [
        o for o in found if o.record is None and o.period.fra <= dato and o.period.frist <= until
    ]
    return sorted(
        wanted, key=lambda o: (not o.overdue(dato), o.period.frist, o.review.id, o.omfang)
    )


def period_for(
    found: Sequence[Occurrence], held: dt.date, wanted: dt.date | None = None
) -> Occurrence:
    """The period a review held on `held` records: the one holding `wanted` if given, else
    the earliest not yet held that began on or before `held` (a November review held on
    3 December records November). ValueError in Norwegian if there is none."""
    if wanted is not None:
        match = next((o for o in found if o.period.contains(wanted)), None)
        if match is None:
            raise ValueError(f"Gjennomgangen har ingen periode som omfatter {format_date(wanted)}.")
        if match.period.fra > held:
            raise ValueError(
                f"Perioden {format_date(match.period.fra)}–{format_date(match.period.til)} "
                f"har ikke begynt {format_date(held)}."
            )
        return match
    open_ = [o for o in found if o.record is None and o.period.fra <= held]
    if not open_:
        raise ValueError(
            f"Ingen periode av gjennomgangen står åpen {format_date(held)}; velg en periode "
            "med --period."
        )
    return min(open_, key=lambda o: o.period.fra)


def parse_decision(text: str) -> Beslutning:
    """«Ringe foresatte til Guro | Håvard Rønning»: what, then who does it."""
    hva, sep, hvem = text.partition("|")
    hva, hvem = " ".join(hva.split()), " ".join(hvem.split())
    if not sep or not hva or not hvem:
        raise ValueError(
            f"«{text}»: skriv en beslutning som «hva som skal gjøres | hvem som gjør det»"
        )
    check_text(hva, "beslutningen", limit=MAX_DECISION)
    check_name(hvem, "den som skal gjøre det")
    return Beslutning(hva, hvem)


def new_record(
    record_id: str,
    occurrence: Occurrence,
    dato: dt.date,
    av: str,
    *,
    deltakere: Iterable[str] = (),
    notat: str = "",
    beslutninger: Iterable[Beslutning] = (),
    tid: dt.datetime | None = None,
) -> ReviewRecord:
    """A checked record of a review held on `dato`."""
    if dato < occurrence.period.fra:
        raise ValueError(
            f"{format_date(dato)} er før perioden gjennomgangen gjelder "
            f"({format_date(occurrence.period.fra)}–{format_date(occurrence.period.til)})."
        )
    if occurrence.record is not None:
        raise ValueError(
            f"«{occurrence.review.tittel}» for {occurrence.scope_text} "
            f"{format_date(occurrence.period.fra)}–{format_date(occurrence.period.til)} er "
            f"allerede ført ({format_date(occurrence.record.dato)})."
        )
    people = []
    for name in deltakere:
        name = " ".join(name.split())
        if name:
            people.append(check_name(name, "en deltaker"))
    check_text(notat, "notatet", limit=MAX_NOTE)
    return ReviewRecord(
        id=record_id,
        gjennomgang=occurrence.review.id,
        omfang=occurrence.omfang,
        fra=occurrence.period.fra,
        til=occurrence.period.til,
        dato=dato,
        av=av,
        deltakere=tuple(dict.fromkeys(people)),
        notat=notat.strip(),
        beslutninger=tuple(beslutninger),
        tid=tid,
    )
