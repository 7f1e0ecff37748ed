"""How each demo student tends to be absent: most a little, a long tail more, a few very
much; some late-comers, some who leave, some without their gym kit."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

_NORMAL, _TAIL, _VERY_HIGH = "normal", "tail", "very_high"


@dataclass(frozen=True, slots=True)
class _Habits:
    """How one student tends to be absent; drawn once per student."""

    kind: str
    spell_start: float  # chance a sick spell starts on a free school day
    spell_weights: tuple[int, ...]  # lengths 1..5 school days
    no_melding: float  # share of spells foresatte never report
    single_day: float  # chance of a short absence (a lesson or two, or sent home) on a day
    single_kinds: tuple[float, float, float]  # lege, sent home sick, unexplained
    late_day: float
    late_first: float  # share of lates in the day's first lesson
    late_scale: float  # mean minutes late beyond the minimum
    forlot_day: float
    remark: float  # chance of *mangler utstyr* on a day with kroppsøving
    permisjon: bool
    trip: bool


def _habits(
    rng: random.Random,
    kind: str,
    chronic_late: bool,
    leaves: bool,
    remarks: bool,
    perm: bool,
    trip: bool,
) -> _Habits:
    if kind == _VERY_HIGH:
        rate, spell_share, weights = rng.uniform(0.30, 0.45), 0.75, (10, 15, 20, 25, 30)
        no_melding, kinds = 0.5, (0.1, 0.1, 0.8)
    elif kind == _TAIL:
        rate, spell_share, weights = rng.uniform(0.10, 0.25), 0.6, (30, 25, 20, 15, 10)
        no_melding, kinds = 0.25, (0.3, 0.2, 0.5)
    else:
        rate = min(0.05, max(0.004, rng.lognormvariate(math.log(0.02), 0.5)))
        spell_share, weights = 0.7, (40, 28, 17, 10, 5)
        no_melding, kinds = 0.08, (0.55, 0.35, 0.10)
    mean_length = sum(w * n for n, w in enumerate(weights, 1)) / sum(weights)
    return _Habits(
        kind=kind,
        spell_start=spell_share * rate / mean_length,
        spell_weights=weights,
        no_melding=no_melding,
        # A short absence takes about two of a day's ~5.8 lessons.
        single_day=min(0.8, (1 - spell_share) * rate * 5.8 / 2),
        single_kinds=kinds,
        late_day=rng.uniform(0.25, 0.4) if chronic_late else rng.uniform(0.005, 0.02),
        late_first=0.85 if chronic_late else 0.5,
        late_scale=7.0 if chronic_late else 4.0,
        forlot_day=rng.uniform(0.04, 0.08) if leaves else 0.0,
        remark=rng.uniform(0.2, 0.35) if remarks else 0.004,
        permisjon=perm,
        trip=trip,
    )


def _all_habits(rng: random.Random, count: int) -> list[_Habits]:
    """Fixed shares of each kind of student: every demo has a long tail, late-comers, ..."""

    def pick(share: float, least: int = 1) -> set[int]:
        return set(rng.sample(range(count), min(count, max(least, round(share * count)))))

    order = rng.sample(range(count), count)
    very_high = set(order[: max(1, round(0.004 * count))])
    tail = set(order[len(very_high) : len(very_high) + max(2, round(0.08 * count))])
    late, leaves, remarks = pick(0.015), pick(0.012), pick(0.03)
    permisjon, trip = pick(0.05), pick(0.015)
    return [
        _habits(
            rng,
            _VERY_HIGH if i in very_high else _TAIL if i in tail else _NORMAL,
            chronic_late=i in late,
            leaves=i in leaves,
            remarks=i in remarks,
            perm=i in permisjon,
            trip=i in trip,
        )
        for i in range(count)
    ]
