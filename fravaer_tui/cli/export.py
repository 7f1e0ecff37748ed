"""`fravaer export`: absences as CSV, Vedlegg 1–4, and the year-end report."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from fravaer_tui.application.services import (
    School,
    export_absences,
    open_school,
    resolve_user,
    write_private_file,
)
from fravaer_tui.cli.common import Invocation, Parser, Subparsers, date_arg
from fravaer_tui.domain.model import Staff
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.errors import UserError


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    exp = sub.add_parser(
        "export",
        parents=[common],
        help="eksporter fravær (CSV), vedlegg 1–4 eller årsrapporten til elevmappen",
        description="Eksporter fraværet som CSV, fyll ut vedlegg 1–4 for en elev, eller lag "
        "årsrapporten for en elev eller en klasse. Vedlegg og rapporter legges i elevmappen "
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
        help="fyll ut vedlegg 1–4 for en elev fra elevens sak",
        description="1: kartleggingssamtale med elev, 2: med foresatte, 3: skjema for "
        "oppfølging av fravær til ledelsen (bare initialer), 4: skolenærværsplan. "
        "Bare elevens kontaktlærer og ledelsen kan eksportere.",
    )
    vedlegg.add_argument("nr", type=int, choices=[1, 2, 3, 4], metavar="{1,2,3,4}")
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
    school = open_school(inv.data_dir)
    out: Path | None = getattr(args, "out", None)
    if args.what == "absences":
        text = export_absences(school)
        if out:
            write_private_file(out, text.encode("utf-8"))
            print(f"Fraværet er eksportert til {out}.", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    return _export_documents(args, school, inv.user, out, inv.now)


def _export_user(school: School, user: str | None) -> Staff:
    """Documents carry names and need access rights: the exporting staff member must be known."""
    try:
        return resolve_user(school, user)
    except UserError:
        wanted = user or getpass.getuser()
        how = "" if user else f" (innlogget som «{wanted}»)"
        ledelse = [s for s in school.roster.staff if s.rolle.is_ledelse]
        example = (
            f", f.eks. --user {ledelse[0].id} ({ledelse[0].navn}, {ledelse[0].rolle.label})"
            if ledelse
            else ""
        )
        raise UserError(
            f"Fant ingen ansatt med id eller brukernavn «{wanted}»{how}. Eksport av vedlegg og "
            "rapporter må gjøres som en ansatt med tilgang: bruk --user med id-en til elevens "
            f"kontaktlærer eller en i ledelsen{example}."
        ) from None


def _export_documents(
    args: argparse.Namespace, school: School, user: str | None, out: Path | None, now: dt.datetime
) -> int:
    from fravaer_tui.application import exports

    staff = _export_user(school, user)
    dato = args.date or now.date()
    if args.what == "vedlegg":
        path, report = exports.export_vedlegg(
            school, staff, args.student, args.nr, dato, out, now=now
        )
        student = school.roster.student(args.student)
        whose = f"{student.navn} ({student.id})" if student else args.student
        print(f"Vedlegg {args.nr} for {whose} er lagret i {path}")
        warning = exports.fill_warning(report)
        if warning:
            print(warning, file=sys.stderr)
        return 0
    paths = exports.export_report(
        school, staff, elev=args.student, klasse=args.klasse, dato=dato, out=out, now=now
    )
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
