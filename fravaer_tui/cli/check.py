"""`fravaer check`: which students crossed the thresholds, and the follow-up steps due."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, open_session
from fravaer_tui.domain import words
from fravaer_tui.domain.rules import FULGT_OPP, Alert, CheckResult
from fravaer_tui.domain.schoolcalendar import format_date, format_number

if TYPE_CHECKING:  # the application layer comes with the commands that run
    from fravaer_tui.application.school import School


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    chk = sub.add_parser("check", parents=[common], help="hvilke elever har passert tersklene")
    chk.add_argument("--date", type=date_arg, help="kontrolldato (standard i dag)")
    chk.add_argument("--profile", help="strand, hole eller stien til en egen profil (TOML)")
    chk.add_argument("--json", action="store_true", help="skriv JSON i stedet for tabell")
    chk.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv, args.profile)
    school = session.school
    dato = args.date or inv.now.date()
    result = session.check(dato)  # what this person may see: own classes, reasons or not
    if args.json:
        print(json.dumps(alerts_json(school, result), ensure_ascii=False, indent=2))
    else:
        print(alerts_table(school, result))
        print(due_table(school, session.due_steps(dato, result=result), session.due_tasks(dato)))
    return 0


def _amount(value: float, enhet: str) -> str:
    return words.count(value, enhet)  # «timer» are lessons (domain/words)


def alerts_json(school: School, result: CheckResult) -> list[dict[str, object]]:
    out = []
    for alert in result.alerts:
        student = school.roster.student(alert.elev)
        figures = result.figures.get(alert.elev)
        out.append(
            {
                "elev_id": alert.elev,
                "navn": student.navn if student else "",
                "klasse": alert.klasse,
                "regel": alert.regel,
                "tittel": alert.tittel,
                "dato": alert.forst.isoformat(),
                "siste": alert.nyeste.isoformat(),
                "status": alert.status,
                "sist_kontakt": alert.kontakt.isoformat() if alert.kontakt else None,
                "antall": alert.antall,
                "terskel": alert.terskel,
                "enhet": alert.enhet,
                "vindu_fra": alert.vindu_fra.isoformat(),
                "tiltak": alert.tiltak,
                "fravaer_prosent": round(figures.prosent, 1) if figures else None,
                "bevis": [
                    {
                        "dato": e.dato.isoformat(),
                        "time": e.time,
                        "type": e.kind.value if e.kind else None,
                        "gyldighet": e.validity.value,
                        "aarsak": e.reason.value if e.reason else None,
                        "minutter": e.minutter,
                        "merknad": e.merknad or None,
                    }
                    for e in alert.evidence
                ],
            }
        )
    return out


def alerts_table(school: School, result: CheckResult) -> str:
    profile = school.profile
    lines = [f"Varsler per {format_date(result.dato)} – {profile.navn}", ""]
    if not result.alerts:
        lines.append("Ingen elever har passert tersklene.")
        return "\n".join(lines)
    header = ("Klasse", "Elev", "Regel", "Gjelder fra", "Siste", "Antall", "Fravær", "Status")
    rows = [header]
    for alert in result.alerts:
        rows.append(_alert_row(school, result, alert))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    students = len(result.flagged)
    lines += [
        "",
        f"{len(result.alerts)} varsler for {students} av {len(school.roster.students)} elever. "
        "Fravær = andel av timene i semesteret så langt. Status: fulgt opp når foresatte er "
        "kontaktet etter siste hendelse.",
    ]
    for rule in profile.rules:
        n = sum(1 for a in result.alerts if a.regel == rule.id)
        if n:
            lines.append(f"  {rule.tittel}: {n} – tiltak: {rule.tiltak}")
    return "\n".join(lines)


def due_table(school: School, due: list, tasks: list | None = None) -> str:
    """The follow-up steps (and tracked items, issue 13: the helsesykepleier offer …) due
    today or overdue: the same list the overviews show."""
    lines = ["", "Oppfølging som forfaller (frist i dag eller passert):"]
    items = [(d.case, d.step.tittel, d.frist, d.overdue) for d in due]
    items += [(t.case, t.task.tittel, t.frist, t.overdue) for t in tasks or ()]
    items.sort(key=lambda i: (not i[3], i[2], i[0].klasse, i[0].elev))
    for case, title, frist, overdue in items:
        student = school.roster.student(case.elev)
        name = f"{student.etternavn}, {student.fornavn}" if student else "?"
        late = " – FORFALT" if overdue else ""
        lines.append(
            f"  {case.klasse:<6} {name} ({case.elev}) {title}, frist {format_date(frist)}{late}"
        )
    if not items:
        lines.append("  ingen")
    return "\n".join(lines)


def _alert_row(school: School, result: CheckResult, alert: Alert) -> tuple[str, ...]:
    student = school.roster.student(alert.elev)
    name = f"{student.etternavn}, {student.fornavn}" if student else "?"
    figures = result.figures.get(alert.elev)
    percent = f"{format_number(figures.prosent, 1)} %" if figures else ""
    return (
        alert.klasse,
        f"{name} ({alert.elev})",
        alert.tittel,
        format_date(alert.forst),
        format_date(alert.nyeste),
        _amount(alert.antall, alert.enhet),
        percent,
        status_text(alert),
    )


def status_text(alert: Alert) -> str:
    """«åpen», «fulgt opp dd.mm.yyyy», or «åpen – ny hendelse etter kontakt dd.mm.yyyy»."""
    if alert.status == FULGT_OPP and alert.kontakt is not None:
        return f"fulgt opp {format_date(alert.kontakt)}"
    if alert.ny_hendelse and alert.kontakt is not None:
        return f"åpen – ny hendelse etter kontakt {format_date(alert.kontakt)}"
    return "åpen"
