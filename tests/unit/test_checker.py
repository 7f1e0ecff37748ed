"""The threshold check shared by every session (issue 10, point 5): the same result as a full
check, computed once per change and only for the class that changed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fravaer_tui.application.checker import shared_check
from fravaer_tui.application.lessons import add_melding, save_registration
from fravaer_tui.application.school import School, open_school, run_check
from fravaer_tui.application.session import Session
from fravaer_tui.domain.model import Mark, MarkType, Reason, Role, Validity
from tests.conftest import AFTERNOON, DEMO_UNTIL, clock

DAY = DEMO_UNTIL


def same(a, b) -> bool:
    return a.alerts == b.alerts and a.figures == b.figures and a.dato == b.dato


def a_lesson(school: School, klasse: str) -> int:
    return school.roster.slots_on(klasse, DAY)[0].time


@pytest.mark.parametrize("profile", ["strand", "hole"])
def test_the_shared_check_is_the_full_check(demo_dir: Path, profile: str) -> None:
    school = open_school(demo_dir, profile)
    first = shared_check(school, DAY)
    assert same(first.result, run_check(school, DAY))
    assert first.result.alerts and sorted(first.computed) == sorted(school.roster.classes)
    again = shared_check(open_school(demo_dir, profile), DAY)  # another session: only reads
    assert again.computed == [] and same(again.result, first.result)


def test_a_save_rechecks_only_its_class_once(demo_school: School) -> None:
    school = demo_school
    shared_check(school, DAY)
    klasse = school.roster.classes[0]
    student = school.roster.students_in(klasse)[0]
    marks = [Mark(student.id, MarkType.FRAVAER)]
    save_registration(school, klasse, DAY, a_lesson(school, klasse), marks, "A001", AFTERNOON)
    after = shared_check(school, DAY)
    assert after.computed == [klasse]
    assert same(after.result, run_check(school, DAY))
    assert shared_check(school, DAY).computed == []


@pytest.mark.parametrize("rolle", [Role.FAGLAERER, Role.KONTAKTLAERER, Role.REKTOR])
def test_a_session_reads_only_the_classes_its_person_may_see(demo_dir: Path, rolle: Role) -> None:
    """The same alerts as the whole school's check cut to what the person may see; and a
    teacher's process computes (and reads) no other class's alerts."""
    school = open_school(demo_dir, clock=clock)
    person = next(s for s in school.roster.staff if s.rolle is rolle)
    session = Session(school, person)
    mine = session.check(DAY)
    seen = {a.klasse for a in mine.alerts}
    computed = {k for k in school.roster.classes if school.store.checks.path(DAY, k).exists()}
    whole = shared_check(open_school(demo_dir), DAY)
    assert same(mine, session.visible(whole.result))
    assert mine.alerts and seen <= session._visible_classes()
    assert computed <= session._visible_classes()  # the session computed only its own
    if rolle is not Role.REKTOR:
        assert seen < {a.klasse for a in whole.result.alerts}
        assert computed < set(school.roster.classes)
        assert sorted(whole.computed) == sorted(set(school.roster.classes) - computed)


def test_a_melding_a_contact_and_a_roster_change_each_count(demo_school: School) -> None:
    school = demo_school
    shared_check(school, DAY)
    klasse = school.roster.classes[1]
    elev = school.roster.students_in(klasse)[0].id
    rektor = next(s for s in school.roster.staff if s.rolle is Role.REKTOR)
    add_melding(school, rektor, elev, DAY, DAY, Reason.SYKDOM, Validity.GYLDIG, AFTERNOON)
    assert shared_check(school, DAY).computed == [klasse]
    Session(school, rektor, clock=clock).log_contact(elev, "ringt foresatte", "", "", AFTERNOON)
    assert shared_check(school, DAY).computed == [klasse]
    school.store.write_roster(staff=school.roster.staff)  # a new roster file
    assert sorted(shared_check(school, DAY).computed) == sorted(school.roster.classes)
    assert same(shared_check(school, DAY).result, run_check(school, DAY))


def test_another_date_or_profile_is_another_result(demo_school: School) -> None:
    school = demo_school
    shared_check(school, DAY)
    earlier = DAY - dt.timedelta(days=7)
    assert same(shared_check(school, earlier).result, run_check(school, earlier))
    hole = open_school(school.store.root, "hole")
    assert same(shared_check(hole, DAY).result, run_check(hole, DAY))


def test_a_damaged_cache_file_is_computed_again(demo_school: School) -> None:
    school = demo_school
    shared_check(school, DAY)
    klasse = school.roster.classes[0]
    school.store.checks.path(DAY, klasse).write_text("{ikke json", "utf-8")
    again = shared_check(school, DAY)
    assert again.computed == [klasse] and same(again.result, run_check(school, DAY))


PROBE = """
import datetime as dt, sys
from fravaer_tui.application.checker import shared_check
from fravaer_tui.application.school import open_school
school = open_school(sys.argv[1])
sys.stdin.readline()
print(",".join(shared_check(school, dt.date.fromisoformat(sys.argv[2])).computed))
"""


def test_eight_sessions_at_once_compute_a_class_once(demo_school: School) -> None:
    """Eight processes check at the same moment after a save: one computes, seven read."""
    school = demo_school
    shared_check(school, DAY)
    klasse = school.roster.classes[0]
    save_registration(school, klasse, DAY, a_lesson(school, klasse), [], "A001", AFTERNOON)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, str(school.store.root), DAY.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[2],
            env={**os.environ},
        )
        for _ in range(8)
    ]
    for proc in procs:  # all started and waiting: go at once
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=120) for proc in procs]
    computed = [out.strip() for out, _ in outputs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    assert sorted(computed) == [""] * 7 + [klasse]


def test_every_field_of_an_alert_survives_the_shared_cache() -> None:
    """A field added to Alert, Evidence or StudentFigures must be kept by the cache too."""
    import dataclasses

    from fravaer_tui.domain.model import MarkType, Reason, Validity
    from fravaer_tui.domain.rules import Alert, Evidence, StudentFigures
    from fravaer_tui.store import checkcache

    evidence = Evidence(DAY, 3, "8A", MarkType.FRAVAER, Validity.GYLDIG, Reason.LEGE, 12, "x")
    remark = Evidence(DAY, 4, "8A", None, Validity.IKKE_MELDT, None, None, "mangler_utstyr")
    alert = Alert(
        "E1", "8A", "hoyt_fravaer", "Høyt", DAY, 5.5, 5.0, "dager", DAY, "Ring",
        (evidence, remark), DAY, "fulgt_opp", DAY,
    )  # fmt: skip
    figures = StudentFigures("E1", "8A", DAY, 100, 12, 2.5, 3, 1)
    assert all(getattr(alert, f.name) is not None for f in dataclasses.fields(Alert))
    assert checkcache.alert(checkcache.alert_doc(alert)) == alert
    assert checkcache.figures(checkcache.figures_doc(figures)) == figures
