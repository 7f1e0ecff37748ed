"""Who sees what, enforced in the service layer (not only hidden in the UI)."""

from __future__ import annotations

import datetime as dt

import pytest

from fravaer_tui.application.school import School, run_check
from fravaer_tui.application.session import AccessDenied, Session
from fravaer_tui.domain.model import Mark, MarkType, Reason, Role, Validity
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.store import FileCache

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 12, 0)


def staff(school: School, role: Role, klasse: str | None = None):
    return next(
        s
        for s in school.roster.staff
        if s.rolle is role and (klasse is None or klasse in s.klasser)
    )


@pytest.fixture
def setup(demo_school: School):
    school = demo_school
    own, other = school.roster.classes[0], school.roster.classes[1]
    kontakt = staff(school, Role.KONTAKTLAERER, own)
    result = run_check(school, TODAY)
    alert = next(a for a in result.alerts if a.klasse == own)
    other_alert = next(a for a in result.alerts if a.klasse == other)
    case = Session(school, kontakt).open_case(alert, TODAY, NOW)
    Session(school, kontakt).log_contact(alert.elev, "ringt foresatte", "ikke svar", "", NOW)
    other_case = Session(school, staff(school, Role.KONTAKTLAERER, other)).open_case(
        other_alert, TODAY, NOW
    )
    # a faglærer who teaches the class but is not its kontaktlærer
    teacher_id = next(
        s.laerer
        for s in school.roster.timetable
        if s.klasse == own
        and s.laerer != kontakt.id
        and school.roster.staff_member(s.laerer).rolle is Role.FAGLAERER
    )
    faglaerer = school.roster.staff_member(teacher_id)
    return school, own, other, kontakt, faglaerer, alert, case, other_case, result


def test_a_faglaerer_cannot_read_reasons_meldinger_contacts_or_cases(setup) -> None:
    school, own, _, _, faglaerer, alert, case, _, result = setup
    session = Session(school, faglaerer)
    elev = alert.elev
    fra = dt.date(2026, 8, 1)
    rows = session.marks(elev, fra, TODAY)
    assert all(r.validity is None and r.reason is None for r in rows)
    assert all(
        school.roster.slot(own, r.dato.isoweekday(), r.time).laerer == faglaerer.id for r in rows
    )
    for call in (
        lambda: session.meldinger(elev, TODAY),
        lambda: session.contacts(elev, TODAY),
        lambda: session.cases(TODAY, own),
        lambda: session.case(case.id, TODAY),
        lambda: session.open_case(alert, TODAY, NOW),
        lambda: session.record_step(case, "kontakt_hjem", TODAY, NOW),
        lambda: session.log_contact(elev, "ringt foresatte", "", "", NOW),
        lambda: session.morning(TODAY, result),
        lambda: session.leader_overview(TODAY, result),
    ):
        with pytest.raises(AccessDenied):
            call()
    assert session.cases(TODAY) == []  # nothing visible, not an error
    page = session.student_page(elev, TODAY, result)
    assert page.follows_up is False
    assert (page.meldinger, page.contacts, page.cases, page.patterns) == ([], [], [], [])
    assert all(r.reason is None and r.validity is None for r in page.marks)
    with pytest.raises(AccessDenied):
        session.add_melding(elev, TODAY, TODAY, Reason.SYKDOM, Validity.GYLDIG, NOW)
    with pytest.raises(AccessDenied):
        session.judge_absence(own, TODAY, 1, elev, Validity.UGYLDIG, None, NOW)


def test_a_kontaktlaerer_cannot_open_another_classs_cases(setup) -> None:
    school, own, other, kontakt, _, alert, case, other_case, result = setup
    session = Session(school, kontakt)
    assert [c.id for c in session.cases(TODAY)] == [case.id]
    assert session.case(case.id, TODAY).elev == alert.elev
    assert session.contacts(alert.elev, TODAY)[0].utfall == "ikke svar"
    with pytest.raises(AccessDenied):
        session.case(other_case.id, TODAY)
    with pytest.raises(AccessDenied):
        session.cases(TODAY, other)
    other_alert = next(a for a in result.alerts if a.klasse == other)
    with pytest.raises(AccessDenied):
        session.open_case(other_alert, TODAY, NOW)
    with pytest.raises(AccessDenied):
        session.meldinger(other_alert.elev, TODAY)
    with pytest.raises(AccessDenied):
        session.leader_overview(TODAY, result)
    assert [b.klasse for b in session.morning(TODAY, result)] == [own]


def test_ledelsen_sees_every_class(setup) -> None:
    school, own, other, _, _, _, case, other_case, result = setup
    rektor = staff(school, Role.REKTOR)
    session = Session(school, rektor)
    assert {c.id for c in session.cases(TODAY)} == {case.id, other_case.id}
    overview = session.leader_overview(TODAY, result)
    assert {c.id for c in overview.open_cases} == {case.id, other_case.id}
    assert overview.school.elever == len(school.roster.students)


def test_check_and_the_overviews_agree(setup, capsys) -> None:
    """`fravaer check` lists the same alerts and the same due steps as the overviews."""
    from fravaer_tui.cli import main

    school, own, _, kontakt, _, _, _, _, result = setup
    code = main(["--data", str(school.store.root), "check", "--date", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 0
    morning = Session(school, kontakt).morning(TODAY, result)[0]
    for alert in morning.alerts:
        assert alert.elev in out
    rektor = Session(school, staff(school, Role.REKTOR))
    for due in rektor.due_steps(TODAY):
        assert f"{due.case.elev}) {due.step.tittel}" in out
    assert len(rektor.due_steps(TODAY)) >= 2  # both opened cases: contact home is due today


def test_two_staff_changing_one_case_both_keep_their_change(setup) -> None:
    school, own, _, kontakt, _, alert, case, _, _ = setup
    rektor = Session(school, staff(school, Role.REKTOR))
    mine = Session(school, kontakt)
    stale = mine.case(case.id, TODAY)  # the kontaktlærer's screen loaded this copy
    rektor.record_step(stale, school.profile.steps[0].id, TODAY, NOW, "ringt av rektor")
    mine.set_fields(stale, {"v1_q01": "svar"}, TODAY, NOW)  # from the old copy
    mine.close_case(stale, TODAY, NOW)
    stored = mine.case(case.id, TODAY)
    assert [r.step for r in stored.steps] == [school.profile.steps[0].id]
    assert dict(stored.svar) == {"v1_q01": "svar"}
    assert stored.status.value == "lukket"


def test_an_open_case_carries_over_the_summer(setup) -> None:
    school, own, _, kontakt, _, alert, case, _, _ = setup
    session = Session(school, kontakt)
    autumn = dt.date(2027, 8, 20)
    assert case.id in {c.id for c in session.cases(autumn)}
    changed = session.record_step(case, school.profile.steps[0].id, autumn, NOW)
    assert changed.steps and session.case(case.id, autumn).steps
    assert not list((school.store.root / "2027-2028").glob("*/saker.json"))  # stays in its year
    session.close_case(changed, autumn, NOW)
    assert case.id not in {c.id for c in session.cases(autumn)}  # last year's closed ones go


def test_a_roll_calls_opening_reads_its_files_through_the_sessions_cache(setup) -> None:
    """The register asks four questions of one month's file and the class's meldinger
    (`RegisterScreen.fetch`); through the session's cache each file is read once, and a
    save (a new file) is read again."""
    school, own, _, kontakt, *_ = setup
    session = Session(school, kontakt, FileCache())
    slot = school.roster.slots_on(own, TODAY)[0]
    month = school.store.lesson_path(own, TODAY)
    meldinger = school.store.meldinger_path(school_year_name(TODAY), own)
    before = session.marks_on_day(own, TODAY)
    assert session.registration_for(own, TODAY, slot.time) is not None
    session.meldt_on(own, TODAY)
    session.meldinger_on(own, TODAY)
    assert month in session.cache and meldinger in session.cache
    student = school.roster.students_in(own)[0]
    session.save_registration(own, TODAY, slot.time, [Mark(student.id, MarkType.SENT, 5)], NOW)
    after = session.marks_on_day(own, TODAY)
    assert (slot.time, Mark(student.id, MarkType.SENT, 5)) in after[student.id]
    assert after != before
