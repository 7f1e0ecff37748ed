"""`fravaer bench`: speed and memory on a demo school with a full school year."""

from __future__ import annotations

import argparse

from fravaer_tui.cli.common import MAX_DEMO_STUDENTS, Invocation, Subparsers, int_arg


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    bench = sub.add_parser("bench", parents=[common], help="mål fart og minne på en demoskole")
    bench.add_argument("--students", type=int_arg(1, MAX_DEMO_STUDENTS), default=600)
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    from fravaer_tui.bench import run_bench

    return run_bench(args.students, args.json, inv.now.date())
