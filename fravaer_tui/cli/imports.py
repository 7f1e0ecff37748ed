"""`fravaer import`: students, staff, timetable or absences from CSV, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from fravaer_tui.cli.common import Invocation, Subparsers, check_clock, date_arg, open_session
from fravaer_tui.domain.access import IMPORT_OPS
from fravaer_tui.errors import AccessDenied, UserError

if TYPE_CHECKING:  # the application layer comes with the commands that run
    from fravaer_tui.application.csvdata import ImportResult


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
    imp.add_argument(
        "--dry-run",
        dest="dry_run",
        action="store_true",
        help="vis hva importen ville gjort (og hvilke kolonner som brukes), uten å lagre noe",
    )
    imp.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    from fravaer_tui.application.csvdata import import_file
    from fravaer_tui.application.identity import bootstrapping, os_login
    from fravaer_tui.application.school import open_or_create_school
    from fravaer_tui.store import Store

    if args.dry_run and not Store(inv.data_dir).exists():  # a dry run creates no school
        from fravaer_tui.application.csvdata import read_input
        from fravaer_tui.application.importpreview import preview
        from fravaer_tui.domain.csvio import header_notes

        data, source = read_input(args.file), str(args.file)
        result = preview(None, args.kind, data, source, inv.now, **_options(args))
        _report(args, result, header_notes(data, source, args.kind))
        return 0
    school, created = open_or_create_school(
        inv.data_dir, clock=None if args.dry_run else inv.wall()
    )
    if created:
        print(f"Opprettet en ny skole i {inv.data_dir} (rediger navn og ferier i skole.toml).")
    options = _options(args)
    if bootstrapping(school) and args.kind != "absences":
        # A school with no staff yet: the folder's owner makes its first imports.
        check_clock(school, inv)
        if inv.identity is not None or inv.user is not None:
            raise AccessDenied("Skolen har ingen ansatte ennå: importer uten --user.")
        result = import_file(school, args.kind, args.file, os_login(), inv.now, **options)
    else:
        session = open_session(inv, writes=not args.dry_run)
        result = session.admin.import_file(args.kind, args.file, inv.now, **options)
    _report(args, result, list(result.notes))
    return 0


def _options(args: argparse.Namespace) -> dict[str, object]:
    options: dict[str, object] = {}
    if args.school_year is not None:
        if args.kind != "students":
            raise UserError("--school-year gjelder bare import av elever (students).")
        options["school_year"] = args.school_year
    if args.fra is not None:
        if args.kind != "timetable":
            raise UserError("--from gjelder bare import av timeplan (timetable).")
        options["fra"] = args.fra
    if args.dry_run:
        options["dry_run"] = True
    return options


def _report(args: argparse.Namespace, result: ImportResult, notes: list[str]) -> None:
    for note in notes:
        print(f"Kolonne: {note}.")
    if args.dry_run:
        print(f"Import fra {args.file} ({args.kind}), {result.detail}")
    else:
        print(f"Importert fra {args.file}: {result.detail}.")
