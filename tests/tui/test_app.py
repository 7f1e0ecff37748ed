"""The app opens on the demo school (the registration screens come with the TUI issue)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from fravaer_tui.app import FravaerApp
from fravaer_tui.services import School


async def test_app_opens_on_the_school_and_quits(demo_school: School) -> None:
    user = demo_school.roster.staff[0]
    app = FravaerApp(demo_school, user, dt.datetime(2026, 11, 20, 8, 35))
    async with app.run_test(size=(80, 24)) as pilot:
        text = str(app.screen.query_one("#home", Static).render())
        assert demo_school.config.navn in text
        assert "20.11.2026" in text
        await pilot.press("ctrl+q")
    assert app.return_code == 0
