"""`fravaer import`: students, staff, timetable or absences from CSV, all or nothing."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from fravaer_tui.application.services import IMPORT_KINDS, import_file, open_or_create_school
from fravaer_tui.cli.common import Invocation, Subparsers, date_arg
from fravaer_tui.errors import UserError


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser(
        "import", parents=[common], help="importer elever, ansatte, timeplan eller fravær fra CSV"
    )
    imp.add_argument("kind", choices=IMPORT_KINDS, metavar="{students,staff,timetable,absences}")
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
    school, created = open_or_create_school(inv.data_dir)
    if created:
        print(f"Opprettet en ny skole i {inv.data_dir} (rediger navn og ferier i skole.toml).")
    who = inv.user or getpass.getuser()
    options = {}
    if args.school_year is not None:
        if args.kind != "students":
            raise UserError("--school-year gjelder bare import av elever (students).")
        options["school_year"] = args.school_year
    if args.fra is not None:
        if args.kind != "timetable":
            raise UserError("--from gjelder bare import av timeplan (timetable).")
        options["fra"] = args.fra
    result = import_file(school, args.kind, args.file, who, inv.now, **options)
    print(f"Importert fra {args.file}: {result.detail}.")
    return 0
