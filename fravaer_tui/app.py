"""The Textual application: who is at the keyboard, where to start, and the checker.

The clock is passed in (`clock`), so tests can open the app on any lesson without
patching time. Blocking work runs in thread workers that only post messages. A little over
400 lines: the app is where the screens, the checker and the start meet.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from fravaer_tui.application.identity import identify, os_login
from fravaer_tui.application.lessons import LessonState
from fravaer_tui.application.school import School, open_school
from fravaer_tui.domain.access import may_use_children_data
from fravaer_tui.domain.model import Role, Staff, Student, class_sort_key
from fravaer_tui.domain.rules import Alert, CheckResult
from fravaer_tui.errors import AccessDenied, UserError
from fravaer_tui.messages import AlertsChanged
from fravaer_tui.store import FileCache
from fravaer_tui.typeahead import KeysInOrder

if TYPE_CHECKING:
    from fravaer_tui.application.session import Session

_CSS_VARIABLES: dict[str, dict[str, str]] = {}
# CSS parsed once a process for each set of theme variables, by every app the process runs
# (a session forked from the server finds it parsed there: `cli.serve._warm_up`)
_PARSED: dict[tuple, list] = {}


class _SharedParseCache:
    """Stands in for a stylesheet's own parse cache: the rules a CSS text parses to depend
    only on the text, where it came from and the theme's variables, so an app need not parse
    what another app in the process (or the server before the fork) already has."""

    def __init__(self, stylesheet: object) -> None:
        self._stylesheet = stylesheet
        self._key: tuple[object, tuple] = (None, ())

    def _variables(self) -> tuple:
        """The variables as a key, worked out again only when the stylesheet got new ones
        (a theme change replaces its dict; a start looks up some eighty times)."""
        variables = getattr(self._stylesheet, "_variables", {})
        if self._key[0] is not variables:
            self._key = (variables, tuple(sorted(variables.items())))
        return self._key[1]

    def __getitem__(self, key: tuple) -> list:
        return _PARSED[(self._variables(), key)]

    def __setitem__(self, key: tuple, rules: list) -> None:
        _PARSED[(self._variables(), key)] = rules

    def clear(self) -> None:
        """The variables changed: the key changes with them, nothing to forget."""


# Called once, when the first screen is drawn with its data: a session forked by the
# server tells it so, and the next login of a rush starts (`cli.startgate`).
FIRST_FRAME: list[Callable[[], None]] = []
CHECK_INTERVAL = 60.0  # seconds between background checks, besides after every save
JUMP_PAUSE = 1.0  # seconds: a row number typed on the register completes after this pause

__all__ = ["AlertsChanged", "FravaerApp", "run_app"]  # AlertsChanged lives in messages.py


class FravaerApp(KeysInOrder):
    """fravaer-tui."""

    TITLE = "fravaer-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Avslutt", id="quit", show=False),
        Binding("question_mark", "help", "Hjelp", id="help", key_display="?"),
        Binding("ctrl+p", "command_palette", "Kommandoer", id="palette", show=False),
        Binding("o", "overview", "Oversikt", id="overview"),
        Binding("e", "find_student", "Elev", id="find_student"),
        Binding("L", "audit", "Logg", id="audit"),
    ]

    alerts: reactive[CheckResult | None] = reactive(None, init=False)

    def __init__(
        self,
        school: School,
        user: Staff | None,
        clock: Callable[[], dt.datetime],
        check_interval: float | None = CHECK_INTERVAL,
    ) -> None:
        super().__init__()
        self.stylesheet._parse_cache = _SharedParseCache(self.stylesheet)  # type: ignore[assignment]
        self.school = school
        self.user = user
        self.clock = clock
        self.check_interval = check_interval
        self._cache = FileCache()
        self.session: Session | None = None
        self._day = clock().date()
        self._seen: set[tuple[str, str]] | None = None
        self._check_lock = threading.Lock()
        self._check_started = 0
        self._check_posted = 0
        self._first_check_asked = False
        self.jump_pause = JUMP_PAUSE
        self.sub_title = school.config.navn

    # -- start ---------------------------------------------------------------

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        if self.user is None:
            from fravaer_tui.screens.user_picker import UserPickerScreen

            self.push_screen(UserPickerScreen(), callback=self._picked)
        else:
            self._start()

    def _picked(self, user: Staff | None) -> None:
        if user is None:
            self.exit()
            return
        self.user = user
        self._start()

    def _start(self) -> None:
        from fravaer_tui.application.session import Session  # imported here: keeps the start quick
        from fravaer_tui.screens.lessons import LessonsScreen

        assert self.user is not None
        self.session = Session(self.school, self.user, self._cache, clock=self.clock)
        self.sub_title = f"{self.school.config.navn} – {self.user.navn}"
        now = self.clock()
        day = now.date()
        if not self.school.calendar.is_school_day(day):
            day = self.school.calendar.previous_school_day(day)  # weekend: show the last day
        self._day = day
        # Only the first screen is built at start (issue 10: a start costs what the first
        # screen needs); the lessons list comes when the user leaves it.
        slot = self.session.current_lesson(now)
        if slot is not None:
            from fravaer_tui.screens.register import RegisterScreen

            reg = self.session.registration_for(slot.klasse, now.date(), slot.time)
            register = RegisterScreen(LessonState(now.date(), slot, reg, own=True))
            register.preload()  # the roll call's first frame has its rows: one paint
            self.push_screen(register, callback=self._lessons_below)
        elif self._morning_first(now):
            from fravaer_tui.screens.overview import MorningScreen

            self.push_screen(MorningScreen(now.date()), callback=self._lessons_below)
        else:
            self.push_screen(LessonsScreen(day))
        if self.check_interval:
            self.set_interval(self.check_interval, self.run_checker)

    def first_screen_shown(self) -> None:
        """The first screen has its data up (or said why not): the threshold check may start
        now, after the next refresh (issue 10: the check arrives after the first screen).
        Queued from the app, not from the screen: a callback the screen queues waits for
        that screen's refresh, and a dialog it opens at once (a draft to choose) held the
        first check back until the dialog closed."""
        if not self._first_check_asked:
            self._first_check_asked = True
            self.call_after_refresh(self._first_frame)

    def _first_frame(self) -> None:
        while FIRST_FRAME:
            FIRST_FRAME.pop(0)()
        self.run_checker()

    def get_css_variables(self) -> dict[str, str]:
        """Textual works the theme's colours out again for every stylesheet update (~50
        times at start); they only change with the theme, so they are kept per theme."""
        key = self.current_theme.name
        found = _CSS_VARIABLES.get(key)
        if found is None:
            found = _CSS_VARIABLES[key] = super().get_css_variables()
        self.theme_variables = dict(found)
        return dict(found)

    async def _on_resize(self, event: events.Resize) -> None:
        """A resize to the size the app already has is let go; Textual's own handler comes
        after this one (handlers run down the class order) and is skipped. Textual passes
        every resize on to each screen, which lays out and paints in full again, and the
        terminal's first report of its size comes after the first frame: a second full
        paint of the roll call in every session of the morning rush, for nothing."""
        if self._size is not None and event.size == self._size and self._resize_event is None:
            event.prevent_default()
            event.stop()

    def _lessons_below(self, _: object = None) -> None:
        """The first screen was closed: the day's lessons, under everything else."""
        from fravaer_tui.screens.lessons import LessonsScreen

        if len(self.screen_stack) <= 1:
            self.push_screen(LessonsScreen(self._day))

    def _morning_first(self, now: dt.datetime) -> bool:
        """A kontaktlærer on a school day before their first lesson starts on the overview."""
        user = self.user
        if user is None or user.rolle is not Role.KONTAKTLAERER or not user.klasser:
            return False
        if not self.school.calendar.is_school_day(now.date()):
            return False
        own = [
            s.start
            for s in self.school.roster.timetable
            if s.laerer == user.id and s.ukedag == now.isoweekday()
        ]
        return not own or now.time() < min(own)

    def refusal(self, action: str) -> str | None:
        """Why an app-wide key does not apply to this person (None: it does)."""
        user, session = self.user, self.session
        if action == "audit":
            if user is not None and user.rolle.is_ledelse:
                return None
            return "Endringsloggen (L) er for avdelingsleder og rektor."
        if action in ("overview", "find_student"):
            if session is None or user is None:
                return "Velg hvem du er først."
            if user.rolle.is_ledelse or session.followed_classes():
                return None
            what = "Oversikten (o)" if action == "overview" else "Elevsiden (e)"
            return (
                f"{what} er for kontaktlærere og ledelsen: en faglærer fører timer, men ser "
                "ikke elevenes fravær og oppfølging utenom egne timer."
            )
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.refusal(action) is None

    def action_overview(self) -> None:
        """The morning overview for a kontaktlærer, ledelsens oversikt for ledelsen."""
        from fravaer_tui.screens.leaders import LeaderScreen
        from fravaer_tui.screens.overview import MorningScreen

        if self.user is None:
            return
        today = self.clock().date()
        target = LeaderScreen if self.user.rolle.is_ledelse else MorningScreen
        if not isinstance(self.screen, target):
            self.push_screen(target(today))

    def action_audit(self) -> None:
        """Ledelsen: the audit log, filtered by student, staff member and date."""
        from fravaer_tui.screens.audit import AuditScreen

        if self.refusal("audit") is None and not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen(self.clock().date()))

    def action_find_student(self) -> None:
        from fravaer_tui.dialogs.student_picker import StudentPicker
        from fravaer_tui.screens.student import StudentScreen

        if self.session is None:
            return
        roster = self.school.roster
        students = sorted(
            (s for s in roster.students if self.session.follows_up(s.klasse)),
            key=lambda s: (class_sort_key(s.klasse), s.sort_key),
        )
        today = self.clock().date()

        def picked(student: Student | None) -> None:
            if student is not None:
                self.push_screen(StudentScreen(student.id, today))

        self.push_screen(StudentPicker(students, "Hvilken elev?"), callback=picked)

    def open_register(self, lesson: LessonState) -> None:
        from fravaer_tui.screens.register import RegisterScreen

        self.push_screen(RegisterScreen(lesson))

    # -- the background checker ----------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="checker")
    def run_checker(self) -> None:
        """Re-run the threshold check off the UI thread; only posts the result."""
        with self._check_lock:
            self._check_started += 1
            started = self._check_started
        assert self.session is not None  # the checker starts once someone is at the keyboard
        result = self.session.check(self.clock().date())
        with self._check_lock:
            if started < self._check_posted:
                return  # a later run already reported newer data
            self._check_posted = started
        seen = self._seen
        new = [a for a in result.alerts if seen is not None and (a.elev, a.regel) not in seen]
        self._seen = {(a.elev, a.regel) for a in result.alerts}
        self.post_message(AlertsChanged(result, new))

    def on_alerts_changed(self, message: AlertsChanged) -> None:
        self.alerts = message.result
        for alert in message.new:
            if self.session is None or not self.session.follows_up(alert.klasse):
                continue  # the tiltak is for the kontaktlærer and ledelsen, not every teacher
            student = self.school.roster.student(alert.elev)
            name = student.navn if student else alert.elev
            self.notify(
                f"{name} ({alert.klasse}): {alert.tittel}. {alert.tiltak}",
                title="Nytt varsel",
                severity="warning",
                timeout=10,
            )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "checker":
            error = event.worker.error
            text = error.message if isinstance(error, UserError) else repr(error)
            self.notify(f"Terskelkontrollen feilet: {text}", severity="error", timeout=15)

    def flagged(self, elev: str) -> list[Alert]:
        return self.alerts.alerts_for(elev) if self.alerts else []

    # -- quitting: never with a roll call unsaved ---------------------------------

    def unsaved_register(self):  # -> RegisterScreen | None (imported lazily)
        """The roll call in the screen stack with marks not saved, if any."""
        from fravaer_tui.screens.register import RegisterScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, RegisterScreen) and screen.dirty:
                return screen
        return None

    async def action_quit(self) -> None:
        """ctrl+q, ctrl+c and the command palette's «Avslutt»: asks first if a roll call
        has marks not saved (lagre / forkast / avbryt); the draft is kept either way
        until it is saved or discarded."""
        register = self.unsaved_register()
        if register is None:
            self.exit()
            return
        from fravaer_tui.dialogs.unsaved import UnsavedDialog

        if isinstance(self.screen, UnsavedDialog):
            return
        register.ask_before_leaving(then=self.exit, leaving="avslutter")

    async def action_help_quit(self) -> None:
        """ctrl+c outside a text field quits too (asking first), in Norwegian."""
        await self.action_quit()

    # -- help and the command palette ----------------------------------------

    def action_command_palette(self) -> None:
        """The command palette, with a Norwegian prompt."""
        from textual.command import CommandPalette

        from fravaer_tui.dialogs.palette import NorwegianPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                NorwegianPalette(
                    placeholder="Søk etter kommandoer og skjermer…", id="--command-palette"
                )
            )

    def action_change_theme(self) -> None:
        from textual.theme import ThemeProvider

        from fravaer_tui.dialogs.palette import NorwegianPalette

        self.push_screen(
            NorwegianPalette(providers=[ThemeProvider], placeholder="Søk etter fargetema…")
        )

    def action_help(self) -> None:
        from fravaer_tui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_lessons(self) -> None:
        from fravaer_tui.screens.lessons import LessonsScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, LessonsScreen):
            self.pop_screen()
        if not isinstance(self.screen, LessonsScreen):
            self.push_screen(LessonsScreen(self._day))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Hjelp", "Tastene på denne skjermen (?)", self.action_help)
        yield SystemCommand("Dagens timer", "Listen over dagens timer", self.action_lessons)
        if self.refusal("overview") is None:
            yield SystemCommand(
                "Oversikt", "Morgenoversikt / ledelsens oversikt (o)", self.action_overview
            )
            yield SystemCommand("Finn elev", "Elevens side (e)", self.action_find_student)
        if self.refusal("audit") is None:
            yield SystemCommand("Endringslogg", "Alle endringer, med filter (L)", self.action_audit)
        yield SystemCommand(
            "Kjør terskelkontroll nå", "Sjekk tersklene for alle elever", self.run_checker
        )
        commands = getattr(screen, "commands", None)
        if commands is not None:
            yield from commands()
        yield SystemCommand("Bytt fargetema", "Velg et annet tema", self.action_change_theme)
        yield SystemCommand("Avslutt", "Lukk fravaer-tui (ctrl+q)", self.action_quit)


def run_app(
    data_dir: Path,
    user: str | None,
    now: dt.datetime | None = None,
    identity: str | None = None,
    school: School | None = None,
) -> int:
    """Open the TUI as the person the forced command names (`identity`), else the OS login;
    on the demo school an unknown login gets a picker."""
    # The entry point owns the wall clock (a demo's --now freezes it).
    clock = (lambda: now) if now is not None else dt.datetime.now  # noqa: TID251
    try:
        if school is None:  # the forced command has opened it already
            school = open_school(data_dir, clock=clock)
        if now is not None and not school.config.demo:
            raise AccessDenied("--now kan bare brukes på demoskolen.")
        staff = _who(school, user, identity)
        if staff is not None and not may_use_children_data(staff):
            raise AccessDenied(
                f"{staff.navn} ({staff.rolle.label}) har ikke tilgang til elevenes data, og "
                "dermed ikke til føringen. Drift bruker kommandoene (fravaer --help)."
            )
    except UserError as exc:
        print(f"fravaer: {exc.message}", file=sys.stderr)
        return 1
    FravaerApp(school, staff, clock=clock).run()
    return 0


def _who(school: School, user: str | None, identity: str | None) -> Staff | None:
    if identity is None and user is None and school.config.demo:
        login = os_login()
        return school.roster.staff_member(login) or school.roster.staff_by_username(login)
    return identify(school, identity=identity, user=user)
