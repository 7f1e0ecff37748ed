"""The year-end report against hand-computed cases, the vitnemål candidates above all.

The school: 8A has 6 lessons of 45 minutes Mon–Thu and 5 on Friday; 10C has 4 lessons a day
of 45, 45, 60 and 30 minutes; 7A has 4 lessons of 45 minutes. The 2026-2027 calendar has
sommerferie, høstferie (05.10–09.10.2026) and juleferie (21.12.2026–01.01.2027).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fravaer_tui.domain.model import (
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
from fravaer_tui.domain.yearreport import (
    CSV_COLUMNS,
    KANDIDAT_MERKNAD,
    PeriodFigures,
    VitnemalCandidate,
    YearReport,
    class_reports,
    format_csv,
    report_rows,
    school_year_dates,
    year_report,
)
from tests.unit.conftest import (
    CALENDAR_2026_2027,
    FOUR_A_DAY,
    SIX_SIX_SIX_SIX_FIVE,
    ToySchool,
    hourly,
)

D = dt.date
FRAVAER, SENT, FORLOT = MarkType.FRAVAER, MarkType.SENT, MarkType.FORLOT
GYLDIG, UGYLDIG = Validity.GYLDIG, Validity.UGYLDIG
SYKDOM, LEGE, PERMISJON, ANNET = Reason.SYKDOM, Reason.LEGE, Reason.PERMISJON, Reason.ANNET
YEAR = "2026-2027"
UNTIL = D(2027, 6, 18)  # the last school day before sommerferie

CAL = CALENDAR_2026_2027
TEN_C = (  # 10C's four periods of uneven length (one of 60 minutes, one of 30)
    (dt.time(8, 30), dt.time(9, 15)),
    (dt.time(9, 25), dt.time(10, 10)),
    (dt.time(10, 30), dt.time(11, 30)),
    (dt.time(12), dt.time(12, 30)),
)
ROSTER = Roster(
    students=(
        Student("e1", "Ola", "Nordmann", "8A"),
        Student("e2", "Kari", "Hansen", "8A"),
        Student("e5", "Anne", "Aas", "8A"),
        Student("e3", "Per", "Berg", "10C"),
        Student("e4", "Lise", "Dahl", "7A"),
    ),
    timetable=(
        *hourly("8A", SIX_SIX_SIX_SIX_FIVE, "norsk", "t1"),
        *(
            Slot("10C", ukedag, time, start, slutt, "matte", "t2")
            for ukedag in range(1, 6)
            for time, (start, slutt) in enumerate(TEN_C, 1)
        ),
        *hourly("7A", FOUR_A_DAY, "natur", "t3"),
    ),
)

# --- factories (tests/unit/conftest.py) -----------------------------------------------------
TOY = ToySchool(ROSTER, CAL)
student, lessons_on, school_days = TOY.student, TOY.lessons_on, TOY.school_days
absent, whole_days, melding = TOY.absent, TOY.whole_days, TOY.melding


def late(elev: str, dato: dt.date, time: int = 1, minutter: int | None = 10):
    return TOY.late(elev, dato, [time], minutter)


def report(
    *groups: Iterable[Registration],
    meldinger: Iterable[Melding] = (),
    elev: str = "e1",
    until: dt.date = UNTIL,
    steps: Iterable[str] = (),
) -> YearReport:
    registrations = [reg for group in groups for reg in group]
    return year_report(
        student(elev), ROSTER, CAL, registrations, list(meldinger), YEAR, until, tuple(steps)
    )


def cands(r: YearReport) -> list[tuple[dt.date, str, bool]]:
    return [(c.dato, c.grunn, c.deductible) for c in r.candidates]


# --- health spells -----------------------------------------------------------------------------


def test_five_day_sick_spell_with_melding_days_four_and_five_are_candidates() -> None:
    week = school_days(D(2026, 11, 9), D(2026, 11, 13))
    r = report(whole_days("e1", *week), meldinger=[melding("e1", week[0], week[-1])])
    assert r.year.days == 5 and r.year.minutes == 0
    assert cands(r) == [
        (D(2026, 11, 12), "helse, dag 4 av 5", True),
        (D(2026, 11, 13), "helse, dag 5 av 5", True),
    ]
    assert (r.vitnemal_days, r.deductible_days, r.days_if_granted) == (5, 2, 3)


def test_three_day_spell_has_no_candidates() -> None:
    days = school_days(D(2026, 11, 9), D(2026, 11, 11))
    r = report(whole_days("e1", *days), meldinger=[melding("e1", days[0], days[-1])])
    assert r.year.days == 3
    assert r.candidates == ()


def test_four_day_spell_day_four_only() -> None:
    days = school_days(D(2026, 11, 9), D(2026, 11, 12))
    r = report(whole_days("e1", *days), meldinger=[melding("e1", days[0], days[-1], LEGE)])
    assert cands(r) == [(D(2026, 11, 12), "helse, dag 4 av 4", True)]


@pytest.mark.parametrize(
    ("fra", "til", "fourth"),
    [
        # Thu, Fri, weekend, Mon, Tue
        (D(2026, 11, 12), D(2026, 11, 17), D(2026, 11, 17)),
        # Thu, Fri, høstferie 05.10–09.10, Mon, Tue
        (D(2026, 10, 1), D(2026, 10, 13), D(2026, 10, 13)),
        # Thu 17.12, Fri 18.12, juleferie, Mon 04.01, Tue 05.01: across the semesters too
        (D(2026, 12, 17), D(2027, 1, 5), D(2027, 1, 5)),
    ],
    ids=["weekend", "hostferie", "juleferie"],
)
def test_a_spell_counts_school_days_across_days_off(fra: dt.date, til: dt.date, fourth) -> None:
    days = school_days(fra, til)
    assert len(days) == 4
    r = report(whole_days("e1", *days), meldinger=[melding("e1", fra, til)])
    assert cands(r) == [(fourth, "helse, dag 4 av 4", True)]


def test_a_spell_split_by_a_present_day_is_two_spells() -> None:
    first = school_days(D(2026, 11, 9), D(2026, 11, 10))  # Mon, Tue
    second = school_days(D(2026, 11, 12), D(2026, 11, 16))  # Thu, Fri, Mon
    r = report(
        whole_days("e1", *first, *second),
        meldinger=[melding("e1", D(2026, 11, 9), D(2026, 11, 16))],
    )
    assert r.year.days == 5
    assert r.candidates == ()


def test_a_part_day_breaks_a_spell_and_becomes_hours() -> None:
    first = school_days(D(2026, 11, 9), D(2026, 11, 11))  # Mon–Wed whole
    part = absent("e1", D(2026, 11, 12), [1, 2])  # Thu: 2 of 6 lessons
    second = school_days(D(2026, 11, 13), D(2026, 11, 17))  # Fri, Mon, Tue whole
    r = report(
        whole_days("e1", *first, *second),
        part,
        meldinger=[melding("e1", D(2026, 11, 9), D(2026, 11, 17))],
    )
    assert (r.year.days, r.year.partial_days, r.year.minutes) == (6, 1, 90)
    assert r.candidates == ()


def test_sickness_without_melding_is_not_a_candidate() -> None:
    week = school_days(D(2026, 11, 9), D(2026, 11, 13))
    unreported = report(whole_days("e1", *week))
    judged = report(whole_days("e1", *week, validity=GYLDIG, reason=SYKDOM))
    assert unreported.year.days == judged.year.days == 5
    assert unreported.candidates == judged.candidates == ()


@pytest.mark.parametrize(
    ("reason", "validity"), [(ANNET, GYLDIG), (SYKDOM, UGYLDIG), (PERMISJON, UGYLDIG)]
)
def test_other_reasons_and_ugyldig_meldinger_give_no_candidates(reason, validity) -> None:
    week = school_days(D(2026, 11, 9), D(2026, 11, 13))
    r = report(
        whole_days("e1", *week), meldinger=[melding("e1", week[0], week[-1], reason, validity)]
    )
    assert r.candidates == ()


def test_a_lesson_judged_ugyldig_on_the_mark_breaks_the_spell() -> None:
    week = school_days(D(2026, 11, 9), D(2026, 11, 13))
    regs = [reg for reg in whole_days("e1", *week) if (reg.dato, reg.time) != (week[2], 3)]
    regs += absent("e1", week[2], [3], validity=UGYLDIG)
    r = report(regs, meldinger=[melding("e1", week[0], week[-1])])
    assert r.year.days == 5
    assert r.candidates == ()


def test_forlot_and_fravaer_together_make_a_whole_day() -> None:
    days = school_days(D(2026, 11, 9), D(2026, 11, 12))
    regs = [r for r in whole_days("e1", *days) if not (r.dato == days[3] and r.time == 6)]
    regs += absent("e1", days[3], [6], kind=FORLOT)
    r = report(regs, meldinger=[melding("e1", days[0], days[-1])])
    assert (r.year.days, r.year.forlot, r.year.lessons_absent) == (4, 1, 24)
    assert cands(r) == [(days[3], "helse, dag 4 av 4", True)]


# --- permisjon and the cap ---------------------------------------------------------------------


def test_innvilget_permisjon_days_are_candidates_part_days_are_not() -> None:
    days = school_days(D(2026, 9, 7), D(2026, 9, 9))
    r = report(
        whole_days("e1", *days),
        absent("e1", D(2026, 9, 10), [5, 6]),
        meldinger=[melding("e1", days[0], D(2026, 9, 10), PERMISJON)],
    )
    assert cands(r) == [(d, "innvilget permisjon", True) for d in days]
    assert (r.year.days, r.year.minutes, r.vitnemal_minutes) == (3, 90, 90)


def test_permisjon_judged_on_the_mark_is_a_candidate() -> None:
    r = report(whole_days("e1", D(2026, 9, 7), validity=GYLDIG, reason=PERMISJON))
    assert cands(r) == [(D(2026, 9, 7), "innvilget permisjon", True)]


def test_ten_day_cap_eight_permisjon_and_five_health() -> None:
    perm = school_days(D(2026, 9, 7), D(2026, 9, 16))
    sick = school_days(D(2026, 11, 9), D(2026, 11, 18))
    assert (len(perm), len(sick)) == (8, 8)
    r = report(
        whole_days("e1", *perm, *sick),
        meldinger=[
            melding("e1", perm[0], perm[-1], PERMISJON),
            melding("e1", sick[0], sick[-1], SYKDOM),
        ],
    )
    assert r.year.days == 16
    assert cands(r) == [
        *[(d, "innvilget permisjon", True) for d in perm],
        (D(2026, 11, 12), "helse, dag 4 av 8", True),
        (D(2026, 11, 13), "helse, dag 5 av 8", True),
        (D(2026, 11, 16), "helse, dag 6 av 8", False),
        (D(2026, 11, 17), "helse, dag 7 av 8", False),
        (D(2026, 11, 18), "helse, dag 8 av 8", False),
    ]
    assert (r.deductible_days, r.days_if_granted) == (10, 6)


def test_a_spell_still_running_counts_its_days_so_far() -> None:
    week = school_days(D(2026, 11, 9), D(2026, 11, 13))
    r = report(
        whole_days("e1", *week),
        meldinger=[melding("e1", week[0], D(2026, 11, 30))],
        until=D(2026, 11, 12),
    )
    assert r.year.days == 4
    assert cands(r) == [(D(2026, 11, 12), "helse, dag 4 av 4", True)]


# --- days and hours ----------------------------------------------------------------------------


def test_two_45_minute_lessons_are_one_and_a_half_hours() -> None:
    r = report(absent("e1", D(2026, 11, 10), [2, 3]))
    assert r.year == PeriodFigures(
        days=0,
        partial_days=1,
        minutes=90,
        lates=0,
        late_minutes=0,
        forlot=0,
        lessons_held=r.year.lessons_held,
        lessons_absent=2,
        lessons_not_registered=r.year.lessons_not_registered,
    )
    assert r.year.hours == 1.5


def test_hours_use_each_lessons_own_length() -> None:
    # 10C: 45 + 60 minutes on Tuesday, 30 on Wednesday
    r = report(absent("e3", D(2026, 11, 10), [2, 3]), absent("e3", D(2026, 11, 11), [4]), elev="e3")
    assert (r.year.days, r.year.partial_days, r.year.minutes, r.year.hours) == (0, 2, 135, 2.25)


def test_whole_days_never_become_hours() -> None:
    # Thursday has 6 lessons, Friday 5: both are one day and no hours
    r = report(whole_days("e1", D(2026, 11, 12), D(2026, 11, 13)))
    assert (r.year.days, r.year.minutes, r.year.lessons_absent) == (2, 0, 11)
    assert (r.vitnemal_days, r.vitnemal_minutes) == (2, 0)


def test_hours_are_never_converted_to_days() -> None:
    # 5 of 6 lessons on the 7 Mondays–Thursdays: 35 lessons, 26.25 hours, still no day
    days = school_days(D(2026, 11, 9), D(2026, 11, 18))
    r = report(*(absent("e1", d, [1, 2, 3, 4, 5]) for d in days if d.isoweekday() != 5))
    assert (r.year.days, r.year.partial_days, r.year.minutes, r.year.hours) == (0, 7, 1575, 26.25)


def test_a_day_missed_only_in_the_lessons_registered_is_hours() -> None:
    # 17.08.2026, the first school day: only lessons 1 and 2 were registered
    r = report(absent("e1", D(2026, 8, 17), [1, 2]), until=D(2026, 8, 17))
    assert (r.year.days, r.year.minutes) == (0, 90)
    assert (r.year.lessons_held, r.year.lessons_not_registered) == (6, 4)


def test_a_lesson_registered_twice_counts_once() -> None:
    r = report(absent("e1", D(2026, 11, 10), [2]), absent("e1", D(2026, 11, 10), [2]))
    assert (r.year.lessons_absent, r.year.minutes) == (1, 45)


def test_lates_are_counted_with_their_minutes_and_are_not_absence() -> None:
    r = report(
        late("e1", D(2026, 9, 1), 1, 10),
        late("e1", D(2026, 9, 2), 3, 5),
        late("e1", D(2027, 2, 2), 1, None),
    )
    assert (r.host.lates, r.host.late_minutes) == (2, 15)
    assert (r.var.lates, r.var.late_minutes) == (1, 0)
    assert (r.year.lates, r.year.late_minutes) == (3, 15)
    assert (r.year.days, r.year.minutes, r.year.lessons_absent) == (0, 0, 0)


def test_semesters_split_on_new_year() -> None:
    r = report(
        whole_days("e1", D(2026, 12, 18)),  # Friday before juleferie
        absent("e1", D(2026, 12, 17), [1]),
        whole_days("e1", D(2027, 1, 4)),
        absent("e1", D(2027, 1, 5), [1, 2, 3]),
        late("e1", D(2027, 1, 6)),
    )
    assert (r.host.days, r.host.minutes, r.host.lates) == (1, 45, 0)
    assert (r.var.days, r.var.minutes, r.var.lates) == (1, 135, 1)
    assert (r.year.days, r.year.minutes, r.year.lates) == (2, 180, 1)


def test_lessons_held_per_semester_and_year() -> None:
    r = report()
    # høst: 17.08–18.12 minus høstferie = 85 school days, 17 weeks of 6+6+6+6+5 lessons
    assert len(school_days(D(2026, 8, 1), D(2026, 12, 31))) == 85
    assert r.host.lessons_held == 17 * 29
    assert r.year.lessons_held == r.host.lessons_held + r.var.lessons_held
    assert r.year.lessons_not_registered == r.year.lessons_held


def test_until_before_new_year_leaves_the_spring_empty_and_ignores_later_data() -> None:
    r = report(
        whole_days("e1", D(2026, 11, 9), D(2026, 11, 20)),
        late("e1", D(2026, 11, 20)),
        until=D(2026, 11, 19),
    )
    assert r.til == D(2026, 11, 19)
    assert r.year.days == 1 and r.year.lates == 0
    assert r.var == PeriodFigures(0, 0, 0, 0, 0, 0, 0, 0, 0)


def test_until_after_the_school_year_is_clamped_and_other_years_are_left_out() -> None:
    r = report(
        whole_days("e1", D(2026, 6, 18), D(2026, 11, 9), D(2027, 8, 16)), until=D(2027, 9, 1)
    )
    assert r.til == D(2027, 7, 31)
    assert r.year.days == 1


def test_the_school_year_must_be_named_like_2026_2027() -> None:
    assert school_year_dates(" 2026-2027 ") == (D(2026, 8, 1), D(2027, 7, 31))
    for bad in ("2026/2027", "2026-2028", "26-27", ""):
        with pytest.raises(ValueError, match="ikke et skoleår"):
            school_year_dates(bad)


# --- vitnemål applies from 8. trinn -----------------------------------------------------------


def test_seventh_grade_has_no_vitnemal_figures() -> None:
    week = school_days(D(2026, 11, 9), D(2026, 11, 13))
    r = report(whole_days("e4", *week), meldinger=[melding("e4", week[0], week[-1])], elev="e4")
    assert r.vitnemal_applies is False
    assert (r.year.days, r.vitnemal_days, r.vitnemal_minutes, r.candidates) == (5, 0, 0, ())


def test_tenth_grade_has_vitnemal_figures() -> None:
    r = report(absent("e3", D(2026, 11, 10), [3]), elev="e3")
    assert r.vitnemal_applies is True
    assert (r.vitnemal_days, r.vitnemal_minutes, r.vitnemal_hours) == (0, 60, 1.0)


# --- a whole class, and the CSV ----------------------------------------------------------------


def _class_8a() -> list[YearReport]:
    week = school_days(D(2026, 11, 9), D(2026, 11, 13))
    registrations = [
        *whole_days("e1", *week),
        *absent("e2", D(2026, 11, 10), [2, 3]),
        *late("e2", D(2026, 11, 11), 1, 7),
        *absent("e3", D(2026, 11, 10), [1]),
    ]
    return class_reports(
        "8A",
        ROSTER,
        CAL,
        registrations,
        [melding("e1", week[0], week[-1])],
        YEAR,
        UNTIL,
        steps_by_student={"e1": ("16.11.2026 Kontakt med foresatte (Ola Lærer)",)},
    )


def test_class_reports_cover_every_student_of_the_class_in_roster_order() -> None:
    reports = _class_8a()
    assert [r.elev for r in reports] == ["e5", "e2", "e1"]  # Aas, Hansen, Nordmann
    by_id = {r.elev: r for r in reports}
    assert by_id["e1"].steps == ("16.11.2026 Kontakt med foresatte (Ola Lærer)",)
    assert by_id["e2"].steps == by_id["e5"].steps == ()
    assert (by_id["e1"].year.days, by_id["e1"].deductible_days) == (5, 2)
    assert (by_id["e2"].year.minutes, by_id["e2"].year.lates) == (90, 1)
    assert by_id["e5"].year.lessons_absent == 0
    assert class_reports("9Z", ROSTER, CAL, [], [], YEAR, UNTIL) == []


def test_class_reports_match_single_reports() -> None:
    week = school_days(D(2026, 11, 9), D(2026, 11, 13))
    regs = [*whole_days("e1", *week), *absent("e2", D(2026, 11, 10), [2, 3])]
    meldinger = [melding("e1", week[0], week[-1])]
    together = class_reports("8A", ROSTER, CAL, regs, meldinger, YEAR, UNTIL)
    alone = [report(regs, meldinger=meldinger, elev=r.elev) for r in together]
    assert together == alone


def test_report_rows_values() -> None:
    rows = report_rows(_class_8a())
    assert all(list(row) == list(CSV_COLUMNS) for row in rows)
    ola = rows[2]
    assert ola["Elev-ID"] == "e1"
    assert ola["Elev"] == "Ola Nordmann"
    assert ola["Klasse"] == "8A"
    assert ola["Skoleår"] == "2026-2027"
    assert ola["Til og med"] == "18.06.2027"
    assert ola["Høst fraværsdager"] == "5"
    assert ola["Vår fraværsdager"] == "0"
    assert ola["Skoleår fravær timer (60 min)"] == "0,00"
    assert ola["Skoleår undervisningstimer med fravær"] == "29"
    assert ola["Vitnemål"] == "ja"
    assert ola["Vitnemål dager"] == "5"
    assert ola["Kandidater til stryking (dager)"] == "2"
    assert ola["Kan strykes etter søknad (dager)"] == "2"
    assert ola["Dager på vitnemål om søknaden innvilges"] == "3"
    assert ola["Kandidatdatoer"] == (
        "12.11.2026 (helse, dag 4 av 5); 13.11.2026 (helse, dag 5 av 5)"
    )
    assert ola["Oppfølging"] == "16.11.2026 Kontakt med foresatte (Ola Lærer)"
    kari = rows[1]
    assert kari["Skoleår fravær timer (60 min)"] == "1,50"
    assert kari["Skoleår fravær minutter"] == "90"
    assert kari["Skoleår dager med delvis fravær"] == "1"
    assert (kari["Skoleår sent"], kari["Skoleår sent minutter"]) == ("1", "7")
    assert kari["Kandidatdatoer"] == "" and kari["Oppfølging"] == ""


def test_report_rows_leave_vitnemal_cells_empty_below_eighth_grade() -> None:
    (row,) = report_rows([report(absent("e4", D(2026, 11, 10), [1]), elev="e4")])
    assert row["Vitnemål"] == "nei"
    assert row["Vitnemål dager"] == row["Kandidatdatoer"] == ""
    assert row["Skoleår fravær timer (60 min)"] == "0,75"


def test_report_rows_mark_candidates_over_the_cap() -> None:
    nothing = PeriodFigures(0, 0, 0, 0, 0, 0, 0, 0, 0)
    r = YearReport(
        elev="e1",
        navn="Ola Nordmann",
        klasse="8A",
        skoleaar=YEAR,
        til=UNTIL,
        host=nothing,
        var=nothing,
        year=nothing,
        vitnemal_applies=True,
        vitnemal_days=11,
        vitnemal_minutes=0,
        candidates=(VitnemalCandidate(D(2027, 3, 1), "innvilget permisjon", False),),
    )
    (row,) = report_rows([r])
    assert row["Kandidatdatoer"] == "01.03.2027 (innvilget permisjon, over grensen på 10 dager)"
    assert row["Kan strykes etter søknad (dager)"] == "0"


def test_format_csv_is_for_norwegian_excel() -> None:
    text = format_csv(_class_8a())
    assert text.startswith("Elev-ID;Elev;Klasse;Skoleår;Til og med;Høst fraværsdager;")
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == report_rows(_class_8a())


def test_the_candidate_note_says_documentation_must_be_checked() -> None:
    assert "legeerklæring" in KANDIDAT_MERKNAD and "10 dager" in KANDIDAT_MERKNAD


# --- properties --------------------------------------------------------------------------------

AUTUMN = school_days(D(2026, 11, 2), D(2026, 12, 18))
SPRING = school_days(D(2027, 1, 4), D(2027, 2, 12))
DAYS = AUTUMN + SPRING


@st.composite
def scenarios(draw) -> tuple[list[Registration], list[Melding], dt.date]:
    regs: list[Registration] = []
    for dato in draw(st.lists(st.sampled_from(DAYS), unique=True, max_size=25)):
        times = lessons_on("8A", dato)
        missed = draw(st.sets(st.sampled_from(times), min_size=1))
        kind = draw(st.sampled_from([FRAVAER, FRAVAER, FORLOT]))
        judged = draw(
            st.sampled_from([(None, None), (GYLDIG, SYKDOM), (GYLDIG, PERMISJON), (UGYLDIG, None)])
        )
        regs += absent("e1", dato, sorted(missed), kind=kind, validity=judged[0], reason=judged[1])
        present = sorted(set(times) - missed)
        if present and draw(st.booleans()):
            regs += late("e1", dato, present[0], draw(st.sampled_from([None, 3, 12])))
    meldinger = [
        melding("e1", fra, fra + dt.timedelta(days=span), reason, validity)
        for fra, span, reason, validity in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(DAYS),
                    st.integers(0, 14),
                    st.sampled_from([SYKDOM, LEGE, PERMISJON, ANNET]),
                    st.sampled_from([GYLDIG, GYLDIG, UGYLDIG]),
                ),
                max_size=5,
            )
        )
    ]
    return regs, meldinger, draw(st.sampled_from(DAYS))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_property_figures_add_up(scenario) -> None:
    regs, meldinger, until = scenario
    r = report(regs, meldinger=meldinger, until=until)
    absent_dates = {reg.dato for reg in regs if reg.dato <= until and reg.marks[0].is_absence}
    for f in (r.host, r.var, r.year):
        assert f.hours * 60 == pytest.approx(f.minutes)
        assert f.minutes % 45 == 0  # 8A's lessons are 45 minutes; whole days add none
        assert f.lessons_absent <= f.lessons_held
    assert r.year.days + r.year.partial_days == len(absent_dates)
    for field in ("days", "partial_days", "minutes", "lates", "late_minutes", "forlot"):
        assert getattr(r.year, field) == getattr(r.host, field) + getattr(r.var, field)
    whole_lessons = sum(len(lessons_on("8A", d)) for d in absent_dates if _whole(regs, d))
    assert r.year.lessons_absent == whole_lessons + r.year.minutes // 45
    assert r.deductible_days == min(10, len(r.candidates))
    assert [c.deductible for c in r.candidates] == sorted(
        (c.deductible for c in r.candidates), reverse=True
    )
    assert all(_whole(regs, c.dato) and c.dato <= until for c in r.candidates)
    assert [c.dato for c in r.candidates] == sorted({c.dato for c in r.candidates})
    assert r.days_if_granted >= 0


def _whole(regs: list[Registration], dato: dt.date) -> bool:
    missed = {reg.time for reg in regs if reg.dato == dato and reg.marks[0].is_absence}
    return missed == set(lessons_on("8A", dato))


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_property_absent_lessons_and_lates_agree_with_the_rule_engine(scenario) -> None:
    regs, meldinger, until = scenario
    r = report(regs, meldinger=meldinger, until=until)
    figures = check(ROSTER, CAL, regs, meldinger, load_profile("strand"), until).figures["e1"]
    semester = r.host if until.month >= 8 else r.var
    assert (semester.lessons_absent, semester.lates) == (figures.absent_lessons, figures.sent)
    assert (semester.forlot, semester.lessons_held) == (figures.forlot, figures.held_lessons)
