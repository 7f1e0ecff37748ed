"""The `fravaer` command: opens the TUI by default, subcommands for scripts and admins.

One module a command (or a few that belong together); each declares its own options with
`add_parser` and names its handler with `set_defaults(handler=...)`.

Exit codes: 0 ok, 1 user error (a Norwegian message, no traceback), 2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from fravaer_tui.cli.common import Invocation, Parser, common_options, moment_arg
from fravaer_tui.domain.validate import terminal_safe, visible
from fravaer_tui.errors import UserError

# Each command's module, in the order the help lists them, with the commands it declares.
# A command line imports only its own command's module (and what that one needs): `fravaer
# check` does not load the follow-up routine, the SSH keys or the session server. That was
# 0.1 s of every command, over SSH too; `fravaer --help` and a command line that names no
# known command still build them all.
MODULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("demo", ("demo",)),
    ("imports", ("import",)),
    ("register", ("register",)),
    ("check", ("check",)),
    ("contact", ("contact",)),
    ("case", ("case",)),
    ("consent", ("consent",)),
    ("melding", ("melding",)),
    ("receipt", ("receipt",)),
    ("review", ("review",)),
    ("export", ("export",)),
    ("admin", ("backup", "restore", "audit")),
    ("bench", ("bench",)),
    ("keys", ("keys",)),
    ("ssh", ("ssh",)),
    ("serve", ("serve",)),
)
TAKES_VALUE = ("--data", "--user", "--now")  # the options before the command that take one


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, built once a process (a session forked from the server finds
    it built there; parsing leaves it as it was)."""
    return _parser(None)


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """A parser for `argv`: only its command's, unless the whole one is built already."""
    return _parser(None if None in _parsers else _command_in(argv))


_parsers: dict[str | None, argparse.ArgumentParser] = {}  # built here; None: the whole one


def _command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` names, if it is one we have (None: build them all)."""
    tokens = iter(argv)
    for token in tokens:
        if _takes_value(token):
            next(tokens, None)
        elif not token.startswith("-"):
            known = any(token in names for _, names in MODULES)
            return token if known else None
        elif token in ("-h", "--help", "--"):
            return None
    return None


def _takes_value(token: str) -> bool:
    """`--data`, or an abbreviation argparse takes for it (`--dat`), with its value next."""
    return len(token) > 2 and any(option.startswith(token) for option in TAKES_VALUE)


def _parser(command: str | None) -> argparse.ArgumentParser:
    if command not in _parsers:
        _parsers[command] = _build(command)
    return _parsers[command]


def _build(command: str | None) -> argparse.ArgumentParser:
    common = common_options()
    parser = Parser(
        prog="fravaer",
        description="Fraværsføring og oppfølging av bekymringsfullt fravær. "
        "Uten underkommando åpnes programmet i terminalen.",
        parents=[common],
    )
    parser.add_argument(
        "--now",
        type=moment_arg,
        help="kjør som om klokka var dette (åååå-mm-dd tt:mm), bare på demoskolen",
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=Parser)
    for module, names in MODULES:
        if command is None or command in names:
            declares = importlib.import_module(f"fravaer_tui.cli.{module}")
            (declares.add_parsers if module == "admin" else declares.add_parser)(sub, common)
    return parser


class _SafeWriter(io.TextIOBase):
    """stdout for the commands: a note, file name or name someone typed with an escape
    sequence in it is printed as `<U+001B>`, never passed to the reader's terminal."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def fileno(self) -> int:
        return self.inner.fileno()


@contextlib.contextmanager
def _terminal_safe_stdout() -> Iterator[None]:
    inner = sys.stdout
    sys.stdout = _SafeWriter(inner)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = inner


def main(argv: Sequence[str] | None = None, *, identity: str | None = None) -> int:
    """Run `fravaer ARGV`. `identity` is the staff id fixed by the SSH forced command."""
    args = parser_for(sys.argv[1:] if argv is None else argv).parse_args(argv)
    from fravaer_tui.application.school import default_data_dir  # after --help and usage errors

    data_dir: Path = getattr(args, "data", None) or default_data_dir()
    # The entry point owns the wall clock; everything below gets it passed in.
    wall = dt.datetime.now  # noqa: TID251
    now = (args.now or wall()).replace(microsecond=0)
    inv = Invocation(
        data_dir=data_dir,
        user=getattr(args, "user", None),
        now=now,
        now_given=args.now is not None,
        identity=identity,
        clock=None if args.now is not None else wall,
    )
    try:
        if args.command is None:
            from fravaer_tui.app import run_app

            return run_app(inv.data_dir, inv.user, args.now, identity=inv.identity)
        if args.command == "ssh":  # opens the app on the terminal, or runs a command (below)
            return args.handler(args, inv)
        with _terminal_safe_stdout():
            return args.handler(args, inv)
    except UserError as exc:
        # a message may quote what the user typed: never pass a control character to the terminal
        print(f"fravaer: {visible(exc.message, limit=None, allow=chr(10))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `fravaer check | head`: the reader went away, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a fault we did not foresee: still a message, never a traceback
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            f"fravaer: operativsystemet sa nei{where}: {exc.strerror or exc}. Ingenting mer er "
            "endret; det som var lagret før, er urørt.",
            file=sys.stderr,
        )
        return 1
