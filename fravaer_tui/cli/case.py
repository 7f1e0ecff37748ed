"""`fravaer case open|step|show`: a student's follow-up case from the command line (issue 11).

The contract is fixed (scripts depend on it): `case open --student ID [--date D]`,
`case step --student ID --date D [--outcome X] [--note TEXT]` records the next step,
`case show --student ID [--json]` lists the steps taken and the ones ahead as
{"elev_id", "profil", "trinn": [{"id", "tittel", "frist", "gjort", "utfall"}]}.

Issue 13 adds, without changing those: `case step --participant NAME --service S`
(repeatable: who took part, the services it brought in), `case task` (a tracked item such
as the helsesykepleier offer), `case stafett` (Strand's stafettholder), `case tiltak` and
`case fill` (a form's typed fields); `case show` shows each step's consent, forms and
tracked items, and its JSON gains the keys `samtykke`, `skjema`, `deltakere`, `tjenester`
and `oppgaver` on each step and `stafettholder` and `oppgaver` on the case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, int_arg, open_session
from fravaer_tui.domain import consent, followup
from fravaer_tui.domain.consent import ConsentStatus, Service
from fravaer_tui.domain.followup import Case, StepState, TaskState
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.validate import check_name, check_text
from fravaer_tui.errors import UserError

if TYPE_CHECKING:  # the application layer is imported by the commands that run, not by --help
    from fravaer_tui.application.routine import CaseConsents
    from fravaer_tui.application.session import Session

SERVICES = ", ".join(s.value for s in Service)


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
    step.add_argument(
        "--participant",
        dest="participants",
        action="append",
        default=[],
        help="en som deltok (navn og rolle); kan gis flere ganger",
    )
    step.add_argument(
        "--service",
        dest="services",
        action="append",
        default=[],
        help=f"en tjeneste trinnet trakk inn ({SERVICES}); kan gis flere ganger",
    )
    step.set_defaults(handler=run_step)
    task = actions.add_parser(
        "task", parents=[common], help="før en oppgave ved siden av trinnene (f.eks. tilbud)"
    )
    task.add_argument("--student", required=True, help="elev-id")
    task.add_argument("--task", dest="task_id", required=True, help="oppgavens id (se case show)")
    task.add_argument("--date", type=date_arg, required=True, help="datoen oppgaven ble gjort")
    task.add_argument("--outcome", default="", help="utfallet når oppgaven har et (takket_ja, …)")
    task.add_argument("--note", default="", help="notat (ikke helseopplysninger)")
    task.set_defaults(handler=run_task)
    stafett = actions.add_parser("stafett", parents=[common], help="utpek stafettholder (BTI c)")
    stafett.add_argument("--student", required=True, help="elev-id")
    stafett.add_argument("--who", required=True, help="stafettholderen: navn og tjeneste")
    stafett.add_argument("--from", dest="fra", type=date_arg, help="fra dato (standard i dag)")
    stafett.set_defaults(handler=run_stafett)
    tiltak = actions.add_parser("tiltak", parents=[common], help="legg et tiltak til saken")
    tiltak.add_argument("--student", required=True, help="elev-id")
    tiltak.add_argument("--what", required=True, help="hva tiltaket går ut på")
    tiltak.add_argument("--who", required=True, help="hvem har ansvaret (navn eller ansatt-id)")
    tiltak.add_argument("--from", dest="fra", type=date_arg, help="fra dato (standard i dag)")
    tiltak.add_argument("--weeks", type=int_arg(1, 52), default=3, help="uker det prøves ut")
    tiltak.set_defaults(handler=run_tiltak)
    fill = actions.add_parser("fill", parents=[common], help="skriv inn feltene i et skjema")
    fill.add_argument("--student", required=True, help="elev-id")
    fill.add_argument("--form", required=True, help="skjemaet: 1–4, samarbeidsavtale, …")
    fill.add_argument(
        "--set",
        dest="fields",
        action="append",
        default=[],
        metavar="FELT=TEKST",
        help="et felt og teksten (ikke helseopplysninger); kan gis flere ganger",
    )
    fill.set_defaults(handler=run_fill)
    show = actions.add_parser("show", parents=[common], help="vis trinnene og fristene")
    show.add_argument("--student", required=True, help="elev-id")
    show.add_argument("--json", action="store_true", help="skriv JSON")
    show.set_defaults(handler=run_show)


def _session(inv: Invocation) -> Session:
    return open_session(inv)


def _states(session: Session, case: Case, dato: dt.date) -> list[StepState]:
    from fravaer_tui.application.session import held_dates

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
    try:
        services = [consent.parse_service(s) for s in args.services]
    except ValueError as exc:
        raise UserError(f"--service: {exc}.") from None
    case, step = session.record_next_step(
        args.student,
        args.date,
        inv.now,
        args.note,
        args.outcome,
        deltakere=args.participants,
        tjenester=services,
        with_effect=True,
    )
    record = case.steps[-1]
    outcome = step.outcome(record.utfall) if record.utfall else None
    what = f": {outcome.tittel}" if outcome else ""
    print(f"Ført: {step.tittel} {format_date(record.dato)}{what}.")
    if record.effect is not None:
        print(f"  {record.effect.sentence()}")
    wanted = list(dict.fromkeys([*step.samtykke, *record.tjenester]))
    if wanted:
        found = session.consent_statuses(case.elev, wanted, record.dato)
        for status in found:
            print(f"  {status.text()}")
        warning = consent.missing_warning(found)
        if warning:
            print(f"Advarsel: {warning}", file=sys.stderr)
    states = _states(session, case, inv.now.date())
    print(_next_line(states))
    _print_new_tasks(session, case, inv.now.date())
    return 0


def _print_new_tasks(session: Session, case: Case, dato: dt.date) -> None:
    """The tracked items now open, with their deadlines (the helsesykepleier offer …)."""
    from fravaer_tui.application.routine import task_line

    for state in session.task_states(case, dato):
        if state.record is None:
            print(f"Oppgave: {task_line(state, with_id=True)}")


def run_task(args: argparse.Namespace, inv: Invocation) -> int:
    from fravaer_tui.application.routine import NOT_APPLICABLE

    session = _session(inv)
    case, task = session.record_task(
        args.student, args.task_id, args.date, inv.now, args.outcome, args.note
    )
    record = case.task_record(task.id)
    assert record is not None
    outcome = task.outcome(record.utfall) if record.utfall else None
    what = f": {outcome.tittel}" if outcome else ""
    print(f"Ført: {task.tittel} {format_date(record.dato)}{what}.")
    if task.samtykke and record.utfall != NOT_APPLICABLE:
        found = session.consent_statuses(case.elev, list(task.samtykke), record.dato)
        for status in found:
            print(f"  {status.text()}")
        warning = consent.missing_warning(found)
        if warning:
            print(f"Advarsel: {warning}", file=sys.stderr)
    return 0


def run_stafett(args: argparse.Namespace, inv: Invocation) -> int:
    session = _session(inv)
    fra = args.fra or inv.now.date()
    case = session.set_stafettholder(args.student, args.who, fra, inv.now)
    holder = case.stafettholder
    assert holder is not None
    print(f"Stafettholder for saken: {holder.hvem} fra {format_date(holder.fra)}.")
    return 0


def run_fill(args: argparse.Namespace, inv: Invocation) -> int:
    from fravaer_tui.application.exports import fill_fields

    session = _session(inv)
    values = {}
    for item in args.fields:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--set «{item}»: skriv FELT=TEKST, f.eks. sa_plan_b=Hent eleven.")
        values[key.strip()] = text
    if not values:
        raise UserError("Oppgi minst ett felt med --set FELT=TEKST.")
    form = int(args.form) if args.form.strip().isdigit() else args.form
    fill_fields(session, args.student, form, values, inv.now.date(), inv.now)
    print(f"Lagret i saken: {', '.join(values)}.")
    return 0


def run_tiltak(args: argparse.Namespace, inv: Invocation) -> int:
    session = _session(inv)
    fra = args.fra or inv.now.date()
    case = session.open_case_of(args.student, inv.now.date())
    if case is None:
        raise UserError(
            f"Eleven «{args.student}» har ingen åpen sak. Åpne en med "
            f"fravaer case open --student {args.student}"
        )
    try:
        what = check_text(" ".join(args.what.split()), "tiltaket", limit=500)
        who = check_name(" ".join(args.who.split()), "den ansvarlige")
    except ValueError as exc:
        raise UserError(f"{exc}.") from None
    tiltak = followup.Tiltak(
        id=f"T{inv.now:%Y%m%d%H%M%S}-{len(case.tiltak) + 1}",
        hva=what,
        hvem=who,
        fra=fra,
        uker=args.weeks,
    )
    changed = session.add_tiltak(case, tiltak, fra, inv.now)
    added = changed.tiltak[-1]
    print(
        f"Tiltak lagt til: {added.hva} (ansvar: {added.hvem}; fra {format_date(added.fra)}, "
        f"prøves til {format_date(added.til)})."
    )
    return 0


def _consent_json(found: list[ConsentStatus]) -> list[dict[str, Any]]:
    return [
        {
            "tjeneste": s.tjeneste.value,
            "paa_plass": s.on_file,
            "samtykke_id": s.samtykke.id if s.samtykke else None,
            "gitt": s.samtykke.dato.isoformat() if s.samtykke else None,
        }
        for s in found
    ]


def _task_json(t: TaskState, found: CaseConsents | None) -> dict[str, Any]:
    return {
        "id": t.task.id,
        "tittel": t.task.tittel,
        "trinn": t.step.id,
        "frist": t.frist.isoformat() if t.frist else None,
        "gjort": t.record.dato.isoformat() if t.record else None,
        "utfall": (t.record.utfall or None) if t.record else None,
        "samtykke": _consent_json(found.tasks.get(t.task.id, []) if found else []),
    }


def case_json(
    case: Case,
    states: list[StepState],
    tasks: list[TaskState] | None = None,
    found: CaseConsents | None = None,
) -> dict[str, Any]:
    """The contract's keys, and issue 13's beside them (never renamed)."""
    tasks = tasks or []
    holder = case.stafettholder
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
                "samtykke": _consent_json(found.steps.get(i, []) if found else []),
                "skjema": list(s.step.vedlegg),
                "deltakere": list(s.record.deltakere) if s.record else [],
                "tjenester": [t.value for t in s.record.tjenester] if s.record else [],
                "oppgaver": [t.task.id for t in tasks if t.step.id == s.step.id],
            }
            for i, s in enumerate(states)
        ],
        "stafettholder": {"hvem": holder.hvem, "fra": holder.fra.isoformat()} if holder else None,
        "oppgaver": [_task_json(t, found) for t in tasks],
    }


def form_label(form_id: str) -> str:
    return f"vedlegg {form_id}" if form_id.isdigit() else form_id.replace("_", " ")


def run_show(args: argparse.Namespace, inv: Invocation) -> int:
    from fravaer_tui.application.routine import task_line

    session = _session(inv)
    dato = inv.now.date()
    case = session.case_of(args.student, dato)
    states = _states(session, case, dato)
    tasks = session.task_states(case, dato)
    found = session.case_consents(case, states, tasks, dato)
    if args.json:
        print(json.dumps(case_json(case, states, tasks, found), ensure_ascii=False, indent=2))
        return 0
    school = session.school
    student = school.roster.student(case.elev)
    status = "åpen" if case.is_open else "lukket"
    print(
        f"Sak for {student.navn if student else case.elev} ({case.elev}, {case.klasse}) · "
        f"{status} · {school.profile.navn}"
    )
    names = {s.id: s.initials for s in school.roster.staff}
    for i, (line, state) in enumerate(
        zip(followup.staircase_text(states, names), states, strict=True)
    ):
        print(f"  {line}")
        if state.step.vedlegg:
            print(f"      skjema: {', '.join(form_label(f) for f in state.step.vedlegg)}")
        if state.record is not None and state.record.deltakere:
            print(f"      deltakere: {'; '.join(state.record.deltakere)}")
        for status_ in found.steps.get(i, []):
            print(f"      {status_.text()}")
        if state.state == "utfort" or state.state == "neste":
            for task in (t for t in tasks if t.step.id == state.step.id):
                print(f"      oppgave: {task_line(task, with_id=True)}")
                for status_ in found.tasks.get(task.task.id, []):
                    print(f"        {status_.text()}")
    holder = case.stafettholder
    if holder is not None:
        print(f"  Stafettholder: {holder.hvem} fra {format_date(holder.fra)}")
    elif any(s.step.id in ("bti", "samhandlingsmote") and s.state != "senere" for s in states):
        print("  Stafettholder: ikke utpekt ennå (BTI c) – fravaer case stafett")
    warning = consent.missing_warning(found.missing)
    if warning and case.is_open:
        print(f"  Advarsel: {warning}")
    return 0
