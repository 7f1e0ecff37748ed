"""The student's page, the kontaktlærer's morning and ledelsen's overview, on hand-built data.

The school: 8A has 6 lessons of 45 minutes Mon–Thu and 5 on Friday, period n from (8+n):00
to (8+n):45; 9B has 4 such lessons every day. November 2026, weeks 45–48 (02.11–27.11),
with a planleggingsdag on Wednesday 11.11: 8A has 29 + 23 + 29 + 29 = 110 lessons.

8A's subjects rotate through the week, so no subject sits on one weekday only; kroppsøving
is the double lesson on Tuesdays, periods 5–6 (2 a week, 8 in the four weeks):

    Mon  norsk       matematikk  engelsk     naturfag     samfunnsfag  musikk
    Tue  matematikk  engelsk     naturfag    samfunnsfag  kroppsøving  kroppsøving
    Wed  engelsk     naturfag    samfunnsfag musikk       norsk        matematikk
    Thu  naturfag    samfunnsfag musikk      norsk        matematikk   engelsk
    Fri  samfunnsfag musikk      norsk       matematikk   engelsk
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fravaer_tui.domain.analysis import (
    NO_PATTERN,
    ClassFigures,
    DayAbsence,
    HeatCell,
    MarkRow,
    Missing,
    Totals,
    Unreported,
    WeekPoint,
    absence_on,
    class_figures,
    heat_char,
    heatmap,
    ikke_meldt,
    mark_rows,
    pattern_summary,
    patterns,
    school_figures,
    sparkline,
    totals,
    unregistered,
    unregistered_by_teacher,
    weekly_trend,
)
from fravaer_tui.domain.model import (
    Holiday,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Roster,
    Slot,
    Student,
    Validity,
)
from fravaer_tui.domain.profiles import load_profile
from fravaer_tui.domain.rules import check
from fravaer_tui.domain.schoolcalendar import SchoolCalendar
from fravaer_tui.domain.yearreport import year_report

D = dt.date
FRAVAER, SENT, FORLOT = MarkType.FRAVAER, MarkType.SENT, MarkType.FORLOT
IKKE_MELDT, GYLDIG, UGYLDIG = Validity.IKKE_MELDT, Validity.GYLDIG, Validity.UGYLDIG
SYKDOM = Reason.SYKDOM
STRAND = load_profile("strand")

FRA, TIL = D(2026, 11, 2), D(2026, 11, 27)
PLANLEGGINGSDAG = D(2026, 11, 11)
CAL = SchoolCalendar((Holiday("Planleggingsdag", PLANLEGGINGSDAG, PLANLEGGINGSDAG),))
HELD_8A = 110

SUBJECTS = ("norsk", "matematikk", "engelsk", "naturfag", "samfunnsfag", "musikk")
KROPPSOVING = "kroppsøving"
TEACHERS = {"norsk": "t1", "matematikk": "t1", KROPPSOVING: "t2"}  # the rest: t3
UTSTYR = "mangler utstyr"


def _fag(ukedag: int, time: int) -> str:
    if ukedag == 2 and time in (5, 6):
        return KROPPSOVING
    return SUBJECTS[(time - 1 + ukedag - 1) % 6]


def _timetable() -> tuple[Slot, ...]:
    slots = []
    for ukedag in range(1, 6):
        for time in range(1, (6 if ukedag <= 4 else 5) + 1):
            fag = _fag(ukedag, time)
            start, slutt = dt.time(8 + time), dt.time(8 + time, 45)
            slots.append(Slot("8A", ukedag, time, start, slutt, fag, TEACHERS.get(fag, "t3")))
        for time in range(1, 5):
            start, slutt = dt.time(8 + time), dt.time(8 + time, 45)
            slots.append(Slot("9B", ukedag, time, start, slutt, "matematikk", "t4"))
    return tuple(slots)


NAMES_8A = {  # in name order: by surname
    "mona": ("Mona", "Andersen"),
    "kari": ("Kari", "Berg"),
    "fred": ("Fredrik", "Dahl"),
    "per": ("Per", "Hansen"),
    "jens": ("Jens", "Lie"),
    "ulla": ("Ulla", "Moe"),
    "ola": ("Ola", "Nordmann"),
}
ROSTER = Roster(
    students=(
        *(Student(i, f, e, "8A") for i, (f, e) in NAMES_8A.items()),
        Student("bjorn", "Bjørn", "Aas", "9B"),
    ),
    timetable=_timetable(),
)

Marks = Iterable[tuple[dt.date, int, Mark]]


def lessons(klasse: str, fra: dt.date = FRA, til: dt.date = TIL) -> list[tuple[dt.date, int]]:
    per_day = {"8A": (0, 6, 6, 6, 6, 5, 0, 0), "9B": (0, 4, 4, 4, 4, 4, 0, 0)}[klasse]
    return [
        (d, t) for d in CAL.school_days(fra, til) for t in range(1, per_day[d.isoweekday()] + 1)
    ]


def regs(
    marks: Marks,
    klasse: str = "8A",
    skip: Iterable[tuple[dt.date, int]] = (),
    fra: dt.date = FRA,
    til: dt.date = TIL,
) -> list[Registration]:
    """A registration for every lesson of `klasse` fra..til (but `skip`), with `marks`."""
    by_lesson: dict[tuple[dt.date, int], list[Mark]] = {}
    for dato, time, mark in marks:
        by_lesson.setdefault((dato, time), []).append(mark)
    skipped = set(skip)
    return [
        Registration(
            klasse, d, t, "t1", dt.datetime.combine(d, dt.time(8)), tuple(by_lesson.get((d, t), ()))
        )
        for d, t in lessons(klasse, fra, til)
        if (d, t) not in skipped
    ]


def absent(elev: str, dato: dt.date, times: Iterable[int], kind: MarkType = FRAVAER) -> Marks:
    return [(dato, t, Mark(elev, kind)) for t in times]


def remark(elev: str, dato: dt.date, time: int, text: str = UTSTYR) -> Marks:
    return [(dato, time, Mark(elev, None, merknad=text))]


ALL_DAY = range(1, 7)

# Ola: half of Monday 02.11, all of Tuesday 03.11, 2 of 6 on Thursday, 1 of 5 on Friday,
# and period 6 on Monday 09.11.
OLA = [
    *absent("ola", D(2026, 11, 2), (1, 2, 3)),
    *absent("ola", D(2026, 11, 3), ALL_DAY),
    *absent("ola", D(2026, 11, 5), (4, 5)),
    *absent("ola", D(2026, 11, 6), (1,)),
    *absent("ola", D(2026, 11, 9), (6,)),
]


# --- heatmap ---------------------------------------------------------------------------------


def _cell(dato: dt.date, lessons: int, missed: int) -> HeatCell:
    return HeatCell(dato, lessons, missed, missed / lessons if lessons else 0.0)


def test_heatmap_cells_share_per_day_holiday_and_weeks() -> None:
    hm = heatmap("ola", "8A", ROSTER, CAL, regs(OLA), FRA, D(2026, 11, 13))
    assert hm.weeks == (45, 46)
    assert hm.rows == (
        (
            _cell(D(2026, 11, 2), 6, 3),
            _cell(D(2026, 11, 3), 6, 6),
            _cell(D(2026, 11, 4), 6, 0),
            _cell(D(2026, 11, 5), 6, 2),
            _cell(D(2026, 11, 6), 5, 1),
        ),
        (
            _cell(D(2026, 11, 9), 6, 1),
            _cell(D(2026, 11, 10), 6, 0),
            _cell(PLANLEGGINGSDAG, 0, 0),
            _cell(D(2026, 11, 12), 6, 0),
            _cell(D(2026, 11, 13), 5, 0),
        ),
    )
    assert hm.rows[0][0].share == 0.5
    assert hm.rows[0][4].share == pytest.approx(0.2)
    assert ["".join(heat_char(c) for c in row) for row in hm.rows] == ["▓█·▒░", "░· ··"]


def test_heatmap_range_edges_are_none_and_weekends_excluded() -> None:
    saturday = D(2026, 11, 7)
    marks = [*OLA, *absent("ola", saturday, (1, 2))]  # a stray mark on a Saturday
    hm = heatmap("ola", "8A", ROSTER, CAL, regs(marks), D(2026, 11, 4), D(2026, 11, 17))
    assert hm.weeks == (45, 46, 47)
    assert all(len(row) == 5 for row in hm.rows)
    assert hm.rows[0][:2] == (None, None)
    assert hm.rows[0][2] == _cell(D(2026, 11, 4), 6, 0)
    assert hm.rows[2][2:] == (None, None, None)
    assert hm.rows[2][1] == _cell(D(2026, 11, 17), 6, 0)
    assert all(c is None or c.dato.isoweekday() <= 5 for row in hm.rows for c in row)

    # A range that starts on a Saturday has no empty first row.
    weekend_start = heatmap("ola", "8A", ROSTER, CAL, regs(marks), saturday, D(2026, 11, 10))
    assert weekend_start.weeks == (46,)


def test_heatmap_empty_range() -> None:
    assert heatmap("ola", "8A", ROSTER, CAL, [], TIL, FRA).weeks == ()


@pytest.mark.parametrize(
    ("cell", "char"),
    [
        (None, " "),
        (HeatCell(PLANLEGGINGSDAG, 0, 0, 0.0), " "),
        (HeatCell(FRA, 6, 0, 0.0), "·"),
        (HeatCell(FRA, 6, 1, 1 / 6), "░"),
        (HeatCell(FRA, 5, 1, 0.2), "░"),
        (HeatCell(FRA, 4, 1, 0.25), "▒"),
        (HeatCell(FRA, 6, 2, 2 / 6), "▒"),
        (HeatCell(FRA, 6, 3, 0.5), "▓"),
        (HeatCell(FRA, 6, 5, 5 / 6), "▓"),
        (HeatCell(FRA, 6, 6, 1.0), "█"),
        (HeatCell(FRA, 5, 5, 1.0), "█"),
    ],
)
def test_heat_char_thresholds(cell: HeatCell | None, char: str) -> None:
    assert heat_char(cell) == char


# --- weekly trend ------------------------------------------------------------------------------


def test_weekly_trend_percentages_and_sparkline() -> None:
    points = weekly_trend("ola", "8A", ROSTER, CAL, regs(OLA), FRA, TIL)
    assert [(p.uke, p.fra, p.lessons, p.missed) for p in points] == [
        (45, D(2026, 11, 2), 29, 12),  # 3 + 6 + 2 + 1
        (46, D(2026, 11, 9), 23, 1),  # the planleggingsdag takes 6 lessons
        (47, D(2026, 11, 16), 29, 0),
        (48, D(2026, 11, 23), 29, 0),
    ]
    assert points[0].prosent == pytest.approx(100 * 12 / 29)
    assert points[1].prosent == pytest.approx(100 * 1 / 23)
    # Scale tops at week 45 (41 %): 4.3 % is 0.63 of a step of six → level 1.
    line = sparkline(points)
    assert len(line) == len(points)
    assert line == "█▃▁▁"


def test_sparkline_no_lessons_floor_and_empty() -> None:
    def point(uke: int, prosent: float, lessons: int = 29) -> WeekPoint:
        return WeekPoint(uke, FRA, prosent, round(prosent * lessons / 100), lessons)

    # A week without lessons is blank; with nothing above 25 %, 25 % is the top.
    assert sparkline([point(40, 0, 0), point(41, 25.0), point(42, 12.5), point(43, 0)]) == " █▅▁"
    assert sparkline([]) == ""


# --- totals ------------------------------------------------------------------------------------


def test_totals_days_hours_lates_forlot() -> None:
    marks = [
        *absent("per", D(2026, 11, 3), (1, 2)),
        *absent("per", D(2026, 11, 3), (3,), FORLOT),
        *absent("per", D(2026, 11, 5), ALL_DAY),
        (D(2026, 11, 9), 1, Mark("per", SENT, minutter=5)),
        (D(2026, 11, 10), 2, Mark("per", SENT, minutter=10)),
        *remark("per", D(2026, 11, 10), 5),  # a remark is not absence
    ]
    got = totals("per", "8A", ROSTER, CAL, regs(marks), FRA, TIL)
    assert got == Totals(
        days=1.5,  # 3/6 + a whole day
        whole_days=1,
        hours=2.25,  # 3 lessons of 45 minutes; the whole day is a day, not hours
        minutes=135,
        lates=2,
        late_minutes=15,
        forlot=1,
        held=HELD_8A,
        absent=9,
        prosent=pytest.approx(100 * 9 / HELD_8A),
    )


def test_totals_never_turn_hours_into_days() -> None:
    # 5 of 6 lessons on four days: 20 lessons, 15 hours, not a single whole day.
    marks = [m for day in (2, 3, 4, 5) for m in absent("jens", D(2026, 11, day), range(1, 6))]
    got = totals("jens", "8A", ROSTER, CAL, regs(marks), FRA, TIL)
    assert (got.whole_days, got.minutes, got.hours, got.absent) == (0, 900, 15.0, 20)
    assert got.days == pytest.approx(4 * 5 / 6, abs=0.01)


def test_totals_skip_marks_on_days_without_lessons() -> None:
    marks = [*absent("ola", PLANLEGGINGSDAG, (1, 2)), *absent("ola", D(2026, 11, 7), (1,))]
    got = totals("ola", "8A", ROSTER, CAL, regs(marks), FRA, TIL)
    assert (got.absent, got.days, got.minutes, got.whole_days) == (0, 0.0, 0, 0)


def test_totals_agree_with_the_rules_and_the_year_report() -> None:
    marks = [
        *OLA,
        *absent("ola", D(2026, 11, 18), (2,), FORLOT),
        (D(2026, 11, 19), 1, Mark("ola", SENT, minutter=7)),
    ]
    registrations = regs(marks)
    fra = D(2026, 8, 1)
    got = totals("ola", "8A", ROSTER, CAL, registrations, fra, TIL)
    figures = check(ROSTER, CAL, registrations, [], STRAND, TIL).figures["ola"]
    assert (got.held, got.absent, got.days, got.lates, got.forlot) == (
        figures.held_lessons,
        figures.absent_lessons,
        figures.dager,
        figures.sent,
        figures.forlot,
    )
    assert got.prosent == pytest.approx(figures.prosent)
    host = year_report(ROSTER.student("ola"), ROSTER, CAL, registrations, [], "2026-2027", TIL).host
    assert (got.whole_days, got.minutes, got.hours, got.late_minutes) == (
        host.days,
        host.minutes,
        host.hours,
        host.late_minutes,
    )
    assert (got.absent, got.held, got.lates) == (
        host.lessons_absent,
        host.lessons_held,
        host.lates,
    )


# --- marks -------------------------------------------------------------------------------------

MARKS_KARI = [
    *absent("kari", D(2026, 11, 2), (1,)),  # covered by a melding: gyldig, sykdom
    *absent("kari", D(2026, 11, 3), (2,)),  # nothing heard: ikke meldt
    *remark("kari", D(2026, 11, 3), 5),
    (D(2026, 11, 4), 1, Mark("kari", SENT, minutter=10)),
    (D(2026, 11, 5), 3, Mark("kari", FRAVAER, validity=UGYLDIG)),  # judged on the mark
    *absent("per", D(2026, 11, 5), (3,)),  # someone else
]
MELDING_KARI = Melding("m1", "kari", D(2026, 11, 2), D(2026, 11, 2), SYKDOM, GYLDIG)


def test_mark_rows_newest_first_with_reasons() -> None:
    rows = mark_rows("kari", ROSTER, regs(MARKS_KARI), [MELDING_KARI], FRA, TIL, True)
    assert rows == [
        MarkRow(D(2026, 11, 5), 3, "musikk", FRAVAER, None, "", UGYLDIG, None),
        MarkRow(D(2026, 11, 4), 1, "engelsk", SENT, 10, "", None, None),
        MarkRow(D(2026, 11, 3), 5, KROPPSOVING, None, None, UTSTYR, None, None),
        MarkRow(D(2026, 11, 3), 2, "engelsk", FRAVAER, None, "", IKKE_MELDT, None),
        MarkRow(D(2026, 11, 2), 1, "norsk", FRAVAER, None, "", GYLDIG, SYKDOM),
    ]


def test_mark_rows_without_reasons_for_a_faglaerer() -> None:
    rows = mark_rows("kari", ROSTER, regs(MARKS_KARI), [MELDING_KARI], FRA, TIL, False)
    assert len(rows) == 5
    assert all(r.validity is None and r.reason is None for r in rows)
    assert [(r.dato, r.time, r.kind) for r in rows][-1] == (D(2026, 11, 2), 1, FRAVAER)


def test_mark_rows_keep_to_the_range() -> None:
    rows = mark_rows("kari", ROSTER, regs(MARKS_KARI), [], D(2026, 11, 3), D(2026, 11, 4), True)
    assert [(r.dato, r.time) for r in rows] == [
        (D(2026, 11, 4), 1),
        (D(2026, 11, 3), 5),
        (D(2026, 11, 3), 2),
    ]


# --- patterns ----------------------------------------------------------------------------------

# Classmates' absence in every pattern case: Per misses periods 1–2 on Monday 09.11 and
# kroppsøving on Tuesday 03.11; Jens misses period 1 on Wednesday 18.11.
BACKGROUND = [
    *absent("per", D(2026, 11, 9), (1, 2)),
    *absent("per", D(2026, 11, 3), (5, 6)),
    *absent("jens", D(2026, 11, 18), (1,)),
]
CLASSMATES = 6  # 8A has 7 students


def _patterns(elev: str, marks: Marks) -> list:
    return patterns(elev, "8A", ROSTER, CAL, regs([*BACKGROUND, *marks]), FRA, TIL)


def test_pattern_absent_on_most_mondays() -> None:
    mondays = [D(2026, 11, 2), D(2026, 11, 16), D(2026, 11, 23)]
    marks = [m for day in mondays for m in absent("mona", day, ALL_DAY)]
    marks += absent("mona", D(2026, 11, 19), (2,))
    found = _patterns("mona", marks)
    # Mondays: 18 of 24 lessons = 75 %; ellers 1 of 86 = 1 %; class 2 of 24 × 6 = 1 %.
    assert [(p.dimensjon, p.verdi) for p in found] == [("ukedag", "mandag")]
    (monday,) = found
    assert monday.elev_andel == 0.75
    assert monday.ellers_andel == pytest.approx(1 / 86)
    assert monday.klasse_andel == pytest.approx(2 / (24 * CLASSMATES))
    assert monday.elev_timer == 18
    assert monday.sentence == (
        "Fraværet er størst på mandager: 75 % av timene, mot 1 % for eleven ellers "
        "og 1 % i klassen."
    )
    assert pattern_summary(found) == monday.sentence


def test_pattern_kroppsoving_with_utstyr_remarks() -> None:
    tuesdays = [D(2026, 11, 3), D(2026, 11, 10), D(2026, 11, 17)]
    marks = [m for day in tuesdays for m in absent("kari", day, (5, 6))]
    marks += [*absent("kari", D(2026, 11, 5), (1,)), *absent("kari", D(2026, 11, 20), (2,))]
    marks += [*remark("kari", D(2026, 11, 24), 5), *remark("kari", D(2026, 11, 24), 6)]
    marks += remark("kari", D(2026, 11, 25), 1, "glemte leksene")  # not about utstyr
    found = _patterns("kari", marks)
    # 6 of 8 kroppsøving lessons = 75 %; the class 2 of 8 × 6 = 4 %. Tuesdays (25 %) and
    # periods 5 and 6 (16 %) also stand out on their own, but kroppsøving explains them.
    assert [(p.dimensjon, p.verdi) for p in found] == [("fag", KROPPSOVING)]
    (gym,) = found
    assert (gym.elev_andel, gym.elev_timer, gym.merknader) == (0.75, 6, 2)
    assert gym.klasse_andel == pytest.approx(2 / (8 * CLASSMATES))
    assert gym.sentence == (
        "I kroppsøving har eleven 75 % fravær (klassen 4 %), og 2 merknader om manglende utstyr."
    )


def test_pattern_utstyr_remarks_without_absence() -> None:
    marks = [
        *remark("ulla", D(2026, 11, 3), 5),
        *remark("ulla", D(2026, 11, 10), 5),
        *remark("ulla", D(2026, 11, 10), 6),
        *remark("ulla", D(2026, 11, 17), 5),
        *remark("per", D(2026, 11, 24), 5),
    ]
    found = _patterns("ulla", marks)
    assert [(p.dimensjon, p.verdi, p.elev_timer) for p in found] == [("merknad", KROPPSOVING, 4)]
    assert found[0].elev_andel == 0.5  # 4 remarks in 8 lessons
    assert found[0].sentence == (
        "I kroppsøving har eleven 4 merknader om manglende utstyr, "
        "mot 0,2 i snitt per elev i klassen."
    )


def test_evenly_spread_absence_is_no_pattern() -> None:
    # One whole day on each weekday: every weekday, period and subject near the 26 % overall.
    days = [D(2026, 11, 2), D(2026, 11, 10), D(2026, 11, 18), D(2026, 11, 19), D(2026, 11, 27)]
    marks = [m for day in days for m in absent("fred", day, ALL_DAY)]
    found = _patterns("fred", marks)
    assert found == []
    assert pattern_summary(found) == NO_PATTERN == "Ingen tydelige mønstre i fraværet."


def test_one_long_day_away_is_no_pattern() -> None:
    found = _patterns("fred", absent("fred", D(2026, 11, 2), ALL_DAY))
    assert found == []


@pytest.mark.parametrize("class_away", [False, True], ids=["alone", "with-the-class"])
def test_friday_absence_is_no_pattern_when_the_class_is_away_too(class_away: bool) -> None:
    fridays = [D(2026, 11, 6), D(2026, 11, 13), D(2026, 11, 20)]
    away = ["fred", *(["mona", "kari", "per", "jens", "ulla", "ola"] if class_away else [])]
    marks = [m for elev in away for day in fridays for m in absent(elev, day, (4, 5))]
    found = _patterns("fred", marks)
    if class_away:
        assert found == []  # 30 % on Fridays, but the class is at 30 % there too
    else:
        assert [(p.dimensjon, p.verdi) for p in found] == [("ukedag", "fredag")]
        assert found[0].sentence == (
            "Fraværet er størst på fredager: 30 % av timene, mot 0 % for eleven ellers "
            "og 0 % i klassen."
        )


def test_two_weekdays_strongest_first() -> None:
    # Every Monday whole, and periods 1–3 on three Fridays. Beside the Mondays the Fridays
    # could be chance (3 of 4 Fridays against 4 of 15 other days: 6 %); set apart from the
    # Mondays they are not (against none of the 11 other days).
    mondays = [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16), D(2026, 11, 23)]
    fridays = [D(2026, 11, 6), D(2026, 11, 13), D(2026, 11, 20)]
    marks = [m for day in mondays for m in absent("mona", day, ALL_DAY)]
    marks += [m for day in fridays for m in absent("mona", day, (1, 2, 3))]
    found = _patterns("mona", marks)
    assert [p.verdi for p in found] == ["mandag", "fredag"]
    assert found[0].sentence.startswith("Fraværet er størst på mandager: 100 % av timene")
    assert found[1].sentence == (
        "Fraværet er også høyt på fredager: 45 % av timene, mot 27 % for eleven ellers "
        "og 0 % i klassen."
    )


def test_two_mondays_in_a_few_sick_days_may_be_chance() -> None:
    # 12 of 24 Monday lessons (50 %) against 14 % ellers, but on days: 2 of 4 Mondays
    # against 2 of 15 other days, which happens by chance 9 % of the time.
    days = [D(2026, 11, 2), D(2026, 11, 16), D(2026, 11, 3), D(2026, 11, 19)]
    marks = [m for day in days for m in absent("mona", day, ALL_DAY)]
    assert _patterns("mona", marks) == []


# --- the kontaktlærer's morning ----------------------------------------------------------------


def test_absence_on_a_day_by_name() -> None:
    day = D(2026, 11, 3)
    marks = [
        *absent("ola", day, (2,), FORLOT),
        *absent("per", day, (3,)),
        (day, 1, Mark("per", SENT, minutter=5)),
        *remark("mona", day, 5),
        *absent("ola", D(2026, 11, 4), (1,)),  # another day
    ]
    registrations = regs(marks) + regs(absent("bjorn", day, (1,)), klasse="9B")
    got = absence_on("8A", ROSTER, registrations, day)
    assert got == [
        DayAbsence("mona", day, ((5, Mark("mona", None, merknad=UTSTYR)),)),
        DayAbsence("per", day, ((1, Mark("per", SENT, minutter=5)), (3, Mark("per", FRAVAER)))),
        DayAbsence("ola", day, ((2, Mark("ola", FORLOT)),)),
    ]
    assert absence_on("8A", ROSTER, registrations, D(2026, 11, 5)) == []


def test_ikke_meldt_and_a_melding_clears() -> None:
    marks = [
        *absent("ola", D(2026, 11, 2), (1,)),  # cleared by a melding
        *absent("ola", D(2026, 11, 3), (2,), FORLOT),
        *absent("per", D(2026, 11, 3), (1,)),
        (D(2026, 11, 3), 4, Mark("per", FRAVAER, validity=UGYLDIG)),  # judged: not unreported
        (D(2026, 11, 4), 1, Mark("per", SENT, minutter=3)),  # late is not absence
        *absent("kari", D(2026, 11, 4), (3,)),  # ugyldig by melding
    ]
    registrations = regs(marks) + regs(absent("bjorn", D(2026, 11, 3), (1,)), klasse="9B")
    meldinger = [
        Melding("m1", "ola", D(2026, 11, 2), D(2026, 11, 2), SYKDOM, GYLDIG),
        Melding("m2", "kari", D(2026, 11, 4), D(2026, 11, 4), Reason.ANNET, UGYLDIG),
    ]
    got = ikke_meldt("8A", ROSTER, registrations, meldinger, FRA, TIL)
    assert got == [
        Unreported("per", D(2026, 11, 3), 1, FRAVAER),
        Unreported("ola", D(2026, 11, 3), 2, FORLOT),
    ]
    without = ikke_meldt("8A", ROSTER, registrations, [], FRA, TIL)
    assert [(u.elev, u.dato) for u in without] == [
        ("kari", D(2026, 11, 4)),
        ("per", D(2026, 11, 3)),
        ("ola", D(2026, 11, 3)),
        ("ola", D(2026, 11, 2)),
    ]
    assert ikke_meldt("8A", ROSTER, registrations, [], D(2026, 11, 4), TIL) == [
        Unreported("kari", D(2026, 11, 4), 3, FRAVAER)
    ]


WEEK45 = (FRA, D(2026, 11, 6))


def test_unregistered_newest_first_and_by_teacher() -> None:
    skip_8a = [(D(2026, 11, 3), 5), (D(2026, 11, 5), 1), (D(2026, 11, 5), 2)]
    registrations = regs([], skip=skip_8a, fra=WEEK45[0], til=WEEK45[1]) + regs(
        [], klasse="9B", skip=[(D(2026, 11, 6), 4)], fra=WEEK45[0], til=WEEK45[1]
    )
    missing = unregistered(ROSTER, CAL, registrations, *WEEK45)
    assert missing == [
        Missing("9B", D(2026, 11, 6), 4, "matematikk", "t4"),
        Missing("8A", D(2026, 11, 5), 1, "naturfag", "t3"),
        Missing("8A", D(2026, 11, 5), 2, "samfunnsfag", "t3"),
        Missing("8A", D(2026, 11, 3), 5, KROPPSOVING, "t2"),
    ]
    assert unregistered_by_teacher(missing) == [("t3", 2), ("t2", 1), ("t4", 1)]
    only_8a = unregistered(ROSTER, CAL, registrations, *WEEK45, klasser=["8A"])
    assert [m.klasse for m in only_8a] == ["8A"] * 3
    assert unregistered_by_teacher([]) == []


def test_unregistered_skips_days_off_and_lessons_not_over() -> None:
    week46 = unregistered(ROSTER, CAL, [], D(2026, 11, 9), D(2026, 11, 15))
    assert len(week46) == 23 + 16  # the planleggingsdag and the weekend have no lessons
    assert PLANLEGGINGSDAG not in {m.dato for m in week46}
    assert week46[0].dato == D(2026, 11, 13)
    # At 10:00 on Friday only period 1 (09:00–09:45) is over.
    friday = D(2026, 11, 6)
    early = unregistered(
        ROSTER, CAL, [], friday, friday, ended_by=dt.datetime.combine(friday, dt.time(10))
    )
    assert [(m.klasse, m.time) for m in early] == [("8A", 1), ("9B", 1)]


# --- ledelsen's overview -----------------------------------------------------------------------


def test_class_and_school_figures_from_a_real_check() -> None:
    marks = [
        *OLA,  # 13 lessons, ikke meldt → ugyldig_fravaer
        *absent("per", D(2026, 11, 4), (1,)),  # meldt gyldig → no alert
    ]
    registrations = regs(marks) + regs(absent("bjorn", D(2026, 11, 4), (2,), FORLOT), klasse="9B")
    meldinger = [Melding("m1", "per", D(2026, 11, 4), D(2026, 11, 4), SYKDOM, GYLDIG)]
    result = check(ROSTER, CAL, registrations, meldinger, STRAND, TIL)
    rule_ids = [r.id for r in STRAND.rules]
    held_8a = result.figures["ola"].held_lessons
    held_9b = result.figures["bjorn"].held_lessons

    by_class = class_figures(ROSTER, result, rule_ids)
    assert [c.klasse for c in by_class] == ["8A", "9B"]
    a8, b9 = by_class
    assert (a8.elever, b9.elever) == (7, 1)
    assert a8.prosent == pytest.approx(100 * 14 / (7 * held_8a))
    assert b9.prosent == pytest.approx(100 * 1 / held_9b)
    assert set(a8.over_regel) == set(rule_ids)
    assert a8.over_regel["ugyldig_fravaer"] == 1
    assert a8.over_regel["forlater_skolen"] == 0
    assert b9.over_regel["ugyldig_fravaer"] == 1
    assert b9.over_regel["forlater_skolen"] == 1
    assert a8.andel("ugyldig_fravaer") == pytest.approx(1 / 7)

    school = school_figures(ROSTER, result, rule_ids)
    assert school.klasse == "Hele skolen"
    assert school.elever == 8
    assert school.prosent == pytest.approx(100 * 15 / (7 * held_8a + held_9b))
    assert school.over_regel["ugyldig_fravaer"] == 2
    assert school.over_regel["forlater_skolen"] == 1
    assert school.over_regel["hoyt_fravaer"] == 0

    # Without the profile's rules only the rules with alerts are listed.
    bare = school_figures(ROSTER, result)
    assert bare.over_regel == {"ugyldig_fravaer": 2, "forlater_skolen": 1}


def test_class_figures_order_and_empty_result() -> None:
    roster = Roster(
        students=(
            Student("x", "X", "X", "10A"),
            Student("y", "Y", "Y", "9B"),
            Student("z", "Z", "Z", "8C"),
        )
    )
    result = check(roster, CAL, [], [], STRAND, TIL)
    got = class_figures(roster, result)
    assert [c.klasse for c in got] == ["8C", "9B", "10A"]
    assert got[0] == ClassFigures("8C", 1, 0.0, {})
    assert school_figures(roster, result).andel("ugyldig_fravaer") == 0.0


# --- properties --------------------------------------------------------------------------------

_MARK_KINDS = st.sampled_from([FRAVAER, FORLOT, SENT, None])
_RANDOM_MARKS = st.lists(
    st.tuples(st.integers(0, 27), st.integers(1, 7), _MARK_KINDS, st.sampled_from(["8A", "9B"])),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(_RANDOM_MARKS, st.integers(0, 27), st.integers(0, 27))
def test_counts_add_up_for_any_marks(
    raw: list[tuple[int, int, MarkType | None, str]], start: int, length: int
) -> None:
    """Marks anywhere (weekends, the day off, periods past the timetable, other classes)."""
    base = D(2026, 11, 1)
    by_lesson: dict[tuple[str, dt.date, int], Mark] = {}
    for offset, time, kind, klasse in raw:
        dato = base + dt.timedelta(days=offset)
        by_lesson[(klasse, dato, time)] = Mark("ola", kind, minutter=5 if kind is SENT else None)
    registrations = [
        Registration(k, d, t, "t1", dt.datetime.combine(d, dt.time(8)), (m,))
        for (k, d, t), m in by_lesson.items()
    ]
    fra = base + dt.timedelta(days=start)
    til = fra + dt.timedelta(days=length)
    hm = heatmap("ola", "8A", ROSTER, CAL, registrations, fra, til)
    cells = [c for row in hm.rows for c in row if c is not None]
    assert len(hm.weeks) == len(hm.rows)
    assert all(0 <= c.missed <= c.lessons and 0.0 <= c.share <= 1.0 for c in cells)
    assert all(fra <= c.dato <= til for c in cells)
    assert {heat_char(c) for c in cells} <= set(" ·░▒▓█")

    got = totals("ola", "8A", ROSTER, CAL, registrations, fra, til)
    assert 0 <= got.absent <= got.held
    assert got.whole_days <= got.days + 1e-9
    assert 0.0 <= got.prosent <= 100.0
    assert got.hours == got.minutes / 60
    assert sum(c.missed for c in cells) == got.absent
    assert sum(c.lessons for c in cells) == got.held

    points = weekly_trend("ola", "8A", ROSTER, CAL, registrations, fra, til)
    assert [p.uke for p in points] == list(hm.weeks)
    assert sum(p.missed for p in points) == got.absent
    assert len(sparkline(points)) == len(points)

    for p in patterns("ola", "8A", ROSTER, CAL, registrations, fra, til):
        assert 0.0 <= p.klasse_andel <= 1.0 and 0.0 <= p.elev_andel <= 1.0
        assert p.sentence.endswith(".")


def test_one_student_view_gives_the_page_every_figure() -> None:
    """Issue 10: the page's figures share one context (`StudentView`) instead of six
    functions each taking the same seven parameters; the functions give the same figures."""
    from fravaer_tui.domain.analysis import StudentView, student_patterns

    registrations = regs(
        [(D(2026, 11, 3), t, Mark("kari", FRAVAER)) for t in (1, 2)]
        + [(D(2026, 11, 5), 1, Mark("kari", SENT, 5))]
    )
    args = ("kari", "8A", ROSTER, CAL, registrations)
    view = StudentView(*args)
    assert view.heatmap(FRA, TIL) == heatmap(*args, FRA, TIL)
    assert view.weekly_trend(FRA, TIL) == weekly_trend(*args, FRA, TIL)
    assert view.totals(FRA, TIL) == totals(*args, FRA, TIL)
    assert view.mark_rows([], FRA, TIL, False) == mark_rows(
        "kari", ROSTER, registrations, [], FRA, TIL, False
    )
    assert student_patterns(view, FRA, TIL) == patterns(*args, FRA, TIL)
    found = view.totals(FRA, TIL)
    assert (found.absent, found.lates, found.late_minutes) == (2, 1, 5)
    # a view answers for any period, from the marks it found once
    assert view.totals(D(2026, 11, 4), TIL).absent == 0
