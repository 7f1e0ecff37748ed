"""`fravaer melding add|list|attest`: meldinger from foresatte (issue 13, point 2).

`add` records how the melding came (`--kanal skriftlig|muntlig`, Strand, Melding av fravær
b: «skriftlig melding ... ved alle typer fravær») and prints the receipt text for foresatte;
`attest` notes «legeattest mottatt» — never a diagnosis (the reason stays a coded value).
`list --json` gives [{"id", "fra", "til", "aarsak", "gyldighet", "kanal", "legeattest",
"kvittering": null | {"hvordan", "tid", "av"}, "venter_kvittering"}].
"""

from __future__ import annotations

import argparse
import json

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, open_session
from fravaer_tui.domain.model import Melding, Reason, Validity
from fravaer_tui.domain.receipts import HOW, KANALER
from fravaer_tui.domain.schoolcalendar import format_date


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    melding = sub.add_parser(
        "melding",
        parents=[common],
        help="meldinger fra foresatte: før, vis, legeattest mottatt",
        description="Meldinger om fravær fra foresatte (og innvilget permisjon). Bare "
        "klassens kontaktlærer og ledelsen har tilgang. Årsaken er en kode, aldri en diagnose.",
    )
    actions = melding.add_subparsers(dest="melding_command", metavar="HANDLING", required=True)
    add = actions.add_parser("add", parents=[common], help="før en melding fra foresatte")
    add.add_argument("--student", required=True, help="elev-id")
    add.add_argument("--from", dest="fra", type=date_arg, required=True, help="første dag")
    add.add_argument("--to", dest="til", type=date_arg, help="siste dag (standard: første)")
    add.add_argument(
        "--reason",
        required=True,
        choices=[r.value for r in Reason],
        help="årsaken som kode: sykdom, lege, permisjon eller annet",
    )
    add.add_argument(
        "--kanal",
        required=True,
        choices=list(KANALER),
        help="hvordan meldingen kom: skriftlig eller muntlig",
    )
    add.add_argument("--ugyldig", action="store_true", help="fraværet vurderes som ugyldig")
    add.add_argument("--legeattest", action="store_true", help="legeattest er mottatt")
    add.set_defaults(handler=run_add)
    listed = actions.add_parser("list", parents=[common], help="elevens meldinger")
    listed.add_argument("--student", required=True, help="elev-id")
    listed.add_argument("--json", action="store_true", help="skriv JSON")
    listed.set_defaults(handler=run_list)
    attest = actions.add_parser("attest", parents=[common], help="legeattest mottatt")
    attest.add_argument("--student", required=True, help="elev-id")
    attest.add_argument("--id", dest="melding_id", required=True, help="meldingens id")
    attest.set_defaults(handler=run_attest)


def describe(m: Melding) -> str:
    days = format_date(m.fra) if m.fra == m.til else f"{format_date(m.fra)}–{format_date(m.til)}"
    line = f"{m.id}  {days} {m.reason.label}, {m.validity.label}"
    if m.kanal:
        line += f", {m.kanal}"
    if m.legeattest:
        line += ", legeattest mottatt"
    if m.kvittering is not None:
        line += (
            f" – kvittering gitt {format_date(m.kvittering.tid.date())} "
            f"{HOW.get(m.kvittering.hvordan, m.kvittering.hvordan)}"
        )
    elif m.venter_kvittering:
        line += " – venter på kvittering"
    return line


def run_add(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    til = args.til or args.fra
    validity = Validity.UGYLDIG if args.ugyldig else Validity.GYLDIG
    saved = session.add_melding(
        args.student,
        args.fra,
        til,
        Reason(args.reason),
        validity,
        inv.now,
        kanal=args.kanal,
        legeattest=args.legeattest,
    )
    print(f"Melding ført: {describe(saved)}")
    if saved.kvittering_skyldes:
        print("Kvittering til foresatte (lim inn i meldingssystemet):")
        print()
        print(session.receipt_text(saved.elev, saved.id, inv.now.date()))
        print()
        print(
            f"Når den er sendt: fravaer receipt give --student {saved.elev} --id {saved.id} "
            "--how meldingssystem"
        )
    return 0


def melding_json(m: Melding) -> dict[str, object]:
    return {
        "id": m.id,
        "fra": m.fra.isoformat(),
        "til": m.til.isoformat(),
        "aarsak": m.reason.value,
        "gyldighet": m.validity.value,
        "kanal": m.kanal or None,
        "legeattest": m.legeattest,
        "kvittering": {
            "hvordan": m.kvittering.hvordan,
            "tid": m.kvittering.tid.isoformat(timespec="minutes"),
            "av": m.kvittering.av,
        }
        if m.kvittering
        else None,
        "venter_kvittering": m.venter_kvittering,
    }


def run_list(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    found = session.meldinger(args.student, inv.now.date())
    if args.json:
        print(json.dumps([melding_json(m) for m in found], ensure_ascii=False, indent=2))
        return 0
    student = session.school.roster.student(args.student)
    print(f"Meldinger for {student.navn if student else args.student} ({args.student}):")
    for m in found:
        print(f"  {describe(m)}")
    if not found:
        print("  ingen")
    return 0


def run_attest(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    saved = session.set_legeattest(args.student, args.melding_id, inv.now)
    print(f"Legeattest mottatt er ført på meldingen {describe(saved)}.")
    return 0
