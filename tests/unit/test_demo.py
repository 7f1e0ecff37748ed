"""The demo school: a believable, deterministic school year built from a seed."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from collections import Counter, defaultdict

import pytest

from fravaer_tui.domain.demo import DemoSchool, build_demo, easter_sunday, school_holidays
from fravaer_tui.domain.model import MarkType, Reason, Role, Validity
from fravaer_tui.domain.schoolcalendar import SchoolCalendar, public_holidays

YEAR_END = dt.date(2027, 6, 30)  # summer holiday: the whole school year 2026-2027 so far
AUTUMN = dt.date(2026, 10, 21)
SEED = 1


@pytest.fixture(scope="module")
def small() -> DemoSchool:
    return build_demo(75, seed=SEED, until=YEAR_END)


@pytest.fixture(scope="module")
def autumn() -> DemoSchool:
    return build_demo(75, seed=SEED, until=AUTUMN)


@pytest.fixture(scope="module")
def big() -> DemoSchool:
    return build_demo(600, seed=SEED, until=YEAR_END)


def lessons_per_day(demo: DemoSchool) -> dict[tuple[str, dt.date], int]:
    return Counter((reg.klasse, reg.dato) for reg in demo.registrations)


def absent_lessons(demo: DemoSchool) -> dict[str, Counter[dt.date]]:
    result: dict[str, Counter[dt.date]] = defaultdict(Counter)
    for reg in demo.registrations:
        for mark in reg.marks:
            if mark.is_absence:
                result[mark.elev][reg.dato] += 1
    return result


def whole_days_absent(demo: DemoSchool) -> list[tuple[str, dt.date]]:
    per_day = lessons_per_day(demo)
    klasse = {s.id: s.klasse for s in demo.roster.students}
    return [
        (elev, dato)
        for elev, days in absent_lessons(demo).items()
        for dato, count in days.items()
        if count == per_day[(klasse[elev], dato)] >= 3
    ]


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_the_same_school(small: DemoSchool) -> None:
    assert build_demo(75, seed=SEED, until=YEAR_END) == small


def test_another_seed_gives_another_school(small: DemoSchool) -> None:
    other = build_demo(75, seed=SEED + 1, until=YEAR_END)
    assert other.roster.students != small.roster.students
    assert other.registrations != small.registrations


def test_until_is_required() -> None:
    with pytest.raises(TypeError):
        build_demo(75)


# --- classes, people -------------------------------------------------------------------------


def test_600_students_make_eight_classes_per_trinn_of_25(big: DemoSchool) -> None:
    roster = big.roster
    expected = tuple(f"{grade}{letter}" for grade in (8, 9, 10) for letter in "ABCDEFGH")
    assert roster.classes == expected
    assert Counter(s.klasse for s in roster.students) == dict.fromkeys(expected, 25)
    assert len({s.id for s in roster.students}) == 600


def test_600_students_build_in_well_under_five_seconds() -> None:
    started = time.perf_counter()
    demo = build_demo(600, seed=3, until=YEAR_END)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0
    assert 24_000 < len(demo.registrations) < 28_000


@pytest.mark.parametrize(
    ("students", "classes"),
    [(10, ("8A", "9A", "10A")), (75, ("8A", "9A", "10A")), (100, ("8A", "8B", "9A", "10A"))],
)
def test_class_count_and_even_sizes(students: int, classes: tuple[str, ...]) -> None:
    demo = build_demo(students, seed=1, until=dt.date(2026, 8, 20))
    assert demo.roster.classes == classes
    sizes = Counter(s.klasse for s in demo.roster.students)
    assert sum(sizes.values()) == students
    assert max(sizes.values()) - min(sizes.values()) <= 1


def test_student_ids_and_names(small: DemoSchool) -> None:
    students = small.roster.students
    assert [s.id for s in students] == [f"E{i:04d}" for i in range(1, 76)]
    names = " ".join(s.navn for s in students)
    assert re.search("[æøåÆØÅ]", names)
    assert any("-" in s.fornavn for s in students)
    assert any("'" in s.etternavn for s in students)
    assert any(" " in s.etternavn for s in students)  # a particle: "van der Berg"


def test_foresatte_are_synthetic_and_well_formed(small: DemoSchool) -> None:
    foresatte = [f for s in small.roster.students for f in s.foresatte]
    assert all(1 <= len(s.foresatte) <= 2 for s in small.roster.students)
    assert all(re.fullmatch(r"0\d\d \d\d \d\d\d", f.telefon) for f in foresatte)
    assert all(re.fullmatch(r"[a-z0-9.-]+@example\.com", f.epost) for f in foresatte)
    assert len({f.epost for f in foresatte}) == len(foresatte)
    assert len({f.telefon for f in foresatte}) == len(foresatte)


def test_staff_roles(big: DemoSchool) -> None:
    roster = big.roster
    roles = Counter(s.rolle for s in roster.staff)
    assert roles[Role.REKTOR] == 1
    assert roles[Role.AVDELINGSLEDER] == 3
    for klasse in roster.classes:
        assert [k.klasser for k in roster.kontaktlaerere(klasse)] == [(klasse,)]
    assert [s.id for s in roster.staff] == [f"A{i:03d}" for i in range(1, len(roster.staff) + 1)]
    usernames = [s.brukernavn for s in roster.staff]
    assert len(set(usernames)) == len(usernames)
    assert all(re.fullmatch(r"[a-z0-9-]+\.[a-z0-9-]+\d*", u) for u in usernames)


def test_kontaktlaerere_teach_and_leaders_do_not(big: DemoSchool) -> None:
    roster = big.roster
    teaching = {(s.laerer, s.klasse, s.fag) for s in roster.timetable}
    for klasse in roster.classes:
        (kontakt,) = roster.kontaktlaerere(klasse)
        assert (kontakt.id, klasse, "norsk") in teaching
        assert (kontakt.id, klasse, "matematikk") in teaching
    leaders = {s.id for s in roster.staff if s.rolle.is_ledelse}
    assert not leaders & {s.laerer for s in roster.timetable}


# --- timetable -------------------------------------------------------------------------------


def test_no_teacher_is_booked_twice_at_once(big: DemoSchool) -> None:
    bookings = Counter((s.laerer, s.ukedag, s.time) for s in big.roster.timetable)
    assert max(bookings.values()) == 1


def test_every_class_has_29_lessons_a_week(big: DemoSchool) -> None:
    roster = big.roster
    for klasse in roster.classes:
        per_day = [len(roster.slots(klasse, day)) for day in range(1, 6)]
        assert per_day == [6, 6, 6, 6, 5]
        subjects = Counter(s.fag for s in roster.timetable if s.klasse == klasse)
        assert subjects["norsk"] == subjects["matematikk"] == 4
        assert subjects["kroppsøving"] == 2
        assert sum(subjects.values()) == 29
    assert {s.start for s in roster.timetable if s.time == 1} == {dt.time(8, 30)}


def test_every_class_and_subject_has_one_teacher(big: DemoSchool) -> None:
    teachers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for slot in big.roster.timetable:
        teachers[(slot.klasse, slot.fag)].add(slot.laerer)
    assert all(len(ids) == 1 for ids in teachers.values())


# --- holidays --------------------------------------------------------------------------------


def test_easter_matches_the_public_holidays() -> None:
    assert easter_sunday(2027) == dt.date(2027, 3, 28)
    for year in range(2024, 2040):
        assert easter_sunday(year) + dt.timedelta(days=1) in public_holidays(year)


def test_school_year_2026_2027() -> None:
    calendar = SchoolCalendar(school_holidays(dt.date(2026, 11, 20)))
    days = list(calendar.school_days(dt.date(2026, 8, 1), dt.date(2027, 7, 31)))
    assert days[0] == dt.date(2026, 8, 17)
    assert days[-1] == dt.date(2027, 6, 18)
    assert 185 <= len(days) <= 192
    for holiday in (
        dt.date(2026, 9, 30),  # høstferie, week 40
        dt.date(2026, 12, 22),
        dt.date(2027, 2, 24),  # vinterferie, week 8
        dt.date(2027, 3, 24),  # påskeferie
    ):
        assert not calendar.is_school_day(holiday)


@pytest.mark.parametrize("year", [2025, 2027, 2030])
def test_any_school_year_starts_on_a_monday_in_mid_august(year: int) -> None:
    calendar = SchoolCalendar(school_holidays(dt.date(year, 9, 1)))
    first = calendar.first_school_day(dt.date(year, 8, 1), dt.date(year, 9, 30))
    assert first is not None
    assert first.isoweekday() == 1
    assert 15 <= first.day <= 21


# --- registrations ---------------------------------------------------------------------------


def test_registrations_are_on_school_days_up_to_until(small: DemoSchool) -> None:
    calendar = SchoolCalendar(small.config.ferier)
    assert small.config.demo
    assert all(calendar.is_school_day(r.dato) and r.dato <= YEAR_END for r in small.registrations)
    keys = [(r.klasse, r.dato, r.time) for r in small.registrations]
    assert len(set(keys)) == len(keys)


def test_registration_is_by_the_slot_teacher_just_after_start(small: DemoSchool) -> None:
    roster = small.roster
    slots = {(s.klasse, s.ukedag, s.time): s for s in roster.timetable}
    for reg in small.registrations:
        slot = slots[(reg.klasse, reg.dato.isoweekday(), reg.time)]
        assert reg.av == slot.laerer
        delay = reg.tid - dt.datetime.combine(reg.dato, slot.start)
        assert dt.timedelta(minutes=1) <= delay <= dt.timedelta(minutes=6)


def test_marks_belong_to_students_of_the_class(small: DemoSchool) -> None:
    klasse = {s.id: s.klasse for s in small.roster.students}
    for reg in small.registrations:
        elever = [m.elev for m in reg.marks]
        assert len(set(elever)) == len(elever)
        assert all(klasse[e] == reg.klasse for e in elever)


def test_a_few_lessons_are_never_registered_mostly_by_a_few_teachers(big: DemoSchool) -> None:
    roster = big.roster
    calendar = SchoolCalendar(big.config.ferier)
    registered = {(r.klasse, r.dato, r.time) for r in big.registrations}
    missing: Counter[str] = Counter()
    total = 0
    for dato in calendar.school_days(dt.date(2026, 8, 1), YEAR_END):
        for slot in big.roster.timetable:
            if slot.ukedag == dato.isoweekday():
                total += 1
                if (slot.klasse, dato, slot.time) not in registered:
                    missing[slot.laerer] += 1
    assert 0.005 < sum(missing.values()) / total < 0.03
    top_three = sum(count for _, count in missing.most_common(3))
    assert top_three > 0.6 * sum(missing.values())
    assert len(roster.classes) * 29 == sum(1 for _ in roster.timetable)


def test_most_lessons_are_registered_with_nobody_missing(small: DemoSchool) -> None:
    empty = sum(1 for r in small.registrations if not r.marks)
    assert empty > 0.3 * len(small.registrations)


# --- absence patterns ------------------------------------------------------------------------


def test_absence_has_a_long_tail(big: DemoSchool) -> None:
    per_class = Counter(r.klasse for r in big.registrations)
    absent = absent_lessons(big)
    rates = sorted(sum(absent[s.id].values()) / per_class[s.klasse] for s in big.roster.students)
    median = statistics.median(rates)
    top = rates[-len(rates) // 20 :]
    assert 0.01 <= median <= 0.04
    assert statistics.mean(top) > 4 * median
    assert rates[-1] > 0.25


def test_meldinger_cover_most_sick_days(small: DemoSchool) -> None:
    by_elev = defaultdict(list)
    for melding in small.meldinger:
        by_elev[melding.elev].append(melding)

    def covered(elev: str, dato: dt.date, reasons: set[Reason]) -> bool:
        return any(m.covers(dato) and m.reason in reasons for m in by_elev[elev])

    sick = [
        (elev, dato)
        for elev, dato in whole_days_absent(small)
        if not covered(elev, dato, {Reason.PERMISJON, Reason.ANNET})
    ]
    reported = sum(covered(elev, dato, {Reason.SYKDOM}) for elev, dato in sick)
    assert len(sick) > 100
    assert 0.7 < reported / len(sick) < 0.97


def test_meldinger_come_from_the_kontaktlaerer_before_until(autumn: DemoSchool) -> None:
    roster = autumn.roster
    assert [m.id for m in autumn.meldinger] == [
        f"M{i:05d}" for i in range(1, len(autumn.meldinger) + 1)
    ]
    for melding in autumn.meldinger:
        student = roster.student(melding.elev)
        assert student is not None
        assert [k.id for k in roster.kontaktlaerere(student.klasse)] == [melding.av]
        assert melding.tid is not None and melding.tid.date() <= AUTUMN
        assert melding.fra <= melding.til


def test_some_absences_are_ikke_meldt_and_some_ugyldig(small: DemoSchool) -> None:
    meldt = {(m.elev, d) for m in small.meldinger for d in _dates(m.fra, m.til)}
    ikke_meldt = ugyldig = 0
    for reg in small.registrations:
        for mark in reg.marks:
            if not mark.is_absence:
                continue
            if mark.validity is Validity.UGYLDIG:
                assert mark.reason is None
                ugyldig += 1
            elif mark.validity is None and (mark.elev, reg.dato) not in meldt:
                ikke_meldt += 1
    assert ikke_meldt > 20
    assert ugyldig > 5


def test_permisjon_is_registered_ahead_and_taken(small: DemoSchool) -> None:
    permisjoner = [m for m in small.meldinger if m.reason is Reason.PERMISJON]
    assert permisjoner
    absent = absent_lessons(small)
    per_day = lessons_per_day(small)
    for melding in permisjoner:
        assert melding.validity is Validity.GYLDIG
        assert melding.tid is not None and melding.tid.date() < melding.fra
        student = small.roster.student(melding.elev)
        assert student is not None
        for dato in _dates(melding.fra, melding.til):
            if (student.klasse, dato) in per_day:
                assert absent[melding.elev][dato] == per_day[(student.klasse, dato)]


def test_a_handful_of_chronic_latecomers(big: DemoSchool) -> None:
    lates: dict[str, list[dt.date]] = defaultdict(list)
    for reg in big.registrations:
        for mark in reg.marks:
            if mark.kind is MarkType.SENT:
                assert mark.minutter is not None and 2 <= mark.minutter <= 25
                lates[mark.elev].append(reg.dato)
    chronic = {
        elev
        for elev, dates in lates.items()
        if any((b - a).days <= 30 for a, b in zip(dates, dates[4:], strict=False))
    }
    assert 3 <= len(chronic) <= 20
    assert len(lates) > 200  # most students are late now and then


def test_a_few_students_leave_school(big: DemoSchool) -> None:
    leavers = {m.elev for r in big.registrations for m in r.marks if m.kind is MarkType.FORLOT}
    assert 3 <= len(leavers) <= 15


def test_mangler_utstyr_in_kroppsoving_concentrated_on_a_few(big: DemoSchool) -> None:
    slots = {(s.klasse, s.ukedag, s.time): s.fag for s in big.roster.timetable}
    remarks: Counter[str] = Counter()
    for reg in big.registrations:
        for mark in reg.marks:
            if mark.merknad:
                assert mark.kind is None
                assert mark.merknad == "mangler utstyr"
                assert slots[(reg.klasse, reg.dato.isoweekday(), reg.time)] == "kroppsøving"
                remarks[mark.elev] += 1
    top = sum(count for _, count in remarks.most_common(18))
    assert top > 0.5 * sum(remarks.values())


def test_some_long_sick_spells_have_no_melding(big: DemoSchool) -> None:
    calendar = SchoolCalendar(big.config.ferier)
    index = {d: i for i, d in enumerate(calendar.school_days(dt.date(2026, 8, 1), YEAR_END))}
    meldt = {(m.elev, d) for m in big.meldinger for d in _dates(m.fra, m.til)}
    unreported: dict[str, list[int]] = defaultdict(list)
    for elev, dato in sorted(whole_days_absent(big)):
        if (elev, dato) not in meldt:
            unreported[elev].append(index[dato])
    long_runs = {
        elev
        for elev, days in unreported.items()
        if any(b - a == 3 for a, b in zip(days, days[3:], strict=False))
    }
    assert 2 <= len(long_runs) <= 40


# --- until -----------------------------------------------------------------------------------


def test_until_in_the_autumn_gives_only_autumn_data(autumn: DemoSchool) -> None:
    assert autumn.registrations
    assert all(dt.date(2026, 8, 17) <= r.dato <= AUTUMN for r in autumn.registrations)
    assert autumn.registrations[-1].dato == AUTUMN
    assert all(m.tid is not None and m.tid.date() <= AUTUMN for m in autumn.meldinger)


def test_history_grows_day_by_day(autumn: DemoSchool, small: DemoSchool) -> None:
    """Tomorrow's demo is today's plus one day: only pending judgements and meldinger change."""

    def facts(demo: DemoSchool) -> list[tuple[object, ...]]:
        return [
            (r.klasse, r.dato, r.time, r.av, r.tid, [(m.elev, m.kind, m.minutter) for m in r.marks])
            for r in demo.registrations
            if r.dato <= AUTUMN
        ]

    assert facts(autumn) == facts(small)
    earlier = [m for m in small.meldinger if m.tid is not None and m.tid.date() <= AUTUMN]
    assert list(autumn.meldinger) == earlier
    assert autumn.roster == small.roster


def test_until_before_school_starts_gives_no_history() -> None:
    demo = build_demo(30, seed=1, until=dt.date(2026, 8, 10))
    assert demo.registrations == ()
    assert demo.roster.students


def test_until_in_the_summer_holiday_covers_the_whole_year(small: DemoSchool) -> None:
    last_day = build_demo(75, seed=SEED, until=dt.date(2027, 6, 18))
    assert last_day.registrations[-1].dato == dt.date(2027, 6, 18)
    assert len(last_day.registrations) == len(small.registrations)


def _dates(fra: dt.date, til: dt.date) -> list[dt.date]:
    return [fra + dt.timedelta(days=i) for i in range((til - fra).days + 1)]
