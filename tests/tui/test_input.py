"""Dates typed into the app's dialogs: a clear message in the dialog, never a crash (issue 9)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static

from fravaer_tui.application.school import School
from fravaer_tui.screens.dialogs import MeldingDialog
from fravaer_tui.screens.lessons import LessonsScreen
from tests.tui.conftest import MONDAY, kontaktlaerer


@pytest.mark.parametrize(
    ("fra", "problem"),
    [
        ("[/x]", "«[/x]» er ikke en gyldig dato"),  # Textual markup: raised MarkupError before
        ("31.12.9999", "«31.12.9999» er utenfor datoene programmet kan bruke"),
    ],
)
async def test_a_bad_date_in_the_melding_dialog_is_explained_there(
    demo_school: School, make_app, fra: str, problem: str
) -> None:
    klasse = demo_school.roster.classes[0]
    student = demo_school.roster.students_in(klasse)[4]
    before = demo_school.store.load_class("2026-2027", klasse).meldinger
    app = make_app(kontaktlaerer(demo_school, klasse), dt.datetime.combine(MONDAY, dt.time(7, 30)))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LessonsScreen)
        await pilot.press("m", *f"{student.fornavn} {student.etternavn}", "enter")
        dialog = app.screen
        assert isinstance(dialog, MeldingDialog)
        dialog.query_one("#fra", Input).value = fra
        dialog.query_one("#til", Input).value = "03.12.2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # still open, saying what is wrong
        assert problem in str(dialog.query_one("#error", Static).render())
    assert demo_school.store.load_class("2026-2027", klasse).meldinger == before
