"""`fravaer review list|show|record`: the regular reviews (issue 13, point 3).

`list` shows the reviews due for you (begun and due within a week, or overdue) and the
ones held lately; `show` the figures a review needs for a period; `record` a review held
(date, who took part, notes, decisions «hva | hvem»). `list --json` gives
[{"gjennomgang", "tittel", "omfang", "fra", "til", "frist", "forfalt", "holdt"}].
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, open_session
from fravaer_tui.domain import reviews
from fravaer_tui.domain.profiles import ReviewDef
from fravaer_tui.domain.reviews import Occurrence
from fravaer_tui.domain.schoolcalendar import format_date, format_number, semester_bounds
from fravaer_tui.errors import UserError

if TYPE_CHECKING:  # the application layer comes with the commands that run
    from fravaer_tui.application.reviews import ReviewFigures
    from fravaer_tui.application.session import Session


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    review = sub.add_parser(
        "review",
        parents=[common],
        help="gjennomgangene rutinen ber om: når, tallene, og å føre dem",
        description="De faste gjennomgangene i regelprofilen (Strand: ledelsen drøfter "
        "ukentlige meldinger; Hole: månedlig i klassen, to ganger i semesteret på trinnet og "
        "for hele skolen): når de forfaller, tallene de trenger, og referat når de er holdt.",
    )
    actions = review.add_subparsers(dest="review_command", metavar="HANDLING", required=True)
    listed = actions.add_parser("list", parents=[common], help="gjennomganger som forfaller")
    listed.add_argument("--date", type=date_arg, help="per denne datoen (standard i dag)")
    listed.add_argument("--json", action="store_true", help="skriv JSON")
    listed.set_defaults(handler=run_list)
    for name, helptext, handler in (
        ("show", "tallene en gjennomgang trenger", run_show),
        ("record", "før en gjennomgang som er holdt", run_record),
    ):
        action = actions.add_parser(name, parents=[common], help=helptext)
        action.add_argument("--review", required=True, help="gjennomgangens id (se review list)")
        action.add_argument("--class", dest="klasse", help="klassen (gjennomgang per klasse)")
        action.add_argument("--trinn", help="trinnet, f.eks. 8 (gjennomgang per trinn)")
        action.add_argument(
            "--period", type=date_arg, help="en dato i perioden (standard: eldste åpne)"
        )
        if name == "record":
            action.add_argument(
                "--date", type=date_arg, required=True, help="dagen gjennomgangen ble holdt"
            )
            action.add_argument("--note", default="", help="referat/notat")
            action.add_argument(
                "--participant",
                dest="participants",
                action="append",
                default=[],
                help="en som deltok; kan gis flere ganger",
            )
            action.add_argument(
                "--decision",
                dest="decisions",
                action="append",
                default=[],
                help="en beslutning: «hva som skal gjøres | hvem gjør det»; kan gis flere ganger",
            )
        else:
            action.add_argument("--date", type=date_arg, help="tall til og med (standard i dag)")
            action.add_argument("--json", action="store_true", help="skriv JSON")
        action.set_defaults(handler=handler)


def _period(o: Occurrence) -> str:
    return f"{format_date(o.period.fra)}–{format_date(o.period.til)}"


def occurrence_line(o: Occurrence, dato: dt.date) -> str:
    late = " – FORFALT" if o.overdue(dato) else ""
    return (
        f"{o.review.tittel} ({o.review.id}), {o.scope_text}, periode {_period(o)}, "
        f"frist {format_date(o.period.frist)}{late}"
    )


def due_lines(due: list[Occurrence], dato: dt.date) -> list[str]:
    """One line a review due; a run of overdue periods of one review (weeks missed since
    the school year began) as its oldest, then how many more (`--json` lists them all)."""
    lines: list[str] = []
    groups: dict[tuple[str, str], list[Occurrence]] = {}
    for o in due:
        groups.setdefault((o.review.id, o.omfang), []).append(o)
    for found in groups.values():
        late = [o for o in found if o.overdue(dato)]
        if len(late) > 2:
            lines.append(occurrence_line(late[0], dato))
            lines.append(
                f"  … og {len(late) - 1} perioder til som har forfalt, den siste "
                f"{_period(late[-1])}"
            )
            found = [o for o in found if not o.overdue(dato)]
        lines += [occurrence_line(o, dato) for o in found]
    return lines


def run_list(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    dato = args.date or inv.now.date()
    due = session.due_reviews(dato)
    held = _held(session, dato)
    if args.json:
        out = [
            {
                "gjennomgang": o.review.id,
                "tittel": o.review.tittel,
                "omfang": o.omfang,
                "fra": o.period.fra.isoformat(),
                "til": o.period.til.isoformat(),
                "frist": o.period.frist.isoformat(),
                "forfalt": o.overdue(dato),
                "holdt": o.record.dato.isoformat() if o.record else None,
            }
            for o in [*due, *held]
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"Gjennomganger per {format_date(dato)} – {session.school.profile.navn}")
    print("Forfaller (eller har forfalt):")
    for line in due_lines(due, dato):
        print(f"  {line}")
    if not due:
        print("  ingen")
    if held:
        print("Holdt dette semesteret:")
        for o in held:
            assert o.record is not None
            print(
                f"  {o.review.tittel}, {o.scope_text}, {_period(o)}: holdt "
                f"{format_date(o.record.dato)} ({o.record.av})"
            )
    return 0


def _held(session: Session, dato: dt.date) -> list[Occurrence]:
    found = []
    start = semester_bounds(dato)[0]
    for review in session.school.profile.gjennomganger:
        for scope in session.my_review_scopes(review):
            found += [
                o
                for o in session.review_occurrences(review, scope, dato, fra=start)
                if o.record is not None
            ]
    return sorted(found, key=lambda o: o.record.dato if o.record else o.period.fra)


def _scope(session: Session, args: argparse.Namespace) -> tuple[ReviewDef, str]:
    review = session.review_def(args.review)
    return review, session.review_scope(review, args.klasse, args.trinn)


def _times(n: int) -> str:
    return "1 gang" if n == 1 else f"{n} ganger"


def figures_lines(f: ReviewFigures, navn: dict[str, str]) -> list[str]:
    o = f.occurrence
    lines = [
        f"{o.review.tittel} – {o.scope_text}, periode {_period(o)} (tall til og med "
        f"{format_date(f.til)}); frist {format_date(o.period.frist)}",
    ]
    if o.record is not None:
        lines.append(f"Holdt {format_date(o.record.dato)} ({navn.get(o.record.av, o.record.av)}).")
    if f.elever:
        lines.append("Fraværet i perioden, elev for elev:")
        for s in f.elever:
            t = s.totals
            line = (
                f"  {s.student.etternavn}, {s.student.fornavn}: {format_number(t.days)} dager, "
                f"{t.absent} av {t.held} timer ({format_number(t.prosent, 1)} %)"
            )
            if t.lates:
                line += f", for sent {_times(t.lates)}"
            if s.utstyr:
                line += f", mangler utstyr {_times(s.utstyr)}"
            lines.append(line)
    if f.klasser:
        lines.append("Fraværet i semesteret, klasse for klasse (elever over tersklene):")
        for c in f.klasser:
            over = ", ".join(f"{k} {n}" for k, n in c.over_regel.items() if n)
            lines.append(
                f"  {c.klasse}: {c.elever} elever, {format_number(c.prosent, 1)} % fravær"
                + (f"; {over}" if over else "")
            )
    if "meldinger_ledelsen" in o.review.dekker:
        lines.append(f"Meldinger til ledelsen (vedlegg 3) i perioden: {len(f.meldinger)}")
        for case, dato in f.meldinger:
            lines.append(f"  {format_date(dato)} {case.klasse} {case.elev} (sak {case.id})")
    if "saker" in o.review.dekker:
        lines.append(f"Åpne saker: {len(f.saker)}; forfalte trinn: {len(f.forfalt)}")
        for d in f.forfalt:
            lines.append(
                f"  {d.case.klasse} {d.case.elev}: {d.step.tittel}, frist {format_date(d.frist)}"
            )
    return lines


def run_show(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    review, scope = _scope(session, args)
    dato = args.date or inv.now.date()
    figures = session.review_figures(review, scope, dato, args.period)
    if args.json:
        o = figures.occurrence
        out = {
            "gjennomgang": review.id,
            "omfang": scope,
            "fra": o.period.fra.isoformat(),
            "til": o.period.til.isoformat(),
            "frist": o.period.frist.isoformat(),
            "holdt": o.record.dato.isoformat() if o.record else None,
            "elever": [
                {
                    "elev_id": s.student.id,
                    "dager": s.totals.days,
                    "timer_fravaer": s.totals.absent,
                    "timer": s.totals.held,
                    "prosent": round(s.totals.prosent, 1),
                    "for_sent": s.totals.lates,
                    "mangler_utstyr": s.utstyr,
                }
                for s in figures.elever
            ],
            "klasser": [
                {"klasse": c.klasse, "prosent": round(c.prosent, 1), "over_regel": c.over_regel}
                for c in figures.klasser
            ],
            "meldinger_ledelsen": [
                {"sak": c.id, "elev_id": c.elev, "dato": d.isoformat()}
                for c, d in figures.meldinger
            ],
            "apne_saker": len(figures.saker),
            "forfalte_trinn": len(figures.forfalt),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    navn = {s.id: s.navn for s in session.school.roster.staff}
    print("\n".join(figures_lines(figures, navn)))
    return 0


def run_record(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    review, scope = _scope(session, args)
    try:
        decisions = [reviews.parse_decision(d) for d in args.decisions]
    except ValueError as exc:
        raise UserError(f"--decision: {exc}.") from None
    record = session.record_review(
        review,
        scope,
        args.date,
        inv.now,
        period=args.period,
        deltakere=args.participants,
        notat=args.note,
        beslutninger=decisions,
    )
    print(
        f"Ført: {review.tittel}, {reviews.scope_text(review, scope)}, periode "
        f"{format_date(record.fra)}–{format_date(record.til)}, holdt {format_date(record.dato)}."
    )
    for b in record.beslutninger:
        print(f"  Beslutning: {b.hva} – {b.hvem}")
    return 0
