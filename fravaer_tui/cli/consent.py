"""`fravaer consent add|list|withdraw`: the samtykke register (issue 13, point 1).

Only the class's kontaktlærer and ledelsen see and record consents. `list --json` gives
[{"id", "tjeneste", "tjeneste_navn", "gitt_av", "navn", "dato", "omfang", "trukket",
"paa_plass"}] with `paa_plass` true while the consent holds on the date asked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from typing import TypeVar

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, open_session
from fravaer_tui.domain.consent import (
    Samtykke,
    Service,
    parse_given_by,
    parse_service,
)
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.errors import UserError

SERVICES = ", ".join(s.value for s in Service)
T = TypeVar("T")


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    consent = sub.add_parser(
        "consent",
        parents=[common],
        help="samtykkene: hvilke tjenester skolen kan dele opplysninger med",
        description="Samtykke per elev: tjeneste, gitt av foresatt eller elev, dato, hva det "
        "gjelder, og når det ble trukket. Bare klassens kontaktlærer og ledelsen har tilgang.",
    )
    actions = consent.add_subparsers(dest="consent_command", metavar="HANDLING", required=True)
    add = actions.add_parser("add", parents=[common], help="før et samtykke som er gitt")
    add.add_argument("--student", required=True, help="elev-id")
    add.add_argument("--service", required=True, help=f"tjenesten: {SERVICES}")
    add.add_argument(
        "--given-by",
        dest="given_by",
        required=True,
        help="foresatt eller elev (der eleven er gammel nok)",
    )
    add.add_argument("--name", default="", help="navnet på den som ga samtykket")
    add.add_argument("--date", type=date_arg, help="dagen samtykket ble gitt (standard i dag)")
    add.add_argument("--scope", default="", help="hva samtykket gjelder, med få ord")
    add.add_argument("--other", default="", help="navnet på tjenesten når den er «annet»")
    add.set_defaults(handler=run_add)
    listed = actions.add_parser("list", parents=[common], help="vis elevens samtykker")
    listed.add_argument("--student", required=True, help="elev-id")
    listed.add_argument("--date", type=date_arg, help="per denne datoen (standard i dag)")
    listed.add_argument("--json", action="store_true", help="skriv JSON")
    listed.set_defaults(handler=run_list)
    withdraw = actions.add_parser(
        "withdraw", parents=[common], help="før at et samtykke er trukket"
    )
    withdraw.add_argument("--student", required=True, help="elev-id")
    withdraw.add_argument("--id", dest="consent_id", required=True, help="samtykkets id (se list)")
    withdraw.add_argument("--date", type=date_arg, help="dagen det ble trukket (standard i dag)")
    withdraw.set_defaults(handler=run_withdraw)


def _parsed(parse: Callable[[str], T], text: str, option: str) -> T:
    try:
        return parse(text)
    except ValueError as exc:
        raise UserError(f"{option}: {exc}.") from None


def describe(c: Samtykke, dato: dt.date) -> str:
    who = c.gitt_av.value + (f" ({c.navn})" if c.navn else "")
    line = f"{c.id}  {c.tjeneste_navn}: gitt {format_date(c.dato)} av {who}"
    if c.omfang:
        line += f", gjelder {c.omfang}"
    if c.trukket is not None:
        line += f" – trukket {format_date(c.trukket)}"
    elif c.on_file(dato):
        line += " – på plass"
    return line


def run_add(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    tjeneste = _parsed(parse_service, args.service, "--service")
    gitt_av = _parsed(parse_given_by, args.given_by, "--given-by")
    dato = args.date or inv.now.date()
    saved = session.add_consent(
        args.student,
        tjeneste,
        gitt_av,
        dato,
        inv.now,
        omfang=args.scope,
        navn=args.name,
        annen=args.other,
    )
    student = session.school.roster.student(saved.elev)
    name = student.navn if student else saved.elev
    print(f"Samtykke ført for {name} ({saved.elev}):")
    print(f"  {describe(saved, inv.now.date())}")
    return 0


def consent_json(c: Samtykke, dato: dt.date) -> dict[str, object]:
    return {
        "id": c.id,
        "tjeneste": c.tjeneste.value,
        "tjeneste_navn": c.tjeneste_navn,
        "gitt_av": c.gitt_av.value,
        "navn": c.navn or None,
        "dato": c.dato.isoformat(),
        "omfang": c.omfang,
        "trukket": c.trukket.isoformat() if c.trukket else None,
        "paa_plass": c.on_file(dato),
    }


def run_list(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    dato = args.date or inv.now.date()
    found = session.consents(args.student, dato)
    if args.json:
        print(json.dumps([consent_json(c, dato) for c in found], ensure_ascii=False, indent=2))
        return 0
    student = session.school.roster.student(args.student)
    name = student.navn if student else args.student
    print(f"Samtykker for {name} ({args.student}) per {format_date(dato)}:")
    for c in found:
        print(f"  {describe(c, dato)}")
    if not found:
        print("  ingen")
    return 0


def run_withdraw(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    dato = args.date or inv.now.date()
    saved = session.withdraw_consent(args.student, args.consent_id, dato, inv.now)
    print(f"Samtykket for {saved.tjeneste_navn} er trukket fra {format_date(dato)}.")
    return 0
