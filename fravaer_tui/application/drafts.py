"""`session.drafts`: a person's own drafts of roll calls, behind the one door.

A person sees and writes only their own drafts (the folder is named by their staff id, fixed
by the session, never by the caller). Drafts older than `DRAFT_DAYS` are removed when the
person's drafts are read. Saving the lesson deletes its draft (`Session.save_registration`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fravaer_tui.domain.drafts import Draft, expired
from fravaer_tui.domain.model import Mark
from fravaer_tui.store.drafts import DraftStore

if TYPE_CHECKING:
    from fravaer_tui.application.session import Session


class Drafts:
    def __init__(self, session: Session) -> None:
        self.session = session
        store = session.school.store
        self.store = DraftStore(store.root, store.dir_mode)

    @property
    def me(self) -> str:
        return self.session.user.id

    def get(self, klasse: str, dato: dt.date, time: int, today: dt.date) -> Draft | None:
        """The person's draft of this lesson, if any (an expired one is removed)."""
        self.session.require_register(klasse)
        draft = self.store.read(self.me, klasse, dato, time)
        if draft is not None and expired(draft, today):
            self.store.delete(self.me, klasse, dato, time)
            return None
        return draft

    def keep(
        self,
        klasse: str,
        dato: dt.date,
        time: int,
        marks: Iterable[Mark],
        grunnlag: dt.datetime | None,
        now: dt.datetime,
    ) -> Draft:
        """Write the marks as typed so far (replaces the lesson's earlier draft)."""
        self.session.require_register(klasse)
        draft = Draft(klasse, dato, time, self.me, now, tuple(marks), grunnlag)
        self.store.write(draft)
        return draft

    def discard(self, klasse: str, dato: dt.date, time: int) -> None:
        self.session.require_register(klasse)
        self.store.delete(self.me, klasse, dato, time)

    def all(self, today: dt.date) -> list[Draft]:
        """The person's drafts, oldest lesson first; expired ones are removed."""
        self.session.require_children()
        found = []
        for draft in self.store.all(self.me):
            if expired(draft, today):
                self.store.delete(self.me, draft.klasse, draft.dato, draft.time)
            else:
                found.append(draft)
        return sorted(found, key=lambda d: (d.dato, d.time, d.klasse))
