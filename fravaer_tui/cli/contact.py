"""`fravaer contact`: log a contact with foresatte (issue 11); it follows up the student's
alerts whose newest incident is on or before that day."""

from __future__ import annotations

import argparse

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, open_session
from fravaer_tui.domain.schoolcalendar import format_date


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    contact = sub.add_parser("contact", parents=[common], help="logg kontakt med foresatte")
    contact.add_argument("--student", required=True, help="elev-id")
    contact.add_argument("--date", type=date_arg, required=True, help="dagen kontakten ble tatt")
    contact.add_argument("--note", default="", help="notat (ikke helseopplysninger)")
    contact.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    contact = session.log_contact_on(args.student, args.date, args.note, inv.now)
    student = session.school.roster.student(contact.elev)
    name = student.navn if student else contact.elev
    print(f"Kontakt med foresatte logget for {name} ({contact.elev}) {format_date(args.date)}.")
    return 0
