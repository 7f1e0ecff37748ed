"""The threshold rules, exhaustively, on hand-built data (DESIGN, Domain exactly / Threshold rules).

Everything runs through the real engine `rules.check` with the two built-in profiles.
The school: class 8A has 6 lessons Mon–Thu and 5 on Friday, class 9B has 4 lessons
every day; the 2026-2027 calendar has sommerferie, høstferie (05.10–09.10.2026) and
juleferie (21.12.2026–01.01.2027).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fravaer_tui.domain.model import (
    CancelledLesson,
    Contact,
    Kortdag,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Roster,
    Slot,
    Student,
    TimetableVersion,
    Validity,
)
from fravaer_tui.domain.profiles import Profile, load_profile
from fravaer_tui.domain.rules import Alert, CheckResult, Evidence, check
from fravaer_tui.domain.rules.lessons import Lessons
from fravaer_tui.domain.schoolcalendar import SchoolCalendar, months_window_start, semester_bounds
from tests.unit.conftest import (
    CALENDAR_2026_2027,
    FOUR_A_DAY,
    SIX_SIX_SIX_SIX_FIVE,
    ToySchool,
    hourly,
)

# --- the school ----------------------------------------------------------------------------

D = dt.date
FRAVAER, SENT, FORLOT = MarkType.FRAVAER, MarkType.SENT, MarkType.FORLOT
IKKE_MELDT, GYLDIG, UGYLDIG = Validity.IKKE_MELDT, Validity.GYLDIG, Validity.UGYLDIG
SYKDOM, PERMISJON, ANNET, LEGE = Reason.SYKDOM, Reason.PERMISJON, Reason.ANNET, Reason.LEGE

STRAND = load_profile("strand")
HOLE = load_profile("hole")
TODAY = D(2026, 11, 20)  # the default check date: a Friday
PROFILES = pytest.mark.parametrize("profile", [STRAND, HOLE], ids=["strand", "hole"])

CAL = CALENDAR_2026_2027
ROSTER = Roster(
    students=(
        Student("e1", "Ola", "Nordmann", "8A"),
        Student("e2", "Kari", "Hansen", "8A"),
        Student("e3", "Per", "Berg", "9B"),
    ),
    timetable=(
        *hourly("8A", SIX_SIX_SIX_SIX_FIVE, "norsk", "t1"),
        *hourly("9B", FOUR_A_DAY, "matte", "t2"),
    ),
)
ELEVER = ("e1", "e2", "e3")

# --- factories (tests/unit/conftest.py) -----------------------------------------------------
# Each returns registrations holding one student's marks; `run` merges registrations of the
# same lesson (one roll call per lesson, later marks for the same student win).
TOY = ToySchool(ROSTER, CAL)
klasse_of, lessons_on, _reg = TOY.klasse_of, TOY.lessons_on, TOY.reg
absent, whole_day, left, late = TOY.absent, TOY.whole_days, TOY.left, TOY.late
remark, present, melding = TOY.remark, TOY.present, TOY.melding


def merge(registrations: Iterable[Registration]) -> list[Registration]:
    marks: dict[tuple[str, dt.date, int], dict[str, Mark]] = {}
    for reg in registrations:
        lesson = marks.setdefault((reg.klasse, reg.dato, reg.time), {})
        for mark in reg.marks:
            lesson[mark.elev] = mark
    return [_reg(k, d, t, lesson.values()) for (k, d, t), lesson in sorted(marks.items())]


def run(
    *groups: Iterable[Registration],
    meldinger: Iterable[Melding] = (),
    profile: Profile = STRAND,
    dato: dt.date = TODAY,
    elever: Iterable[str] | None = None,
    roster: Roster = ROSTER,
    calendar: SchoolCalendar = CAL,
    contacts: Iterable[Contact] = (),
    cancelled: Iterable[CancelledLesson] = (),
) -> CheckResult:
    registrations = merge(reg for group in groups for reg in group)
    return check(
        roster,
        calendar,
        registrations,
        list(meldinger),
        profile,
        dato,
        elever,
        contacts=contacts,
        cancelled=cancelled,
    )


def alert(result: CheckResult, elev: str, regel: str) -> Alert | None:
    found = [a for a in result.alerts if a.elev == elev and a.regel == regel]
    assert len(found) <= 1, found
    return found[0] if found else None


def regler(result: CheckResult, elev: str = "e1") -> set[str]:
    return {a.regel for a in result.alerts_for(elev)}


def sick(elev: str, fra: dt.date, til: dt.date) -> Melding:
    return melding(elev, fra, til, SYKDOM, GYLDIG)


def ev(dato, time, kind=FRAVAER, validity=IKKE_MELDT, reason=None, klasse="8A", minutter=None):
    return Evidence(dato, time, klasse, kind, validity, reason, minutter)


# --- the profiles are the ones DESIGN describes ----------------------------------------------


def test_builtin_profiles_match_the_design_table() -> None:
    def shape(profile: Profile) -> dict[str, tuple[int | None, float, bool]]:
        return {r.id: (r.maaneder, r.terskel, r.permisjon_teller) for r in profile.rules}

    assert shape(STRAND) == {
        "ugyldig_fravaer": (None, 1, True),
        "hoyt_fravaer": (None, 5, True),
        "forsentkomming": (1, 5, True),
        "forlater_skolen": (None, 1, True),
        "sammenhengende_uten_melding": (None, 4, True),
    }
    assert shape(HOLE) == {
        "ugyldig_fravaer": (None, 1, True),
        "hoyt_fravaer": (3, 5, True),  # issue 11: Hole counts innvilget permisjon too
        "forsentkomming": (1, 3, True),
        "forlater_skolen": (None, 1, True),
        "langvarig_kjent_aarsak": (3, 50, True),  # issue 13: rutinepunkt 3
        "mangler_utstyr": (1, 3, True),  # issue 13: «til stadighet» ≥ 3 in 1 month
    }


# --- nothing happened ------------------------------------------------------------------------


@PROFILES
def test_no_registrations_no_alerts_but_figures_for_everyone(profile: Profile) -> None:
    result = run(profile=profile)
    assert result.alerts == ()
    assert result.dato == D(2026, 11, 20)
    assert result.profile == profile.id
    assert set(result.figures) == set(ELEVER)
    assert result.figures["e1"].absent_lessons == 0
    assert result.figures["e1"].prosent == 0.0


@PROFILES
def test_all_present_lessons_give_no_alerts(profile: Profile) -> None:
    days = list(CAL.school_days(D(2026, 11, 2), D(2026, 11, 20)))
    result = run(present("8A", *days), present("9B", *days), profile=profile)
    assert result.alerts == ()


@PROFILES
def test_remark_only_marks_count_for_no_absence_rule(profile: Profile) -> None:
    days = list(CAL.school_days(D(2026, 11, 2), D(2026, 11, 20)))
    result = run(*(remark("e1", d, t) for d in days for t in (1, 2, 3)), profile=profile)
    # only Hole's own rule counts the remark (issue 13); Strand has no such rule
    assert {a.regel for a in result.alerts} == ({"mangler_utstyr"} if profile is HOLE else set())
    figures = result.figures["e1"]
    assert (figures.absent_lessons, figures.dager, figures.sent, figures.forlot) == (0, 0.0, 0, 0)


# --- ugyldig_fravaer -------------------------------------------------------------------------


@PROFILES
def test_one_unreported_lesson_is_ugyldig_fravaer(profile: Profile) -> None:
    result = run(absent("e1", D(2026, 11, 18), [2]), profile=profile)
    found = alert(result, "e1", "ugyldig_fravaer")
    rule = profile.rule("ugyldig_fravaer")
    assert found is not None and rule is not None
    assert found.klasse == "8A"
    assert found.antall == 1
    assert found.terskel == 1
    assert found.forst == D(2026, 11, 18)
    assert found.vindu_fra == D(2026, 8, 1)
    assert found.tiltak == rule.tiltak and found.tiltak
    assert found.tittel == rule.tittel
    assert found.enhet == "timer"
    assert found.evidence == (ev(D(2026, 11, 18), 2),)
    assert regler(result) == {"ugyldig_fravaer"}
    assert regler(result, "e2") == set()


@PROFILES
def test_ugyldig_fravaer_counts_lessons_and_first_holds_on_the_first(profile: Profile) -> None:
    result = run(
        absent("e1", D(2026, 11, 19), [4, 5]),
        absent("e1", D(2026, 11, 18), [1, 2, 3]),
        profile=profile,
    )
    found = alert(result, "e1", "ugyldig_fravaer")
    assert found is not None
    assert found.antall == 5
    assert found.forst == D(2026, 11, 18)
    assert [(e.dato, e.time) for e in found.evidence] == [
        (D(2026, 11, 18), 1),
        (D(2026, 11, 18), 2),
        (D(2026, 11, 18), 3),
        (D(2026, 11, 19), 4),
        (D(2026, 11, 19), 5),
    ]


@PROFILES
@pytest.mark.parametrize(
    ("fra", "til"),
    [
        (D(2026, 11, 18), D(2026, 11, 18)),
        (D(2026, 11, 16), D(2026, 11, 20)),
        (D(2026, 11, 18), D(2026, 11, 25)),
    ],
)
def test_gyldig_melding_covering_the_date_clears_ugyldig_fravaer(
    profile: Profile, fra: dt.date, til: dt.date
) -> None:
    registrations = absent("e1", D(2026, 11, 18), [2, 3])
    assert alert(run(registrations, profile=profile), "e1", "ugyldig_fravaer") is not None
    result = run(registrations, meldinger=[sick("e1", fra, til)], profile=profile)
    assert alert(result, "e1", "ugyldig_fravaer") is None
    assert result.figures["e1"].absent_lessons == 2  # still absence, just gyldig


@PROFILES
@pytest.mark.parametrize(
    ("fra", "til"),
    [(D(2026, 11, 16), D(2026, 11, 17)), (D(2026, 11, 19), D(2026, 11, 20))],
)
def test_melding_not_covering_the_date_does_not_clear(
    profile: Profile, fra: dt.date, til: dt.date
) -> None:
    result = run(
        absent("e1", D(2026, 11, 18), [2]), meldinger=[sick("e1", fra, til)], profile=profile
    )
    assert alert(result, "e1", "ugyldig_fravaer") is not None


@PROFILES
def test_melding_clears_only_the_dates_it_covers(profile: Profile) -> None:
    result = run(
        whole_day("e1", D(2026, 11, 18), D(2026, 11, 19)),
        meldinger=[sick("e1", D(2026, 11, 18), D(2026, 11, 18))],
        profile=profile,
    )
    found = alert(result, "e1", "ugyldig_fravaer")
    assert found is not None
    assert found.antall == 6
    assert found.forst == D(2026, 11, 19)
    assert {e.dato for e in found.evidence} == {D(2026, 11, 19)}


@PROFILES
def test_melding_for_another_student_does_not_clear(profile: Profile) -> None:
    result = run(
        absent("e1", D(2026, 11, 18), [2]),
        meldinger=[sick("e2", D(2026, 11, 18), D(2026, 11, 18))],
        profile=profile,
    )
    assert alert(result, "e1", "ugyldig_fravaer") is not None


@PROFILES
def test_ugyldig_melding_keeps_ugyldig_fravaer(profile: Profile) -> None:
    result = run(
        absent("e1", D(2026, 11, 18), [2]),
        meldinger=[melding("e1", D(2026, 11, 18), reason=ANNET, validity=UGYLDIG)],
        profile=profile,
    )
    found = alert(result, "e1", "ugyldig_fravaer")
    assert found is not None
    assert found.evidence == (ev(D(2026, 11, 18), 2, validity=UGYLDIG, reason=ANNET),)


@PROFILES
def test_judgement_on_the_mark_wins_over_a_gyldig_melding(profile: Profile) -> None:
    result = run(
        absent("e1", D(2026, 11, 18), [2], validity=UGYLDIG, reason=ANNET),
        meldinger=[sick("e1", D(2026, 11, 16), D(2026, 11, 20))],
        profile=profile,
    )
    found = alert(result, "e1", "ugyldig_fravaer")
    assert found is not None
    assert found.evidence == (ev(D(2026, 11, 18), 2, validity=UGYLDIG, reason=ANNET),)


@PROFILES
def test_mark_judged_gyldig_needs_no_melding(profile: Profile) -> None:
    result = run(absent("e1", D(2026, 11, 18), [2], validity=GYLDIG, reason=LEGE), profile=profile)
    assert alert(result, "e1", "ugyldig_fravaer") is None


@PROFILES
def test_permisjon_makes_the_absence_gyldig(profile: Profile) -> None:
    result = run(
        whole_day("e1", D(2026, 11, 18)),
        meldinger=[melding("e1", D(2026, 11, 18), D(2026, 11, 19), reason=PERMISJON)],
        profile=profile,
    )
    assert alert(result, "e1", "ugyldig_fravaer") is None


@PROFILES
def test_the_latest_melding_wins(profile: Profile) -> None:
    registrations = absent("e1", D(2026, 11, 18), [2])
    morning = dt.datetime(2026, 11, 18, 9)
    noon = dt.datetime(2026, 11, 18, 12)
    ugyldig_then_gyldig = [
        melding("e1", D(2026, 11, 18), reason=ANNET, validity=UGYLDIG, tid=morning),
        melding("e1", D(2026, 11, 18), reason=SYKDOM, validity=GYLDIG, tid=noon),
    ]
    gyldig_then_ugyldig = [
        melding("e1", D(2026, 11, 18), reason=SYKDOM, validity=GYLDIG, tid=morning),
        melding("e1", D(2026, 11, 18), reason=ANNET, validity=UGYLDIG, tid=noon),
    ]
    # Listed in either order: the time the melding was registered decides.
    for meldinger in (ugyldig_then_gyldig, ugyldig_then_gyldig[::-1]):
        result = run(registrations, meldinger=meldinger, profile=profile)
        assert alert(result, "e1", "ugyldig_fravaer") is None
    for meldinger in (gyldig_then_ugyldig, gyldig_then_ugyldig[::-1]):
        result = run(registrations, meldinger=meldinger, profile=profile)
        assert alert(result, "e1", "ugyldig_fravaer") is not None


@PROFILES
def test_forlot_is_absence_so_unreported_it_is_ugyldig_fravaer(profile: Profile) -> None:
    result = run(left("e1", D(2026, 11, 18), [5, 6]), profile=profile)
    found = alert(result, "e1", "ugyldig_fravaer")
    assert found is not None
    assert found.antall == 2
    assert {e.kind for e in found.evidence} == {FORLOT}


@PROFILES
def test_sent_is_not_absence(profile: Profile) -> None:
    result = run(late("e1", D(2026, 11, 18), [1, 2]), profile=profile)
    assert alert(result, "e1", "ugyldig_fravaer") is None
    assert alert(result, "e1", "hoyt_fravaer") is None
    figures = result.figures["e1"]
    assert (figures.absent_lessons, figures.dager, figures.sent) == (0, 0.0, 2)


@PROFILES
def test_ugyldig_fravaer_counts_in_the_semester_only(profile: Profile) -> None:
    registrations = absent("e1", D(2026, 12, 17), [1])
    assert alert(run(registrations, profile=profile, dato=D(2026, 12, 17)), "e1", "ugyldig_fravaer")
    assert alert(run(registrations, profile=profile, dato=D(2026, 12, 31)), "e1", "ugyldig_fravaer")
    result = run(registrations, profile=profile, dato=D(2027, 1, 4))
    assert alert(result, "e1", "ugyldig_fravaer") is None

    result = run(
        registrations, absent("e1", D(2027, 1, 5), [3]), profile=profile, dato=D(2027, 1, 5)
    )
    found = alert(result, "e1", "ugyldig_fravaer")
    assert found is not None
    assert (found.antall, found.forst, found.vindu_fra) == (1, D(2027, 1, 5), D(2027, 1, 1))


def test_ugyldig_fravaer_clears_by_itself_when_the_melding_comes() -> None:
    registrations = whole_day("e1", D(2026, 11, 16), D(2026, 11, 17))
    before = run(registrations, dato=D(2026, 11, 17))
    after = run(
        registrations,
        meldinger=[sick("e1", D(2026, 11, 16), D(2026, 11, 17))],
        dato=D(2026, 11, 17),
    )
    assert regler(before) == {"ugyldig_fravaer"}
    assert regler(after) == set()


# --- hoyt_fravaer ----------------------------------------------------------------------------

MON_TO_FRI = [D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6)]
WEEK_SICK = sick("e1", D(2026, 11, 2), D(2026, 11, 13))


@PROFILES
def test_hoyt_fravaer_at_and_below_five_days(profile: Profile) -> None:
    four = run(whole_day("e1", *MON_TO_FRI[:4]), meldinger=[WEEK_SICK], profile=profile)
    assert alert(four, "e1", "hoyt_fravaer") is None
    assert four.figures["e1"].dager == 4.0

    five = run(whole_day("e1", *MON_TO_FRI), meldinger=[WEEK_SICK], profile=profile)
    found = alert(five, "e1", "hoyt_fravaer")
    rule = profile.rule("hoyt_fravaer")
    assert found is not None and rule is not None
    assert found.antall == 5.0
    assert found.terskel == 5
    assert found.enhet == "dager"
    assert found.forst == D(2026, 11, 6)
    assert found.tiltak == rule.tiltak
    assert len(found.evidence) == 4 * 6 + 5
    assert {e.validity for e in found.evidence} == {GYLDIG}
    assert regler(five) == {"hoyt_fravaer"}  # gyldig: no ugyldig_fravaer, no run without melding


@PROFILES
def test_hoyt_fravaer_counts_half_days(profile: Profile) -> None:
    four_and_a_half = [whole_day("e1", *MON_TO_FRI[:4]), absent("e1", D(2026, 11, 9), [1, 2, 3])]
    result = run(*four_and_a_half, meldinger=[WEEK_SICK], profile=profile)
    assert alert(result, "e1", "hoyt_fravaer") is None
    assert result.figures["e1"].dager == 4.5

    result = run(
        *four_and_a_half,
        absent("e1", D(2026, 11, 10), [4, 5, 6]),
        meldinger=[WEEK_SICK],
        profile=profile,
    )
    found = alert(result, "e1", "hoyt_fravaer")
    assert found is not None
    assert found.antall == 5.0
    assert found.forst == D(2026, 11, 10)


@PROFILES
def test_hoyt_fravaer_fractions_on_a_five_lesson_friday(profile: Profile) -> None:
    one_of_five = run(absent("e1", D(2026, 11, 6), [3]), profile=profile)
    assert one_of_five.figures["e1"].dager == 0.2

    almost = [whole_day("e1", *MON_TO_FRI[:4]), absent("e1", D(2026, 11, 6), [1, 2, 3, 4])]
    result = run(*almost, meldinger=[WEEK_SICK], profile=profile)
    assert alert(result, "e1", "hoyt_fravaer") is None
    assert result.figures["e1"].dager == 4.8

    result = run(*almost, absent("e1", D(2026, 11, 6), [5]), meldinger=[WEEK_SICK], profile=profile)
    found = alert(result, "e1", "hoyt_fravaer")
    assert found is not None
    assert (found.antall, found.forst) == (5.0, D(2026, 11, 6))


@PROFILES
def test_hoyt_fravaer_six_times_five_sixths_is_five_days(profile: Profile) -> None:
    days = list(CAL.school_days(D(2026, 11, 2), D(2026, 11, 10)))
    days = [d for d in days if d.isoweekday() <= 4][:6]
    result = run(*(absent("e1", d, [1, 2, 3, 4, 5]) for d in days), profile=profile)
    found = alert(result, "e1", "hoyt_fravaer")
    assert found is not None
    assert found.antall == 5.0
    assert found.forst == days[-1]


def test_day_fraction_uses_the_students_own_timetable() -> None:
    result = run(absent("e3", D(2026, 11, 18), [1, 2]), absent("e1", D(2026, 11, 18), [1, 2]))
    assert result.figures["e3"].dager == 0.5  # 2 of 4 lessons in 9B
    assert result.figures["e1"].dager == 0.33  # 2 of 6 lessons in 8A
    found = alert(result, "e3", "ugyldig_fravaer")
    assert found is not None and found.klasse == "9B"
    assert {e.klasse for e in found.evidence} == {"9B"}


@PROFILES
def test_hoyt_fravaer_counts_forlot_and_mixed_days(profile: Profile) -> None:
    mixed = [absent("e1", D(2026, 11, 6), [1, 2]), left("e1", D(2026, 11, 6), [3, 4, 5])]
    result = run(whole_day("e1", *MON_TO_FRI[:4]), *mixed, profile=profile)
    found = alert(result, "e1", "hoyt_fravaer")
    assert found is not None
    assert found.antall == 5.0
    assert {e.kind for e in found.evidence if e.dato == D(2026, 11, 6)} == {FRAVAER, FORLOT}


@PROFILES
def test_lates_are_not_absence_days(profile: Profile) -> None:
    result = run(*(late("e1", d, [1, 2, 3, 4, 5]) for d in MON_TO_FRI), profile=profile)
    assert alert(result, "e1", "hoyt_fravaer") is None


HOLE_CALL = HOLE.rule("hoyt_fravaer").tiltak  # type: ignore[union-attr]
HOLE_PERMISJON = HOLE.rule("hoyt_fravaer").permisjon_tiltak  # type: ignore[union-attr]


def test_permisjon_five_days_counts_in_both_and_hole_gets_the_permisjon_action() -> None:
    """Hole: «er det innvilget permisjon på 5 dager, trenger man ikke ringe hjem, men vurdere
    neste søknad». Issue 11: the exemption is about the action, not the count.
    Expected: both alert with 5 days; Hole's action is the permisjon action."""
    meldinger = [melding("e1", D(2026, 11, 2), D(2026, 11, 6), reason=PERMISJON)]
    registrations = whole_day("e1", *MON_TO_FRI)
    strand = alert(run(registrations, meldinger=meldinger, profile=STRAND), "e1", "hoyt_fravaer")
    assert strand is not None
    assert strand.antall == 5.0
    assert {e.reason for e in strand.evidence} == {PERMISJON}
    assert strand.tiltak == STRAND.rule("hoyt_fravaer").tiltak  # type: ignore[union-attr]
    hole = alert(run(registrations, meldinger=meldinger, profile=HOLE), "e1", "hoyt_fravaer")
    assert hole is not None and hole.antall == 5.0
    assert hole.tiltak == HOLE_PERMISJON
    assert "trenger ikke ringe hjem" in HOLE_PERMISJON


def test_permisjon_on_the_mark_itself_counts_in_hole_with_the_permisjon_action() -> None:
    registrations = whole_day("e1", *MON_TO_FRI, validity=GYLDIG, reason=PERMISJON)
    assert alert(run(registrations, profile=STRAND), "e1", "hoyt_fravaer") is not None
    hole = alert(run(registrations, profile=HOLE), "e1", "hoyt_fravaer")
    assert hole is not None and hole.tiltak == HOLE_PERMISJON


def test_permisjon_not_granted_counts_in_hole() -> None:
    """A refused permisjon (ugyldig) is absence like any other: the phone call."""
    meldinger = [melding("e1", D(2026, 11, 2), D(2026, 11, 6), reason=PERMISJON, validity=UGYLDIG)]
    hole = alert(
        run(whole_day("e1", *MON_TO_FRI), meldinger=meldinger, profile=HOLE), "e1", "hoyt_fravaer"
    )
    assert hole is not None and hole.antall == 5.0
    assert hole.tiltak == HOLE_CALL


def test_three_days_permisjon_and_two_sick_alert_in_both_with_the_phone_call() -> None:
    """Issue 11: «3 sick days + 2 days of innvilget permisjon give no alert» was wrong.
    Hole: «Har høyt gyldig fravær, fem dager eller mer på tre måneder» — gyldig fravær is
    «sykdom, innvilget permisjon ...». Mixed: neither part alone reaches 5, so the
    permisjon exemption does not apply. Expected: 5 days, «Telefonsamtale ... samme dag»."""
    meldinger = [
        melding("e1", D(2026, 11, 2), D(2026, 11, 3), reason=PERMISJON),
        sick("e1", D(2026, 11, 4), D(2026, 11, 6)),
    ]
    registrations = whole_day("e1", *MON_TO_FRI)
    for profile in (STRAND, HOLE):
        found = alert(
            run(registrations, meldinger=meldinger, profile=profile), "e1", "hoyt_fravaer"
        )
        assert found is not None and found.antall == 5.0
        assert found.tiltak == profile.rule("hoyt_fravaer").tiltak  # type: ignore[union-attr]


def test_permisjon_alone_at_the_threshold_and_sick_days_below_it_is_the_permisjon_action() -> None:
    """5 days permisjon + 2 sick days = 7: permisjon alone reaches 5, the rest (2) does not."""
    meldinger = [
        melding("e1", D(2026, 11, 2), D(2026, 11, 6), reason=PERMISJON),
        sick("e1", D(2026, 11, 9), D(2026, 11, 10)),
    ]
    registrations = whole_day("e1", *MON_TO_FRI, D(2026, 11, 9), D(2026, 11, 10))
    hole = alert(run(registrations, meldinger=meldinger, profile=HOLE), "e1", "hoyt_fravaer")
    assert hole is not None and hole.antall == 7.0 and hole.tiltak == HOLE_PERMISJON
    # Three more sick days: the rest reaches 5 by itself: the phone call again.
    more = whole_day("e1", D(2026, 11, 11), D(2026, 11, 12), D(2026, 11, 13))
    meldinger.append(sick("e1", D(2026, 11, 11), D(2026, 11, 13)))
    hole = alert(
        run(registrations, more, meldinger=meldinger, profile=HOLE, dato=D(2026, 11, 13)),
        "e1",
        "hoyt_fravaer",
    )
    assert hole is not None and hole.antall == 10.0 and hole.tiltak == HOLE_CALL


DECEMBER = [D(2026, 12, 14), D(2026, 12, 15), D(2026, 12, 16)]
JANUARY = [D(2027, 1, 4), D(2027, 1, 5), D(2027, 1, 6)]


def test_december_does_not_count_in_january_under_a_semester_window() -> None:
    registrations = whole_day("e1", *DECEMBER, *JANUARY)
    meldinger = [sick("e1", D(2026, 12, 14), D(2027, 1, 6))]
    result = run(registrations, meldinger=meldinger, profile=STRAND, dato=D(2027, 1, 6))
    assert alert(result, "e1", "hoyt_fravaer") is None
    assert result.figures["e1"].dager == 3.0
    assert result.figures["e1"].fra == D(2027, 1, 1)


def test_december_counts_in_january_under_holes_three_month_window() -> None:
    registrations = whole_day("e1", *DECEMBER, *JANUARY)
    meldinger = [sick("e1", D(2026, 12, 14), D(2027, 1, 6))]
    result = run(registrations, meldinger=meldinger, profile=HOLE, dato=D(2027, 1, 6))
    found = alert(result, "e1", "hoyt_fravaer")
    assert found is not None
    assert found.antall == 6.0
    assert found.forst == D(2027, 1, 5)
    assert found.vindu_fra == D(2026, 10, 7)
    assert {e.dato for e in found.evidence} == {*DECEMBER, *JANUARY}


@pytest.mark.parametrize(
    ("early_day", "expected"),
    [(D(2026, 10, 20), False), (D(2026, 10, 21), True)],
    ids=["20.10-outside", "21.10-inside"],
)
def test_hole_three_month_window_edge(early_day: dt.date, expected: bool) -> None:
    # D = 20.01.2027: 3 months back is 20.10.2026, plus one day → window starts 21.10.2026.
    january = [D(2027, 1, 11), D(2027, 1, 12), D(2027, 1, 13), D(2027, 1, 14)]
    result = run(whole_day("e1", early_day, *january), profile=HOLE, dato=D(2027, 1, 20))
    found = alert(result, "e1", "hoyt_fravaer")
    assert (found is not None) is expected
    if found is not None:
        assert found.vindu_fra == D(2026, 10, 21)
        assert (found.antall, found.forst) == (5.0, D(2027, 1, 14))


SEPTEMBER = [D(2026, 9, 7), D(2026, 9, 8), D(2026, 9, 9), D(2026, 9, 10), D(2026, 9, 11)]


@pytest.mark.parametrize(
    ("dato", "antall"),
    [(D(2026, 12, 6), 5.0), (D(2026, 12, 7), None), (D(2026, 12, 10), None)],
)
def test_hole_high_absence_slides_out_of_the_window(dato: dt.date, antall: float | None) -> None:
    result = run(whole_day("e1", *SEPTEMBER), profile=HOLE, dato=dato)
    found = alert(result, "e1", "hoyt_fravaer")
    assert (found.antall if found else None) == antall
    if found is not None:
        assert found.forst == D(2026, 9, 11)
        assert found.vindu_fra == D(2026, 9, 7)
    # Strand counts the whole semester: it still holds, since 11.09.
    strand = alert(run(whole_day("e1", *SEPTEMBER), dato=dato), "e1", "hoyt_fravaer")
    assert strand is not None and strand.forst == D(2026, 9, 11)


def test_hole_sliding_first_date_is_the_start_of_the_unbroken_stretch() -> None:
    october = [D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 14)]
    registrations = whole_day("e1", *SEPTEMBER, *october)
    # Still held on 09.12 (window 10.09–09.12: 10.09, 11.09 and October = 5 days), since 11.09.
    found = alert(run(registrations, profile=HOLE, dato=D(2026, 12, 9)), "e1", "hoyt_fravaer")
    assert found is not None
    assert (found.antall, found.forst) == (5.0, D(2026, 9, 11))
    # Dropped below on 10.12 (4 days in the window) ...
    assert (
        alert(run(registrations, profile=HOLE, dato=D(2026, 12, 10)), "e1", "hoyt_fravaer") is None
    )
    # ... and back on 15.12 after two more days: the first date is the later one.
    december = whole_day("e1", D(2026, 12, 14), D(2026, 12, 15))
    found = alert(
        run(registrations, december, profile=HOLE, dato=D(2026, 12, 15)), "e1", "hoyt_fravaer"
    )
    assert found is not None
    assert (found.antall, found.forst) == (5.0, D(2026, 12, 15))
    assert found.vindu_fra == D(2026, 9, 16)
    # Strand never dropped: first held 11.09.
    found = alert(run(registrations, december, dato=D(2026, 12, 15)), "e1", "hoyt_fravaer")
    assert found is not None
    assert (found.antall, found.forst) == (10.0, D(2026, 9, 11))


# --- forsentkomming --------------------------------------------------------------------------

NOVEMBER_LATES = [D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6)]


@PROFILES
def test_forsentkomming_at_and_below_threshold(profile: Profile) -> None:
    rule = profile.rule("forsentkomming")
    assert rule is not None
    n = int(rule.terskel)
    below = run(*(late("e1", d) for d in NOVEMBER_LATES[: n - 1]), profile=profile)
    assert alert(below, "e1", "forsentkomming") is None

    at = run(*(late("e1", d, minutter=7) for d in NOVEMBER_LATES[:n]), profile=profile)
    found = alert(at, "e1", "forsentkomming")
    assert found is not None
    assert found.antall == n
    assert found.forst == NOVEMBER_LATES[n - 1]
    assert found.vindu_fra == D(2026, 10, 21)
    assert found.enhet == "ganger"
    assert found.tiltak == rule.tiltak
    assert found.evidence == tuple(
        ev(d, 1, SENT, IKKE_MELDT, None, minutter=7) for d in NOVEMBER_LATES[:n]
    )
    assert regler(at) == {"forsentkomming"}


def test_forsentkomming_thresholds_differ() -> None:
    four = [late("e1", d) for d in NOVEMBER_LATES[:4]]
    assert alert(run(*four, profile=STRAND), "e1", "forsentkomming") is None
    assert alert(run(*four, profile=HOLE), "e1", "forsentkomming") is not None
    three = four[:3]
    assert alert(run(*three, profile=HOLE), "e1", "forsentkomming") is not None
    assert alert(run(*three[:2], profile=HOLE), "e1", "forsentkomming") is None


def test_forsentkomming_counts_lessons_marked_sent() -> None:
    lates = [
        late("e1", D(2026, 11, 2), [1, 3]),
        late("e1", D(2026, 11, 3), [2, 4]),
        late("e1", D(2026, 11, 4), [1]),
    ]
    found = alert(run(*lates), "e1", "forsentkomming")
    assert found is not None
    assert (found.antall, found.forst) == (5, D(2026, 11, 4))


@pytest.mark.parametrize(
    ("first_late", "expected"),
    [(D(2026, 10, 20), False), (D(2026, 10, 21), True)],
    ids=["20.10-outside", "21.10-inside"],
)
def test_forsentkomming_one_month_window_edge(first_late: dt.date, expected: bool) -> None:
    # D = 20.11.2026: one month is 21.10.2026–20.11.2026 (DESIGN).
    days = [first_late, D(2026, 10, 22), D(2026, 10, 26), D(2026, 11, 2), D(2026, 11, 20)]
    found = alert(run(*(late("e1", d) for d in days)), "e1", "forsentkomming")
    assert (found is not None) is expected
    if found is not None:
        assert (found.antall, found.forst, found.vindu_fra) == (5, D(2026, 11, 20), D(2026, 10, 21))


@pytest.mark.parametrize(
    ("first_late", "expected"),
    [(D(2027, 2, 26), False), (D(2027, 3, 1), True)],
    ids=["26.02-outside", "01.03-inside"],
)
def test_forsentkomming_window_clamps_at_month_end(first_late: dt.date, expected: bool) -> None:
    # D = 31.03.2027: 31.03 minus one month clamps to 28.02, plus one day → 01.03.2027.
    days = [first_late, D(2027, 3, 2), D(2027, 3, 3), D(2027, 3, 4), D(2027, 3, 5)]
    found = alert(run(*(late("e1", d) for d in days), dato=D(2027, 3, 31)), "e1", "forsentkomming")
    assert (found is not None) is expected
    if found is not None:
        assert (found.antall, found.forst, found.vindu_fra) == (5, D(2027, 3, 5), D(2027, 3, 1))


OCTOBER_LATES = [
    D(2026, 10, 13),
    D(2026, 10, 15),
    D(2026, 10, 19),
    D(2026, 10, 20),
    D(2026, 10, 22),
]


@pytest.mark.parametrize(
    ("dato", "expected"),
    [
        (D(2026, 10, 22), True),
        (D(2026, 11, 10), True),
        (D(2026, 11, 12), True),  # window 13.10–12.11 still holds all five
        (D(2026, 11, 13), False),  # window 14.10–13.11: four
    ],
)
def test_forsentkomming_first_date_is_the_fifth_late_while_it_holds(
    dato: dt.date, expected: bool
) -> None:
    found = alert(run(*(late("e1", d) for d in OCTOBER_LATES), dato=dato), "e1", "forsentkomming")
    assert (found is not None) is expected
    if found is not None:
        assert found.forst == D(2026, 10, 22)
        assert found.antall == 5
        assert found.vindu_fra == months_window_start(dato, 1)
        assert found.forst >= found.vindu_fra


def test_forsentkomming_first_date_after_a_drop_is_the_later_date() -> None:
    days = [
        D(2026, 10, 1),
        D(2026, 10, 2),
        D(2026, 10, 12),
        D(2026, 10, 13),
        D(2026, 10, 14),
        D(2026, 11, 3),
        D(2026, 11, 4),
    ]
    lates = [late("e1", d) for d in days]
    # On 30.10 the five October lates are within a month: held since 14.10.
    found = alert(run(*lates, dato=D(2026, 10, 30)), "e1", "forsentkomming")
    assert found is not None and found.forst == D(2026, 10, 14)
    # On 01.11 (window 02.10–01.11) there are four: the rule stopped holding.
    assert alert(run(*lates, dato=D(2026, 11, 1)), "e1", "forsentkomming") is None
    # On 10.11 (window 11.10–10.11) five again, since 04.11.
    found = alert(run(*lates, dato=D(2026, 11, 10)), "e1", "forsentkomming")
    assert found is not None
    assert (found.antall, found.forst) == (5, D(2026, 11, 4))
    assert [e.dato for e in found.evidence] == days[2:]
    # Hole (≥ 3) never dropped: it has held since 12.10 (01.10, 02.10, 12.10),
    # which is before the window at D — forst may lie before vindu_fra for a sliding window.
    found = alert(run(*lates, profile=HOLE, dato=D(2026, 11, 10)), "e1", "forsentkomming")
    assert found is not None
    assert (found.antall, found.forst) == (5, D(2026, 10, 12))
    assert found.vindu_fra == D(2026, 10, 11)


def test_sliding_first_date_can_lie_before_todays_window() -> None:
    # Late every school day from 28.09: Hole (≥ 3 in a month) has held since the third,
    # 30.09, without a break — long before the window at D = 25.11 (26.10–25.11).
    lates = [late("e1", d) for d in CAL.school_days(D(2026, 9, 28), D(2026, 11, 25))]
    found = alert(run(*lates, profile=HOLE, dato=D(2026, 11, 25)), "e1", "forsentkomming")
    assert found is not None
    assert found.forst == D(2026, 9, 30)
    assert found.vindu_fra == D(2026, 10, 26)
    assert found.antall == len(list(CAL.school_days(D(2026, 10, 26), D(2026, 11, 25))))
    assert all(e.dato >= found.vindu_fra for e in found.evidence)


# --- forlater_skolen -------------------------------------------------------------------------


@PROFILES
def test_forlater_skolen_from_the_first_time(profile: Profile) -> None:
    assert (
        alert(run(absent("e1", D(2026, 11, 18), [6]), profile=profile), "e1", "forlater_skolen")
        is None
    )
    result = run(left("e1", D(2026, 11, 18), [6]), profile=profile)
    found = alert(result, "e1", "forlater_skolen")
    rule = profile.rule("forlater_skolen")
    assert found is not None and rule is not None
    assert (found.antall, found.terskel, found.forst) == (1, 1, D(2026, 11, 18))
    assert found.vindu_fra == D(2026, 8, 1)
    assert found.tiltak == rule.tiltak
    assert found.evidence == (ev(D(2026, 11, 18), 6, FORLOT),)
    assert regler(result) == {"ugyldig_fravaer", "forlater_skolen"}


@PROFILES
def test_forlater_skolen_not_when_foresatte_gave_a_gyldig_reason(profile: Profile) -> None:
    """Issue 11: «a `forlot` that foresatte later explain (gyldig) still counts as
    "forlater skolen"» was wrong. Expected: no forlater_skolen, no ugyldig_fravaer."""
    result = run(
        left("e1", D(2026, 11, 18), [4, 5, 6]),
        meldinger=[sick("e1", D(2026, 11, 18), D(2026, 11, 18))],
        profile=profile,
    )
    assert alert(result, "e1", "forlater_skolen") is None
    assert alert(result, "e1", "ugyldig_fravaer") is None


@PROFILES
def test_forlater_skolen_counts_an_ugyldig_or_unreported_forlot(profile: Profile) -> None:
    result = run(
        left("e1", D(2026, 11, 18), [4]),
        left("e1", D(2026, 11, 19), [5], validity=UGYLDIG),
        meldinger=[sick("e1", D(2026, 11, 20), D(2026, 11, 20))],
        profile=profile,
    )
    found = alert(result, "e1", "forlater_skolen")
    assert found is not None and found.antall == 2


@PROFILES
def test_forlater_skolen_counts_in_the_semester_only(profile: Profile) -> None:
    registrations = left("e1", D(2026, 12, 18), [5])
    assert alert(run(registrations, profile=profile, dato=D(2026, 12, 18)), "e1", "forlater_skolen")
    assert run(registrations, profile=profile, dato=D(2027, 1, 4)).alerts == ()


# --- sammenhengende_uten_melding (strand) ----------------------------------------------------

RULE_RUN = "sammenhengende_uten_melding"


def test_four_whole_days_in_a_row_without_melding() -> None:
    days = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)]
    three = run(whole_day("e1", *days[:3]))
    assert alert(three, "e1", RULE_RUN) is None
    result = run(whole_day("e1", *days))
    found = alert(result, "e1", RULE_RUN)
    rule = STRAND.rule(RULE_RUN)
    assert found is not None and rule is not None
    assert (found.antall, found.terskel, found.forst) == (4, 4, D(2026, 11, 19))
    assert found.enhet == "dager"
    assert found.tiltak == rule.tiltak
    assert found.vindu_fra == D(2026, 8, 1)
    assert len(found.evidence) == 4 * 6
    assert {e.dato for e in found.evidence} == set(days)
    assert regler(result) == {"ugyldig_fravaer", RULE_RUN}  # 4 days: not yet hoyt_fravaer


def test_run_with_a_five_lesson_friday() -> None:
    days = [D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19), D(2026, 11, 20)]
    found = alert(run(whole_day("e1", *days)), "e1", RULE_RUN)
    assert found is not None
    assert (found.antall, found.forst) == (4, D(2026, 11, 20))
    assert len(found.evidence) == 3 * 6 + 5


def test_weekend_does_not_break_a_run() -> None:
    days = [D(2026, 11, 12), D(2026, 11, 13), D(2026, 11, 16), D(2026, 11, 17)]  # Thu Fri Mon Tue
    found = alert(run(whole_day("e1", *days)), "e1", RULE_RUN)
    assert found is not None
    assert (found.antall, found.forst) == (4, D(2026, 11, 17))


def test_hostferie_does_not_break_a_run() -> None:
    days = [D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 12), D(2026, 10, 13)]
    found = alert(run(whole_day("e1", *days), dato=D(2026, 10, 13)), "e1", RULE_RUN)
    assert found is not None
    assert (found.antall, found.forst) == (4, D(2026, 10, 13))


def test_public_holiday_does_not_break_a_run() -> None:
    # Kristi himmelfartsdag Thu 06.05.2027.
    days = [D(2027, 5, 4), D(2027, 5, 5), D(2027, 5, 7), D(2027, 5, 10)]
    found = alert(run(whole_day("e1", *days), dato=D(2027, 5, 10)), "e1", RULE_RUN)
    assert found is not None
    assert (found.antall, found.forst) == (4, D(2027, 5, 10))


def test_juleferie_does_not_break_a_run() -> None:
    days = [D(2026, 12, 17), D(2026, 12, 18), D(2027, 1, 4), D(2027, 1, 5)]
    found = alert(run(whole_day("e1", *days), dato=D(2027, 1, 5)), "e1", RULE_RUN)
    assert found is not None
    assert (found.antall, found.forst) == (4, D(2027, 1, 5))


def test_a_school_day_present_breaks_the_run() -> None:
    result = run(
        whole_day("e1", D(2026, 11, 16), D(2026, 11, 17)),
        present("8A", D(2026, 11, 18)),
        whole_day("e1", D(2026, 11, 19), D(2026, 11, 20)),
    )
    assert alert(result, "e1", RULE_RUN) is None
    assert alert(result, "e1", "ugyldig_fravaer") is not None


def test_a_partial_day_breaks_the_run() -> None:
    result = run(
        whole_day("e1", D(2026, 11, 16), D(2026, 11, 17)),
        absent("e1", D(2026, 11, 18), [1, 2, 3, 4, 5]),
        present("8A", D(2026, 11, 18)),
        whole_day("e1", D(2026, 11, 19), D(2026, 11, 20)),
    )
    assert alert(result, "e1", RULE_RUN) is None


def test_absent_in_some_lessons_of_a_partly_registered_day_is_not_a_whole_day() -> None:
    days = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)]
    result = run(*(absent("e1", d, [1, 2]) for d in days))  # lessons 3–6 never registered
    assert result.figures["e1"].dager == 1.33
    assert alert(result, "e1", RULE_RUN) is None


@pytest.mark.parametrize("validity", [GYLDIG, UGYLDIG], ids=["gyldig-melding", "ugyldig-melding"])
def test_a_melding_covering_one_day_breaks_the_run(validity: Validity) -> None:
    days = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)]
    result = run(
        whole_day("e1", *days),
        meldinger=[melding("e1", D(2026, 11, 17), reason=SYKDOM, validity=validity)],
    )
    assert alert(result, "e1", RULE_RUN) is None


def test_a_melding_for_all_days_clears_the_run_alert() -> None:
    days = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)]
    result = run(whole_day("e1", *days), meldinger=[sick("e1", days[0], days[-1])])
    assert result.alerts == ()


def test_a_longer_run_counts_all_its_days_and_first_holds_on_the_fourth() -> None:
    days = list(CAL.school_days(D(2026, 11, 16), D(2026, 11, 20)))
    found = alert(run(whole_day("e1", *days)), "e1", RULE_RUN)
    assert found is not None
    assert (found.antall, found.forst) == (5, D(2026, 11, 19))
    assert len(found.evidence) == 4 * 6 + 5


def test_two_runs_first_date_from_the_first_count_from_the_longest() -> None:
    october = [D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 14), D(2026, 10, 15)]
    november = list(CAL.school_days(D(2026, 11, 16), D(2026, 11, 23)))  # 6 school days
    short = [D(2026, 9, 7), D(2026, 9, 8)]
    between = [D(2026, 9, 9), D(2026, 10, 16)]  # the class registered, e1 there: breaks
    result = run(
        whole_day("e1", *short, *october, *november),
        present("8A", *between),
        dato=D(2026, 11, 23),
    )
    found = alert(result, "e1", RULE_RUN)
    assert found is not None
    assert found.forst == D(2026, 10, 15)
    assert found.antall == 6
    assert {e.dato for e in found.evidence} == {*october, *november}


def test_hole_has_no_run_rule() -> None:
    days = list(CAL.school_days(D(2026, 11, 16), D(2026, 11, 19)))
    result = run(whole_day("e1", *days), profile=HOLE)
    assert regler(result) == {"ugyldig_fravaer"}


# --- data after the check date ---------------------------------------------------------------


@PROFILES
def test_data_after_the_check_date_is_ignored(profile: Profile) -> None:
    dato = D(2026, 11, 18)
    after = [
        whole_day("e1", *CAL.school_days(D(2026, 11, 19), D(2026, 11, 30))),
        left("e1", D(2026, 11, 19), [6]),
        *(late("e1", d, [1, 2]) for d in CAL.school_days(D(2026, 11, 19), D(2026, 11, 25))),
    ]
    result = run(*after, profile=profile, dato=dato)
    assert result.alerts == ()
    figures = result.figures["e1"]
    assert (figures.absent_lessons, figures.dager, figures.sent, figures.forlot) == (0, 0.0, 0, 0)


def test_a_run_completed_after_the_check_date_does_not_count() -> None:
    days = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)]
    result = run(whole_day("e1", *days), dato=D(2026, 11, 18))
    assert alert(result, "e1", RULE_RUN) is None
    assert alert(result, "e1", "ugyldig_fravaer") is not None


def test_lates_after_the_check_date_do_not_count() -> None:
    lates = [late("e1", d) for d in NOVEMBER_LATES]
    assert alert(run(*lates, dato=D(2026, 11, 5)), "e1", "forsentkomming") is None
    assert alert(run(*lates, dato=D(2026, 11, 6)), "e1", "forsentkomming") is not None


# --- figures ---------------------------------------------------------------------------------


def test_figures_hand_computed() -> None:
    # Autumn 2026 up to Fri 16.10: school from Mon 17.08 (weeks 34–42) minus høstferie (week 41)
    # = 8 weeks of 4 × 6 + 5 = 29 lessons for 8A → 232 lessons held.
    result = run(
        whole_day("e1", D(2026, 10, 1), D(2026, 10, 2)),  # 6 + 5 lessons
        absent("e1", D(2026, 10, 12), [3]),
        left("e1", D(2026, 10, 13), [6]),
        late("e1", D(2026, 10, 14), [1]),
        remark("e1", D(2026, 10, 15), 2),
        dato=D(2026, 10, 16),
    )
    figures = result.figures["e1"]
    assert figures.fra == D(2026, 8, 1)
    assert figures.klasse == "8A"
    assert figures.held_lessons == 232
    assert figures.absent_lessons == 13
    assert figures.prosent == pytest.approx(100 * 13 / 232)
    assert figures.dager == 2.33  # 1 + 1 + 1/6 + 1/6
    assert (figures.sent, figures.forlot) == (1, 1)
    other = result.figures["e3"]
    assert other.held_lessons == 8 * 5 * 4
    assert other.absent_lessons == 0 and other.prosent == 0.0


def test_figures_before_school_starts() -> None:
    figures = run(dato=D(2026, 8, 10)).figures["e1"]
    assert figures.held_lessons == 0
    assert figures.prosent == 0.0


def test_figures_restart_in_the_spring_semester() -> None:
    result = run(whole_day("e1", D(2026, 12, 18)), dato=D(2027, 1, 8))
    figures = result.figures["e1"]
    assert figures.fra == D(2027, 1, 1)
    assert figures.held_lessons == 29  # Mon 04.01 – Fri 08.01
    assert figures.absent_lessons == 0


def test_check_for_some_students_only() -> None:
    registrations = [whole_day("e1", D(2026, 11, 18)), whole_day("e2", D(2026, 11, 18))]
    result = run(*registrations, elever=["e2"])
    assert result.flagged == {"e2"}
    assert set(result.figures) == {"e2"}


# --- properties ------------------------------------------------------------------------------

SCHOOL_DAYS = list(CAL.school_days(D(2026, 8, 17), D(2027, 6, 18)))
KINDS = [FRAVAER, FRAVAER, "whole", "whole", "run", SENT, "lates", FORLOT, None, "present"]


@dataclass(frozen=True)
class Scenario:
    registrations: list[Registration]
    meldinger: list[Melding]
    dato: dt.date


# The strategies `scenarios` draws from, made once: a strategy made inside the composite is
# validated again on every draw, which was a sixth of these tests' time.
_SPANS = st.sampled_from([12, 30, 70])
_VALIDITIES = st.sampled_from([None, None, None, None, GYLDIG, UGYLDIG, IKKE_MELDT])
_REASONS = st.sampled_from([None, *Reason])
_GROUPS = st.integers(0, 30)
_ELEVER = st.sampled_from(["e1", "e1", "e1", "e2", "e3"])
_KINDS = st.sampled_from(KINDS)
_RUN_LENGTHS = st.integers(2, 6)
_LATE_MINUTES = st.integers(1, 4)
_MELDINGER = st.integers(0, 5)
_MELDT_ELEVER = st.sampled_from(["e1", "e1", "e2", "e3"])
_MELDT_DAYS = st.integers(0, 10)
_MELDT_REASONS = st.sampled_from(list(Reason))
_MELDT_VALIDITIES = st.sampled_from([GYLDIG, GYLDIG, UGYLDIG])
_RECEIVED = st.none() | st.datetimes(dt.datetime(2026, 8, 1), dt.datetime(2027, 7, 31))
_ANY_DAY = st.dates(D(2026, 8, 1), D(2027, 7, 31))


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Random roll calls clustered in a stretch of the school year, so that rules do fire."""
    span = draw(_SPANS)
    base = draw(st.integers(0, len(SCHOOL_DAYS) - span))
    near = st.integers(base, base + span - 1)
    validities, reasons = _VALIDITIES, _REASONS
    groups: list[list[Registration]] = []
    for _ in range(draw(_GROUPS)):
        elev = draw(_ELEVER)
        klasse = klasse_of(elev)
        index = draw(near)
        dato = SCHOOL_DAYS[index]
        kind = draw(_KINDS)
        if kind in ("run", "lates"):
            length = draw(_RUN_LENGTHS)
            days = SCHOOL_DAYS[index : index + length]
            if kind == "run":
                groups.append(whole_day(elev, *days, validity=draw(validities)))
            else:
                groups.extend(late(elev, d, [draw(_LATE_MINUTES)]) for d in days)
        elif kind == "whole":
            groups.append(whole_day(elev, dato, validity=draw(validities), reason=draw(reasons)))
        elif kind == "present":
            groups.append(present(klasse, dato))
        else:
            time = draw(st.sampled_from(lessons_on(klasse, dato)))
            if kind is None:
                groups.append(remark(elev, dato, time))
            elif kind is SENT:
                groups.append(late(elev, dato, [time]))
            else:
                validity, reason = draw(validities), draw(reasons)
                groups.append(
                    absent(elev, dato, [time], kind=kind, validity=validity, reason=reason)
                )
    meldinger = []
    for i in range(draw(_MELDINGER)):
        fra = SCHOOL_DAYS[draw(near)]
        meldinger.append(
            Melding(
                f"p{i}",
                draw(_MELDT_ELEVER),
                fra,
                fra + dt.timedelta(days=draw(_MELDT_DAYS)),
                draw(_MELDT_REASONS),
                draw(_MELDT_VALIDITIES),
                "t1",
                draw(_RECEIVED),
            )
        )
    last = min(base + span + 5, len(SCHOOL_DAYS) - 1)
    dato = draw(
        st.one_of(
            st.integers(base, last).map(SCHOOL_DAYS.__getitem__),
            st.just(SCHOOL_DAYS[last]),
            _ANY_DAY,
        )
    )
    registrations = merge(reg for group in groups for reg in group)
    return Scenario(registrations, meldinger, dato)


PROPS = settings(max_examples=100, deadline=None)


def _check(s: Scenario, profile: Profile, dato: dt.date | None = None, registrations=None):
    regs = s.registrations if registrations is None else registrations
    return check(ROSTER, CAL, regs, s.meldinger, profile, dato or s.dato)


def _has(result: CheckResult, elev: str, regel: str) -> Alert | None:
    return next((a for a in result.alerts if a.elev == elev and a.regel == regel), None)


def _expected_window_start(profile: Profile, regel: str, dato: dt.date) -> dt.date:
    rule = profile.rule(regel)
    assert rule is not None
    if rule.maaneder is None:
        return semester_bounds(dato)[0]
    return months_window_start(dato, rule.maaneder)


@PROPS
@given(scenarios())
def test_property_alerts_are_consistent(s: Scenario) -> None:
    for profile in (STRAND, HOLE):
        result = _check(s, profile)
        seen = set()
        for a in result.alerts:
            assert (a.elev, a.regel) not in seen
            seen.add((a.elev, a.regel))
            rule = profile.rule(a.regel)
            assert rule is not None
            assert a.terskel == rule.terskel
            assert a.antall >= a.terskel - 1e-9
            if a.tiltak != rule.tiltak:  # Hole, rutinepunkt 4: «er det innvilget permisjon
                # på 5 dager, trenger man ikke ringe hjem, men vurdere neste søknad»
                assert rule.permisjon_tiltak and a.tiltak == rule.permisjon_tiltak
                assert any(e.reason is PERMISJON and e.validity is GYLDIG for e in a.evidence)
            assert a.klasse == klasse_of(a.elev)
            assert a.vindu_fra == _expected_window_start(profile, a.regel, s.dato)
            assert a.forst <= s.dato
            assert a.evidence, a
            if a.regel == "sammenhengende_uten_melding":
                # a run that reached the threshold in the window may have begun before it
                assert all(e.dato <= s.dato for e in a.evidence)
            else:
                assert all(a.vindu_fra <= e.dato <= s.dato for e in a.evidence)
            if rule.maaneder is None:
                # Semester rules: first held inside the semester.
                assert a.forst >= a.vindu_fra
            else:
                # Sliding windows: the stretch may have started before today's window
                # (see test_sliding_first_date_can_lie_before_todays_window), but the
                # first date is always a date with a counted mark, in this school year.
                assert a.forst >= D(2026, 8, 17)
                # langvarig_kjent_aarsak holds from the day its three months are reached,
                # a Sunday too; every other rule from a day with a counted mark
                if a.regel != "langvarig_kjent_aarsak":
                    assert CAL.is_school_day(a.forst)
            if a.regel in ("ugyldig_fravaer", "forsentkomming", "forlater_skolen"):
                assert a.antall == len(a.evidence)
            if a.regel == "ugyldig_fravaer":
                assert all(e.kind is not SENT and e.validity is not GYLDIG for e in a.evidence)
            if a.regel == "forsentkomming":
                assert all(e.kind is SENT for e in a.evidence)
            if a.regel == "forlater_skolen":
                assert all(e.kind is FORLOT for e in a.evidence)
            if a.regel == "hoyt_fravaer":
                per_day: dict[dt.date, set[int]] = defaultdict(set)
                for e in a.evidence:
                    assert e.kind is not SENT
                    if not rule.permisjon_teller:  # only *innvilget* permisjon is left out
                        assert not (e.reason is PERMISJON and e.validity is GYLDIG)
                    per_day[e.dato].add(e.time)
                days = sum(
                    min(1.0, len(t) / len(lessons_on(a.klasse, d))) for d, t in per_day.items()
                )
                assert a.antall == pytest.approx(days, abs=0.01)
                assert a.antall <= len(per_day) + 1e-9
            if a.regel == RULE_RUN:
                assert a.antall <= len({e.dato for e in a.evidence})
                assert all(e.validity is IKKE_MELDT for e in a.evidence)


@PROPS
@given(scenarios())
def test_property_rule_holds_from_first_date_and_not_the_day_before(s: Scenario) -> None:
    for profile in (STRAND, HOLE):
        result = _check(s, profile)
        for a in result.alerts:
            at_first = _has(_check(s, profile, a.forst), a.elev, a.regel)
            assert at_first is not None, a
            assert at_first.forst == a.forst
            before = _has(_check(s, profile, a.forst - dt.timedelta(days=1)), a.elev, a.regel)
            assert before is None, (a, before)
            # Spot-check the stretch in between: it held every day, so also mid-way.
            mid = a.forst + (s.dato - a.forst) / 2
            middle = _has(_check(s, profile, mid), a.elev, a.regel)
            assert middle is not None and middle.forst == a.forst


@PROPS
@given(scenarios())
def test_property_figures_are_bounded(s: Scenario) -> None:
    result = _check(s, STRAND)
    fra = semester_bounds(s.dato)[0]
    school_days = len(list(CAL.school_days(fra, s.dato)))
    for elev, figures in result.figures.items():
        assert figures.fra == fra
        assert 0 <= figures.dager <= school_days
        assert 0 <= figures.absent_lessons <= figures.held_lessons
        assert 0.0 <= figures.prosent <= 100.0
        assert figures.dager <= figures.absent_lessons
        hoyt = _has(result, elev, "hoyt_fravaer")
        if hoyt is not None:
            assert hoyt.antall == pytest.approx(figures.dager, abs=0.01)


@PROPS
@given(
    scenarios(), st.sampled_from(ELEVER), st.integers(0, len(SCHOOL_DAYS) - 1), st.integers(1, 6)
)
def test_property_adding_an_absence_never_removes_hoyt_fravaer(
    s: Scenario, elev: str, day: int, time: int
) -> None:
    dato = SCHOOL_DAYS[day]
    klasse = klasse_of(elev)
    time = min(time, len(lessons_on(klasse, dato)))
    existing = next(
        (
            r.mark_for(elev)
            for r in s.registrations
            if (r.klasse, r.dato, r.time) == (klasse, dato, time)
        ),
        None,
    )
    if existing is not None and existing.is_absence:
        return  # already absent: replacing it could change its validity, not its count
    more = merge([*s.registrations, *absent(elev, dato, [time])])
    for profile in (STRAND, HOLE):
        before = _check(s, profile)
        after = _check(s, profile, registrations=more)
        for a in before.alerts:
            if a.regel == "hoyt_fravaer":
                b = _has(after, a.elev, a.regel)
                assert b is not None
                assert b.antall >= a.antall - 1e-9


@PROPS
@given(
    scenarios(),
    st.sampled_from(ELEVER),
    st.integers(0, len(SCHOOL_DAYS) - 1),
    st.integers(0, 14),
    st.sampled_from([SYKDOM, Reason.LEGE, PERMISJON, ANNET]),
)
def test_property_adding_a_gyldig_melding_never_adds_ugyldig_fravaer(
    s: Scenario, elev: str, day: int, length: int, reason: Reason
) -> None:
    fra = SCHOOL_DAYS[day]
    new = Melding("ny", elev, fra, fra + dt.timedelta(days=length), reason, GYLDIG, "t1", None)
    latest = Melding(
        "ny2",
        elev,
        fra,
        fra + dt.timedelta(days=length),
        reason,
        GYLDIG,
        "t1",
        dt.datetime(2099, 1, 1),
    )
    for added in (new, latest):
        with_it = Scenario(s.registrations, [*s.meldinger, added], s.dato)
        for profile in (STRAND, HOLE):
            before = _check(s, profile)
            after = _check(with_it, profile)
            for regel in ("ugyldig_fravaer", RULE_RUN):
                for a in after.alerts:
                    if a.regel != regel:
                        continue
                    b = _has(before, a.elev, regel)
                    assert b is not None, a
                    assert a.antall <= b.antall + 1e-9


@PROPS
@given(scenarios())
def test_property_data_after_the_check_date_changes_nothing(s: Scenario) -> None:
    upto = [r for r in s.registrations if r.dato <= s.dato]
    for profile in (STRAND, HOLE):
        assert _check(s, profile) == _check(s, profile, registrations=upto)


@PROPS
@given(scenarios(), st.sampled_from(ELEVER))
def test_property_checking_one_student_gives_that_students_alerts(s: Scenario, elev: str) -> None:
    for profile in (STRAND, HOLE):
        full = _check(s, profile)
        one = check(ROSTER, CAL, s.registrations, s.meldinger, profile, s.dato, [elev])
        assert one.alerts == tuple(a for a in full.alerts if a.elev == elev)
        assert one.figures == {elev: full.figures[elev]}


# --- issue 11: alerts know their newest incident and whether it was followed up -------------


def contact(
    dato: dt.date, hva: str = "ringt foresatte", utfall: str = "snakket med foresatte"
) -> Contact:
    return Contact(
        f"k{dato:%m%d}{hva[:3]}", "e1", dt.datetime.combine(dato, dt.time(9)), "t1", hva, utfall
    )


@PROFILES
def test_alert_has_first_date_newest_incident_and_status(profile: Profile) -> None:
    """Strand, Kontaktlærers ansvar a: «Elevens foresatte kontaktes umiddelbart dersom
    fravær ikke er meldt»; Hole: «følges opp med en telefonsamtale den dagen det inntrer».
    DESIGN: `åpen` until a logged contact with foresatte on or after the newest incident."""
    first = absent("e1", D(2026, 10, 14), [2])
    found = alert(run(first, profile=profile), "e1", "ugyldig_fravaer")
    assert found is not None
    assert (found.forst, found.siste, found.status) == (D(2026, 10, 14), D(2026, 10, 14), "åpen")

    # The phone call the same day follows it up.
    called = [contact(D(2026, 10, 14))]
    found = alert(run(first, profile=profile, contacts=called), "e1", "ugyldig_fravaer")
    assert found is not None and found.status == "fulgt_opp" and not found.ny_hendelse

    # A second unreported lesson a week later opens it again, and says so.
    second = absent("e1", D(2026, 10, 21), [3])
    found = alert(run(first, second, profile=profile, contacts=called), "e1", "ugyldig_fravaer")
    assert found is not None
    assert (found.forst, found.siste, found.antall) == (D(2026, 10, 14), D(2026, 10, 21), 2)
    assert found.status == "åpen" and found.ny_hendelse and found.kontakt == D(2026, 10, 14)


@pytest.mark.parametrize(
    ("logged", "status"),
    [
        ([contact(D(2026, 10, 13))], "åpen"),  # before the incident
        ([contact(D(2026, 10, 14), utfall="ikke svar")], "åpen"),  # nobody answered
        ([contact(D(2026, 10, 14), hva="samtale med elev")], "åpen"),  # not foresatte
        ([contact(D(2026, 11, 23))], "åpen"),  # after the check date
        ([contact(D(2026, 10, 15), hva="møte med foresatte", utfall="")], "fulgt_opp"),
        ([contact(D(2026, 10, 14), utfall="la igjen beskjed")], "fulgt_opp"),
    ],
)
def test_which_contacts_follow_an_alert_up(logged: list[Contact], status: str) -> None:
    found = alert(run(absent("e1", D(2026, 10, 14), [2]), contacts=logged), "e1", "ugyldig_fravaer")
    assert found is not None and found.status == status


def test_hoyt_fravaer_newest_incident_is_the_newest_absence_day() -> None:
    days = [D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 12)]
    found = alert(
        run(whole_day("e1", *days), meldinger=[sick("e1", days[0], days[-1])]), "e1", "hoyt_fravaer"
    )
    assert found is not None
    assert (found.forst, found.siste, found.status) == (D(2026, 11, 12), D(2026, 11, 12), "åpen")


# --- issue 11: lessons as they were held -----------------------------------------------------


def _slots(klasse: str, per_day: int, laerer: str = "t1") -> tuple[Slot, ...]:
    return tuple(
        Slot(klasse, ukedag, time, dt.time(8 + time), dt.time(8 + time, 45), "norsk", laerer)
        for ukedag in range(1, 6)
        for time in range(1, per_day + 1)
    )


# e1 was in 8C in 2025-2026 and is in 9A in 2026-2027. 8C had 6 lessons a day; 9A has 6 in
# the autumn and, from the timetable imported for the spring (04.01.2027), 4.
MOVED = Student("e1", "Ola", "Nordmann", "9A", klasser=(("2025-2026", "8C"), ("2026-2027", "9A")))
VERSIONED = Roster(
    students=(MOVED,),
    versions=(
        TimetableVersion(D(2025, 8, 1), _slots("8C", 6)),
        TimetableVersion(D(2026, 8, 1), _slots("9A", 6)),
        TimetableVersion(D(2027, 1, 4), _slots("9A", 4)),
    ),
)


def _lessons(klasse: str, dato: dt.date, times: Iterable[int], **kw) -> list[Registration]:
    return [_reg(klasse, dato, t, [Mark("e1", FRAVAER, None, "", **kw)]) for t in times]


def test_a_student_who_changed_class_in_august() -> None:
    """Issue 11: «five single lessons in June in old class 8C (gone this year) count as five
    whole days, so Hole alerts on 21.08». Hole: «fem dager eller mer på tre måneder».
    Expected: 5 × 1/6 = 0,83 days under last year's timetable: no alert; the class of
    the alert and the figures is this year's, 9A."""
    june = [D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 3), D(2026, 6, 4), D(2026, 6, 5)]
    regs = [r for d in june for r in _lessons("8C", d, [2], validity=GYLDIG, reason=SYKDOM)]
    result = run(regs, profile=HOLE, dato=D(2026, 8, 21), roster=VERSIONED)
    assert alert(result, "e1", "hoyt_fravaer") is None
    assert result.figures["e1"].klasse == "9A"
    # The same June days missed whole are 5 days: Hole alerts, in this year's class.
    whole = [r for d in june for r in _lessons("8C", d, range(1, 7), validity=GYLDIG)]
    found = alert(
        run(whole, profile=HOLE, dato=D(2026, 8, 21), roster=VERSIONED), "e1", "hoyt_fravaer"
    )
    assert found is not None and found.antall == 5.0 and found.klasse == "9A"


def test_a_new_timetable_in_january_does_not_reweigh_the_autumn() -> None:
    """Issue 11: «The same happens to every autumn lesson when a new semester's timetable is
    imported in January». A semester boundary inside Hole's 3-month window: 3 of 6 lessons
    on two December days are 1 day (not 1,5 under January's 4-lesson days); with 3,5 days
    in January the total is 4,5: no alert. Two more lessons in January (2 of 4): 5,0."""
    december = [r for d in (D(2026, 12, 14), D(2026, 12, 15)) for r in _lessons("9A", d, [1, 2, 3])]
    january = [
        *(
            r
            for d in (D(2027, 1, 4), D(2027, 1, 5), D(2027, 1, 6))
            for r in _lessons("9A", d, range(1, 5))
        ),
        *_lessons("9A", D(2027, 1, 7), [1, 2]),
    ]
    meldinger = [sick("e1", D(2026, 12, 14), D(2027, 1, 8))]
    dato = D(2027, 2, 10)
    result = run(december, january, meldinger=meldinger, profile=HOLE, dato=dato, roster=VERSIONED)
    assert alert(result, "e1", "hoyt_fravaer") is None
    more = _lessons("9A", D(2027, 1, 8), [1, 2])
    result = run(
        december, january, more, meldinger=meldinger, profile=HOLE, dato=dato, roster=VERSIONED
    )
    found = alert(result, "e1", "hoyt_fravaer")
    assert found is not None and found.antall == 5.0 and found.forst == D(2027, 1, 8)
    # Strand's semester window does not reach December at all.
    assert (
        alert(
            run(december, january, more, meldinger=meldinger, dato=dato, roster=VERSIONED),
            "e1",
            "hoyt_fravaer",
        )
        is None
    )


KORTDAG = SchoolCalendar(CAL.ferier, kortdager=(Kortdag(D(2026, 11, 18), 3),))


def test_a_fully_missed_short_day_is_one_day() -> None:
    """Issue 11: «Short days count as half days». DESIGN: «a kortdag ... ends every class's
    day after that period. ... A fully missed short day is 1 day». Strand b: «Fra 5 dager i
    semesteret». Expected: 4 whole days + the short day (lessons 1–3 of 3) = 5,0: alert."""
    days = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 19), D(2026, 11, 20)]
    regs = [*whole_day("e1", *days), *absent("e1", D(2026, 11, 18), [1, 2, 3])]
    meldinger = [sick("e1", D(2026, 11, 16), D(2026, 11, 20))]
    result = run(regs, meldinger=meldinger, calendar=KORTDAG)
    found = alert(result, "e1", "hoyt_fravaer")
    assert found is not None and found.antall == 5.0
    assert (
        result.figures["e1"].held_lessons
        < run(regs, meldinger=meldinger).figures["e1"].held_lessons
    )
    # The whole calendar without the kortdag: 3 of 6 = 0,5, total 4,5.
    assert alert(run(regs, meldinger=meldinger), "e1", "hoyt_fravaer") is None


def test_a_short_day_in_a_run_of_days_without_melding() -> None:
    """Strand, Melding av fravær d: «Ved fravær på mer enn tre dager etter hverandre».
    The short day fully missed is a whole day of the run: 4 days, first held Thu 19.11."""
    regs = [
        *whole_day("e1", D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 19)),
        *absent("e1", D(2026, 11, 18), [1, 2, 3]),
    ]
    found = alert(run(regs, calendar=KORTDAG), "e1", RULE_RUN)
    assert found is not None and found.antall == 4 and found.forst == D(2026, 11, 19)


def test_a_cancelled_lesson_is_not_held() -> None:
    """DESIGN: «A lesson can be marked not held (avlyst: trip, exam day)». Lessons 5 and 6 of
    Wed 18.11 cancelled: missing 1–4 is the whole day (4 of 4), so 4 + 1 = 5 days."""
    cancelled = [
        CancelledLesson("8A", D(2026, 11, 18), 5),
        CancelledLesson("8A", D(2026, 11, 18), 6),
    ]
    days = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 19), D(2026, 11, 20)]
    regs = [*whole_day("e1", *days), *absent("e1", D(2026, 11, 18), [1, 2, 3, 4])]
    meldinger = [sick("e1", D(2026, 11, 16), D(2026, 11, 20))]
    found = alert(run(regs, meldinger=meldinger, cancelled=cancelled), "e1", "hoyt_fravaer")
    assert found is not None and found.antall == 5.0
    assert alert(run(regs, meldinger=meldinger), "e1", "hoyt_fravaer") is None  # 4 + 4/6


def test_a_mark_in_a_cancelled_lesson_counts_for_nothing() -> None:
    cancelled = [CancelledLesson("8A", D(2026, 11, 18), 6)]
    result = run(absent("e2", D(2026, 11, 18), [6]), cancelled=cancelled)
    assert result.alerts == ()
    assert result.figures["e2"].absent_lessons == 0


def test_a_day_nobody_registered_does_not_break_a_run() -> None:
    """Issue 11: «A day nobody registered breaks a run ... so a forgotten registration hides
    the pattern». DESIGN: such a day «is unknown: it counts for nothing and does not break
    a run». Mon, Tue absent, Wed nothing registered for 8A, Thu, Fri absent: 4 days."""
    days = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 19), D(2026, 11, 20)]
    found = alert(run(whole_day("e1", *days)), "e1", RULE_RUN)
    assert found is not None and found.antall == 4 and found.forst == D(2026, 11, 20)
    assert D(2026, 11, 18) not in {e.dato for e in found.evidence}
    # Registered and present on Wednesday: that breaks it.
    assert (
        alert(run(whole_day("e1", *days), present("8A", D(2026, 11, 18))), "e1", RULE_RUN) is None
    )


@pytest.mark.parametrize(
    ("dato", "lates", "expected"),
    [
        # «N months = from D minus N calendar months (+1 day) to D»: 31.03 → 01.03–31.03.
        (D(2027, 3, 31), [D(2027, 2, 26), D(2027, 3, 1), D(2027, 3, 2)], False),
        (D(2027, 3, 31), [D(2027, 3, 1), D(2027, 3, 2), D(2027, 3, 31)], True),
        # 28.02.2027 → 29.01–28.02.
        (D(2027, 2, 28), [D(2027, 1, 28), D(2027, 2, 1), D(2027, 2, 2)], False),
        (D(2027, 2, 28), [D(2027, 1, 29), D(2027, 2, 1), D(2027, 2, 2)], True),
    ],
)
def test_hole_one_month_windows_ending_31_03_and_28_02(
    dato: dt.date, lates: list[dt.date], expected: bool
) -> None:
    """Hole: «Har kommet for sent tre ganger på én måned»."""
    regs = [r for d in lates for r in late("e1", d)]
    assert (
        alert(run(regs, profile=HOLE, dato=dato), "e1", "forsentkomming") is not None
    ) is expected


@settings(max_examples=150, deadline=None)
@given(
    s=scenarios(),
    cancel=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 6)), max_size=8),
    calls=st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["e1", "e2"])), max_size=4),
    short=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 6)), max_size=3),
)
def test_property_cancelled_lessons_short_days_and_contacts_never_break_the_check(
    s: Scenario, cancel: list, calls: list, short: list
) -> None:
    """Issue 11's inputs at random: the check never crashes, a mark in a lesson not held
    counts for nothing, a fulgt_opp alert has a contact on or after its newest incident,
    and every alert's newest incident lies between its first date and the check date."""
    days = SCHOOL_DAYS
    cancelled = [
        CancelledLesson(k, days[i % len(days)], t) for i, t in cancel for k in ("8A", "9B")
    ]
    contacts = [
        Contact(f"c{n}", elev, dt.datetime.combine(days[i % len(days)], dt.time(9)), "t1")
        for n, (i, elev) in enumerate(calls)
    ]
    kortdager = {days[i % len(days)]: Kortdag(days[i % len(days)], last) for i, last in short}
    calendar = SchoolCalendar(CAL.ferier, kortdager=tuple(kortdager.values()))
    result = check(
        ROSTER,
        calendar,
        s.registrations,
        s.meldinger,
        STRAND,
        s.dato,
        contacts=contacts,
        cancelled=cancelled,
    )
    gone = {(c.klasse, c.dato, c.time) for c in cancelled}
    # the count of lessons held (kept, and made without the set on an ordinary day) is
    # always the size of the set of lessons held
    counted_once = Lessons(ROSTER, calendar, s.registrations, cancelled)
    as_sets = Lessons(ROSTER, calendar, s.registrations, cancelled)
    for day in days:
        for klasse in ("8A", "9B"):
            assert counted_once.on(klasse, day) == len(as_sets.periods(klasse, day))
    fra = semester_bounds(s.dato)[0]
    for elev in ELEVER:
        counted = sum(
            1
            for r in s.registrations
            if fra <= r.dato <= s.dato and (r.klasse, r.dato, r.time) not in gone
            for m in r.marks
            if m.elev == elev and m.is_absence
        )
        assert result.figures[elev].absent_lessons == counted
    for a in result.alerts:
        assert a.forst <= a.nyeste <= s.dato
        assert all((e.klasse, e.dato, e.time) not in gone for e in a.evidence)
        if a.status == "fulgt_opp":
            assert a.kontakt is not None and a.kontakt >= a.nyeste
        else:
            assert a.kontakt is None or a.kontakt < a.nyeste
