"""Pictures of every screen and dialog at 80×24 and 120×40, so a layout regression (a cut
field, a dialog that does not fit) shows up as a picture diff (issue 12, point 3).

One walk a person, each taking several pictures at both sizes, so the app starts once a walk.
Look at them after a deliberate change and update with
`.venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from fravaer_tui.application.school import School
from fravaer_tui.application.session import Session
from fravaer_tui.domain.model import Mark, MarkType
from fravaer_tui.screens.case import CaseScreen
from fravaer_tui.screens.form import FormScreen
from tests.tui.conftest import (
    BEFORE_SCHOOL,
    FRIDAY,
    LARGE,
    MONDAY,
    SMALLEST,
    during,
    kontaktlaerer,
    lesson_at,
    rektor,
    running,
    teacher_of,
)
from tests.tui.test_followup import go_to
from tests.tui.waiting import settle, until

SIZES = [LARGE, SMALLEST]

# Every frame painted, as on a terminal: what a dialog shows of the screen under it depends
# on that screen's last frame (waiting.paint_settled_states_only).
pytestmark = pytest.mark.every_frame


class Album:
    """Pictures taken on a walk, at both sizes (the terminal is resized between them, as a
    user may), compared at the end: every one, even after a mismatch."""

    def __init__(self, pilot: Pilot) -> None:
        self.pilot = pilot
        self.shots: dict[str, str] = {}
        self.sizes = SIZES

    async def take(self, name: str) -> None:
        """Both pictures, starting at the size the last one ended at: one resize fewer."""
        pilot, app = self.pilot, self.pilot.app
        if app.size != self.sizes[0]:
            self.sizes = self.sizes[::-1]
        for width, height in self.sizes:
            await pilot.resize_terminal(width, height)
            await settle(pilot, f"the screen for «{name}» at {width}×{height}")
            app.clear_notifications()  # toasts come and go with the clock
            for field in app.screen.query("Input, TextArea"):
                assert isinstance(field, Input | TextArea)
                field.cursor_blink = False  # a blinking cursor would flicker between pictures
                if isinstance(field, TextArea):  # and lines kept from the blink's last phase
                    field.notify_style_update()  # (or the size before) are drawn again
            await pilot.wait_for_scheduled_animations()
            for under in app.screen_stack[:-1]:  # as its last frame would have it, finished
                under._refresh_layout(app.size)
            await pilot.pause()
            shot = app.export_screenshot(title=app.title, simplify=True)
            self.shots[f"{name}[{width}x{height}]"] = shot

    def compare(self, snapshot: SnapshotAssertion) -> None:
        snap = snapshot.use_extension(SVGImageExtension)
        matches = {name: snap(name=name) == svg for name, svg in self.shots.items()}
        differ = [name for name, same in matches.items() if not same]
        assert not differ, f"pictures that changed: {differ} (see snapshot_report.html)"


async def test_a_kontaktlaerers_morning(
    snapshot: SnapshotAssertion, demo_school: School, make_app
) -> None:
    app = make_app(kontaktlaerer(demo_school), BEFORE_SCHOOL)
    async with running(app, LARGE) as pilot:
        album = Album(pilot)
        await album.take("morning")
        go_to(app.screen, "ikke_meldt|")
        await pilot.press("m")
        await album.take("melding_dialog")
        await pilot.press("escape", "r")
        await album.take("contact_dialog")
        await pilot.press("escape")
        go_to(app.screen, "varsel|")
        await pilot.press("enter")
        await album.take("student")
        await pilot.press("question_mark")
        await album.take("help_student")
        await pilot.press("escape", "escape", "escape", "m")
        await album.take("student_picker")
        await pilot.press("escape")
        await album.take("lessons")
    album.compare(snapshot)


async def test_a_case_and_its_dialogs(
    snapshot: SnapshotAssertion, demo_school: School, make_app
) -> None:
    app = make_app(kontaktlaerer(demo_school), BEFORE_SCHOOL)
    async with running(app, LARGE) as pilot:
        album = Album(pilot)
        go_to(app.screen, "varsel|")
        await pilot.press("s")
        await album.take("case")
        await pilot.press("t")
        await album.take("step_dialog")
        await pilot.press("escape", "a")
        await album.take("tiltak_dialog")
        await pilot.press("escape", "1")
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "Vedlegg 1 to open")
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("j", "a")
        await until(
            pilot, lambda: form.saved_at and not form._pending, "the answer «ja» to be saved"
        )
        assert form.query_one(TextArea).text == "ja"
        await album.take("form")
    album.compare(snapshot)


async def test_a_hole_case(snapshot: SnapshotAssertion, demo_dir) -> None:
    """Hole's staircase on the case screen, its evaluation asking for the outcome, a step
    that brings PPT in without consent, and the Samarbeidsavtale (issue 13)."""
    from tests.tui.test_routine_tui import app_on, case_with_steps, hole_school

    session, case = case_with_steps(hole_school(demo_dir), ["bekymring", "", "", ""])
    app = app_on(session.school, session.user)
    async with running(app, LARGE) as pilot:
        album = Album(pilot)
        app.push_screen(CaseScreen(case.id, FRIDAY))
        await album.take("hole_case")
        await pilot.press("t")
        await album.take("hole_evaluation")
        await pilot.press("down", "down", "enter", "ctrl+s")
        await settle(pilot)
        await pilot.press("t", "ctrl+s")
        await album.take("hole_consent_warning")
        await pilot.press("escape", "1")
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "the samarbeidsavtale")
        await album.take("hole_form")
    album.compare(snapshot)


async def test_strands_tracked_items(
    snapshot: SnapshotAssertion, demo_school: School, make_app
) -> None:
    """Strand's case at the plan meeting: the tracked items with their consent lines, the
    picker, an item's dialog and the stafettholder's (issue 13, BTI)."""
    from tests.tui.test_routine_tui import case_with_steps

    session, case = case_with_steps(demo_school, ["", "", ""])
    app = make_app(session.user, BEFORE_SCHOOL)
    async with running(app, LARGE) as pilot:
        album = Album(pilot)
        app.push_screen(CaseScreen(case.id, FRIDAY))
        await album.take("strand_case_items")
        await pilot.press("g")
        await album.take("task_picker")
        await pilot.press("enter")
        await album.take("task_dialog")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await album.take("stafett_dialog")
    album.compare(snapshot)


async def test_the_daily_routine(
    snapshot: SnapshotAssertion, demo_school: School, make_app
) -> None:
    """Issue 13: the receipt after a melding, the morning's list of receipts owed, the
    student's samtykke register and its dialogs."""
    app = make_app(kontaktlaerer(demo_school), BEFORE_SCHOOL)
    async with running(app, LARGE) as pilot:
        album = Album(pilot)
        go_to(app.screen, "ikke_meldt|")
        await pilot.press("m", "ctrl+s")
        await settle(pilot)
        await album.take("receipt_dialog")
        await pilot.press("escape")
        await settle(pilot)
        go_to(app.screen, "kvittering|")
        await album.take("morning_receipts")
        await pilot.press("enter", "n")
        await settle(pilot)
        await album.take("consent_dialog")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await album.take("student_consents")
        await pilot.press("t")
        await album.take("withdraw_dialog")
    album.compare(snapshot)


async def test_a_roll_call_with_a_draft_saved_meanwhile(
    snapshot: SnapshotAssertion, demo_school: School, make_app
) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    teacher = teacher_of(demo_school, slot)
    students = demo_school.roster.students_in(slot.klasse)
    now = during(slot, MONDAY)
    marks = [Mark(students[0].id, MarkType.FRAVAER), Mark(students[4].id, MarkType.SENT, 4)]
    Session(demo_school, teacher).drafts.keep(slot.klasse, MONDAY, slot.time, marks, None, now)
    other = [Mark(students[1].id, MarkType.FRAVAER)]
    Session(demo_school, kontaktlaerer(demo_school)).save_registration(
        slot.klasse, MONDAY, slot.time, other, now
    )
    app = make_app(teacher, now + dt.timedelta(minutes=3))
    async with running(app, LARGE) as pilot:
        album = Album(pilot)
        await album.take("draft_conflict")
        await pilot.press("u", "8", "n", "m", "a", "right", "enter", "1")
        await album.take("register")
        await pilot.press("question_mark")
        await album.take("help_register")
        await pilot.press("escape", "escape", "escape")
        await album.take("unsaved_dialog")
        await pilot.press("escape", "ctrl+p")
        palette = app.screen
        await until(pilot, lambda: palette.query_one(CommandList).option_count > 5, "commands")
        await album.take("palette")
    album.compare(snapshot)


async def test_ledelsen(snapshot: SnapshotAssertion, demo_school: School, make_app) -> None:
    klasse = demo_school.roster.classes[0]
    session = Session(demo_school, kontaktlaerer(demo_school, klasse))
    alert = next(a for a in session.check(FRIDAY).alerts if a.klasse == klasse)
    session.open_case(alert, FRIDAY, BEFORE_SCHOOL)
    app = make_app(rektor(demo_school), BEFORE_SCHOOL)
    async with running(app, LARGE) as pilot:
        album = Album(pilot)
        await pilot.press("o")
        await album.take("leaders")
        go_to(app.screen, "gjennomgang|")
        await pilot.press("h")
        await album.take("review_dialog")
        await pilot.press("escape", "escape", "L")
        await album.take("audit")
        await pilot.press("tab", "enter")
        await album.take("audit_entry")
    album.compare(snapshot)


async def test_the_demo_picker(snapshot: SnapshotAssertion, demo_school: School, make_app) -> None:
    """On the demo school, whoever starts the app chooses who to be."""
    app = make_app(None, dt.datetime.combine(MONDAY, dt.time(7, 0)))
    async with running(app, LARGE) as pilot:
        album = Album(pilot)
        await album.take("user_picker")
        await pilot.press("enter")
        await settle(pilot)
        assert app.user is not None and app.session is not None
    album.compare(snapshot)
