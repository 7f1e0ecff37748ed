"""`fravaer import`: students, staff, timetable or absences from CSV, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from fravaer_tui.application.admin import IMPORT_OPS
from fravaer_tui.application.csvdata import import_file
from fravaer_tui.application.identity import bootstrapping, os_login
from fravaer_tui.application.school import open_or_create_school
from fravaer_tui.cli.common import Invocation, Subparsers, check_clock, open_session
from fravaer_tui.errors import AccessDenied


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser(
        "import", parents=[common], help="importer elever, ansatte, timeplan eller fravær fra CSV"
    )
    imp.add_argument(
        "kind", choices=list(IMPORT_OPS), metavar="{students,staff,timetable,absences}"
    )
    imp.add_argument("file", type=Path, metavar="FIL.csv")
    imp.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    school, created = open_or_create_school(inv.data_dir)
    if created:
        print(f"Opprettet en ny skole i {inv.data_dir} (rediger navn og ferier i skole.toml).")
    if bootstrapping(school) and args.kind != "absences":
        # A school with no staff yet: the folder's owner makes its first imports.
        check_clock(school, inv)
        if inv.identity is not None or inv.user is not None:
            raise AccessDenied("Skolen har ingen ansatte ennå: importer uten --user.")
        result = import_file(school, args.kind, args.file, os_login(), inv.now)
    else:
        result = open_session(inv).admin.import_file(args.kind, args.file, inv.now)
    print(f"Importert fra {args.file}: {result.detail}.")
    return 0
