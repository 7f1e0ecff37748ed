"""The roll call's read model: what the register shows for a lesson, and each row's state in
words (a pure view builder, issue 10 point 3 and issue 12 point 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fravaer_tui.domain.drafts import Draft
from fravaer_tui.domain.model import Mark, Melding, Registration
from fravaer_tui.domain.rules import effective_validity
from fravaer_tui.domain.words import validity_words


@dataclass(frozen=True, slots=True)
class RegisterData:
    registration: Registration | None
    earlier: dict[str, list[tuple[int, Mark]]]
    meldt: set[str]  # students with a melding for the day: absent unless they turn up
    meldinger: dict[str, Melding]  # the melding deciding each absence (kontaktlærer, ledelse)
    draft: Draft | None
    flagged: frozenset[str] = frozenset()  # the class's students with an alert (first frame)


def row_state(
    mark: Mark | None,
    saved: Mark | None,
    melding: Melding | None,
    meldt: bool,
    follows_up: bool,
    dato: dt.date,
) -> str:
    """Validity and remark in words. Reasons only for those who follow the class up; a
    faglærer sees that foresatte have reported the student away (meldt), not why."""
    words = []
    if mark is not None and mark.kind is not None and mark.kind.is_absence:
        if follows_up:
            judged = saved if saved is not None and saved.kind == mark.kind else mark
            validity, reason = effective_validity(judged, dato, [melding] if melding else [])
            words.append(validity_words(validity, reason))
        elif meldt:
            words.append("meldt")
    elif meldt:
        words.append("meldt borte")
    if mark is not None and mark.merknad:
        words.append(mark.merknad)
    return " · ".join(words)
