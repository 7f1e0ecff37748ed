"""The threshold check: every rule of a profile for every student on a check date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from fravaer_tui.domain.model import (
    CancelledLesson,
    Contact,
    MarkType,
    Melding,
    Registration,
    Roster,
    Validity,
    class_sort_key,
    remark_code,
)
from fravaer_tui.domain.profiles import Profile
from fravaer_tui.domain.rules.lessons import Lessons
from fravaer_tui.domain.rules.student import RULES, StudentCheck, window_start
from fravaer_tui.domain.rules.validity import melding_cover, validity_of
from fravaer_tui.domain.rules.values import (
    Alert,
    CheckResult,
    Entry,
    StudentFigures,
    follows_up,
)
from fravaer_tui.domain.schoolcalendar import (
    ONE_DAY,
    SchoolCalendar,
    months_window_start,
    school_year_name,
    semester_bounds,
)


def data_start(profile: Profile, dato: dt.date) -> dt.date:
    """The earliest date any rule of `profile` reads for a check on `dato`.

    `langvarig_kjent_aarsak` asks whether `hoyt_fravaer` held on every day of its months,
    so it reads `hoyt_fravaer`'s window of the day before those months too (Hole: six
    months back for three months of a three-month window)."""
    starts = [semester_bounds(dato)[0]]
    starts += [window_start(r, dato) for r in profile.rules]
    hoyt, langvarig = profile.rule("hoyt_fravaer"), profile.rule("langvarig_kjent_aarsak")
    if hoyt is not None and langvarig is not None:
        before = months_window_start(dato, langvarig.maaneder or 3) - ONE_DAY
        starts.append(window_start(hoyt, before))
    return min(starts)


def check(
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    meldinger: Iterable[Melding],
    profile: Profile,
    dato: dt.date,
    elever: Iterable[str] | None = None,
    *,
    contacts: Iterable[Contact] = (),
    cancelled: Iterable[CancelledLesson] = (),
) -> CheckResult:
    """Run every rule of `profile` for every student (or those in `elever`) at `dato`.

    `contacts`: the contact log, which decides each alert's status; `cancelled`: lessons
    marked not held (their registrations, if any, count for nothing).
    """
    cancelled = [c for c in cancelled if c.dato <= dato]
    not_held = {(c.klasse, c.dato, c.time) for c in cancelled}
    registrations = [
        r for r in registrations if r.dato <= dato and (r.klasse, r.dato, r.time) not in not_held
    ]
    lessons = Lessons(roster, calendar, registrations, cancelled)
    wanted = set(elever) if elever is not None else None
    covered = melding_cover(meldinger, until=dato)
    kontakter: dict[str, list[dt.date]] = defaultdict(list)
    for contact in contacts:
        if contact.tid.date() <= dato and follows_up(contact):
            kontakter[contact.elev].append(contact.tid.date())

    # One pass over every mark of the window (25,000 at a 600-student school's year end):
    # what each mark reads is looked up once a lesson, not once a mark.
    entries: dict[str, list[Entry]] = defaultdict(list)
    late, not_reported = MarkType.SENT, Validity.IKKE_MELDT
    for reg in registrations:
        dag, time, klasse = reg.dato, reg.time, reg.klasse
        for mark in reg.marks:
            kind, elev = mark.kind, mark.elev
            coded = remark_code(mark.merknad) if mark.merknad else None
            if (kind is None and coded is None) or (wanted is not None and elev not in wanted):
                continue
            absent = kind is not None and kind is not late
            if absent:
                validity, reason = validity_of(mark, covered.get((elev, dag)))
            else:
                validity, reason = not_reported, None
            merknad = coded.value if coded is not None else ""
            entries[elev].append(
                Entry(dag, time, klasse, kind, absent, validity, reason, mark.minutter, merknad)
            )

    fra = semester_bounds(dato)[0]
    year = school_year_name(dato)
    alerts: list[Alert] = []
    figures: dict[str, StudentFigures] = {}
    for student in sorted(
        roster.students, key=lambda s: (class_sort_key(s.klasse_i(year)), s.sort_key)
    ):
        if wanted is not None and student.id not in wanted:
            continue
        one = StudentCheck(
            student, entries.get(student.id, []), lessons, dato, kontakter.get(student.id), profile
        )
        figures[student.id] = one.figures(fra)
        if not one.entries:
            continue
        for rule in profile.rules:
            alert = RULES[rule.id](one, rule)
            if alert is not None:
                alerts.append(alert)
    return CheckResult(dato=dato, profile=profile.id, alerts=tuple(alerts), figures=figures)
