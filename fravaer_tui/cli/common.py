"""What every command shares: the parser class, argument types and the invocation."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from fravaer_tui.domain.schoolcalendar import parse_date
from fravaer_tui.domain.validate import check_date, visible
from fravaer_tui.errors import AccessDenied

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.application.session import Session


# What an option's value is called in the help, where the command did not name it: the
# option names are a fixed contract (English), what you type for them is said in Norwegian.
METAVARS = {
    "data": "MAPPE",
    "user": "ID",
    "now": "TIDSPUNKT",
    "date": "DATO",
    "period": "TIME",
    "absent": "ID,…",
    "late": "ID:MIN,…",
    "left": "ID,…",
    "note": "TEKST",
    "out": "UT",
    "outcome": "UTFALL",
    "profile": "PROFIL",
    "seed": "FRØ",
    "since": "DATO",
    "staff": "ANSATT_ID",
    "student": "ELEV_ID",
    "students": "ANTALL",
    "until": "DATO",
}


class NorwegianFormatter(argparse.HelpFormatter):
    """argparse's help in Norwegian: «bruk:» instead of «usage:», values named in Norwegian."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "bruk: " if prefix is None else prefix)

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, action.dest.upper())


# argparse's own error texts (Python 3.11–3.13), and ours: issue 12, point 5.
ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"the following arguments are required: (.*)"), r"dette mangler: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"ukjent i kommandoen: \1"),
    (re.compile(r"one of the arguments (.*) is required"), r"ett av disse må være med: \1"),
    (re.compile(r"expected one argument"), "mangler en verdi"),
    (re.compile(r"expected at most one argument"), "tar høyst én verdi"),
    (re.compile(r"expected at least one argument"), "mangler minst én verdi"),
    (re.compile(r"expected (\d+) arguments?"), r"skal ha \1 verdier"),
    (re.compile(r"not allowed with argument (.*)"), r"kan ikke brukes sammen med \1"),
    (re.compile(r"ignored explicit argument (.*)"), r"tar ingen verdi (fikk \1)"),
    (re.compile(r"invalid int value: '(.*)'"), r"«\1» er ikke et helt tall"),
    (re.compile(r"invalid (\w+) value: '(.*)'"), r"«\2» er ikke en gyldig verdi"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"), r"\1 kan bety flere valg: \2"),
    (re.compile(r"^argument (\S+): "), r"\1: "),
]


def norwegian(message: str) -> str:
    """An argparse error message in Norwegian (parts it does not know stay as they are)."""
    for pattern, replacement in ERRORS:
        message = pattern.sub(replacement, message)
    return message


class Parser(argparse.ArgumentParser):
    """argparse with Norwegian help and errors: «bruk», «valg», «argumenter», «-h, --help
    viser denne hjelpen», and every error message a user can cause (exit code 2)."""

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", NorwegianFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "valg"
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="vis denne hjelpen"
            )

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            choices = ", ".join(str(c) for c in action.choices)
            raise argparse.ArgumentError(
                action, f"ukjent valg «{visible(str(value))}» (velg blant {choices})"
            )

    def error(self, message: str) -> NoReturn:  # exit code 2, as argparse, in Norwegian
        self.print_usage(sys.stderr)
        self.exit(
            2,
            f"{self.prog}: feil i kommandoen: {norwegian(message)}\n"
            f"(«{self.prog} --help» forklarer kommandoen.)\n",
        )


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


# The demo makes max(3, round(n / 25)) classes over three trinn (8A … 8Z, 8AA …).
MAX_DEMO_STUDENTS = 3000

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


def open_session(inv: Invocation, profile: str | None = None, *, writes: bool = True) -> Session:
    """The school and the person at the keyboard: the one door every command goes through.
    `writes=False` (a dry run) opens it without the wall clock, so not even a cache or a
    daily backup is written."""
    from fravaer_tui.application.identity import identify
    from fravaer_tui.application.school import open_school
    from fravaer_tui.application.session import Session

    school = open_school(inv.data_dir, profile, clock=inv.wall() if writes else None)
    check_clock(school, inv)
    staff = identify(school, identity=inv.identity, user=inv.user)
    return Session(school, staff, clock=inv.wall())
