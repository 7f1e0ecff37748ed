"""A roll call being typed and not yet saved: the teacher's private draft (utkast).

Issue 12, point 1: «Unsaved marks are kept as a private draft as they are typed, so a SIGHUP,
a kill or a crash loses nothing ... Drafts of lessons saved meanwhile by someone else are
shown side by side, never silently applied.» A draft is not data: no rule counts it and the
audit log never sees it. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fravaer_tui.domain.model import Mark, Registration

DRAFT_DAYS = 7  # a draft untouched this long is removed: the lesson is long past


@dataclass(frozen=True, slots=True)
class Draft:
    """`grunnlag` is when the registration the draft started from was saved (None: none was)."""

    klasse: str
    dato: dt.date
    time: int
    av: str
    tid: dt.datetime  # the last change
    marks: tuple[Mark, ...]
    grunnlag: dt.datetime | None = None

    def marks_by_student(self) -> dict[str, Mark]:
        return {m.elev: m for m in self.marks}


def saved_meanwhile(draft: Draft, saved: Registration | None) -> bool:
    """The lesson was saved (by anyone, anywhere) after the draft began from it."""
    if saved is None:
        return False
    return draft.grunnlag is None or saved.tid != draft.grunnlag


def differences(
    draft: Draft, saved: Registration | None
) -> list[tuple[str, Mark | None, Mark | None]]:
    """Students whose mark differs: (elev, in the draft, as saved); the default is present."""
    mine = draft.marks_by_student()
    theirs = {m.elev: m for m in saved.marks} if saved else {}
    found = []
    for elev in sorted(mine.keys() | theirs.keys()):
        a, b = mine.get(elev), theirs.get(elev)
        if _essence(a) != _essence(b):
            found.append((elev, a, b))
    return found


def _essence(mark: Mark | None) -> tuple[object, ...]:
    """What the teacher typed (a judgement made since is not the draft's business)."""
    if mark is None or (mark.kind is None and not mark.merknad):
        return ()
    return (mark.kind, mark.minutter, mark.merknad)


def expired(draft: Draft, today: dt.date, days: int = DRAFT_DAYS) -> bool:
    return (today - draft.tid.date()).days >= days
