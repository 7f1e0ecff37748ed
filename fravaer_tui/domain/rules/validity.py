"""An absence's effective validity: the judgement on the mark, else the melding that decides
its day (docs/NOTES.md, «Effective validity of an absence»)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from fravaer_tui.domain.model import Mark, Melding, Reason, Validity
from fravaer_tui.domain.schoolcalendar import ONE_DAY


def melding_order(m: Melding) -> tuple[dt.datetime, str]:
    """Meldinger in the order they were registered: where two cover a day, the later wins."""
    return (m.tid or dt.datetime.min, m.id)


def validity_of(mark: Mark, melding: Melding | None) -> tuple[Validity, Reason | None]:
    """An absence's effective validity and reason: a judgement on the mark itself wins, else
    the melding that decides its day (`melding_cover`), else *ikke meldt* (docs/NOTES.md,
    «Effective validity of an absence»)."""
    if mark.validity is not None:
        return mark.validity, mark.reason
    if melding is None:
        return Validity.IKKE_MELDT, None
    return melding.validity, melding.reason


def effective_validity(
    mark: Mark, dato: dt.date, meldinger: Iterable[Melding]
) -> tuple[Validity, Reason | None]:
    """`validity_of` the mark, with the latest registered melding covering the date."""
    covering = [m for m in meldinger if m.fra <= dato <= m.til]
    return validity_of(mark, max(covering, key=melding_order) if covering else None)


def melding_cover(
    meldinger: Iterable[Melding], until: dt.date
) -> dict[tuple[str, dt.date], Melding]:
    """(elev, date) -> the melding that decides that day: the latest registered wins."""
    cover: dict[tuple[str, dt.date], Melding] = {}
    for m in sorted(meldinger, key=melding_order):
        day = m.fra
        while day <= min(m.til, until):
            cover[(m.elev, day)] = m
            day += ONE_DAY
    return cover
