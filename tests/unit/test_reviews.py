"""The regular reviews (issue 13, point 3): due dates weekly, monthly and twice a semester,
across holidays; the figures each needs; recorded when held; shown in the right overview.

Strand, Ledelsens ansvar a: «Avdelingsledere og rektor drøfter ukentlige meldinger som
kontaktlærere har sendt inn angående bekymringsfullt fravær». Hole: «Månedlig gjennomgang
av fravær ved kontaktlærer», «To ganger pr semester – gjennomgang av fravær på
trinn/teamtid med avdelingsleder», «To ganger pr semester – ledelsen gjennomgår skolens
samlede fravær».

The calendar: sommerferie to 16.08.2026, høstferie 28.09–02.10.2026, juleferie
21.12.2026–01.01.2027, vinterferie 22.02–26.02.2027, sommerferie from 19.06.2027; public
holidays from the calendar (påske 2027: 25.03, 26.03 and 29.03; 17.05 Monday).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from fravaer_tui.application.school import open_school
from fravaer_tui.application.session import AccessDenied, Session
from fravaer_tui.domain import analysis, reviews
from fravaer_tui.domain.model import Holiday, Mark
from fravaer_tui.domain.profiles import load_profile
from fravaer_tui.domain.reviews import Beslutning, Period
from fravaer_tui.domain.schoolcalendar import SchoolCalendar
from fravaer_tui.errors import UserError
from fravaer_tui.store import Store
from tests.unit.routine_kit import run, use_profile

D = dt.date
CAL = SchoolCalendar(
    (
        Holiday("Sommerferie", D(2026, 7, 1), D(2026, 8, 16)),
        Holiday("Høstferie", D(2026, 9, 28), D(2026, 10, 2)),
        Holiday("Juleferie", D(2026, 12, 21), D(2027, 1, 1)),
        Holiday("Vinterferie", D(2027, 2, 22), D(2027, 2, 26)),
        Holiday("Sommerferie", D(2027, 6, 19), D(2027, 8, 15)),
    )
)
STRAND = load_profile("strand")
HOLE = load_profile("hole")
WEEKLY = STRAND.review("ukentlige_meldinger")
MONTHLY = HOLE.review("maanedlig_klasse")
TRINN = HOLE.review("trinn")
SCHOOL = HOLE.review("skolens_fravaer")


def test_the_profiles_carry_the_seeds_reviews() -> None:
    assert [(r.id, r.hvem, r.hyppighet, r.omfang, r.dekker) for r in STRAND.gjennomganger] == [
        ("ukentlige_meldinger", "ledelse", "ukentlig", "skole", ("meldinger_ledelsen", "saker"))
    ]
    assert [(r.id, r.hvem, r.hyppighet, r.omfang) for r in HOLE.gjennomganger] == [
        ("maanedlig_klasse", "kontaktlaerer", "maanedlig", "klasse"),
        ("trinn", "ledelse", "to_ganger_semester", "trinn"),
        ("skolens_fravaer", "ledelse", "to_ganger_semester", "skole"),
    ]


# --- due dates ---------------------------------------------------------------------------------


def test_weekly_due_on_the_weeks_last_school_day_and_none_in_a_holiday_week() -> None:
    found = reviews.periods("ukentlig", CAL, D(2026, 9, 21), D(2026, 10, 11))
    assert found == [
        Period(D(2026, 9, 21), D(2026, 9, 27), D(2026, 9, 25)),  # Friday
        # 28.09–04.10: høstferie, no school day, no review
        Period(D(2026, 10, 5), D(2026, 10, 11), D(2026, 10, 9)),
    ]
    # påske 2027: skjærtorsdag 25.03 and langfredag 26.03 are public holidays: the week's
    # review is due Wednesday 24.03
    [easter] = reviews.periods("ukentlig", CAL, D(2027, 3, 22), D(2027, 3, 28))
    assert easter.frist == D(2027, 3, 24)
    # 2. påskedag Monday 29.03: the week still ends on Friday 02.04
    after = reviews.periods("ukentlig", CAL, D(2027, 3, 29), D(2027, 4, 4))
    assert after[0].frist == D(2027, 4, 2)
    # the juleferie weeks: the week of 21.12 has none; 28.12–03.01 none either
    weeks = reviews.periods("ukentlig", CAL, D(2026, 12, 14), D(2027, 1, 10))
    assert [w.fra for w in weeks] == [D(2026, 12, 14), D(2027, 1, 4)]


def test_monthly_due_on_the_months_last_school_day() -> None:
    found = reviews.periods("maanedlig", CAL, D(2026, 8, 1), D(2027, 7, 31))
    assert [(p.fra.month, p.frist) for p in found] == [
        (8, D(2026, 8, 31)),  # Monday
        (9, D(2026, 9, 25)),  # 28.–30.09 in høstferie
        (10, D(2026, 10, 30)),  # 31.10 is a Saturday
        (11, D(2026, 11, 30)),
        (12, D(2026, 12, 18)),  # juleferie from 21.12
        (1, D(2027, 1, 29)),
        (2, D(2027, 2, 19)),  # vinterferie the last week
        (3, D(2027, 3, 31)),
        (4, D(2027, 4, 30)),
        (5, D(2027, 5, 31)),
        (6, D(2027, 6, 18)),  # sommerferie from 19.06; no review in July
    ]


def test_twice_a_semester_halves_the_school_days() -> None:
    # Autumn 2026: 17.08–18.12 is 18 weeks, less høstferie: 85 school days; the first half
    # has 43: the 43rd school day is Wed 21.10.2026.
    autumn = reviews.periods("to_ganger_semester", CAL, D(2026, 8, 1), D(2026, 12, 31))
    assert autumn == [
        Period(D(2026, 8, 1), D(2026, 10, 21), D(2026, 10, 21)),
        Period(D(2026, 10, 22), D(2026, 12, 31), D(2026, 12, 18)),
    ]
    days = list(CAL.school_days(D(2026, 8, 1), D(2026, 12, 31)))
    assert len(days) == 85 and days[42] == D(2026, 10, 21)
    spring = reviews.periods("to_ganger_semester", CAL, D(2027, 1, 1), D(2027, 7, 31))
    days = list(CAL.school_days(D(2027, 1, 1), D(2027, 7, 31)))
    middle = days[(len(days) + 1) // 2 - 1]
    assert spring == [
        Period(D(2027, 1, 1), middle, middle),
        Period(middle + dt.timedelta(days=1), D(2027, 7, 31), D(2027, 6, 18)),
    ]
    assert D(2027, 2, 22) not in days and D(2027, 5, 17) not in days  # holidays not counted


def test_due_and_overdue_like_steps() -> None:
    found = reviews.occurrences(MONTHLY, "8A", CAL, [], D(2026, 8, 1), D(2027, 7, 31))
    # on Mon 30.11: November is due that day; October overdue; December not begun
    due = reviews.due(found, D(2026, 11, 30))
    assert [(o.period.fra.month, o.overdue(D(2026, 11, 30))) for o in due] == [
        (8, True),
        (9, True),
        (10, True),
        (11, False),
    ]
    # a week ahead: November appears on Mon 23.11, not on Fri 20.11 (due 30.11 > 27.11)
    assert [o.period.fra.month for o in reviews.due(found, D(2026, 11, 23), 7)][-1] == 11
    assert [o.period.fra.month for o in reviews.due(found, D(2026, 11, 20), 7)][-1] == 10


def test_a_review_held_records_the_earliest_open_period() -> None:
    found = reviews.occurrences(MONTHLY, "8A", CAL, [], D(2026, 8, 1), D(2026, 12, 31))
    # held on 03.12: the earliest not held that began by then is August
    assert reviews.period_for(found, D(2026, 12, 3)).period.fra == D(2026, 8, 1)
    assert reviews.period_for(found, D(2026, 12, 3), D(2026, 11, 15)).period.fra == D(2026, 11, 1)
    with pytest.raises(ValueError, match="har ikke begynt"):
        reviews.period_for(found, D(2026, 11, 3), D(2026, 12, 1))
    record = reviews.new_record(
        "g1",
        found[3],
        D(2026, 12, 3),
        "A005",
        deltakere=["Håvard Rønning ", ""],
        notat="Tre elever over terskelen.",
        beslutninger=[reviews.parse_decision("Ringe hjem til Guro | Håvard Rønning")],
    )
    assert (record.fra, record.til, record.omfang) == (D(2026, 11, 1), D(2026, 11, 30), "8A")
    assert record.deltakere == ("Håvard Rønning",)
    assert record.beslutninger == (Beslutning("Ringe hjem til Guro", "Håvard Rønning"),)
    held = reviews.occurrences(MONTHLY, "8A", CAL, [record], D(2026, 8, 1), D(2026, 12, 31))
    assert held[3].record == record and not held[3].overdue(D(2027, 1, 1))
    with pytest.raises(ValueError, match=r"er allerede ført \(03\.12\.2026\)"):
        reviews.new_record("g2", held[3], D(2026, 12, 4), "A005")
    with pytest.raises(ValueError, match="før perioden"):
        reviews.new_record("g3", found[4], D(2026, 11, 30), "A005")
    for bad, words in (
        ("Ringe hjem", "skriv en beslutning som «hva som skal gjøres | hvem"),
        ("Ringe hjem | ", "skriv en beslutning"),
        ("Ringe\x1b[2J hjem | Ola", "beslutningen inneholder et usynlig kontrolltegn"),
    ):
        with pytest.raises(ValueError, match=words):
            reviews.parse_decision(bad)
    with pytest.raises(ValueError, match="notatet inneholder et usynlig kontrolltegn"):
        reviews.new_record("g4", found[0], D(2026, 9, 1), "A005", notat="\x07")


# --- through the one door -----------------------------------------------------------------------


def test_the_right_person_sees_each_review_and_records_it(demo_dir: Path) -> None:
    use_profile(demo_dir, "hole")
    school = open_school(demo_dir)
    staff = {s.id: s for s in school.roster.staff}
    kontakt = Session(school, staff["A005"])  # 8A
    today = D(2026, 11, 20)
    [block] = kontakt.morning(today)
    assert [(o.review.id, o.omfang, o.period.fra.month) for o in block.gjennomganger] == [
        ("maanedlig_klasse", "8A", 8),
        ("maanedlig_klasse", "8A", 9),
        ("maanedlig_klasse", "8A", 10),
    ]
    rektor = Session(school, staff["A001"])
    overview = rektor.leader_overview(today)
    assert {(o.review.id, o.omfang) for o in overview.gjennomganger} == {
        ("trinn", "8"),
        ("trinn", "9"),
        ("trinn", "10"),
        ("skolens_fravaer", ""),
    }
    assert all(o.overdue(today) for o in overview.gjennomganger)  # the first halves
    # a kontaktlærer sees the trinn's figures, but records neither it nor the school's
    figures = kontakt.review_figures(TRINN, "8", today)
    assert [c.klasse for c in figures.klasser] == ["8A"]
    with pytest.raises(AccessDenied, match="kan ikke føre"):
        kontakt.record_review(TRINN, "8", today, dt.datetime(2026, 11, 20, 15))
    with pytest.raises(AccessDenied):
        kontakt.review_figures(SCHOOL, "", today)
    with pytest.raises(AccessDenied):
        kontakt.review_figures(MONTHLY, "9A", today)
    faglaerer = Session(school, staff["A008"])
    with pytest.raises(AccessDenied):
        faglaerer.review_figures(MONTHLY, "8A", today)
    assert faglaerer.due_reviews(today) == []

    # the class month's figures: each student's absence as the year report counts it
    october = kontakt.review_figures(MONTHLY, "8A", today, D(2026, 10, 15))
    assert (october.occurrence.period.fra, october.til) == (D(2026, 10, 1), D(2026, 10, 31))
    data = Store(demo_dir).load_class("2026-2027", "8A").registrations
    first = october.elever[0]
    expected = analysis.totals(
        first.student.id,
        "8A",
        school.roster,
        school.calendar,
        data,
        D(2026, 10, 1),
        D(2026, 10, 31),
    )
    assert first.totals == expected
    assert [s.student.id for s in october.elever] == [
        s.id for s in school.roster.students_in_year("8A", "2026-2027")
    ]

    now = dt.datetime(2026, 11, 20, 15, 0)
    record = kontakt.record_review(
        MONTHLY, "8A", today, now, period=D(2026, 10, 1), notat="Gikk gjennom oktober.",
        deltakere=["Håvard Rønning"], beslutninger=[Beslutning("Ringe Guros foresatte", "Håvard")],
    )  # fmt: skip
    assert (record.fra, record.dato, record.av) == (D(2026, 10, 1), today, "A005")
    [block] = kontakt.morning(today)
    assert [o.period.fra.month for o in block.gjennomganger] == [8, 9]
    with pytest.raises(UserError, match="allerede ført"):
        kontakt.record_review(MONTHLY, "8A", today, now, period=D(2026, 10, 2))
    with pytest.raises(UserError, match="fram i tid"):
        kontakt.record_review(MONTHLY, "8A", D(2026, 11, 21), now)
    [entry] = [e for e in Store(demo_dir).log.read() if e.get("hva") == "gjennomgang"]
    assert entry["av"] == "A005" and entry["etter"]["notat"] == "Gikk gjennom oktober."
    assert entry["etter"]["beslutninger"] == [{"hva": "Ringe Guros foresatte", "hvem": "Håvard"}]


def test_mangler_utstyr_in_the_class_month(demo_dir: Path) -> None:
    use_profile(demo_dir, "hole")
    school = open_school(demo_dir)
    kontakt = Session(school, school.roster.staff_member("A005"))
    elev = school.roster.students_in("8A")[0].id
    day = D(2026, 11, 19)
    slot = school.roster.slots_on("8A", day)[0]
    marks = [Mark(elev, None, merknad="mangler utstyr")]
    kontakt.save_registration("8A", day, slot.time, marks, dt.datetime(2026, 11, 19, 15))
    figures = kontakt.review_figures(MONTHLY, "8A", D(2026, 11, 20), D(2026, 11, 1))
    mine = next(s for s in figures.elever if s.student.id == elev)
    assert mine.utstyr >= 1


def test_strands_weekly_review_has_the_weeks_vedlegg_3(demo_dir: Path, capsys) -> None:
    """«drøfter ukentlige meldinger»: the week's Vedlegg 3 reports, the open cases."""
    data = demo_dir
    run(capsys, data, "2026-11-12 15:00", "case", "open", "--student", "E0052", user="A007")
    for done in ("2026-11-12", "2026-11-18", "2026-11-19"):
        step = ["case", "step", "--student", "E0052", "--date", done]
        code, _, err = run(capsys, data, f"{done} 15:00", *step, user="A007")
        assert code == 0, err
    code, out, _ = run(
        capsys, data, "2026-11-20 15:00", "review", "show", "--review", "ukentlige_meldinger",
        "--period", "2026-11-19", "--json", user="A004",
    )  # fmt: skip
    shown = json.loads(out)
    assert (shown["fra"], shown["til"], shown["frist"]) == (
        "2026-11-16",
        "2026-11-22",
        "2026-11-20",
    )
    assert [(m["elev_id"], m["dato"]) for m in shown["meldinger_ledelsen"]] == [
        ("E0052", "2026-11-19")
    ]
    assert shown["apne_saker"] == 1
    code, out, _ = run(
        capsys, data, "2026-11-20 15:00", "review", "show", "--review", "ukentlige_meldinger",
        "--period", "2026-11-19", user="A004",
    )  # fmt: skip
    assert "Meldinger til ledelsen (vedlegg 3) i perioden: 1" in out
    assert "19.11.2026 10A E0052" in out
    code, out, _ = run(
        capsys, data, "2026-11-20 15:00", "review", "record", "--review", "ukentlige_meldinger",
        "--date", "2026-11-20", "--period", "2026-11-20", "--participant", "Avdelingsleder",
        "--decision", "Innkalle til møte om skolenærværsplan | avdelingsleder", user="A004",
    )  # fmt: skip
    assert code == 0 and "periode 16.11.2026–22.11.2026, holdt 20.11.2026" in out
    code, out, _ = run(capsys, data, "2026-11-20 15:00", "review", "list", "--json", user="A004")
    listed = json.loads(out)
    assert {
        "gjennomgang": "ukentlige_meldinger",
        "tittel": "Ledelsen drøfter ukentlige meldinger",
        "omfang": "",
        "fra": "2026-11-16",
        "til": "2026-11-22",
        "frist": "2026-11-20",
        "forfalt": False,
        "holdt": "2026-11-20",
    } in listed
    overdue = [o for o in listed if o["forfalt"]]
    assert overdue and overdue[0]["fra"] == "2026-08-17"  # since the school year's first week
    code, out, _ = run(capsys, data, "2026-11-20 15:00", "review", "list", user="A004")
    assert "… og 11 perioder til som har forfalt, den siste 09.11.2026–15.11.2026" in out


@pytest.mark.parametrize(
    ("argv", "user", "message"),
    [
        (["show", "--review", "maanedlig"], "A001", "har ingen gjennomgang «maanedlig»"),
        (
            [
                "record",
                "--review",
                "ukentlige_meldinger",
                "--date",
                "2026-11-20",
                "--decision",
                "Ringe hjem",
            ],
            "A001",
            "--decision: «Ringe hjem»: skriv en beslutning",
        ),  # fmt: skip
        (
            ["record", "--review", "ukentlige_meldinger", "--date", "2026-11-20"],
            "A005",
            "kan ikke føre «Ledelsen drøfter ukentlige meldinger» for hele skolen: det gjør "
            "ledelsen",
        ),  # fmt: skip
        (
            ["show", "--review", "ukentlige_meldinger"],
            "A008",
            "har ikke tilgang til «Ledelsen drøfter ukentlige meldinger»",
        ),  # fmt: skip
    ],
)
def test_review_errors_in_norwegian(demo_dir, capsys, argv, user, message) -> None:
    code, _, err = run(capsys, demo_dir, "2026-11-20 15:00", "review", *argv, user=user)
    assert code == 1 and message in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "--review", "maanedlig_klasse"], "gjelder én klasse: oppgi --class"),
        (["show", "--review", "maanedlig_klasse", "--class", "7Z"], "Ukjent klasse «7Z»"),
        (["show", "--review", "trinn", "--trinn", "5"], "Ukjent trinn «5». Trinnene er: 8, 9, 10"),
    ],
)
def test_hole_review_scopes(demo_dir, capsys, argv, message) -> None:
    use_profile(demo_dir, "hole")
    code, _, err = run(capsys, demo_dir, "2026-11-20 15:00", "review", *argv)
    assert code == 1 and message in err
