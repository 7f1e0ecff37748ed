"""The `miljopersonale` role (issue 13, point 7; Strand, Registrering av fravær c:
«Miljøpersonell melder fravær til kontaktlærer»): they register the lessons of the classes
they work in and report absence, and see no reasons, meldinger, cases or alerts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fravaer_tui.application.school import open_school
from fravaer_tui.application.session import AccessDenied, Session
from fravaer_tui.domain.csvio import parse_staff
from fravaer_tui.domain.model import Mark, MarkType, Reason, Role, Staff, Validity
from fravaer_tui.errors import InputErrors
from tests.unit.routine_kit import add_staff, run

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 15, 0)
MILJO = Staff("M001", "Mia Miljø", Role.MILJOPERSONALE, ("8A",), "mia")


def test_the_staff_list_knows_the_role_in_either_spelling() -> None:
    text = (
        "ansatt_id,navn,rolle,klasser,brukernavn\n"
        "M001,Mia Miljø,miljøpersonale,8A,mia\n"
        "M002,Per Miljø,Miljøpersonell,8A 8B,per\n"
    )
    staff = parse_staff(text, "ansatte.csv")
    assert [(s.rolle, s.klasser) for s in staff] == [
        (Role.MILJOPERSONALE, ("8A",)),
        (Role.MILJOPERSONALE, ("8A", "8B")),
    ]
    assert staff[0].rolle.label == "miljøpersonale"
    with pytest.raises(InputErrors) as caught:
        parse_staff(text.replace("Miljøpersonell", "assistent"), "ansatte.csv")
    assert "miljopersonale" in str(caught.value) and "linje 3" in str(caught.value)


def test_registers_own_classes_and_sees_no_reasons(demo_dir: Path) -> None:
    add_staff(demo_dir, MILJO)
    school = open_school(demo_dir)
    session = Session(school, MILJO)
    slot = school.roster.slots("8A", TODAY.isoweekday())[0]
    elev = school.roster.students_in("8A")[0].id
    saved, _ = session.save_registration(
        "8A", TODAY, slot.time, [Mark(elev, MarkType.FRAVAER)], NOW
    )
    assert saved.av == "M001" and saved.marks[0].kind is MarkType.FRAVAER
    # the lessons of the day: 8A's only, all of them «own»
    lessons = session.lessons_on(TODAY)
    assert lessons and {ls.slot.klasse for ls in lessons} == {"8A"}
    assert all(ls.own for ls in lessons)
    # not a class they work in
    other = school.roster.slots("9A", TODAY.isoweekday())[0]
    with pytest.raises(AccessDenied, match="miljøpersonale.*8A.*ikke i 9A"):
        session.save_registration("9A", TODAY, other.time, [], NOW)
    # no reasons, meldinger, contact log or cases; no alerts
    for call in (
        lambda: session.meldinger(elev, TODAY),
        lambda: session.contacts(elev, TODAY),
        lambda: session.cases(TODAY, "8A"),
        lambda: session.add_melding(elev, TODAY, TODAY, Reason.SYKDOM, Validity.GYLDIG, NOW),
        lambda: session.leader_overview(TODAY),
    ):
        with pytest.raises(AccessDenied):
            call()
    assert session.check(TODAY).alerts == ()
    rows = session.marks(elev, dt.date(2026, 8, 1), TODAY)
    assert rows and all(r.reason is None and r.validity is None for r in rows)


def test_the_cli_registers_as_miljopersonale(demo_dir: Path, capsys) -> None:
    add_staff(demo_dir, MILJO)
    school = open_school(demo_dir)
    slot = school.roster.slots("8A", TODAY.isoweekday())[1]
    elev = school.roster.students_in("8A")[2].id
    code, out, _ = run(
        capsys, demo_dir, "2026-11-20 15:00", "register", "--class", "8A", "--date",
        "2026-11-20", "--period", str(slot.time), "--absent", elev, user="M001",
    )  # fmt: skip
    assert code == 0 and "av M001: 1 fravær" in out
    code, out, _ = run(capsys, demo_dir, "2026-11-20 15:00", "check", "--json", user="M001")
    assert (code, out.strip()) == (0, "[]")
    code, _, err = run(
        capsys, demo_dir, "2026-11-20 15:00", "case", "show", "--student", elev, user="M001"
    )
    assert code == 1 and "bare klassens kontaktlærer og ledelsen" in err
