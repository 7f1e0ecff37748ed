"""The register driven as a teacher drives it: real app, real store, key presses.

What the application layer already checks (validation, audit entries, judgements kept on
a correction) is tested in tests/unit; here: the keys, what the screen shows, and what is
stored after them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from textual import events
from textual.geometry import Region
from textual.widgets import DataTable, Input, Static

from fravaer_tui.app import FravaerApp
from fravaer_tui.application.lessons import add_melding, registration_for
from fravaer_tui.application.school import School
from fravaer_tui.application.timetable import set_lesson_held
from fravaer_tui.dialogs.help import HelpScreen
from fravaer_tui.dialogs.melding import MeldingDialog
from fravaer_tui.dialogs.unsaved import UnsavedDialog
from fravaer_tui.domain.model import MarkType, Reason, Validity
from fravaer_tui.screens.lessons import LessonsScreen
from fravaer_tui.screens.register import RegisterScreen
from fravaer_tui.screens.student import StudentScreen
from fravaer_tui.widgets.footer import Footer
from fravaer_tui.widgets.rollcall import DRAWN
from tests.tui.conftest import (
    LARGE,
    LONG_PAUSE,
    MONDAY,
    SMALLEST,
    during,
    faglaerer_lesson,
    kontaktlaerer,
    lesson_at,
    running,
    teacher_of,
)
from tests.tui.waiting import settle, until


def row_text(screen: RegisterScreen, elev: str) -> str:
    return " ".join(str(cell) for cell in screen.query_one(DataTable).get_row(elev))


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def said(app) -> str:
    return " | ".join(n.message for n in app._notifications)


async def test_two_absent_and_one_late_in_nine_keys(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    teacher = teacher_of(demo_school, slot)
    students = demo_school.roster.students_in(slot.klasse)
    app = make_app(teacher, during(slot, MONDAY))
    async with running(app) as pilot:
        screen = app.screen
        assert isinstance(screen, RegisterScreen) and screen.lesson.slot == slot
        meldt = {(elev, MarkType.FRAVAER, None) for elev in screen.data.meldt}
        keys = ["3", "f", "7", "f", "1", "2", "s", "enter", "ctrl+s"]
        assert len(keys) <= 12  # DESIGN: ≤ 3 keys a student on average, plus the save
        await pilot.press(*keys)
        await settle(pilot)
        assert not screen.dirty and "Ført" in text_of(screen, "#status")
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved is not None and saved.av == teacher.id
    assert {(m.elev, m.kind, m.minutter) for m in saved.marks} == meldt | {
        (students[2].id, MarkType.FRAVAER, None),
        (students[6].id, MarkType.FRAVAER, None),
        (students[11].id, MarkType.SENT, 4),  # offered: minutes since the lesson started
    }
    assert demo_school.store.log.read()[-1]["hva"] == "registrering"
    assert session_drafts(app) == []  # saved: no draft left behind


def session_drafts(app) -> list:
    return app.session.drafts.all(app.clock().date())


async def test_an_all_present_lesson_is_saved_in_one_key(demo_school: School, make_app) -> None:
    """Students foresatte reported away that day start absent (and say so)."""
    slot = lesson_at(demo_school, MONDAY, 2)
    away = demo_school.roster.students_in(slot.klasse)[1]
    moment = dt.datetime.combine(MONDAY, dt.time(7, 40))
    kontakt = kontaktlaerer(demo_school, slot.klasse)
    add_melding(
        demo_school, kontakt, away.id, MONDAY, MONDAY, Reason.SYKDOM, Validity.GYLDIG, moment
    )
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    async with running(app) as pilot:
        screen = app.screen
        assert screen.marks[away.id].kind is MarkType.FRAVAER and "meldt" in row_text(
            screen, away.id
        )
        meldt = screen.data.meldt
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved is not None and away.id in meldt
    assert {(m.elev, m.kind) for m in saved.marks} == {(e, MarkType.FRAVAER) for e in meldt}


async def test_row_numbers_minutes_remarks_and_search(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 4)
    students = demo_school.roster.students_in(slot.klasse)
    assert 10 <= len(students) < 30
    # A row number typed completes by a key here, never by the clock, but for the one
    # step that shows the pause: on a loaded machine one key can take longer than a pause.
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    async with running(app, LARGE) as pilot:  # the remark whole in its row (80: cut, …)
        screen = app.screen
        table = screen.query_one(DataTable)
        await pilot.press("2", "g", "1", "0", "space", "1", "1", "f", "n", "m", "a")
        await settle(pilot, "the remark's suggestion")  # Input suggests in a worker: «right»
        await pilot.press("right", "enter")  # before it has answered would take «ma» only
        assert screen.marks[students[1].id].kind is MarkType.FORLOT  # fast keys, in order
        assert students[9].id not in screen.marks
        mark = screen.marks[students[10].id]
        assert (mark.kind, mark.merknad) == (MarkType.FRAVAER, "mangler utstyr")  # suggested
        assert "mangler utstyr" in row_text(screen, students[10].id)

        await pilot.press("1")  # may become 10–19: it waits, and says so
        assert "Til elev 1_" in text_of(screen, "#detail") and table.cursor_row == 10
        await pilot.press("enter")  # enter completes it
        assert table.cursor_row == 0 and "Til elev" not in text_of(screen, "#detail")
        app.jump_pause = 0.3
        await pilot.press("2")
        await until(pilot, lambda: table.cursor_row == 1, "a pause to complete row 2")
        app.jump_pause = LONG_PAUSE
        await pilot.press("4")  # 40 > 25: no second digit possible, at once
        assert table.cursor_row == 3
        await pilot.press("1", "escape")  # esc drops the number; the screen stays
        assert app.screen is screen and table.cursor_row == 3

        await pilot.press("s")
        assert screen.query_one("#inline-input", Input).value == "4"  # minutes since start
        await pilot.press("9", "9", "9", "enter")  # replaces the offered value; too long
        assert "Skriv et helt tall" in str(screen.query_one("#inline-label").render())
        assert students[3].id not in screen.marks
        await pilot.press("backspace", "backspace", "backspace", "x", "7", "enter")
        assert screen.marks[students[3].id].minutter == 7  # a letter is not taken at all

        await pilot.press("slash", *students[-3].id, "enter", "f")  # finds the id
        assert screen.marks[students[-3].id].kind is MarkType.FRAVAER
        for typed in ("zq", "[b]x", "\x1b[2Jx"):  # markup and escapes are said as text
            await pilot.press("slash")
            screen.query_one("#inline-input", Input).value = typed
            await pilot.press("enter")
            await until(
                pilot, lambda t=typed: f"Ingen treff på «{t}»" in said(app), "no match said"
            )


async def test_the_flags_are_in_the_first_frame_and_the_check_after_it_redraws_nothing(
    demo_school: School, make_app
) -> None:
    """The ⚠ of the students over a threshold are on the roll call from its first frame
    (read from the class's shared results), and the whole check, coming after it, agrees and
    changes no cell: the table is not drawn again (issue 10: the morning rush)."""
    slot = lesson_at(demo_school, MONDAY, 3)
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    app._check_lock.acquire()  # the first check waits until the first frame is looked at
    try:
        async with app.run_test(size=SMALLEST) as pilot:
            for _ in range(1500):  # not `until`: it settles, and the check is held
                if getattr(app.screen, "ready", False):
                    break
                await pilot.pause(0.02)
            screen = app.screen
            assert isinstance(screen, RegisterScreen) and app.alerts is None
            table = screen.query_one(DataTable)
            first = {s.id for s in screen.students if "⚠" in row_text(screen, s.id)}
            assert first, "the demo's class has students over a threshold"
            assert f"⚠ {len(first)} over terskel" in text_of(screen, "#status")  # same count
            drawn = table._update_count
            app._check_lock.release()
            await until(pilot, lambda: app.alerts is not None, "the check")
            alerts = {a.elev for a in app.alerts.alerts if a.klasse == slot.klasse}
            assert first == alerts
            assert table._update_count == drawn  # no cell changed: nothing drawn again
    finally:
        if app._check_lock.locked():
            app._check_lock.release()


async def test_the_roll_call_is_drawn_once_at_start(demo_school: School, make_app) -> None:
    """The roll call is not drawn again after its first frame (issue 10: every session of
    the morning rush drew it three times). The table knows its size as soon as it has its
    rows: Textual's DataTable measures when it next idles, after that frame, and then draws
    every cell again. The terminal's report of the size the app already has (it comes after
    the first frame) lays nothing out again, nor do the status and detail lines said again
    in the same words (after the check); a new size does."""
    slot = lesson_at(demo_school, MONDAY, 3)
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    async with running(app) as pilot:
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        table = screen.query_one(DataTable)
        rows = [screen._row(i, s) for i, s in enumerate(screen.students[:3], start=1)]
        table.fill(rows)  # no await: nothing has idled since
        assert table.virtual_size.height == len(rows) + 1 + table.header_height  # + save row
        layouts = 0
        lay_out = screen._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            nonlocal layouts
            layouts += 1
            lay_out(*args, **kwargs)

        screen._refresh_layout = counted  # type: ignore[method-assign]  # Textual's, counted
        await settle(pilot, "the new rows")
        layouts = 0
        app.post_message(events.Resize(app.size, app.size))
        await settle(pilot, "the terminal's report of the same size")
        assert layouts == 0
        screen._update_status()  # what the check does when it arrives: the same words again
        await settle(pilot, "the status and the row under the cursor said again")
        assert layouts == 0
        await pilot.resize_terminal(app.size.width + 20, app.size.height)
        await settle(pilot, "a wider terminal")
        assert layouts > 0


def drawn(table: DataTable) -> list[list[tuple[str, object]]]:
    """The table's lines as drawn now: each segment's text and style."""
    lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [[(segment.text, segment.style) for segment in line] for line in lines]


def drawn_anew(table: DataTable) -> list[list[tuple[str, object]]]:
    """The same, with nothing kept: not the process's cells (`DRAWN`), nor the table's."""
    DRAWN.clear()
    table._clear_caches()
    return drawn(table)


async def test_a_name_that_looks_like_markup_is_shown_as_written(demo_school: School) -> None:
    """A student's name may hold «[» (the roster's import takes it): the roll call's row, the
    line under it and the student's page show it as written. «[/b]» in the line under the
    table, or in the page's title, crashed the screen (Textual's markup), and «[red]» would
    have been taken for a colour."""
    slot = lesson_at(demo_school, MONDAY, 3)
    roster = demo_school.roster
    first = roster.students_in(slot.klasse)[0]
    named = replace(first, fornavn="=Ola [/b]", etternavn="[red]Nord")
    students = tuple(named if s.id == first.id else s for s in roster.students)
    school = replace(demo_school, roster=replace(roster, students=students))
    app = FravaerApp(school, teacher_of(school, slot), clock=lambda: during(slot, MONDAY))
    async with running(app) as pilot:
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        await settle(pilot, "the roll call")
        assert "[red]Nord, =Ola [" in row_text(screen, first.id)  # shortened at 80 columns
        assert text_of(screen, "#detail").startswith("1. =Ola [/b] [red]Nord")
    kontakt = school.roster.kontaktlaerere(slot.klasse)[0]  # and on the student's page
    app = FravaerApp(school, kontakt, clock=lambda: during(slot, MONDAY))
    async with running(app) as pilot:
        app.push_screen(StudentScreen(first.id, MONDAY))
        await settle(pilot, "the student's page")
        assert text_of(app.screen, "#title").startswith("=Ola [/b] [red]Nord · ")


async def test_cells_kept_from_other_roll_calls_are_drawn_as_this_one_would(
    demo_school: School, make_app
) -> None:
    """A roll call keeps the cells it draws for the whole process (`DRAWN`: the session
    server's warm-up draws them once for every session). Another roll call of the same class,
    with other marks, the cursor elsewhere, or without the focus, shows what it would draw
    with nothing kept."""
    slot = lesson_at(demo_school, MONDAY, 2)
    teacher = teacher_of(demo_school, slot)
    first = make_app(teacher, during(slot, MONDAY))
    async with running(first) as pilot:
        table = first.screen.query_one(DataTable)
        await pilot.press("1", "f", "2", "s", "enter", "3")  # 1 away, 2 late, cursor on 3
        await settle(pilot, "marks and the cursor")
        assert drawn(table) == drawn_anew(table)
        assert "fravær" in str(table.get_row_at(0))
    other = make_app(teacher, during(slot, MONDAY))  # the same class: the first one's draft
    async with running(other) as pilot:
        table = other.screen.query_one(DataTable)
        assert drawn(table) == drawn_anew(table)
        await pilot.press("1", "s", "enter", "2", "f")  # other marks where it drew them
        await settle(pilot, "other marks")
        assert "for sent" in str(table.get_row_at(0)) and "fravær" in str(table.get_row_at(1))
        assert drawn(table) == drawn_anew(table)
        other.screen.set_focus(None)
        await settle(pilot, "the table without the focus")
        assert drawn(table) == drawn_anew(table)


async def test_keys_that_arrive_together_act_in_the_order_typed(
    demo_school: School, make_app
) -> None:
    """Over a slow line, or pasted, keys arrive in one read. Each acts where the key before
    it left the app: «n» opens the remark field, so «m a» are the remark, not the screen's
    «m» (melding) and a lost «a»; «enter» closes the field, so «4 s» mark row 4 late."""
    slot = lesson_at(demo_school, MONDAY, 4)
    students = demo_school.roster.students_in(slot.klasse)
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    async with running(app) as pilot:
        screen = app.screen
        arrive_together(app, "3", "n", "m", "a", "enter", "4", "s", "7", "enter", "2", "f")
        await settle(pilot, "keys that arrived together")
        assert app.screen is screen  # no melding dialog
        assert screen.marks[students[2].id].merknad == "ma"
        assert (screen.marks[students[3].id].kind, screen.marks[students[3].id].minutter) == (
            MarkType.SENT,
            7,
        )
        assert screen.marks[students[1].id].kind is MarkType.FRAVAER
        arrive_together(app, "ctrl+s", "1", "f")  # saved, then a new mark after the save
        await settle(pilot, "a save and a key after it")
        assert screen.dirty and screen.marks[students[0].id].kind is MarkType.FRAVAER
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved is not None
    assert {m.elev for m in saved.marks} >= {students[1].id, students[2].id, students[3].id}
    assert students[0].id not in {m.elev for m in saved.marks}


async def test_keys_typed_while_the_roll_call_opens_act_on_its_rows(
    demo_school: School, make_app
) -> None:
    """«enter 3 f» from the day list: the roll call opens, loads, and row 3 is marked absent
    (the «3 f» waited for the rows; before, they were lost while it loaded)."""
    slot = faglaerer_lesson(demo_school, MONDAY)
    students = demo_school.roster.students_in(slot.klasse)
    app = make_app(teacher_of(demo_school, slot), dt.datetime.combine(MONDAY, dt.time(7, 0)))
    async with running(app) as pilot:
        arrive_together(app, "enter", "3", "f")
        await settle(pilot, "the roll call and the keys typed ahead")
        screen = app.screen
        assert isinstance(screen, RegisterScreen) and screen.lesson.slot == slot
        assert screen.marks[students[2].id].kind is MarkType.FRAVAER


def arrive_together(app, *keys: str) -> None:
    """Keys in the app's queue at once, as the terminal driver puts one read's keys there."""
    chars = {"enter": "\r", "space": " ", "escape": "\x1b", "ctrl+s": "\x13"}
    for key in keys:
        app.post_message(events.Key(key, chars.get(key, key)))


async def test_leaving_or_quitting_with_marks_not_saved_asks(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    fifth = demo_school.roster.students_in(slot.klasse)[4]
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    async with running(app) as pilot:
        register = app.screen
        await pilot.press("5", "f", "escape")
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.press("a")  # avbryt: stay, keep what was typed
        assert app.screen is register and register.dirty
        for quit_keys in (["ctrl+q"], ["ctrl+c"], ["ctrl+p", *"avsl"]):
            await pilot.press(*quit_keys)
            await settle(pilot)
            if quit_keys[0] == "ctrl+p":  # the command palette's own «Avslutt»
                await pilot.press("enter")
                await settle(pilot)
            assert isinstance(app.screen, UnsavedDialog), quit_keys
            await pilot.press("escape")
            assert app.screen is register and app.is_running
        await pilot.press("escape", "f")  # forkast: the marks and the draft go
        await settle(pilot)
        assert isinstance(app.screen, LessonsScreen) and session_drafts(app) == []
        assert registration_for(demo_school, slot.klasse, MONDAY, slot.time) is None
        lessons = app.screen
        index = next(i for i, s in enumerate(lessons.states) if s.slot == slot)
        lessons.query_one(DataTable).move_cursor(row=index)
        await pilot.press("enter")  # the lesson again
        await settle(pilot)
        assert app.screen.lesson.slot == slot and not app.screen.marks.get(fifth.id)
        await pilot.press("5", "f", "ctrl+q", "l")  # quit, saving first
        await settle(pilot)
        assert not app.is_running
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved is not None and saved.mark_for(fifth.id)


async def test_ctrl_s_in_the_leave_dialog_saves_as_on_the_roll_call(
    demo_school: School, make_app
) -> None:
    """«Vil du lagre føringen før du går ut?»: the roll call's own save key answers it, as
    «l» does. Tried in a terminal: esc, then ctrl+s, did nothing and left the marks unsaved."""
    slot = lesson_at(demo_school, MONDAY, 3)
    fifth = demo_school.roster.students_in(slot.klasse)[4]
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    async with running(app) as pilot:
        await pilot.press("5", "f", "escape")
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, "the save and the way out")
        assert isinstance(app.screen, LessonsScreen)
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved is not None and saved.mark_for(fifth.id)


async def test_marks_not_saved_survive_the_app_and_come_back_as_a_draft(
    demo_school: School, make_app
) -> None:
    """The session is cut (SSH gone, the terminal closed): nothing was asked, nothing lost."""
    slot = lesson_at(demo_school, MONDAY, 3)
    teacher = teacher_of(demo_school, slot)
    students = demo_school.roster.students_in(slot.klasse)
    first = make_app(teacher, during(slot, MONDAY))
    async with running(first) as pilot:
        await pilot.press("3", "f", "8", "g")
        await settle(pilot, "the draft to be written")
    assert registration_for(demo_school, slot.klasse, MONDAY, slot.time) is None
    again = make_app(teacher, during(slot, MONDAY, minutes=9))
    async with running(again) as pilot:
        screen = again.screen
        assert isinstance(screen, RegisterScreen) and screen.dirty
        assert "utkast fra" in text_of(screen, "#status")
        assert screen.marks[students[2].id].kind is MarkType.FRAVAER
        assert screen.marks[students[7].id].kind is MarkType.FORLOT
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert session_drafts(again) == []
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert {students[2].id, students[7].id} <= {m.elev for m in saved.marks}


async def test_a_draft_of_a_lesson_saved_meanwhile_is_shown_beside_it(
    demo_school: School, make_app
) -> None:
    from fravaer_tui.application.session import Session
    from fravaer_tui.dialogs.draft import DraftConflictDialog
    from fravaer_tui.domain.model import Mark

    slot = lesson_at(demo_school, MONDAY, 3)
    teacher = teacher_of(demo_school, slot)
    students = demo_school.roster.students_in(slot.klasse)
    now = during(slot, MONDAY)
    mine = Session(demo_school, teacher)
    mine.drafts.keep(
        slot.klasse, MONDAY, slot.time, [Mark(students[0].id, MarkType.FRAVAER)], None, now
    )
    substitute = kontaktlaerer(demo_school)
    Session(demo_school, substitute).save_registration(
        slot.klasse, MONDAY, slot.time, [Mark(students[1].id, MarkType.FRAVAER)], now
    )
    app = make_app(teacher, now + dt.timedelta(minutes=5))
    async with running(app) as pilot:
        dialog = app.screen
        assert isinstance(dialog, DraftConflictDialog)  # never silently applied
        rows = [" ".join(map(str, dialog.query_one(DataTable).get_row(s.id))) for s in students[:2]]
        assert "til stede" in rows[0] and "fravær" in rows[0]
        await pilot.press("u")  # take the draft: the teacher still saves it
        register = app.screen
        assert isinstance(register, RegisterScreen) and register.dirty
        assert register.marks[students[0].id].kind is MarkType.FRAVAER
        assert students[1].id not in register.marks
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved.av == substitute.id  # nothing saved over the substitute's roll call


async def test_a_melding_from_the_row_makes_the_absence_meldt_and_the_cursor_stays(
    demo_school: School, make_app
) -> None:
    klasse = demo_school.roster.classes[0]
    slot = lesson_at(demo_school, MONDAY, 3, klasse)
    app = make_app(kontaktlaerer(demo_school, klasse), during(slot, MONDAY))
    async with running(app) as pilot:
        lessons = app.screen
        assert isinstance(lessons, LessonsScreen)  # not her lesson: she starts on the list
        index = next(i for i, s in enumerate(lessons.states) if s.slot == slot)
        lessons.query_one(DataTable).move_cursor(row=index)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        nr, student = next(
            (i, s) for i, s in enumerate(screen.students, start=1) if not app.flagged(s.id)
        )
        await pilot.press(*str(nr), "enter", "f", "ctrl+s")
        await settle(pilot)
        assert [a.regel for a in app.flagged(student.id)] == ["ugyldig_fravaer"]
        assert "⚠" in row_text(screen, student.id) and "ikke meldt" in row_text(screen, student.id)
        await pilot.press("m")
        dialog = app.screen
        assert isinstance(dialog, MeldingDialog) and dialog.student == student
        assert dialog.query_one("#fra", Input).value == "23.11.2026"  # the lesson's day
        await pilot.press("ctrl+s")  # sykdom, gyldig are the defaults
        await settle(pilot)
        await pilot.press("escape")  # the receipt to foresatte: later
        await settle(pilot)
        assert app.screen is screen and app.flagged(student.id) == []
        assert "meldt: sykdom" in row_text(screen, student.id)
        assert screen.query_one(DataTable).cursor_row == nr - 1


async def test_u_marks_a_saved_absence_ugyldig_and_says_why_when_it_cannot(
    demo_school: School, make_app
) -> None:
    klasse = demo_school.roster.classes[0]
    slot = lesson_at(demo_school, MONDAY, 3, klasse)
    teacher = kontaktlaerer(demo_school, klasse)
    app = make_app(teacher, during(slot, MONDAY))
    async with running(app) as pilot:
        app.open_register(next(s for s in app.screen.states if s.slot == slot))
        await settle(pilot)
        screen = app.screen
        student, late = screen.students[5], screen.students[6]
        await pilot.press("6", "f", "u")  # not saved yet: it says so and changes nothing
        assert "lagre føringen først" in said(app)
        await pilot.press("7", "s", "enter", "ctrl+s")
        await settle(pilot)
        await pilot.press("7", "u")
        assert "kom for sent" in said(app)
        await pilot.press("6", "u")
        await settle(pilot)
        assert "ugyldig" in row_text(screen, student.id)
        assert screen.query_one(DataTable).cursor_row == 5  # the cursor stayed
        await pilot.press("u")  # again: taken back
        await settle(pilot)
        assert "ugyldig" not in row_text(screen, student.id)
        assert late.id in screen.marks
    mark = registration_for(demo_school, klasse, MONDAY, slot.time).mark_for(student.id)
    assert (mark.kind, mark.validity) == (MarkType.FRAVAER, None)
    kinds = [e["hva"] for e in demo_school.store.log.read()[-2:]]
    assert kinds == ["vurdering", "vurdering"]


async def test_a_click_on_a_key_in_the_footer_presses_it(demo_school: School, make_app) -> None:
    """The footer is one line of text (one widget, not one a key): a click on «→ Neste dag»
    still goes to the next day, and a click between two keys does nothing."""
    slot = faglaerer_lesson(demo_school, MONDAY)
    app = make_app(teacher_of(demo_school, slot), dt.datetime.combine(MONDAY, dt.time(7, 0)))
    async with running(app) as pilot:
        lessons = app.screen
        assert isinstance(lessons, LessonsScreen)
        footer = lessons.query_one(Footer)
        words = [description for _, _, description, _ in footer._shown]
        start, end, _ = footer._keys[words.index("Neste dag")]
        await pilot.click(Footer, offset=(end, 0))  # the space after it
        await settle(pilot, "a click beside a key")
        assert lessons.dato == MONDAY
        await pilot.click(Footer, offset=(start, 0))
        await settle(pilot, "a click on «Neste dag»")
        assert lessons.dato == demo_school.calendar.next_school_day(MONDAY)


async def test_a_faglaerer_starts_on_the_day_list_and_hears_why_keys_do_not_apply(
    demo_school: School, make_app
) -> None:
    slot = faglaerer_lesson(demo_school, MONDAY)
    app = make_app(teacher_of(demo_school, slot), dt.datetime.combine(MONDAY, dt.time(7, 0)))
    async with running(app) as pilot:
        lessons = app.screen
        assert isinstance(lessons, LessonsScreen)  # outside lessons: the day's lessons
        own = [s for s in lessons.states if s.own]
        assert own and lessons.states[: len(own)] == own  # own lessons first
        assert {s.slot.klasse for s in lessons.states} == set(demo_school.roster.classes)
        await pilot.press("m")
        assert "kontaktlæreren" in said(app)
        await pilot.press("o")
        assert "for kontaktlærere og ledelsen" in said(app)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegisterScreen) and screen.lesson.slot == own[0].slot
        await pilot.press("u")
        assert app.screen is screen and "Å vurdere fravær (u)" in said(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("Static").render())
        for words in ("Fravær", "Sent", "Gikk", "Merknad", "Lagre", "til elev nummer"):
            assert words in text
        assert "Melding" not in text and "ugyldig" not in text  # not this person's keys
        assert "Hjelp" not in text and "denne hjelpen" not in text  # `?` not listed twice
        await pilot.press("escape")
        assert app.screen is screen


async def test_a_lesson_not_held_is_said_on_the_day_list_and_never_opened(
    demo_school: School, make_app
) -> None:
    """DESIGN: «A lesson can be marked not held (avlyst: trip, exam day)», and it is not
    «ikke ført». A teacher who logs in during her lesson marked not held starts on the day
    list (there is no roll call to take), which says so and does not count it as not
    registered; enter on it says why it does not open, and how to mark it held."""
    slot = faglaerer_lesson(demo_school, MONDAY)
    set_lesson_held(
        demo_school, slot.klasse, MONDAY, slot.time, False, "A001", during(slot, MONDAY)
    )
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    async with running(app) as pilot:
        lessons = app.screen
        assert isinstance(lessons, LessonsScreen)  # not the roll call of a lesson not held
        row = next(i for i, s in enumerate(lessons.states) if s.slot == slot)
        cells = [str(c) for c in lessons.query_one(DataTable).get_row_at(row)]
        assert cells[-1] == "○ ikke holdt (avlyst)"
        title = text_of(lessons, "#title")
        own_before = [
            s for s in lessons.states if s.own and s.slot.start <= slot.start and s.slot != slot
        ]
        assert f"ikke ført: {len(own_before)}" in title
        lessons.query_one(DataTable).move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is lessons
        assert "er merket som ikke holdt (avlyst)" in said(app) and "--held" in said(app)


async def test_permisjon_ahead_of_time_from_the_day_list(demo_school: School, make_app) -> None:
    """Bad dates are explained in the dialog, never a crash (issue 9); then it is saved."""
    klasse = demo_school.roster.classes[0]
    student = demo_school.roster.students_in(klasse)[4]
    before = demo_school.store.load_class("2026-2027", klasse).meldinger
    app = make_app(kontaktlaerer(demo_school, klasse), dt.datetime.combine(MONDAY, dt.time(7, 30)))
    async with running(app) as pilot:
        await pilot.press("escape")  # from the morning overview to the day list
        await settle(pilot)
        await pilot.press("m", "z", "q")
        assert "Ingen treff på «zq»" in text_of(app.screen, "#none")
        app.screen.query_one("#filter", Input).value = student.id  # the picker finds the id
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, MeldingDialog) and dialog.student == student
        for fra, problem in (
            ("[/x]", "«[/x]» er ikke en gyldig dato"),  # Textual markup: MarkupError before
            ("31.12.9999", "«31.12.9999» er utenfor datoene programmet kan bruke"),
        ):
            dialog.query_one("#fra", Input).value = fra
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is dialog and problem in text_of(dialog, "#error")
        assert demo_school.store.load_class("2026-2027", klasse).meldinger == before
        for field, value in (("#fra", "01.12.2026"), ("#til", "03.12.2026")):
            dialog.query_one(field, Input).value = value
        await pilot.press("tab", "tab", "down", "down", "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LessonsScreen)
    saved = [
        m
        for m in demo_school.store.load_class("2026-2027", klasse).meldinger
        if m.elev == student.id and m.tid == dt.datetime.combine(MONDAY, dt.time(7, 30))
    ]
    assert [(m.fra, m.til, m.reason, m.validity) for m in saved] == [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 3), Reason.PERMISJON, Validity.GYLDIG)
    ]
