"""The morning overview as a list of rows in the order of the day's work (a pure view builder).

Issue 12, point 6: «open alerts (new since the last follow-up) first with the action in
full, then due steps, then ikke meldt and ikke ført; followed-up alerts folded away». The
absence of today and yesterday (DESIGN: the kontaktlærer's morning) comes last. Every row
that concerns a student carries the student and the date it is about, so a dialog opened
from it starts there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from fravaer_tui.application.session import ClassMorning
from fravaer_tui.domain.analysis import Unreported
from fravaer_tui.domain.model import Mark, Roster
from fravaer_tui.domain.rules import AAPEN, Alert
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.words import join, mark_words, person, student_name


@dataclass(frozen=True, slots=True)
class MorningRow:
    key: str  # unique: kind|elev|detail
    kind: str  # heading, varsel, sak, ikke_meldt, ikke_fort, fravaer, fold, tom
    left: str
    right: str = ""
    elev: str | None = None
    dato: dt.date | None = None  # the day the row is about (a melding starts there)
    regel: str = ""
    case_id: str = ""
    warn: bool = False


def group_unreported(items: list[Unreported]) -> list[tuple[str, dt.date, list[int]]]:
    """One line per student and day (the periods), newest day first."""
    grouped: dict[tuple[str, dt.date], list[int]] = {}
    for item in items:
        grouped.setdefault((item.elev, item.dato), []).append(item.time)
    ordered = sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True)
    return [(elev, dato, sorted(times)) for (elev, dato), times in ordered]


def day_marks(marks: tuple[tuple[int, Mark], ...], lessons: int) -> str:
    """`fravær hele dagen`, `fravær 1. og 2. time · for sent 3. time (5 min)`."""
    by_kind: dict[str, list[int]] = {}
    minutes: dict[int, int] = {}
    for time, mark in marks:
        words = mark_words(replace(mark, minutter=None)) if mark.kind else f"«{mark.merknad}»"
        by_kind.setdefault(words, []).append(time)
        if mark.minutter:
            minutes[time] = mark.minutter
    parts = []
    for words, times in by_kind.items():
        if words == "fravær" and len(times) >= lessons:
            parts.append("fravær hele dagen")
            continue
        late = "".join(f" ({minutes[t]} min)" for t in times if t in minutes)
        parts.append(f"{words} {join(f'{t}.' for t in sorted(times))} time{late}")
    return " · ".join(parts)


def alert_text(alert: Alert, today: dt.date) -> str:
    when = "i dag" if alert.nyeste == today else format_date(alert.nyeste)
    again = " – ny hendelse etter kontakt" if alert.ny_hendelse else ""
    return f"{alert.tittel}, siste {when}{again}: {alert.tiltak}"


def morning_rows(
    blocks: list[ClassMorning], roster: Roster, today: dt.date, show_followed: bool = False
) -> list[MorningRow]:
    rows: list[MorningRow] = []
    several = len(blocks) > 1

    def who(elev: str, klasse: str) -> str:
        name = student_name(roster, elev, surname_first=True)
        return f"{klasse} {name}" if several else name

    def heading(key: str, text: str, count: int | None = None) -> None:
        shown = f"{text} ({count})" if count is not None else text
        rows.append(MorningRow(f"heading|{key}", "heading", shown))

    def empty(key: str, text: str) -> None:
        rows.append(MorningRow(f"tom|{key}", "tom", "", text))

    alerts = [a for b in blocks for a in b.alerts]
    fresh = sorted((a for a in alerts if a.status == AAPEN), key=lambda a: (a.nyeste, a.elev))
    fresh.reverse()
    followed = [a for a in alerts if a.status != AAPEN]
    heading("varsler", "Nye varsler – gjør i dag", len(fresh))
    for a in fresh:
        rows.append(
            MorningRow(
                f"varsel|{a.elev}|{a.regel}",
                "varsel",
                f"⚠ {who(a.elev, a.klasse)}",
                alert_text(a, today),
                elev=a.elev,
                dato=a.nyeste,
                regel=a.regel,
                warn=True,
            )
        )
    if not fresh:
        empty("varsler", "ingen nye varsler")

    due = [d for b in blocks for d in b.due]
    heading("sak", "Oppfølging som forfaller", len(due))
    for d in sorted(due, key=lambda d: (d.frist, d.case.elev)):
        when = "FORFALT" if d.overdue else "i dag"
        rows.append(
            MorningRow(
                f"sak|{d.case.elev}|{d.case.id}",
                "sak",
                f"  {who(d.case.elev, d.case.klasse)}",
                f"{d.step.tittel} – frist {format_date(d.frist)} ({when})",
                elev=d.case.elev,
                dato=today,
                case_id=d.case.id,
                warn=d.overdue,
            )
        )
    if not due:
        empty("sak", "ingenting forfaller i dag")

    unreported = [(b.klasse, u) for b in blocks for u in group_unreported(b.ikke_meldt)]
    heading("ikke_meldt", "Ikke meldt – ring foresatte", len(unreported))
    for klasse, (elev, dato, times) in unreported:
        lessons = roster.slots(klasse, dato.isoweekday())
        what = (
            "hele dagen" if len(times) >= len(lessons) else join(f"{t}." for t in times) + " time"
        )
        student = roster.student(elev)
        phone = ""  # the number before the name: a narrow terminal cuts the name, not the number
        if student and student.foresatte:
            f = student.foresatte[0]
            phone = f" · ☎ {f.telefon} {f.navn}" if f.telefon else f" · {f.navn}"
        rows.append(
            MorningRow(
                f"ikke_meldt|{elev}|{dato.isoformat()}",
                "ikke_meldt",
                f"  {who(elev, klasse)}",
                f"{format_date(dato)} {what}{phone}",
                elev=elev,
                dato=dato,
            )
        )
    if not unreported:
        empty("ikke_meldt", "alt er meldt")

    missing = [m for b in blocks for m in b.unregistered]
    heading("ikke_fort", "Timer som ikke er ført", len(missing))
    for m in sorted(missing, key=lambda m: (m.dato, m.klasse, m.time), reverse=True):
        rows.append(
            MorningRow(
                f"ikke_fort|{m.klasse}|{m.dato.isoformat()}|{m.time}",
                "ikke_fort",
                f"  {m.klasse} {format_date(m.dato)} {m.time}. time",
                f"{m.fag} – {person(roster, m.laerer)}",
                dato=m.dato,
            )
        )
    if not missing:
        empty("ikke_fort", "alle timer er ført")

    if followed:
        if show_followed:
            heading("fulgt_opp", "Varsler som er fulgt opp (v skjuler)", len(followed))
            for a in sorted(followed, key=lambda a: (a.nyeste, a.elev), reverse=True):
                contact = f", kontakt {format_date(a.kontakt)}" if a.kontakt else ""
                rows.append(
                    MorningRow(
                        f"fulgt|{a.elev}|{a.regel}",
                        "varsel",
                        f"  {who(a.elev, a.klasse)}",
                        f"{a.tittel}, siste {format_date(a.nyeste)}{contact}",
                        elev=a.elev,
                        dato=a.nyeste,
                        regel=a.regel,
                    )
                )
        else:
            rows.append(
                MorningRow(
                    "fold|fulgt_opp",
                    "fold",
                    f"▸ {len(followed)} varsler er fulgt opp",
                    "v eller enter viser dem",
                )
            )

    for title, attr, dato in (
        ("Fravær i dag", "absence_today", today),
        ("Fravær forrige skoledag", "absence_yesterday", blocks[0].yesterday if blocks else today),
    ):
        days = [(b.klasse, d) for b in blocks for d in getattr(b, attr)]
        heading(attr, f"{title}, {format_date(dato)}", len(days))
        for klasse, day in days:
            marks = day_marks(day.marks, len(roster.slots(klasse, day.dato.isoweekday())))
            rows.append(
                MorningRow(
                    f"fravaer|{day.elev}|{day.dato.isoformat()}",
                    "fravaer",
                    f"  {who(day.elev, klasse)}",
                    marks,
                    elev=day.elev,
                    dato=day.dato,
                )
            )
        if not days:
            empty(attr, "ingen")
    return rows
