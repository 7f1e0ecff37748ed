"""What every command shares: the parser class, argument types and the invocation."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fravaer_tui.domain.schoolcalendar import parse_date
from fravaer_tui.domain.validate import check_date, visible
from fravaer_tui.errors import AccessDenied

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.application.session import Session


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit code 2, as argparse, in Norwegian
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: feil i kommandoen: {message}\n")


@dataclass(frozen=True, slots=True)
class Invocation:
    """One run of `fravaer`: where the data is, who asks, and the moment it runs for.

    `identity` is set by the SSH forced command (`fravaer ssh ANSATT_ID`): then the person
    is fixed and `--user` / `--now` are never honoured.
    """

    data_dir: Path
    user: str | None
    now: dt.datetime
    now_given: bool
    identity: str | None = None
    clock: Callable[[], dt.datetime] | None = None  # the wall clock (--now fixes it, demo)

    def wall(self) -> Callable[[], dt.datetime]:
        return self.clock or (lambda: self.now)


# The demo makes max(3, round(n / 25)) classes over three trinn, at most 26 (A–Z) a trinn.
MAX_DEMO_STUDENTS = 1950

Handler = Callable[[argparse.Namespace, Invocation], int]
Subparsers = Any  # argparse's _SubParsersAction is private


def date_arg(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def moment_arg(text: str) -> dt.datetime:
    """A local time in 2000–2099 (`--now`); no time zone, as the school's clock has none."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"«{visible(text)}» er ikke et tidspunkt (skriv f.eks. 2026-11-20 10:25)"
        ) from None
    if moment.tzinfo is not None:
        raise argparse.ArgumentTypeError(
            f"«{visible(text)}»: skriv tidspunktet uten tidssone (f.eks. 2026-11-20 10:25)"
        )
    try:
        check_date(moment.date(), text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return moment


def int_arg(low: int, high: int) -> Callable[[str], int]:
    """A whole number in [low, high], as an argparse type with a Norwegian message."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"«{visible(text)}» er ikke et helt tall") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"må være fra {low} til {high} (fikk {value})")
        return value

    return parse


def ids_arg(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def common_options() -> argparse.ArgumentParser:
    """`--data` and `--user`, accepted before or after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        type=Path,
        default=argparse.SUPPRESS,
        help="datamappen (standard: $FRAVAER_DATA, ellers ./data)",
    )
    common.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        help="ansatt-id eller brukernavn (bare på demoskolen; ellers den innloggede)",
    )
    return common


def check_clock(school: School, inv: Invocation) -> None:
    """`--now` sets the clock for demos and training, never on a real school."""
    if inv.now_given and (inv.identity is not None or not school.config.demo):
        raise AccessDenied(
            "--now kan bare brukes på demoskolen. På en ekte skole gjelder klokka på maskinen."
        )


def open_session(inv: Invocation, profile: str | None = None) -> Session:
    """The school and the person at the keyboard: the one door every command goes through."""
    from fravaer_tui.application.identity import identify
    from fravaer_tui.application.school import open_school
    from fravaer_tui.application.session import Session

    school = open_school(inv.data_dir, profile, clock=inv.wall())
    check_clock(school, inv)
    staff = identify(school, identity=inv.identity, user=inv.user)
    return Session(school, staff, clock=inv.wall())
