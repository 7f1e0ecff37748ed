"""Ledelsens oversikt as rows that open the case or the student (a pure view builder).

Issue 12, point 6: «The leaders' overview rows open the case or the student.»
"""

from __future__ import annotations

from fravaer_tui.application.morning import MorningRow
from fravaer_tui.application.session import LeaderOverview
from fravaer_tui.domain import followup
from fravaer_tui.domain.model import Roster
from fravaer_tui.domain.profiles import Profile
from fravaer_tui.domain.schoolcalendar import format_date, format_percent
from fravaer_tui.domain.words import count, person

DONE = "alle trinn utført"


def leader_rows(o: LeaderOverview, roster: Roster, profile: Profile) -> list[MorningRow]:
    rows: list[MorningRow] = []

    def name(elev: str) -> str:
        s = roster.student(elev)
        return f"{s.etternavn}, {s.fornavn} ({s.klasse})" if s else elev

    def heading(key: str, text: str) -> None:
        rows.append(MorningRow(f"heading|{key}", "heading", text))

    def empty(key: str, text: str) -> None:
        rows.append(MorningRow(f"tom|{key}", "tom", "", text))

    heading("saker", f"Åpne saker etter trinn ({len(o.open_cases)})")
    order = {s.tittel: i for i, s in enumerate(profile.steps)}
    cases = []
    for case in o.open_cases:
        step = followup.next_step(case, profile)
        cases.append((order.get(step.tittel, 99) if step else 100, step, case))
    for _, step, case in sorted(cases, key=lambda c: (c[0], name(c[2].elev))):
        rows.append(
            MorningRow(
                f"sak|{case.elev}|{case.id}",
                "sak",
                f"  {name(case.elev)}",
                f"neste: {step.tittel}" if step else DONE,
                elev=case.elev,
                case_id=case.id,
            )
        )
    if not o.open_cases:
        empty("saker", "ingen åpne saker")

    heading("forfalt", "Forfalte og forfallende trinn")
    for d in o.due:
        rows.append(
            MorningRow(
                f"forfalt|{d.case.elev}|{d.case.id}|{d.step.id}",
                "sak",
                f"  {name(d.case.elev)}",
                f"{'FORFALT ' if d.overdue else ''}{format_date(d.frist)}: {d.step.tittel}",
                elev=d.case.elev,
                case_id=d.case.id,
                warn=d.overdue,
            )
        )
    if not o.due:
        empty("forfalt", "ingenting forfaller")

    heading("vedlegg3", "Meldinger til ledelsen (vedlegg 3) mottatt")
    for case, when in o.reports:
        rows.append(
            MorningRow(
                f"vedlegg3|{case.elev}|{case.id}",
                "sak",
                f"  {name(case.elev)}",
                f"mottatt {format_date(when)}",
                elev=case.elev,
                case_id=case.id,
            )
        )
    if not o.reports:
        empty("vedlegg3", "ingen")

    heading("evaluering", "Planer som skal evalueres (neste 7 dager)")
    for d in o.evaluations:
        rows.append(
            MorningRow(
                f"evaluering|{d.case.elev}|{d.case.id}",
                "sak",
                f"  {name(d.case.elev)}",
                f"{format_date(d.frist)}: {d.step.tittel}",
                elev=d.case.elev,
                case_id=d.case.id,
            )
        )
    if not o.evaluations:
        empty("evaluering", "ingen")

    heading("tall", "Tall for semesteret: fravær, og andel elever over hver regel")
    for figures in [*o.classes, o.school]:
        shares = [
            f"{r.tittel.lower()} {format_percent(100 * figures.andel(r.id))}" for r in profile.rules
        ]
        rows.append(
            MorningRow(
                f"tall|{figures.klasse}",
                "tall",
                f"  {figures.klasse} ({count(figures.elever, 'elever')})",
                f"fravær {format_percent(figures.prosent)} · " + " · ".join(shares),
            )
        )

    heading("ikke_fort", "Timer som ikke er ført, per lærer (semesteret)")
    for teacher_id, n in o.unregistered[:15]:
        rows.append(
            MorningRow(
                f"ikke_fort|{teacher_id}", "ikke_fort", f"  {person(roster, teacher_id)}", f"{n}"
            )
        )
    if not o.unregistered:
        empty("ikke_fort", "alle timer er ført")
    return rows
