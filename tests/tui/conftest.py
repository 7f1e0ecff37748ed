"""Factories for driving the real app: the demo school, its people, a clock in a lesson, and
an app started and settled on it. The demo history runs to Friday 20.11.2026."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from textual.pilot import Pilot

from fravaer_tui.app import FravaerApp
from fravaer_tui.application.school import School
from fravaer_tui.domain.model import Role, Slot, Staff
from tests.tui.waiting import (
    paint_settled_states_only,
    pilot_waits_for_the_app,
    settle,
    until,
)

MONDAY = dt.date(2026, 11, 23)  # no registrations yet
FRIDAY = dt.date(2026, 11, 20)  # the demo's last day
BEFORE_SCHOOL = dt.datetime.combine(FRIDAY, dt.time(7, 30))
LONG_PAUSE = 600.0  # a row number typed in a test completes by a key, never by the clock


@pytest.fixture(autouse=True)
def _pilot_waits_for_the_app() -> Iterator[None]:
    yield from pilot_waits_for_the_app()


@pytest.fixture(autouse=True)
def _paint_settled_states_only(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("every_frame"):
        yield  # a picture is of the frames a user saw, every one of them painted
    else:
        yield from paint_settled_states_only()


def lesson_at(school: School, dato: dt.date, period: int, klasse: str | None = None) -> Slot:
    klasse = klasse or school.roster.classes[0]
    slot = school.roster.slot(klasse, dato.isoweekday(), period)
    assert slot is not None
    return slot


def during(slot: Slot, dato: dt.date, minutes: int = 4) -> dt.datetime:
    return dt.datetime.combine(dato, slot.start) + dt.timedelta(minutes=minutes)


def kontaktlaerer(school: School, klasse: str | None = None) -> Staff:
    return school.roster.kontaktlaerere(klasse or school.roster.classes[0])[0]


def rektor(school: School) -> Staff:
    return next(s for s in school.roster.staff if s.rolle is Role.REKTOR)


def teacher_of(school: School, slot: Slot) -> Staff:
    staff = school.roster.staff_member(slot.laerer)
    assert staff is not None
    return staff


def faglaerer_lesson(school: School, dato: dt.date) -> Slot:
    """A lesson on `dato` taught by a faglærer who follows no class up."""
    return next(
        s
        for s in sorted(school.roster.timetable, key=lambda s: (s.time, s.klasse))
        if s.ukedag == dato.isoweekday() and teacher_of(school, s).rolle is Role.FAGLAERER
    )


@pytest.fixture
def make_app(demo_school: School) -> Callable[..., FravaerApp]:
    def make(user: Staff | None, now: dt.datetime, jump_pause: float = LONG_PAUSE) -> FravaerApp:
        app = FravaerApp(demo_school, user, clock=lambda: now, check_interval=None)
        app.jump_pause = jump_pause
        return app

    return make


SMALLEST = (80, 24)  # the smallest terminal the design card promises to work in
LARGE = (120, 40)


@contextlib.asynccontextmanager
async def running(app: FravaerApp, size: tuple[int, int] = SMALLEST) -> AsyncIterator[Pilot]:
    """The app started headless at `size`, with its first screen loaded and checked.

    The walks run at the smallest size the app promises (a teacher's laptop terminal): every
    key works there, and a screen of 80×24 costs Textual less than half of 120×40 to draw.
    The pictures (test_snapshots) take both sizes."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot, "the first screen")
        if app.user is not None:  # the first check starts after the first refresh
            await until(pilot, lambda: app.alerts is not None, "the first threshold check")
        yield pilot
