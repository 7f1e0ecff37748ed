"""`fravaer demo`: the synthetic demo school."""

from __future__ import annotations

import argparse

from fravaer_tui.cli.common import MAX_DEMO_STUDENTS, Invocation, Subparsers, date_arg, int_arg
from fravaer_tui.domain.schoolcalendar import format_date


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    demo = sub.add_parser(
        "demo", parents=[common], help="lag en syntetisk demoskole med fraværshistorikk"
    )
    demo.add_argument(
        "--students",
        type=int_arg(1, MAX_DEMO_STUDENTS),
        default=600,
        help=f"antall elever, 1–{MAX_DEMO_STUDENTS} (standard 600)",
    )
    demo.add_argument("--seed", type=int, default=1, help="samme frø gir samme skole")
    demo.add_argument(
        "--until", type=date_arg, help="historikk fram til denne datoen (standard i dag)"
    )
    demo.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    """Without --until the history runs up to this moment: today's later lessons, and some
    that just ended, are still to be registered (the flow the README describes)."""
    until = args.until or inv.now.date()
    now = None if args.until else inv.now
    from fravaer_tui.application.demo import write_demo

    school = write_demo(inv.data_dir, args.students, args.seed, until, now)
    up_to = format_date(until) + (f" kl. {now:%H:%M}" if now else "")
    print(
        f"Demoskolen «{school.config.navn}» er laget i {inv.data_dir}: "
        f"{len(school.roster.students)} elever, {len(school.roster.classes)} klasser, "
        f"{len(school.roster.staff)} ansatte, fravær ført fram til {up_to}."
    )
    return 0
