"""`fravaer export`: absences as CSV, the profile's forms, and the year-end report.

`export vedlegg 1|2|3|4` fills Strand's vedlegg as before; Hole's forms are named
(issue 13): `export vedlegg samarbeidsavtale`, `export vedlegg pedagogisk_rapport`. A school
is offered the forms of its profile only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fravaer_tui.cli.common import Invocation, Parser, Subparsers, date_arg, open_session
from fravaer_tui.documents.forms import ALL_FORMS
from fravaer_tui.domain.schoolcalendar import format_date


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    exp = sub.add_parser(
        "export",
        parents=[common],
        help="eksporter fravær (CSV), skjemaene (vedlegg) eller årsrapporten til elevmappen",
        description="Eksporter fraværet som CSV, fyll ut et av profilens skjemaer for en "
        "elev, eller lag årsrapporten for en elev eller en klasse. Skjemaer og rapporter "
        "legges i elevmappen "
        "(<elevmapper>/<skoleår>/<klasse>/<etternavn> <fornavn> (<elev-id>)/) og "
        "overskriver aldri en tidligere eksport.",
    )
    exp.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="absences: filen det skrives til; vedlegg og report: mappen i stedet for elevmappen",
    )
    what = exp.add_subparsers(
        dest="what", metavar="{absences,vedlegg,report}", required=True, parser_class=Parser
    )
    absences = what.add_parser(
        "absences", parents=[common], help="alt ført fravær som CSV (importformatet)"
    )
    absences.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="filen det skrives til (standard: skjermen)",
    )
    vedlegg = what.add_parser(
        "vedlegg",
        parents=[common],
        help="fyll ut et skjema for en elev fra elevens sak",
        description="Strand: 1: kartleggingssamtale med elev, 2: med foresatte, 3: skjema "
        "for oppfølging av fravær til ledelsen (bare initialer), 4: skolenærværsplan. "
        "Hole: samarbeidsavtale (tiltak, ansvar, plan B), pedagogisk_rapport (til PPT). "
        "Skolen får skjemaene i regelprofilen sin. Bare elevens kontaktlærer og ledelsen kan "
        "eksportere.",
    )
    vedlegg.add_argument("nr", choices=list(ALL_FORMS), metavar="{" + ",".join(ALL_FORMS) + "}")
    vedlegg.add_argument("--student", required=True, help="elev-id-en, f.eks. E0012")
    vedlegg.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="mappen dokumentet legges i (standard: elevens mappe i elevmappen)",
    )
    vedlegg.add_argument(
        "--date",
        type=date_arg,
        help="dokumentets dato; fraværet telles til og med den (standard i dag)",
    )
    report = what.add_parser(
        "report",
        parents=[common],
        help="årsrapport om fraværet (dager og timer, vitnemål) som Word og CSV",
    )
    whom = report.add_mutually_exclusive_group(required=True)
    whom.add_argument("--student", help="én elev (elev-id)")
    whom.add_argument("--class", dest="klasse", help="hele klassen, f.eks. 8A")
    report.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="mappen filene legges i (standard: elevmappen og klassens mappe der)",
    )
    report.add_argument(
        "--date",
        type=date_arg,
        help="tall til og med denne datoen, i dens skoleår (standard i dag)",
    )

    exp.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    out: Path | None = getattr(args, "out", None)
    if args.what == "absences":
        text = session.admin.export_absences()
        if out:
            from fravaer_tui.application.csvdata import write_private_file

            write_private_file(out, text.encode("utf-8"))
            print(f"Fraværet er eksportert til {out}.", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    dato = args.date or inv.now.date()
    if args.what == "vedlegg":
        nr = int(args.nr) if args.nr.isdigit() else args.nr
        path, warning = session.export_vedlegg(args.student, nr, dato, out, inv.now)
        student = session.school.roster.student(args.student)
        whose = f"{student.navn} ({student.id})" if student else args.student
        print(f"{ALL_FORMS[args.nr].label} for {whose} er lagret i {path}")
        if warning:
            print(warning, file=sys.stderr)
        return 0
    paths = session.export_report(args.student, args.klasse, dato, out, inv.now)
    documents = [p for p in paths if p.suffix == ".docx"]
    for path in documents:
        print(f"Årsrapport lagret i {path}")
    for path in paths:
        if path.suffix == ".csv":
            print(f"CSV for Excel lagret i {path}")
    what = f"eleven {args.student}" if args.student else f"klasse {args.klasse}"
    count = "1 årsrapport" if len(documents) == 1 else f"{len(documents)} årsrapporter"
    print(f"{count} for {what}, tall til og med {format_date(dato)}.")
    return 0
