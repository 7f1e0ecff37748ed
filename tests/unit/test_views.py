"""The screens' read models as pure functions: the morning in the order of the day, ledelsen's
rows, the audit log in words, and the school's words (issue 12, points 4–6)."""

from __future__ import annotations

import datetime as dt

from fravaer_tui.application.audit import (
    audit_details,
    audit_json,
    audit_line,
    parse_filter,
)
from fravaer_tui.application.leaders import leader_rows
from fravaer_tui.application.morning import day_marks, morning_rows
from fravaer_tui.application.school import School
from fravaer_tui.application.session import Session
from fravaer_tui.domain import words
from fravaer_tui.domain.model import Mark, MarkType, Reason, Role, Validity

FRIDAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 7, 30)


def kontakt(school: School) -> Session:
    klasse = school.roster.classes[0]
    return Session(school, school.roster.kontaktlaerere(klasse)[0])


def test_the_morning_puts_todays_work_first_and_folds_what_is_followed_up(
    demo_school: School,
) -> None:
    session = kontakt(demo_school)
    result = session.check(FRIDAY)
    blocks = session.morning(FRIDAY, result, NOW)
    rows = morning_rows(blocks, demo_school.roster, FRIDAY)
    sections = [r.key.split("|")[1] for r in rows if r.kind == "heading"]
    assert sections[:4] == ["varsler", "sak", "ikke_meldt", "ikke_fort"]
    fresh = [r for r in rows if r.kind == "varsel"]
    open_alerts = [a for b in blocks for a in b.alerts if a.status == "åpen"]
    followed = [a for b in blocks for a in b.alerts if a.status != "åpen"]
    assert len(fresh) == len(open_alerts) and followed  # the demo follows most up
    assert [r.dato for r in fresh] == sorted((r.dato for r in fresh), reverse=True)
    assert all(a.tiltak in next(r.right for r in fresh if r.regel == a.regel and r.elev == a.elev)
               for a in open_alerts)  # fmt: skip
    assert any(r.kind == "fold" and str(len(followed)) in r.left for r in rows)
    unfolded = morning_rows(blocks, demo_school.roster, FRIDAY, show_followed=True)
    assert sum(1 for r in unfolded if r.key.startswith("fulgt|")) == len(followed)
    for row in (r for r in rows if r.kind == "ikke_meldt"):
        assert row.dato is not None and row.dato.isoformat() == row.key.split("|")[2]
        if "☎" in row.right:  # the number before the name: cut at the edge, never the number
            assert row.right.index("☎") < len(row.right) - len(row.right.split("☎ ")[1])


def test_a_day_of_marks_in_words() -> None:
    marks = ((1, Mark("e", MarkType.FRAVAER)), (2, Mark("e", MarkType.FRAVAER)))
    assert day_marks(marks, 6) == "fravær 1. og 2. time"
    assert day_marks(marks, 2) == "fravær hele dagen"
    late = ((3, Mark("e", MarkType.SENT, 5)), (4, Mark("e", None, merknad="mangler utstyr")))
    assert day_marks(late, 6) == "for sent 3. time (5 min) · «mangler utstyr» 4. time"


def test_ledelsens_rows_open_the_case_or_the_student(demo_school: School) -> None:
    session = kontakt(demo_school)
    alert = next(a for a in session.check(FRIDAY).alerts if a.klasse == session.user.klasser[0])
    case = session.open_case(alert, FRIDAY, NOW)
    rektor = next(s for s in demo_school.roster.staff if s.rolle is Role.REKTOR)
    overview = Session(demo_school, rektor).leader_overview(FRIDAY)
    rows = leader_rows(overview, demo_school.roster, demo_school.profile)
    case_rows = [r for r in rows if r.case_id == case.id]
    assert case_rows and all(r.elev == case.elev for r in case_rows)
    assert case_rows[0].right == f"neste: {demo_school.profile.steps[0].tittel}"
    figures = [r for r in rows if r.kind == "tall"]
    assert figures and all(not r.case_id and not r.elev for r in figures)


def test_the_audit_log_in_words(demo_school: School) -> None:
    roster = demo_school.roster
    klasse = roster.classes[0]
    student = roster.students_in(klasse)[0]
    slot = roster.slot(klasse, FRIDAY.isoweekday(), 1)
    teacher = roster.staff_member(slot.laerer)
    session = Session(demo_school, teacher)
    session.save_registration(klasse, FRIDAY, slot.time, [Mark(student.id, MarkType.SENT, 7)], NOW)
    entry = demo_school.store.log.read()[-1]
    line = audit_line(demo_school, entry)
    assert teacher.navn in line and "føring rettet" in line
    assert f"{student.navn} ({student.id}): til stede → for sent 7 min" in line
    details = "\n".join(audit_details(demo_school, entry))
    assert "Før → etter:" in details and "registrering" not in details
    assert "elever" in audit_json(entry)["etter"] and "minutter" in str(audit_json(entry))
    kontakt(demo_school).add_melding(student.id, FRIDAY, FRIDAY, Reason.LEGE, Validity.GYLDIG, NOW)
    assert "melding fra foresatte" in audit_line(demo_school, demo_school.store.log.read()[-1])


def test_the_audit_filter_takes_names_ids_and_dates_and_says_what_it_cannot(
    demo_school: School,
) -> None:
    roster = demo_school.roster
    student = roster.students[3]
    by_name = parse_filter(f"{student.fornavn.lower()} {student.etternavn[:3]}", roster)
    assert student.id in by_name.students and not by_name.problem
    assert parse_filter(student.id, roster).students == {student.id}
    staff = roster.staff[0]
    assert parse_filter(staff.id, roster).staff == {staff.id}
    assert parse_filter("20.11.2026", roster).since == FRIDAY
    assert "30.02.2026" in parse_filter("30.02.2026", roster).problem  # not silently ignored
    assert "Ingen elev eller ansatt" in parse_filter("zzyzx", roster).problem


def test_the_schools_words() -> None:
    assert words.lessons(1) == "1 time" and words.lessons(4) == "4 timer"
    assert words.clock_hours(2.5) == "2,5 klokketimer" and words.clock_hours(1) == "1 klokketime"
    assert words.date_range(FRIDAY, FRIDAY) == "20.11.2026"
    assert words.date_range(FRIDAY, dt.date(2026, 11, 23)) == "20.11.2026–23.11.2026"
    for code in ("registrering_endret", "sak_endret", "vurdering", "sak", "kontakt"):
        assert "_" not in words.audit_kind(code) and words.audit_kind(code) != code
    assert words.rule_title(None, "hoyt_fravaer") == "Høyt fravær"
    assert words.mark_words(Mark("e", MarkType.SENT, 5)) == "for sent 5 min"
    assert words.kind_words("fravaer") == "fravær" and words.kind_words(None) == "til stede"
    assert words.validity_words(Validity.GYLDIG, Reason.PERMISJON) == "permisjon"
    assert words.validity_words(Validity.GYLDIG, Reason.SYKDOM) == "meldt: sykdom"
    assert words.join(["a", "b", "c"]) == "a, b og c"
