"""`fravaer ssh ANSATT_ID`: the forced command on a staff member's SSH key.

sshd runs it whatever the client asked for and leaves the request in SSH_ORIGINAL_COMMAND
(`restrict,pty,command="fravaer --data DIR ssh ANSATT_ID"`, see `fravaer keys`). Nothing
asked: the app, as that person. Otherwise one allowed subcommand, as that person, under the
same rules. The data folder, the person and the clock are the key's, never the client's, and
a file named over SSH would be a file on the server: inputs come on standard input instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fravaer_tui.cli.common import Invocation, Subparsers
from fravaer_tui.domain.access import may_use_children_data
from fravaer_tui.domain.model import Staff
from fravaer_tui.domain.sshkeys import is_safe_id, shown
from fravaer_tui.errors import UserError

if TYPE_CHECKING:  # the application layer comes with the commands that run
    from fravaer_tui.application.school import School

# Never demo (it rebuilds a folder), bench (minutes of CPU), ssh (a second identity) or the
# bare app with options.
ALLOWED = (
    "check",
    "register",
    "export",
    "audit",
    "backup",
    "restore",
    "import",
    "keys",
    "case",
    "contact",
    "consent",
    "melding",
    "receipt",
    "review",
)
FIXED = ("data", "user", "now")  # decided by the key; refused in any spelling argparse takes
# Arguments that name an input file: over SSH only `-` (standard input), with an example.
STDIN_ONLY = {
    "file": ("import", "import staff - < ansatte.csv"),
    "key_file": ("keys", "keys add A005 - < kari.pub"),
}
NAMES = ("profile", "snapshot")  # arguments that could name a path on the server
HELP = ("help", "hjelp", "-h", "--help")
MAX_STDIN = 64 * 2**20  # a school's CSV is well under 10 MB; the data folder's disk is shared


def usage() -> str:
    """What a key may ask for: the allowed commands this installation has."""
    from fravaer_tui.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    have = [c for c in ALLOWED if c in sub.choices]
    return (
        "Uten kommando åpnes programmet (ssh -t). Kommandoer over SSH: "
        + ", ".join(have)
        + ". Filer sendes på standard inn med -, f.eks. `ssh fravaer@skoleserver import staff "
        "- < ansatte.csv`; eksporter skrives til skjermen eller elevmappen."
    )


class Refused(Exception):
    """A request the forced command does not run; the message says why, in Norwegian."""


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    ssh = sub.add_parser(
        "ssh",
        parents=[common],
        help="tvungen kommando for en ansatts SSH-nøkkel (legges inn av «fravaer keys add»)",
        description="Kjøres av sshd når en ansatt logger inn med nøkkelen sin. Uten "
        "SSH_ORIGINAL_COMMAND åpnes programmet som den ansatte; ellers kjøres en tillatt "
        "kommando som den ansatte (`ssh fravaer@skoleserver help` viser hvilke).",
    )
    ssh.add_argument("ansatt_id", metavar="ANSATT_ID", help="den ansatte nøkkelen gjelder")
    ssh.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    if inv.user or inv.identity:
        return _refuse("den tvungne kommandoen tar ikke --user eller en annen identitet.")
    from fravaer_tui.application.keys import staff_for_key
    from fravaer_tui.application.school import open_school

    school = open_school(inv.data_dir, clock=inv.wall())
    if inv.now_given and not school.config.demo:  # a demo school's clock may be set (training)
        return _refuse("den tvungne kommandoen tar ikke --now på en ekte skole.")
    staff = staff_for_key(school, args.ansatt_id)
    original = os.environ.get("SSH_ORIGINAL_COMMAND", "")
    if not original.strip():
        return _open_app(inv, school, staff)
    try:
        argv = requested_argv(original)
        if argv[0] in HELP:
            print(usage())
            return 0
        check_request(_parse(argv))
    except Refused as exc:
        return _refuse(str(exc))
    from fravaer_tui.cli import main

    with _stdin_as_file(argv, inv.data_dir) as argv:
        return main(["--data", str(inv.data_dir), *argv], identity=staff.id)


def requested_argv(original: str) -> list[str]:
    """The client's request as arguments (never through a shell), or Refused."""
    try:
        argv = shlex.split(original)
    except ValueError:
        raise Refused("kommandoen har et anførselstegn som ikke er lukket.") from None
    if not argv:
        raise Refused("tom kommando. " + usage())
    command = argv[0]
    if command not in ALLOWED and command not in HELP:
        raise Refused(f"«{shown(command)}» er ikke en kommando du kan kjøre her. {usage()}")
    for token in argv[1:]:
        if token.startswith("-"):
            name = token.lstrip("-").split("=", 1)[0]
            if name and any(fixed.startswith(name) for fixed in FIXED):
                raise Refused(
                    f"«{shown(token)}»: datamappen, hvem du er og klokka er bestemt av "
                    "SSH-nøkkelen din og kan ikke velges."
                )
    return argv


def _parse(argv: list[str]) -> argparse.Namespace:
    from fravaer_tui.cli import parser_for

    return parser_for(argv).parse_args(argv)  # a usage error exits 2 with argparse's message


def check_request(args: argparse.Namespace) -> None:
    """What the parser made of the request: nothing fixed by the key, no file on the server."""
    if args.command not in ALLOWED:
        raise Refused(f"«{shown(args.command)}» kan ikke kjøres over SSH. {usage()}")
    if hasattr(args, "data") or getattr(args, "user", None) or getattr(args, "now", None):
        raise Refused("datamappen, hvem du er og klokka er bestemt av SSH-nøkkelen din.")
    if getattr(args, "out", None) is not None:
        raise Refused(
            "--out ville skrive en fil på serveren. Over SSH skrives fraværet til skjermen "
            "(`ssh fravaer@skoleserver export absences > fravaer.csv`), og vedlegg og "
            "rapporter legges i elevmappen."
        )
    for name, value in sorted(vars(args).items()):
        if name in STDIN_ONLY:
            command, example = STDIN_ONLY[name]
            if command == args.command and str(value) == "-":
                continue
            raise Refused(
                f"«{shown(str(value))}» er en fil på serveren. Send filen på standard inn med - "
                f"i stedet, f.eks. `ssh fravaer@skoleserver {example}`."
            )
        if isinstance(value, Path) and name != "data":
            raise Refused(
                f"«{shown(str(value))}» er en fil eller mappe på serveren; den kan ikke velges."
            )
        if name in NAMES and value is not None and not is_safe_id(str(value)):
            raise Refused(
                f"«{shown(str(value))}» er ikke et navn (bare bokstaver, sifre, punktum, _, - "
                "og @; ingen sti på serveren)."
            )


@contextlib.contextmanager
def _stdin_as_file(argv: list[str], data_dir: Path) -> Iterator[list[str]]:
    """`import KIND -`: the CSV comes on standard input; the import reads it from a private
    file in the data folder (`.tmp`: never in a backup), removed afterwards."""
    if argv[0] != "import" or "-" not in argv:
        yield argv
        return
    folder = tempfile.mkdtemp(prefix=".ssh-inn-", suffix=".tmp", dir=data_dir)
    try:
        path = Path(folder) / "standard-inn.csv"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            data = sys.stdin.buffer.read(MAX_STDIN + 1)
            if len(data) > MAX_STDIN:
                raise UserError(
                    f"Filen på standard inn er større enn {MAX_STDIN // 2**20} MB; ingenting "
                    "er importert. Del den opp."
                )
            out.write(data)
        yield [str(path) if token == "-" else token for token in argv]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _open_app(inv: Invocation, school: School, staff: Staff) -> int:
    if not may_use_children_data(staff):
        return _refuse(
            f"{staff.navn} er {staff.rolle.label} og har ingen tilgang til elevdata i "
            f"programmet. {usage()}",
            code=1,
        )
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _refuse(
            "programmet trenger en terminal. Koble til med `ssh -t fravaer@skoleserver`, "
            "eller gi en kommando. " + usage()
        )
    from fravaer_tui.app import run_app

    return run_app(
        inv.data_dir, None, inv.now if inv.now_given else None, identity=staff.id, school=school
    )


def _refuse(message: str, code: int = 2) -> int:
    print(f"fravaer: ikke tillatt over SSH: {message}", file=sys.stderr)
    return code
