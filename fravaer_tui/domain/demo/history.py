"""The demo's absence history: the year's absence generated student by student from their
habits, then cut at `until` (registrations, meldinger, and the kontaktlærer's calls)."""

from __future__ import annotations

import datetime as dt
import random
import zlib

from fravaer_tui.domain.demo.habits import _Habits
from fravaer_tui.domain.demo.timetable import KROPPSOVING
from fravaer_tui.domain.model import (
    Contact,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Slot,
    Staff,
    Student,
    Validity,
)

REMARK_UTSTYR = "mangler utstyr"


def _at(dato: dt.date, rng: random.Random, earliest: dt.time, latest: dt.time) -> dt.datetime:
    """A random minute on `dato` between two times of day."""
    lo = earliest.hour * 60 + earliest.minute
    hi = latest.hour * 60 + latest.minute
    return dt.datetime.combine(dato, dt.time()) + dt.timedelta(minutes=rng.randint(lo, hi))


_SICK, _PERMISJON, _TRIP = 1, 2, 3


class _History:
    """The year's absence, generated student by student, then cut at `until`."""

    def __init__(
        self,
        rng: random.Random,
        days: list[dt.date],
        until: dt.date,
        timetable: tuple[Slot, ...],
        kontakt: dict[str, str],
        now: dt.datetime | None = None,
    ) -> None:
        self.rng = rng
        self.days = days
        self.until = until
        self.now = now
        self.until_end = now or dt.datetime.combine(until, dt.time.max)
        self.n_history = sum(1 for d in days if d <= until)
        self.weekdays = [d.isoweekday() for d in days]
        self.kontakt = kontakt
        self.week: dict[str, dict[int, list[Slot]]] = {}
        for slot in sorted(timetable, key=lambda s: (s.klasse, s.ukedag, s.time)):
            self.week.setdefault(slot.klasse, {}).setdefault(slot.ukedag, []).append(slot)
        self.marks: dict[tuple[str, int, int], list[Mark]] = {}
        self._meldinger: list[tuple[dt.datetime, str, dt.date, dt.date, Reason, Validity, str]] = []

    def add_student(self, student: Student, habits: _Habits) -> None:
        self._simulate(random.Random(self.rng.getrandbits(64)), student, habits)

    def _melding(
        self,
        tid: dt.datetime,
        student: Student,
        fra: dt.date,
        til: dt.date,
        reason: Reason,
        validity: Validity,
    ) -> None:
        """Keep a melding if it had arrived by the end of `until`; the kontaktlærer registers it."""
        if tid <= self.until_end:
            av = self.kontakt[student.klasse]
            self._meldinger.append((tid, student.id, fra, til, reason, validity, av))

    def _judged(self, rng: random.Random, di: int, share: float) -> Validity | None:
        """Some unexplained absences are judged ugyldig a few school days later; the rest wait."""
        if rng.random() >= share:
            return None
        judged_on = self.days[min(di + rng.randint(2, 10), len(self.days) - 1)]
        return Validity.UGYLDIG if judged_on <= self.until else None

    def _simulate(self, rng: random.Random, student: Student, h: _Habits) -> None:
        """Plan whole days away first (permisjon, trips, sick spells), then each other day."""
        plan = [0] * len(self.days)
        if h.permisjon:
            self._plan_permisjon(rng, student, plan)
        if h.trip:
            self._plan_trip(rng, student, plan)
        self._plan_spells(rng, student, h, plan)
        week, marks, klasse = self.week[student.klasse], self.marks, student.klasse
        absent = Mark(student.id, MarkType.FRAVAER)
        draw = rng.random
        for di, away in enumerate(plan):
            slots = week[self.weekdays[di]]
            if away:
                day = {slot.time: absent for slot in slots}
            else:
                chances = (draw(), draw(), draw(), draw())
                if (
                    chances[0] >= h.single_day
                    and chances[1] >= h.late_day
                    and chances[2] >= h.forlot_day
                    and chances[3] >= h.remark
                ):
                    continue  # the usual day: present in every lesson
                day = self._school_day(rng, student, h, di, slots, chances)
            if di < self.n_history:
                for time, mark in day.items():
                    marks.setdefault((klasse, di, time), []).append(mark)

    def _plan_permisjon(self, rng: random.Random, student: Student, plan: list[int]) -> None:
        """Innvilget permisjon, 2–5 school days, registered 5–10 school days ahead."""
        days = self.days
        if len(days) <= 25:
            return
        start, length = rng.randrange(10, len(days) - 5), rng.randint(2, 5)
        plan[start : start + length] = [_PERMISJON] * length
        tid = _at(days[start - rng.randint(5, 10)], rng, dt.time(12, 0), dt.time(15, 30))
        fra, til = days[start], days[start + length - 1]
        self._melding(tid, student, fra, til, Reason.PERMISJON, Validity.GYLDIG)

    def _plan_trip(self, rng: random.Random, student: Student, plan: list[int]) -> None:
        """A family trip without permisjon: foresatte tell the school, which finds it ugyldig."""
        days = self.days
        if len(days) <= 25:
            return
        start, length = rng.randrange(5, len(days) - 4), rng.randint(2, 4)
        tid = _at(days[start], rng, dt.time(7, 30), dt.time(8, 30))
        if any(plan[start : start + length]):
            return
        plan[start : start + length] = [_TRIP] * length
        fra, til = days[start], days[start + length - 1]
        self._melding(tid, student, fra, til, Reason.ANNET, Validity.UGYLDIG)

    def _plan_spells(
        self, rng: random.Random, student: Student, h: _Habits, plan: list[int]
    ) -> None:
        """Sick spells of whole school days; most reported the first morning, some late or never."""
        days, n = self.days, len(self.days)
        lengths = range(1, len(h.spell_weights) + 1)
        di = 0
        while di < n:
            if plan[di] or rng.random() >= h.spell_start:
                di += 1
                continue
            length = rng.choices(lengths, h.spell_weights)[0]
            end = di
            while end < min(n, di + length) and not plan[end]:
                plan[end] = _SICK
                end += 1
            u = rng.random()
            on_time = _at(days[di], rng, dt.time(7, 30), dt.time(9, 0))
            late = _at(days[min(di + rng.randint(1, 2), n - 1)], rng, dt.time(8, 0), dt.time(14, 0))
            if u >= h.no_melding:
                # A late melding leaves the spell ikke meldt until it arrives.
                tid = on_time if u >= h.no_melding + 0.15 else late
                self._melding(tid, student, days[di], days[end - 1], Reason.SYKDOM, Validity.GYLDIG)
            di = end

    def _school_day(
        self,
        rng: random.Random,
        student: Student,
        h: _Habits,
        di: int,
        slots: list[Slot],
        chances: tuple[float, float, float, float],
    ) -> dict[int, Mark]:
        """A day at school: maybe a short absence, a late arrival, leaving, a remark."""
        elev, dato = student.id, self.days[di]
        day: dict[int, Mark] = {}
        if chances[0] < h.single_day:
            u = rng.random()
            first = rng.randrange(len(slots))
            count = rng.choice((1, 1, 2))
            lege, home = h.single_kinds[0], h.single_kinds[0] + h.single_kinds[1]
            if u < lege:
                for slot in slots[first : first + count]:
                    day[slot.time] = Mark(elev, MarkType.FRAVAER)
                if rng.random() < 0.5:
                    tid = _at(dato - dt.timedelta(days=1), rng, dt.time(18, 0), dt.time(21, 0))
                else:
                    tid = _at(dato, rng, dt.time(7, 0), dt.time(8, 15))
                self._melding(tid, student, dato, dato, Reason.LEGE, Validity.GYLDIG)
            elif u < home:
                # Sent home sick: absent from the lesson the school called home and on.
                first = max(1, first)
                for slot in slots[first:]:
                    day[slot.time] = Mark(elev, MarkType.FRAVAER)
                called = dt.datetime.combine(dato, slots[first].start)
                tid = called + dt.timedelta(minutes=rng.randint(0, 30))
                self._melding(tid, student, dato, dato, Reason.SYKDOM, Validity.GYLDIG)
            else:
                validity = self._judged(rng, di, 0.5)
                for slot in slots[first : first + count]:
                    day[slot.time] = Mark(elev, MarkType.FRAVAER, validity=validity)
        if chances[1] < h.late_day:
            slot = slots[0] if rng.random() < h.late_first else rng.choice(slots)
            minutter = min(25, 2 + int(rng.expovariate(1 / h.late_scale)))
            if slot.time not in day:
                day[slot.time] = Mark(elev, MarkType.SENT, minutter=minutter)
        if chances[2] < h.forlot_day:
            slot = rng.choice(slots[2:])
            validity = self._judged(rng, di, 0.6)
            if slot.time not in day:
                day[slot.time] = Mark(elev, MarkType.FORLOT, validity=validity)
        if chances[3] < h.remark:
            for slot in slots:
                if slot.fag == KROPPSOVING and slot.time not in day:
                    day[slot.time] = Mark(elev, None, merknad=REMARK_UTSTYR)
        return day

    def registrations(
        self, classes: tuple[str, ...], staff: tuple[Staff, ...]
    ) -> tuple[Registration, ...]:
        """Every lesson up to `until` is registered, except ~1.5 %, mostly by a few teachers."""
        rng = random.Random(self.rng.getrandbits(64))
        teachers = sorted(s.id for s in staff if not s.rolle.is_ledelse)
        weekly: dict[str, int] = dict.fromkeys(teachers, 0)
        for by_day in self.week.values():
            for slots in by_day.values():
                for slot in slots:
                    weekly[slot.laerer] += 1
        sloppy = rng.sample(teachers, max(1, round(len(teachers) * 0.08)))
        total = sum(weekly.values())
        sloppy_share = min(0.35, 0.012 * total / max(1, sum(weekly[t] for t in sloppy)))
        miss = {t: (sloppy_share if t in sloppy else 0.002) for t in teachers}

        result = []
        draw = rng.random
        for di in range(self.n_history):
            dato, weekday = self.days[di], self.weekdays[di]
            for klasse in classes:
                for slot in self.week[klasse][weekday]:
                    skipped = draw() < miss[slot.laerer]
                    minutes = 1 + int(draw() * 6)
                    if skipped or self._not_yet(dato, slot, draw()):
                        continue
                    tid = dt.datetime.combine(dato, slot.start) + dt.timedelta(minutes=minutes)
                    marks = tuple(self.marks.get((klasse, di, slot.time), ()))
                    result.append(Registration(klasse, dato, slot.time, slot.laerer, tid, marks))
        return tuple(result)

    FOLLOWED_UP = 0.85  # the share of absence spells the kontaktlærer follows up with a call
    OPEN_DAYS = 2  # spells that ended this few school days ago may not be followed up yet

    def contacts(self, students: tuple[Student, ...]) -> tuple[Contact, ...]:
        """The kontaktlærer's calls home: after most spells of absence, the same school day or
        the next, so the morning overview shows old alerts followed up and the newest open.
        Each call is drawn from its own seed (student and day), so a later demo keeps them."""
        absent: dict[str, set[int]] = {}
        for (_, di, _), marks in self.marks.items():
            for m in marks:
                if m.kind is not None:
                    absent.setdefault(m.elev, set()).add(di)
        found = []
        for student in students:
            days = sorted(absent.get(student.id, ()))
            spells = [d for i, d in enumerate(days) if i + 1 == len(days) or days[i + 1] > d + 1]
            for last in spells:
                rng = random.Random(zlib.crc32(f"{student.id}|{last}".encode()))
                on = last + rng.randint(0, 1)
                if rng.random() >= self.FOLLOWED_UP or on >= self.n_history - self.OPEN_DAYS:
                    continue
                tid = _at(self.days[on], rng, dt.time(8, 0), dt.time(15, 30))
                if tid > self.until_end:
                    continue
                found.append(
                    Contact(
                        f"K{tid:%Y%m%d%H%M}-{student.id}",
                        student.id,
                        tid,
                        self.kontakt[student.klasse],
                        "ringt foresatte",
                        "snakket med foresatte",
                    )
                )
        return tuple(sorted(found, key=lambda c: (c.tid, c.elev)))

    WAITING = dt.timedelta(hours=1)  # lessons that ended this recently may still wait

    def _not_yet(self, dato: dt.date, slot: Slot, chance: float) -> bool:
        """On the day the demo is built: not ended yet, or ended lately and still waiting for
        the teacher (every other such lesson)."""
        if self.now is None or dato != self.now.date():
            return False
        ended = dt.datetime.combine(dato, slot.slutt)
        return ended > self.now or (self.now - ended < self.WAITING and chance < 0.5)

    def meldinger(self) -> tuple[Melding, ...]:
        ordered = sorted(self._meldinger, key=lambda m: (m[0], m[1], m[2]))
        return tuple(
            Melding(f"M{i:05d}", elev, fra, til, reason, validity, av, tid)
            for i, (tid, elev, fra, til, reason, validity, av) in enumerate(ordered, 1)
        )
