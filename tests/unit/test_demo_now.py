"""The demo tells the real story (issue 12, point 9): registered up to the moment it is built,
some of today's lessons waiting, the kontaktlærere's calls home, and up to 3,000 students."""

from __future__ import annotations

import datetime as dt

from fravaer_tui.domain.demo import build_demo

WEDNESDAY = dt.date(2026, 12, 2)
NOW = dt.datetime(2026, 12, 2, 10, 25)


def test_only_lessons_that_have_ended_are_registered_and_some_still_wait() -> None:
    demo = build_demo(150, seed=4, until=WEDNESDAY, now=NOW)
    slots = {(s.klasse, s.time): s for s in demo.roster.timetable if s.ukedag == 3}
    today = [r for r in demo.registrations if r.dato == WEDNESDAY]
    ended = [k for k, s in slots.items() if dt.datetime.combine(WEDNESDAY, s.slutt) <= NOW]
    assert today and all(
        dt.datetime.combine(WEDNESDAY, slots[(r.klasse, r.time)].slutt) <= NOW for r in today
    )
    assert len(today) < len(ended)  # some of today's are still waiting for their teacher
    assert all(m.tid is None or m.tid <= NOW for m in demo.meldinger)
    assert all(c.tid <= NOW for c in demo.contacts)
    whole_day = build_demo(150, seed=4, until=WEDNESDAY)
    assert len([r for r in whole_day.registrations if r.dato == WEDNESDAY]) > len(today)


def test_the_kontaktlaerere_call_home_and_a_later_demo_keeps_the_calls() -> None:
    early = build_demo(75, seed=3, until=dt.date(2026, 11, 20))
    later = build_demo(75, seed=3, until=dt.date(2026, 11, 27))
    assert early.contacts and set(early.contacts) <= set(later.contacts)
    kontakt = {s.id for s in early.roster.staff if s.rolle.value == "kontaktlaerer"}
    assert {c.av for c in early.contacts} <= kontakt


def test_three_thousand_students_have_room() -> None:
    demo = build_demo(3000, seed=1, until=dt.date(2026, 9, 1))
    classes = demo.roster.classes
    assert len(demo.roster.students) == 3000 and len(set(classes)) == len(classes) == 120
    assert {"8Z", "8AA", "10AN"} <= set(classes)
