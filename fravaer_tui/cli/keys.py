"""`fravaer keys add|remove|list`: the staff's SSH keys in the service account's authorized_keys."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fravaer_tui.cli.common import Invocation, Parser, Subparsers
from fravaer_tui.domain.model import Staff
from fravaer_tui.domain.sshkeys import ENV_VAR, shown
from fravaer_tui.errors import UserError


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--authorized-keys",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="FIL",
        help=f"filen nøklene står i (standard: ${ENV_VAR}, ellers ~/.ssh/authorized_keys "
        "til kontoen som kjører kommandoen)",
    )
    keys = sub.add_parser(
        "keys",
        parents=[common, where],
        help="SSH-nøklene de ansatte logger inn med (rektor og drift)",
        description="De ansatte når programmet med SSH: hver nøkkel står i tjenestekontoens "
        "authorized_keys med en tvunget kommando som bestemmer hvem de er. Kjør som kontoen "
        "som eier datamappen (sudo -u fravaer …), eller over SSH som rektor eller drift.",
    )
    what = keys.add_subparsers(
        dest="keys_command", metavar="{add,remove,list}", required=True, parser_class=Parser
    )
    add = what.add_parser(
        "add", parents=[common, where], help="gi en ansatt tilgang med en offentlig nøkkel"
    )
    add.add_argument("ansatt_id", metavar="ANSATT_ID", help="id-en i ansattlisten")
    add.add_argument(
        "key_file",
        metavar="FIL.pub",
        help="den offentlige nøkkelen (fra `ssh-keygen -t ed25519`), eller - for standard inn",
    )
    remove = what.add_parser(
        "remove", parents=[common, where], help="ta bort alle nøklene til en ansatt"
    )
    remove.add_argument("ansatt_id", metavar="ANSATT_ID")
    what.add_parser("list", parents=[common, where], help="vis nøklene og hvem de gjelder")
    keys.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    from fravaer_tui.application.keys import add_key, list_keys, remove_keys, staff_for_key
    from fravaer_tui.application.school import open_school

    school = open_school(inv.data_dir, clock=inv.wall())
    data = Path(os.path.realpath(inv.data_dir))
    actor: Staff | None = staff_for_key(school, inv.identity) if inv.identity else None
    path: Path | None = getattr(args, "authorized_keys", None)
    if args.keys_command == "add":
        source, data = _read_key(args.key_file)
        added = add_key(school, actor, args.ansatt_id, data, source, inv.now, path)
        staff = school.roster.staff_member(args.ansatt_id)
        who = f"{staff.navn} ({staff.id})" if staff else args.ansatt_id
        key = added.entry.key
        if added.new:
            print(f"{who} kan nå logge inn med nøkkelen {key.type} {key.fingerprint}.")
        else:
            print(f"{who} har allerede nøkkelen {key.type} {key.fingerprint}; ingenting endret.")
        return 0
    if args.keys_command == "remove":
        removed = remove_keys(school, actor, args.ansatt_id, inv.now, path)
        if not removed:
            raise UserError(f"«{shown(args.ansatt_id, 64)}» har ingen nøkler til {data}.")
        for entry in removed:
            print(f"Fjernet {entry.key.type} {entry.key.fingerprint} for {entry.ansatt_id}.")
        return 0
    where, entries = list_keys(school, actor, path)
    if not entries:
        print(f"Ingen nøkler til {data} i {where}.")
        return 0
    rows = [("Ansatt", "Navn", "Type", "Fingeravtrykk", "Kommentar")]
    for entry in entries:
        staff = school.roster.staff_member(entry.ansatt_id)
        name = staff.navn if staff else "(ikke i ansattlisten)"
        key = entry.key
        rows.append((entry.ansatt_id, name, key.type, key.fingerprint, key.comment))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(f"Nøkler til {data} i {where}:")
    for i, row in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 0


def _read_key(name: str) -> tuple[str, bytes]:
    if name == "-":
        return "standard inn", sys.stdin.buffer.read(64 * 1024)
    path = Path(name)
    try:
        if path.stat().st_size > 64 * 1024:
            raise UserError(f"{path}: er for stor til å være en offentlig SSH-nøkkel.")
        return str(path), path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"Fant ikke filen {path}.") from None
    except OSError as exc:
        raise UserError(f"Kunne ikke lese {path}: {exc.strerror}.") from None
