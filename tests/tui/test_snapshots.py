"""Pictures of the main screens at 80×24 and 120×40, so a layout regression shows as a diff.

Update after a deliberate change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fravaer_tui.app import FravaerApp
from fravaer_tui.application.school import School
from tests.tui.conftest import MONDAY, during, kontaktlaerer, lesson_at
from tests.tui.test_register import settle

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
def test_register_screen(snap_compare, demo_school: School, size: tuple[int, int]) -> None:
    klasse = demo_school.roster.classes[0]
    slot = lesson_at(demo_school, MONDAY, 3, klasse)
    app = FravaerApp(
        demo_school,
        kontaktlaerer(demo_school, klasse),
        clock=lambda: during(slot, MONDAY),
        check_interval=None,
    )

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        app.open_register(next(s for s in app.screen.states if s.slot == slot))
        await settle(app, pilot)
        await pilot.press("3", "f", "7", "s", "enter", "9", "n", *"mangler utstyr", "enter", "1")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_lesson_list(snap_compare, demo_school: School, size: tuple[int, int]) -> None:
    teacher = next(
        demo_school.roster.staff_member(s.laerer)
        for s in demo_school.roster.timetable
        if s.ukedag == 1 and demo_school.roster.staff_member(s.laerer).rolle.value == "faglaerer"
    )
    app = FravaerApp(
        demo_school,
        teacher,
        clock=lambda: dt.datetime.combine(MONDAY, dt.time(7, 45)),
        check_interval=None,
    )

    async def run_before(pilot) -> None:
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


MORNING = dt.datetime(2026, 11, 20, 7, 30)  # before the first lesson, demo data up to this day


@SIZES
def test_morning_overview(snap_compare, demo_school: School, size: tuple[int, int]) -> None:
    teacher = kontaktlaerer(demo_school, demo_school.roster.classes[0])
    app = FravaerApp(demo_school, teacher, clock=lambda: MORNING, check_interval=None)

    async def run_before(pilot) -> None:
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_student_page(snap_compare, demo_school: School, size: tuple[int, int]) -> None:
    klasse = demo_school.roster.classes[0]
    teacher = kontaktlaerer(demo_school, klasse)
    app = FravaerApp(demo_school, teacher, clock=lambda: MORNING, check_interval=None)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        flagged = sorted(
            app.alerts.flagged & {s.id for s in demo_school.roster.students_in(klasse)}
        )
        from fravaer_tui.screens.student import StudentScreen

        app.push_screen(StudentScreen(flagged[0], MORNING.date()))
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_leaders_overview(snap_compare, demo_school: School, size: tuple[int, int]) -> None:
    rektor = next(s for s in demo_school.roster.staff if s.rolle.value == "rektor")
    app = FravaerApp(demo_school, rektor, clock=lambda: MORNING, check_interval=None)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
