"""`fravaer backup`, `restore` and `audit`: the data folder's safety and its log."""

from __future__ import annotations

import argparse
import getpass
import json

from fravaer_tui.application.audit import audit_line, filter_audit
from fravaer_tui.application.services import open_school
from fravaer_tui.cli.common import Invocation, Subparsers, date_arg


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    backup = sub.add_parser("backup", parents=[common], help="ta en sikkerhetskopi nå")
    backup.add_argument("--list", action="store_true", help="vis sikkerhetskopiene som finnes")
    backup.set_defaults(handler=run_backup)

    restore = sub.add_parser(
        "restore", parents=[common], help="gjenopprett en sikkerhetskopi (tar kopi av nå først)"
    )
    restore.add_argument("snapshot", metavar="SIKKERHETSKOPI", help="navnet, f.eks. 2026-11-20")
    restore.add_argument(
        "--force", action="store_true", help="gjenopprett selv om dataene er nyere"
    )
    restore.set_defaults(handler=run_restore)

    audit = sub.add_parser("audit", parents=[common], help="vis loggen over endringer")
    audit.add_argument("--student", help="bare endringer som gjelder denne eleven")
    audit.add_argument("--staff", help="bare endringer gjort av denne ansatte (id)")
    audit.add_argument("--since", type=date_arg, help="fra og med denne datoen")
    audit.add_argument("--json", action="store_true", help="skriv JSON-linjer")
    audit.set_defaults(handler=run_audit)


def run_backup(args: argparse.Namespace, inv: Invocation) -> int:
    store = open_school(inv.data_dir).store
    if not args.list:
        name = store.backups.snapshot("manuell")
        print(f"Sikkerhetskopi tatt: {store.backups.root / name}")
    for name in store.backups.names():
        print(f"  {name}")
    return 0


def run_restore(args: argparse.Namespace, inv: Invocation) -> int:
    store = open_school(inv.data_dir).store
    saved = store.backups.restore(args.snapshot, force=args.force)
    store.log.append(
        [
            {
                "hva": "gjenoppretting",
                "av": inv.user or getpass.getuser(),
                "kopi": args.snapshot,
                "tatt_vare_pa": saved,
            }
        ],
        inv.now,
    )
    print(f"Gjenopprettet {args.snapshot}. Det som fantes før, er tatt vare på som {saved}.")
    return 0


def run_audit(args: argparse.Namespace, inv: Invocation) -> int:
    school = open_school(inv.data_dir)
    entries = filter_audit(school.store.log.read(), args.student, args.staff, args.since)
    for entry in entries:
        if args.json:
            print(json.dumps(entry, ensure_ascii=False))
        else:
            print(audit_line(school, entry))
    if not entries and not args.json:
        print("Ingen endringer funnet.")
    return 0
