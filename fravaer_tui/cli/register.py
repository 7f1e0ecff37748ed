"""`fravaer register`: one lesson's roll call."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fravaer_tui.cli.common import Invocation, Subparsers, date_arg, ids_arg, open_session
from fravaer_tui.domain.model import Mark, MarkType
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.errors import UserError

if TYPE_CHECKING:  # the application layer comes with the commands that run
    from fravaer_tui.application.session import Session


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    reg = sub.add_parser("register", parents=[common], help="før én time")
    reg.add_argument("--class", dest="klasse", required=True, help="klassen, f.eks. 8A")
    reg.add_argument(
        "--date", type=date_arg, required=True, help="dato (åååå-mm-dd eller dd.mm.åååå)"
    )
    reg.add_argument("--period", type=int, required=True, help="timen (nummer i timeplanen)")
    reg.add_argument("--absent", type=ids_arg, default=[], help="elev-id-er med fravær, kommaskilt")
    reg.add_argument("--late", type=ids_arg, default=[], help="ID:MIN for elever som kom for sent")
    reg.add_argument("--left", type=ids_arg, default=[], help="elev-id-er som gikk/forlot timen")
    held = reg.add_mutually_exclusive_group()
    held.add_argument(
        "--not-held", dest="not_held", action="store_true", help="timen ble ikke holdt (avlyst)"
    )
    held.add_argument("--held", action="store_true", help="timen ble holdt likevel (angre avlyst)")
    reg.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    session = open_session(inv)
    if args.not_held or args.held:
        return _held(args, inv, session)
    marks = [Mark(elev, MarkType.FRAVAER) for elev in args.absent]
    marks += [Mark(elev, MarkType.FORLOT) for elev in args.left]
    for item in args.late:
        elev, _, minutes = item.partition(":")
        if not minutes.strip().isdigit():
            raise UserError(
                f"--late «{item}»: skriv ELEV-ID:MINUTTER, f.eks. E0012:10 "
                "(minutter som helt tall)."
            )
        marks.append(Mark(elev.strip(), MarkType.SENT, minutter=int(minutes)))
    saved, old = session.save_registration(args.klasse, args.date, args.period, marks, inv.now)
    what = "endret" if old else "ført"
    print(
        f"{saved.klasse} {format_date(saved.dato)} {saved.time}. time {what} av "
        f"{session.user.id}: "
        f"{summary(saved.marks)}."
    )
    return 0


def _held(args: argparse.Namespace, inv: Invocation, session: Session) -> int:
    """`--not-held` / `--held`: a lesson marked not held (avlyst), or held after all."""
    if args.absent or args.late or args.left:
        raise UserError(
            "En time som ikke ble holdt har ikke fravær: bruk --not-held uten --absent, "
            "--late og --left."
        )
    session.set_lesson_held(args.klasse, args.date, args.period, args.held, inv.now)
    what = "holdt" if args.held else "ikke holdt (avlyst)"
    print(f"{args.klasse} {format_date(args.date)} {args.period}. time er merket som {what}.")
    return 0


def summary(marks: Sequence[Mark]) -> str:
    counts = {kind: sum(1 for m in marks if m.kind is kind) for kind in MarkType}
    parts = [f"{n} {kind.label}" for kind, n in counts.items() if n]
    return ", ".join(parts) if parts else "alle til stede"
