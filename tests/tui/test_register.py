"""The register driven as a teacher drives it: real app, real store, key presses."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input

from fravaer_tui.application.lessons import add_melding, registration_for
from fravaer_tui.application.school import School, open_school
from fravaer_tui.domain.model import MarkType, Reason, Validity
from fravaer_tui.domain.rules import effective_validity
from fravaer_tui.screens.dialogs import MeldingDialog, UnsavedDialog
from fravaer_tui.screens.help import HelpScreen
from fravaer_tui.screens.lessons import LessonsScreen
from fravaer_tui.screens.overview import MorningScreen
from fravaer_tui.screens.register import RegisterScreen
from fravaer_tui.screens.user_picker import UserPickerScreen
from tests.tui.conftest import MONDAY, during, kontaktlaerer, lesson_at


async def settle(app, pilot) -> None:
    """Let workers finish and their messages land."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def row_text(screen: RegisterScreen, elev: str) -> str:
    table = screen.query_one(DataTable)
    return " ".join(str(cell) for cell in table.get_row(elev))


async def test_opens_on_the_current_lesson_and_saves_two_absent_one_late(
    demo_school: School, make_app
) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    teacher = demo_school.roster.staff_member(slot.laerer)
    app = make_app(teacher, during(slot, MONDAY))
    students = demo_school.roster.students_in(slot.klasse)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        assert screen.lesson.slot == slot
        keys = ["3", "f", "7", "f", "1", "2", "s", "enter", "ctrl+s"]
        assert len(keys) <= 12  # the budget for 2 absent and 1 late of ~25
        await pilot.press(*keys)
        await settle(app, pilot)
        assert not screen.dirty
        assert "Ført" in str(screen.query_one("#status").render())
        meldt = {(elev, MarkType.FRAVAER, None) for elev in screen.meldt}

    saved = registration_for(open_school(app.school.store.root), slot.klasse, MONDAY, slot.time)
    assert saved is not None and saved.av == teacher.id
    assert {(m.elev, m.kind, m.minutter) for m in saved.marks} == meldt | {
        (students[2].id, MarkType.FRAVAER, None),
        (students[6].id, MarkType.FRAVAER, None),
        (students[11].id, MarkType.SENT, 4),  # offered: minutes since the lesson started
    }


async def test_an_all_present_lesson_is_saved_in_one_key(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 2)
    app = make_app(demo_school.roster.staff_member(slot.laerer), during(slot, MONDAY))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RegisterScreen)
        meldt = app.screen.meldt  # students foresatte reported away start absent
        keys = ["ctrl+s"]
        assert len(keys) <= 2  # the budget for an all-present lesson, from launch
        await pilot.press(*keys)
        await settle(app, pilot)
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved is not None
    assert {(m.elev, m.kind) for m in saved.marks} == {(e, MarkType.FRAVAER) for e in meldt}


async def test_fast_typing_is_handled_in_order(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 4)
    app = make_app(demo_school.roster.staff_member(slot.laerer), during(slot, MONDAY))
    students = demo_school.roster.students_in(slot.klasse)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("2", "g", "1", "0", "space", "1", "1", "f", "n")
        await pilot.press(*"mangler utstyr", "enter")
        assert screen.marks[students[1].id].kind is MarkType.FORLOT
        assert students[9].id not in screen.marks
        mark = screen.marks[students[10].id]
        assert (mark.kind, mark.merknad) == (MarkType.FRAVAER, "mangler utstyr")


async def test_reopen_and_correct_is_audited(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    teacher = demo_school.roster.staff_member(slot.laerer)
    app = make_app(teacher, during(slot, MONDAY))
    students = demo_school.roster.students_in(slot.klasse)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        meldt = set(app.screen.meldt)
        await pilot.press("3", "f", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
        lessons = app.screen
        index = next(i for i, s in enumerate(lessons.states) if s.slot == slot and s.dato == MONDAY)
        assert lessons.states[index].registered
        lessons.query_one(DataTable).move_cursor(row=index)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        assert screen.marks[students[2].id].kind is MarkType.FRAVAER
        await pilot.press("3", "space", "4", "g", "ctrl+s")
        await settle(app, pilot)
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved is not None
    assert {(m.elev, m.kind) for m in saved.marks} == {(students[3].id, MarkType.FORLOT)} | {
        (e, MarkType.FRAVAER) for e in meldt
    }
    audit = demo_school.store.log.read()
    assert audit[-1]["hva"] == "registrering_endret"
    assert students[2].id in {m["elev"] for m in audit[-1]["for"]["marks"]}
    assert students[2].id not in {m["elev"] for m in audit[-1]["etter"]["marks"]}


async def test_leaving_with_unsaved_changes_asks_first(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    app = make_app(demo_school.roster.staff_member(slot.laerer), during(slot, MONDAY))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        register = app.screen
        await pilot.press("5", "f", "escape")
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.press("a")  # avbryt: stay, keep what was typed
        assert app.screen is register and register.dirty
        await pilot.press("escape", "f")  # forkast
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
    assert registration_for(demo_school, slot.klasse, MONDAY, slot.time) is None


async def test_unsaved_dialog_can_save_and_leave(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    app = make_app(demo_school.roster.staff_member(slot.laerer), during(slot, MONDAY))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await pilot.press("5", "f", "escape", "l")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
    saved = registration_for(demo_school, slot.klasse, MONDAY, slot.time)
    assert saved is not None and saved.mark_for(demo_school.roster.students_in(slot.klasse)[4].id)


async def test_late_minutes_must_be_a_sensible_number(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    app = make_app(demo_school.roster.staff_member(slot.laerer), during(slot, MONDAY))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("1", "s")
        field = screen.query_one("#inline-input", Input)
        assert field.value == "4"
        await pilot.press("9", "9", "9", "enter")  # replaces the offered value; too long
        assert "Skriv et helt tall" in str(screen.query_one("#inline-label").render())
        assert screen.students[0].id not in screen.marks
        await pilot.press("backspace", "backspace", "backspace", *"x1", "2", "enter")
        student = screen.students[0]
        assert screen.marks[student.id].minutter == 12  # letters are not accepted at all


async def test_find_a_student_by_name(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    app = make_app(demo_school.roster.staff_member(slot.laerer), during(slot, MONDAY))
    students = demo_school.roster.students_in(slot.klasse)
    target = students[-3]
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *target.etternavn[:4], "enter", "f")
        first_match = next(
            s
            for s in students
            if s.etternavn.casefold().startswith(target.etternavn[:4].casefold())
        )
        assert app.screen.marks[first_match.id].kind is MarkType.FRAVAER


async def test_a_melding_makes_the_absence_gyldig_and_the_highlight_goes(
    demo_school: School, make_app
) -> None:
    klasse = demo_school.roster.classes[0]
    slot = lesson_at(demo_school, MONDAY, 3, klasse)
    teacher = kontaktlaerer(demo_school, klasse)
    app = make_app(teacher, during(slot, MONDAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lessons = app.screen
        assert isinstance(lessons, LessonsScreen)  # not her lesson: she starts on the list
        index = next(i for i, s in enumerate(lessons.states) if s.slot == slot)
        lessons.query_one(DataTable).move_cursor(row=index)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        nr, student = next(
            (i, s) for i, s in enumerate(screen.students, start=1) if not app.flagged(s.id)
        )
        assert "⚠" not in row_text(screen, student.id)
        await pilot.press(*str(nr), "f", "ctrl+s")
        await settle(app, pilot)
        assert [a.regel for a in app.flagged(student.id)] == ["ugyldig_fravaer"]
        assert "⚠" in row_text(screen, student.id)
        assert any(student.navn in n.message for n in app._notifications)

        await pilot.press(*str(nr), "m")
        assert isinstance(app.screen, MeldingDialog)
        await pilot.press("ctrl+s")  # today, sykdom, gyldig are the defaults
        await settle(app, pilot)
        assert app.screen is screen
        assert app.flagged(student.id) == []
        assert "⚠" not in row_text(screen, student.id)

    data = demo_school.store.load_class("2026-2027", klasse)
    mark = registration_for(demo_school, klasse, MONDAY, slot.time).mark_for(student.id)
    assert effective_validity(mark, MONDAY, data.meldinger)[0] is Validity.GYLDIG


async def test_a_faglaerer_cannot_register_meldinger(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    teacher = demo_school.roster.staff_member(slot.laerer)
    if slot.klasse in teacher.klasser:  # make sure it is someone else's class
        slot = next(
            s
            for s in demo_school.roster.timetable
            if s.ukedag == 1 and s.klasse not in demo_school.roster.staff_member(s.laerer).klasser
        )
        teacher = demo_school.roster.staff_member(slot.laerer)
    app = make_app(teacher, during(slot, MONDAY))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        assert screen.check_action("melding", ()) is False
        await pilot.press("m")
        assert app.screen is screen


async def test_help_lists_the_keys_in_norwegian(demo_school: School, make_app) -> None:
    slot = lesson_at(demo_school, MONDAY, 3)
    app = make_app(demo_school.roster.staff_member(slot.laerer), during(slot, MONDAY))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("Static").render())
        for words in ("Fravær", "Sent", "Gikk", "Merknad", "Lagre", "hopp til elev nummer"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, RegisterScreen)


async def test_outside_lessons_the_app_opens_on_the_day_list(demo_school: School, make_app) -> None:
    teacher = next(  # a faglærer: a kontaktlærer starts the morning on the overview
        demo_school.roster.staff_member(s.laerer)
        for s in demo_school.roster.timetable
        if s.ukedag == 1 and demo_school.roster.staff_member(s.laerer).rolle.value == "faglaerer"
    )
    app = make_app(teacher, dt.datetime.combine(MONDAY, dt.time(7, 0)))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LessonsScreen)
        own = [s for s in screen.states if s.own]
        assert own and screen.states[: len(own)] == own  # own lessons first
        assert {s.slot.klasse for s in screen.states} == set(demo_school.roster.classes)
        assert all(not s.registered for s in screen.states)


async def test_the_demo_school_offers_a_picker(demo_school: School, make_app) -> None:
    app = make_app(None, dt.datetime.combine(MONDAY, dt.time(7, 0)))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, UserPickerScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen | MorningScreen)
        assert app.user is not None


async def test_permisjon_ahead_of_time_from_the_day_list(demo_school: School, make_app) -> None:
    klasse = demo_school.roster.classes[0]
    teacher = kontaktlaerer(demo_school, klasse)
    student = demo_school.roster.students_in(klasse)[4]
    app = make_app(teacher, dt.datetime.combine(MONDAY, dt.time(7, 30)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MorningScreen)  # a kontaktlærer's morning starts there
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
        await pilot.press("m", *f"{student.fornavn} {student.etternavn}", "enter")
        assert isinstance(app.screen, MeldingDialog)
        assert app.screen.student == student
        await pilot.press(*"01.12.2026", "tab", *"03.12.2026", "tab", "down", "down", "enter")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
    saved = [
        m
        for m in demo_school.store.load_class("2026-2027", klasse).meldinger
        if m.elev == student.id and m.tid == dt.datetime.combine(MONDAY, dt.time(7, 30))
    ]
    assert [(m.fra, m.til, m.reason, m.validity) for m in saved] == [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 3), Reason.PERMISJON, Validity.GYLDIG)
    ]


async def test_a_student_with_a_melding_starts_absent_on_the_register(
    demo_school: School, make_app
) -> None:
    klasse = demo_school.roster.classes[0]
    teacher = kontaktlaerer(demo_school, klasse)
    student = demo_school.roster.students_in(klasse)[1]
    add_melding(
        demo_school,
        teacher,
        student.id,
        MONDAY,
        MONDAY,
        Reason.SYKDOM,
        Validity.GYLDIG,
        dt.datetime.combine(MONDAY, dt.time(7, 40)),
    )
    slot = lesson_at(demo_school, MONDAY, 3, klasse)
    app = make_app(demo_school.roster.staff_member(slot.laerer), during(slot, MONDAY))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        assert screen.marks[student.id].kind is MarkType.FRAVAER
        assert "meldt" in row_text(screen, student.id)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = registration_for(demo_school, klasse, MONDAY, slot.time)
    assert (student.id, MarkType.FRAVAER) in {(m.elev, m.kind) for m in saved.marks}
    assert set(screen.meldt) == {m.elev for m in saved.marks}  # only students with a melding


async def test_a_kontaktlaerer_marks_a_saved_absence_ugyldig(demo_school: School, make_app) -> None:
    klasse = demo_school.roster.classes[0]
    slot = lesson_at(demo_school, MONDAY, 3, klasse)
    teacher = kontaktlaerer(demo_school, klasse)
    app = make_app(teacher, during(slot, MONDAY))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        app.open_register(next(s for s in app.screen.states if s.slot == slot))
        await settle(app, pilot)
        screen = app.screen
        student = screen.students[5]
        await pilot.press("6", "u")  # not saved yet: it says so and changes nothing
        assert any("Lagre føringen" in n.message for n in app._notifications)
        await pilot.press("6", "f", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("6", "u")
        await settle(app, pilot)
    mark = registration_for(demo_school, klasse, MONDAY, slot.time).mark_for(student.id)
    assert (mark.kind, mark.validity) == (MarkType.FRAVAER, Validity.UGYLDIG)
    entry = demo_school.store.log.read()[-1]
    assert entry["av"] == teacher.id and entry["hva"] == "vurdering"
