"""Drafts of roll calls (issue 12, point 1): private, atomic, never data, gone when saved."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from fravaer_tui.application.school import School, run_check
from fravaer_tui.application.session import Session
from fravaer_tui.domain.drafts import Draft, differences, expired, saved_meanwhile
from fravaer_tui.domain.model import Mark, MarkType, Registration, Role
from fravaer_tui.store.drafts import DRAFT_DIR, DraftStore
from fravaer_tui.store.files import UnsafeEntryError

MONDAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 10, 25)


def lesson(school: School) -> tuple[str, int, list[str]]:
    klasse = school.roster.classes[0]
    slot = school.roster.slot(klasse, MONDAY.isoweekday(), 3)
    return klasse, slot.time, [s.id for s in school.roster.students_in(klasse)]


def teachers(school: School) -> tuple[Session, Session]:
    a, b = [s for s in school.roster.staff if s.rolle is Role.FAGLAERER][:2]
    return Session(school, a), Session(school, b)


def test_a_draft_is_private_kept_and_read_back(demo_school: School) -> None:
    klasse, time, elever = lesson(demo_school)
    mine, theirs = teachers(demo_school)
    marks = [Mark(elever[0], MarkType.FRAVAER), Mark(elever[1], MarkType.SENT, 5, "mangler utstyr")]
    mine.drafts.keep(klasse, MONDAY, time, marks, None, NOW)
    again = mine.drafts.get(klasse, MONDAY, time, MONDAY)
    assert again is not None and again.marks == tuple(marks) and again.tid == NOW
    assert theirs.drafts.get(klasse, MONDAY, time, MONDAY) is None  # a person sees their own
    assert theirs.drafts.all(MONDAY) == []
    path = mine.drafts.store.path(mine.user.id, klasse, MONDAY, time)
    assert path.parent.parent == demo_school.store.root / DRAFT_DIR
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_draft_is_not_data(demo_school: School) -> None:
    """Not in the audit log, not counted by any rule, not in a backup; gone when saved."""
    klasse, time, elever = lesson(demo_school)
    mine, _ = teachers(demo_school)
    log_before = demo_school.store.log.read()
    check_before = run_check(demo_school, MONDAY)
    mine.drafts.keep(klasse, MONDAY, time, [Mark(e, MarkType.FRAVAER) for e in elever], None, NOW)
    assert demo_school.store.log.read() == log_before
    assert run_check(demo_school, MONDAY).alerts == check_before.alerts
    assert DRAFT_DIR not in {p.name for p in demo_school.store.backups.data_entries()}
    mine.save_registration(klasse, MONDAY, time, [Mark(elever[0], MarkType.FRAVAER)], NOW)
    assert mine.drafts.get(klasse, MONDAY, time, MONDAY) is None


def test_old_and_damaged_drafts_go(demo_school: School) -> None:
    klasse, time, elever = lesson(demo_school)
    mine, _ = teachers(demo_school)
    mine.drafts.keep(klasse, MONDAY, time, [Mark(elever[0], MarkType.FRAVAER)], None, NOW)
    assert [d.time for d in mine.drafts.all(MONDAY + dt.timedelta(days=6))] == [time]
    assert mine.drafts.all(MONDAY + dt.timedelta(days=7)) == []  # a week untouched: removed
    mine.drafts.keep(klasse, MONDAY, time, [Mark(elever[0], MarkType.FRAVAER)], None, NOW)
    path = mine.drafts.store.path(mine.user.id, klasse, MONDAY, time)
    path.write_bytes(b'{"klasse": "8A", "dato": "2026-1')  # cut short by a crash
    assert mine.drafts.get(klasse, MONDAY, time, MONDAY) is None and not path.exists()


def test_a_draft_is_never_read_or_written_through_a_link(demo_school: School, tmp_path) -> None:
    klasse, time, elever = lesson(demo_school)
    mine, _ = teachers(demo_school)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, demo_school.store.root / DRAFT_DIR)
    with pytest.raises(UnsafeEntryError):
        mine.drafts.keep(klasse, MONDAY, time, [Mark(elever[0], MarkType.FRAVAER)], None, NOW)
    assert list(elsewhere.iterdir()) == []
    os.unlink(demo_school.store.root / DRAFT_DIR)
    store = DraftStore(demo_school.store.root)
    folder = store.folder(mine.user.id)
    folder.mkdir(parents=True)
    target = tmp_path / "secret.json"
    target.write_text("{}")
    os.symlink(target, store.path(mine.user.id, klasse, MONDAY, time))
    with pytest.raises(UnsafeEntryError):
        mine.drafts.get(klasse, MONDAY, time, MONDAY)


def test_saved_meanwhile_and_the_differences_side_by_side() -> None:
    base = dt.datetime(2026, 11, 23, 10, 21)
    draft = Draft("8A", MONDAY, 3, "A1", NOW, (Mark("e1", MarkType.FRAVAER),), grunnlag=None)
    assert not saved_meanwhile(draft, None)
    saved = Registration("8A", MONDAY, 3, "A2", base, (Mark("e2", MarkType.FRAVAER),))
    assert saved_meanwhile(draft, saved)  # saved by someone after the draft began
    assert not saved_meanwhile(Draft("8A", MONDAY, 3, "A1", NOW, (), grunnlag=base), saved)
    assert [(e, bool(a), bool(b)) for e, a, b in differences(draft, saved)] == [
        ("e1", True, False),
        ("e2", False, True),
    ]
    judged = Registration("8A", MONDAY, 3, "A2", base, (Mark("e1", MarkType.FRAVAER),))
    assert differences(draft, judged) == []
    assert not expired(draft, MONDAY) and expired(draft, MONDAY + dt.timedelta(days=7))
