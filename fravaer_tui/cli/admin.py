"""`fravaer backup`, `restore` and `audit`: the data folder's safety and its log."""

from __future__ import annotations

import argparse
import json

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, open_session
from fravaer_tui.domain.formats import count


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    backup = sub.add_parser(
        "backup", parents=[common], help="ta en sikkerhetskopi nå (rektor og drift)"
    )
    backup.add_argument("--list", action="store_true", help="vis sikkerhetskopiene som finnes")
    backup.set_defaults(handler=run_backup)

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="gjenopprett en sikkerhetskopi (det som finnes nå, tas vare på; rektor og drift)",
    )
    restore.add_argument("snapshot", metavar="SIKKERHETSKOPI", help="navnet, f.eks. 2026-11-20")
    restore.add_argument(
        "--force", action="store_true", help="gjenopprett selv om dataene er nyere"
    )
    restore.set_defaults(handler=run_restore)

    audit = sub.add_parser(
        "audit",
        parents=[common],
        help="vis loggen over endringer og innsyn (ledelsen), eller sjekk at den er hel",
    )
    audit.add_argument("--student", help="bare oppføringer som gjelder denne eleven")
    audit.add_argument("--staff", help="bare oppføringer gjort av denne ansatte (id)")
    audit.add_argument("--since", type=date_arg, help="fra og med denne datoen")
    audit.add_argument(
        "--innsyn",
        action="store_true",
        help="bare innsyn: hvem som har lest elevers årsaker, saker og dokumenter",
    )
    audit.add_argument("--json", action="store_true", help="skriv JSON-linjer")
    audit.add_argument(
        "--verify",
        action="store_true",
        help="sjekk at loggen er hel (ingen linje endret eller fjernet); også for drift",
    )
    audit.set_defaults(handler=run_audit)


def run_backup(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    if not args.list:
        name = session.admin.backup(inv.now)
        print(f"Sikkerhetskopi tatt: {session.school.store.backups.root / name}")
    for name in session.admin.backups():
        print(f"  {name}")
    return 0


def run_restore(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    saved = session.admin.restore(args.snapshot, args.force, inv.now)
    print(f"Gjenopprettet {args.snapshot}. Det som fantes før, er tatt vare på som {saved}.")
    return 0


def run_audit(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    if args.verify:
        result = session.admin.verify_audit()
        if result.ok:
            print(f"Endringsloggen er hel ({count(result.entries, 'oppføring', 'oppføringer')}).")
            if result.unchained:
                print(
                    f"De {result.unchained} første er fra før loggen fikk kjede, og kan bare "
                    "sjekkes som helhet fra og med den første med kjede."
                )
            return 0
        print(
            f"Endringsloggen er IKKE hel: {result.file}, linje {result.line}: {result.problem}. "
            + _whole(result.entries),
        )
        return 1
    from fravaer_tui.application.audit import audit_json, audit_line, filter_audit

    entries = filter_audit(session.admin.audit(), args.student, args.staff, args.since)
    if args.innsyn:
        entries = [e for e in entries if e.get("hva") == "innsyn"]
    for entry in entries:
        if args.json:
            print(json.dumps(audit_json(entry), ensure_ascii=False))
        else:
            print(audit_line(session.school, entry))
    if not entries and not args.json:
        print("Ingen oppføringer funnet.")
    return 0


def _whole(entries: int) -> str:
    """How much of a broken log is still sure: the entries before the one that may be
    changed (the line named, or the one before it)."""
    if entries == 0:
        return "Ingen oppføringer før den er sikkert hele."
    if entries == 1:
        return "Den første oppføringen er hel."
    return f"De {entries} første oppføringene er hele."
