"""`fravaer case open|step|show`: a student's follow-up case from the command line (issue 11).

The contract is fixed (scripts depend on it): `case open --student ID [--date D]`,
`case step --student ID --date D [--outcome X] [--note TEXT]` records the next step,
`case show --student ID [--json]` lists the steps taken and the ones ahead as
{"elev_id", "profil", "trinn": [{"id", "tittel", "frist", "gjort", "utfall"}]}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from fravaer_tui.application.session import Session, held_dates
from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, open_session
from fravaer_tui.domain import followup
from fravaer_tui.domain.followup import Case, StepState
from fravaer_tui.domain.schoolcalendar import format_date


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    case = sub.add_parser("case", parents=[common], help="en elevs oppfølgingssak")
    actions = case.add_subparsers(dest="case_command", metavar="HANDLING", required=True)
    opened = actions.add_parser(
        "open", parents=[common], help="åpne en sak fra elevens varsel (det med nyeste hendelse)"
    )
    opened.add_argument("--student", required=True, help="elev-id")
    opened.add_argument("--date", type=date_arg, help="datoen saken åpnes (standard i dag)")
    opened.set_defaults(handler=run_open)
    step = actions.add_parser("step", parents=[common], help="før neste trinn i saken")
    step.add_argument("--student", required=True, help="elev-id")
    step.add_argument("--date", type=date_arg, required=True, help="datoen trinnet ble gjort")
    step.add_argument(
        "--outcome", default="", help="utfallet når trinnet avgjør et (Hole: løst, ny_plan, …)"
    )
    step.add_argument("--note", default="", help="notat (ikke helseopplysninger)")
    step.set_defaults(handler=run_step)
    show = actions.add_parser("show", parents=[common], help="vis trinnene og fristene")
    show.add_argument("--student", required=True, help="elev-id")
    show.add_argument("--json", action="store_true", help="skriv JSON")
    show.set_defaults(handler=run_show)


def _session(inv: Invocation) -> Session:
    return open_session(inv)


def _states(session: Session, case: Case, dato: dt.date) -> list[StepState]:
    school = session.school
    held = held_dates(session.check(dato)).get(case.elev, {})
    return followup.staircase(case, school.profile, school.calendar, dato, held)


def _next_line(states: list[StepState]) -> str:
    state = next((s for s in states if s.state == "neste"), None)
    if state is None:
        return "Ingen flere trinn i saken."
    if state.frist is None:
        return f"Neste trinn: {state.step.tittel} (ingen fast frist)."
    word = "planlagt" if state.step.naar == "etter" else "frist"
    late = " – FORFALT" if state.overdue else ""
    return f"Neste trinn: {state.step.tittel} – {word} {format_date(state.frist)}{late}."


def run_open(args: argparse.Namespace, inv: Invocation) -> int:
    session = _session(inv)
    dato = args.date or inv.now.date()
    existing = session.open_case_of(args.student, dato)
    case = session.open_case_for(args.student, dato, inv.now)
    student = session.school.roster.student(case.elev)
    name = student.navn if student else case.elev
    rule = session.school.profile.rule(case.regel)
    if existing is not None:
        print(f"{name} ({case.elev}) har allerede en åpen sak fra {format_date(case.opprettet)}.")
    else:
        print(
            f"Sak åpnet for {name} ({case.elev}, {case.klasse}) fra varselet "
            f"«{rule.tittel if rule else case.regel}», nyeste hendelse "
            f"{format_date(case.varsel_dato)}."
        )
    print(_next_line(_states(session, case, inv.now.date())))
    return 0


def run_step(args: argparse.Namespace, inv: Invocation) -> int:
    session = _session(inv)
    case, step = session.record_next_step(args.student, args.date, inv.now, args.note, args.outcome)
    record = case.steps[-1]
    outcome = step.outcome(record.utfall) if record.utfall else None
    what = f": {outcome.tittel}" if outcome else ""
    print(f"Ført: {step.tittel} {format_date(record.dato)}{what}.")
    print(_next_line(_states(session, case, inv.now.date())))
    return 0


def case_json(case: Case, states: list[StepState]) -> dict[str, Any]:
    return {
        "elev_id": case.elev,
        "profil": case.profil,
        "trinn": [
            {
                "id": s.step.id,
                "tittel": s.step.tittel,
                "frist": s.frist.isoformat() if s.frist else None,
                "gjort": s.record.dato.isoformat() if s.record else None,
                "utfall": s.record.utfall or None if s.record else None,
            }
            for s in states
        ],
    }


def run_show(args: argparse.Namespace, inv: Invocation) -> int:
    session = _session(inv)
    dato = inv.now.date()
    case = session.case_of(args.student, dato)
    states = _states(session, case, dato)
    if args.json:
        print(json.dumps(case_json(case, states), ensure_ascii=False, indent=2))
        return 0
    school = session.school
    student = school.roster.student(case.elev)
    status = "åpen" if case.is_open else "lukket"
    print(
        f"Sak for {student.navn if student else case.elev} ({case.elev}, {case.klasse}) · "
        f"{status} · {school.profile.navn}"
    )
    names = {s.id: s.initials for s in school.roster.staff}
    for line in followup.staircase_text(states, names):
        print(f"  {line}")
    return 0
