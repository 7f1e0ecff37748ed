"""`fravaer import`: students, staff, timetable or absences from CSV, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from fravaer_tui.application.admin import IMPORT_OPS
from fravaer_tui.application.csvdata import import_file
from fravaer_tui.application.identity import bootstrapping, os_login
from fravaer_tui.application.school import open_or_create_school
from fravaer_tui.cli.common import Invocation, Subparsers, check_clock, date_arg, open_session
from fravaer_tui.errors import AccessDenied, UserError


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser(
        "import", parents=[common], help="importer elever, ansatte, timeplan eller fravær fra CSV"
    )
    imp.add_argument(
        "kind", choices=list(IMPORT_OPS), metavar="{students,staff,timetable,absences}"
    )
    imp.add_argument("file", type=Path, metavar="FIL.csv")
    imp.add_argument(
        "--school-year",
        dest="school_year",
        metavar="ÅÅÅÅ-ÅÅÅÅ",
        help="students: skoleåret klasselisten gjelder (standard: dette skoleåret)",
    )
    imp.add_argument(
        "--from",
        dest="fra",
        type=date_arg,
        metavar="DATO",
        help="timetable: datoen timeplanen gjelder fra (standard: i dag; den første "
        "gjelder fra starten av skoleåret)",
    )
    imp.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    school, created = open_or_create_school(inv.data_dir, clock=inv.wall())
    if created:
        print(f"Opprettet en ny skole i {inv.data_dir} (rediger navn og ferier i skole.toml).")
    options = {}
    if args.school_year is not None:
        if args.kind != "students":
            raise UserError("--school-year gjelder bare import av elever (students).")
        options["school_year"] = args.school_year
    if args.fra is not None:
        if args.kind != "timetable":
            raise UserError("--from gjelder bare import av timeplan (timetable).")
        options["fra"] = args.fra
    if bootstrapping(school) and args.kind != "absences":
        # A school with no staff yet: the folder's owner makes its first imports.
        check_clock(school, inv)
        if inv.identity is not None or inv.user is not None:
            raise AccessDenied("Skolen har ingen ansatte ennå: importer uten --user.")
        result = import_file(school, args.kind, args.file, os_login(), inv.now, **options)
    else:
        session = open_session(inv)
        result = session.admin.import_file(args.kind, args.file, inv.now, **options)
    print(f"Importert fra {args.file}: {result.detail}.")
    return 0
