"""Dates typed into the app's dialogs: a clear message in the dialog, never a crash (issue 9)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static

from fravaer_tui.application.school import School
from fravaer_tui.dialogs.melding import MeldingDialog
from fravaer_tui.dialogs.student_picker import StudentPicker
from tests.tui.conftest import MONDAY, kontaktlaerer, running
from tests.tui.waiting import settle


async def test_a_bad_date_in_the_melding_dialog_is_explained_there(
    demo_school: School, make_app
) -> None:
    klasse = demo_school.roster.classes[0]
    student = demo_school.roster.students_in(klasse)[4]
    before = demo_school.store.load_class("2026-2027", klasse).meldinger
    app = make_app(kontaktlaerer(demo_school, klasse), dt.datetime.combine(MONDAY, dt.time(7, 30)))
    async with running(app) as pilot:
        await pilot.press("escape", "m")  # the day list, then «melding for a student»
        assert isinstance(app.screen, StudentPicker)
        await pilot.press(*"zz9")
        assert "Ingen treff på «zz9»" in str(app.screen.query_one("#none", Static).render())
        app.screen.query_one("#filter", Input).value = student.id
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, MeldingDialog)
        for fra, problem in (
            ("[/x]", "«[/x]» er ikke en gyldig dato"),  # Textual markup: MarkupError before
            ("31.12.9999", "«31.12.9999» er utenfor datoene programmet kan bruke"),
        ):
            dialog.query_one("#fra", Input).value = fra
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is dialog  # still open, saying what is wrong
            assert problem in str(dialog.query_one("#error", Static).render())
    assert demo_school.store.load_class("2026-2027", klasse).meldinger == before


@pytest.mark.parametrize("typed", ["[b]x", "\x1b[2Jx"])
async def test_typed_markup_or_escapes_in_a_search_are_text(
    demo_school: School, make_app, typed: str
) -> None:
    from fravaer_tui.screens.register import RegisterScreen
    from tests.tui.conftest import during, lesson_at, teacher_of

    slot = lesson_at(demo_school, MONDAY, 3)
    app = make_app(teacher_of(demo_school, slot), during(slot, MONDAY))
    async with running(app) as pilot:
        assert isinstance(app.screen, RegisterScreen)
        await pilot.press("slash")
        app.screen.query_one("#inline-input", Input).value = typed
        await pilot.press("enter")
        await settle(pilot)
        assert any("Ingen treff" in n.message for n in app._notifications)
