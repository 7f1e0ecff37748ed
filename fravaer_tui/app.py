"""The Textual application shell: opens the school and shows the first screen."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from fravaer_tui.errors import UserError
from fravaer_tui.model import Staff
from fravaer_tui.screens.home import HomeScreen
from fravaer_tui.services import School, open_school, resolve_user


class FravaerApp(App[None]):
    """fravaer-tui. The clock is passed in (`now`) so tests can freeze it."""

    TITLE = "fravaer-tui"
    BINDINGS = [Binding("ctrl+q", "quit", "Avslutt", id="quit")]

    def __init__(self, school: School, user: Staff, now: dt.datetime) -> None:
        super().__init__()
        self.school = school
        self.user = user
        self.now = now
        self.sub_title = f"{school.config.navn} – {user.navn}"

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())


def run_app(data_dir: Path, user: str | None, now: dt.datetime) -> int:
    try:
        school = open_school(data_dir)
        staff = resolve_user(school, user or _demo_user(school))
    except UserError as exc:
        print(f"fravaer: {exc.message}", file=sys.stderr)
        return 1
    FravaerApp(school, staff, now).run()
    return 0


def _demo_user(school: School) -> str | None:
    """On the demo school, start as its first kontaktlærer until the user picker lands."""
    if not school.config.demo:
        return None
    teachers = [s for s in school.roster.staff if s.rolle.value == "kontaktlaerer"]
    return teachers[0].id if teachers else None
