"""Factories for driving the real app: a demo school copy and a clock inside a lesson."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from fravaer_tui.app import FravaerApp
from fravaer_tui.application.school import School
from fravaer_tui.domain.model import Slot, Staff

# The demo history runs to Friday 20.11.2026; Monday 23.11 has no registrations yet.
MONDAY = dt.date(2026, 11, 23)


def lesson_at(school: School, dato: dt.date, period: int, klasse: str | None = None) -> Slot:
    klasse = klasse or school.roster.classes[0]
    slot = school.roster.slot(klasse, dato.isoweekday(), period)
    assert slot is not None
    return slot


def during(slot: Slot, dato: dt.date, minutes: int = 4) -> dt.datetime:
    return dt.datetime.combine(dato, slot.start) + dt.timedelta(minutes=minutes)


def kontaktlaerer(school: School, klasse: str) -> Staff:
    return school.roster.kontaktlaerere(klasse)[0]


@pytest.fixture
def make_app(demo_school: School) -> Callable[..., FravaerApp]:
    def make(user: Staff | None, now: dt.datetime) -> FravaerApp:
        return FravaerApp(demo_school, user, clock=lambda: now, check_interval=None)

    return make
