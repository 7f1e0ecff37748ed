"""`fravaer receipt show|give|pending`: receipts to foresatte (issue 13, point 2).

Strand, Melding av fravær c: «Skolen har ansvar for å gi tilbakemelding til foresatte om at
melding er mottatt». `show` prints the text to paste into the school's messaging system,
`give` marks it given (how, when, by whom), `pending` lists the meldinger still without one
(the morning overview's list). `pending --json` gives [{"elev_id", "navn", "klasse",
"melding_id", "fra", "til", "registrert"}].
"""

from __future__ import annotations

import argparse
import json

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, open_session
from fravaer_tui.domain.receipts import HOW
from fravaer_tui.domain.schoolcalendar import format_date


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    receipt = sub.add_parser(
        "receipt",
        parents=[common],
        help="kvitteringer til foresatte for meldinger",
        description="Kvittering til foresatte om at meldingen er mottatt: teksten, at den er "
        "gitt, og meldingene som ennå ikke har fått en.",
    )
    actions = receipt.add_subparsers(dest="receipt_command", metavar="HANDLING", required=True)
    show = actions.add_parser("show", parents=[common], help="kvitteringsteksten for en melding")
    show.add_argument("--student", required=True, help="elev-id")
    show.add_argument("--id", dest="melding_id", required=True, help="meldingens id")
    show.set_defaults(handler=run_show)
    give = actions.add_parser("give", parents=[common], help="før at kvitteringen er gitt")
    give.add_argument("--student", required=True, help="elev-id")
    give.add_argument("--id", dest="melding_id", required=True, help="meldingens id")
    give.add_argument(
        "--how",
        default="meldingssystem",
        help=f"hvordan den ble gitt: {', '.join(HOW)} (standard meldingssystem)",
    )
    give.add_argument("--date", type=date_arg, help="dagen den ble gitt (standard i dag)")
    give.set_defaults(handler=run_give)
    pending = actions.add_parser(
        "pending", parents=[common], help="meldinger uten kvittering i klassene dine"
    )
    pending.add_argument("--class", dest="klasse", help="bare denne klassen")
    pending.add_argument("--json", action="store_true", help="skriv JSON")
    pending.set_defaults(handler=run_pending)


def run_show(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    print(session.receipt_text(args.student, args.melding_id, inv.now.date()))
    return 0


def run_give(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    saved = session.give_receipt(args.student, args.melding_id, args.how, inv.now, args.date)
    given = saved.kvittering
    assert given is not None
    print(
        f"Kvittering gitt {HOW[given.hvordan]} {format_date(given.tid.date())} av {given.av} "
        f"for meldingen {saved.id}."
    )
    return 0


def run_pending(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    found = session.pending_receipts(inv.now.date(), args.klasse)
    roster = session.school.roster
    if args.json:
        out = []
        for p in found:
            student = roster.student(p.melding.elev)
            out.append(
                {
                    "elev_id": p.melding.elev,
                    "navn": student.navn if student else "",
                    "klasse": p.klasse,
                    "melding_id": p.melding.id,
                    "fra": p.melding.fra.isoformat(),
                    "til": p.melding.til.isoformat(),
                    "registrert": p.siden.isoformat() if p.siden else None,
                }
            )
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print("Meldinger uten kvittering til foresatte:")
    for p in found:
        student = roster.student(p.melding.elev)
        name = f"{student.etternavn}, {student.fornavn}" if student else "?"
        m = p.melding
        days = (
            format_date(m.fra) if m.fra == m.til else f"{format_date(m.fra)}–{format_date(m.til)}"
        )
        since = f", ført {format_date(p.siden)}" if p.siden else ""
        print(f"  {p.klasse:<6} {name} ({m.elev}) {days}{since} – {m.id}")
    if not found:
        print("  ingen")
    return 0
