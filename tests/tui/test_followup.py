"""The contact teacher's morning and a case walked through every step of each profile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable

from fravaer_tui.app import FravaerApp
from fravaer_tui.application.school import open_school
from fravaer_tui.domain.followup import CaseStatus
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.screens.case import CaseScreen
from fravaer_tui.screens.followup_dialogs import ContactDialog, StepDialog, TiltakDialog
from fravaer_tui.screens.leaders import LeaderScreen
from fravaer_tui.screens.overview import MorningScreen
from fravaer_tui.screens.student import StudentScreen
from tests.tui.conftest import kontaktlaerer
from tests.tui.test_register import settle

TODAY = dt.date(2026, 11, 20)  # the demo's last day; høstferie 28.09–02.10, planleggingsdag 13.11
BEFORE_SCHOOL = dt.datetime.combine(TODAY, dt.time(7, 30))
D = dt.date

# (step, the date we record it, the deadline the NEXT step must get, keys picking the
# outcome) — hand-computed (issue 11: «innen» forward, trial periods in school weeks).
KARTLEGGING = "kartlegging"  # 7 days from the later of the contact and hoyt_fravaer, if any
STRAND = [
    ("kontakt_hjem", D(2026, 9, 21), KARTLEGGING, ()),
    ("kartleggingssamtale", D(2026, 9, 24), None, ()),  # melding til ledelsen: no deadline
    ("melding_ledelsen", D(2026, 10, 5), D(2026, 10, 19), ()),  # within 14 days
    # 10 school days after Fri 30.10, the planleggingsdag 13.11 not one: Mon 16.11
    ("skolenaervaersplan", D(2026, 10, 30), D(2026, 11, 16), ()),
    ("evaluering_1", D(2026, 11, 16), D(2026, 11, 30), ()),  # 10 school days after 16.11
    ("evaluering_2", D(2026, 11, 18), D(2026, 11, 18), ()),  # then BTI, the same day
    ("bti", D(2026, 11, 19), None, ()),  # issue 13: the samhandlingsmøte, no deadline
    ("samhandlingsmote", D(2026, 11, 20), None, ()),
]
HOLE = [
    # issue 13: the call decides (bekymring, the first outcome); ledelsen informed that day
    ("telefon_hjem", D(2026, 9, 4), D(2026, 9, 4), ("enter",)),
    ("ledelsen_informert", D(2026, 9, 4), None, ()),  # kartleggingsmøte: no fixed deadline
    ("kartleggingsmote", D(2026, 9, 7), D(2026, 9, 7), ()),  # the agreement: the same day
    # 15 school days after Mon 07.09, høstferie 28.09–02.10 not counted: Mon 05.10
    ("samarbeidsavtale", D(2026, 9, 7), D(2026, 10, 5), ()),
    # at the evaluation: a new three-week plan, a new samarbeidsavtale the same day
    ("evaluering", D(2026, 10, 5), D(2026, 10, 5), ("down", "enter")),
    ("samarbeidsavtale", D(2026, 10, 5), D(2026, 10, 26), ()),  # 15 school days: Mon 26.10
    # at the next one: aktiv oppfølging, PPT kontaktet (no fixed deadline)
    ("evaluering", D(2026, 10, 26), None, ("down", "down", "enter")),
    ("ppt_kontaktet", D(2026, 10, 27), None, ()),
    ("samarbeidsmote", D(2026, 10, 28), None, ()),
    # jevnlig evaluering: 15 school days after Wed 28.10, planleggingsdag 13.11 not one
    ("legeerklaering_vurdert", D(2026, 10, 28), D(2026, 11, 19), ()),
    ("jevnlig_evaluering", D(2026, 11, 19), None, ("down", "enter")),  # avsluttet
]


def use_profile(data: Path, profile: str) -> None:
    config = data / "skole.toml"
    text = config.read_text(encoding="utf-8").replace('profil = "strand"', f'profil = "{profile}"')
    config.write_text(text, encoding="utf-8")


def row_of(screen: MorningScreen, prefix: str) -> int:
    return next(i for i, key in enumerate(screen.keys) if key.startswith(prefix))


@pytest.mark.parametrize(("profile", "walk"), [("strand", STRAND), ("hole", HOLE)])
async def test_a_case_from_an_alert_through_every_step(
    demo_dir: Path, profile: str, walk: list
) -> None:
    use_profile(demo_dir, profile)
    school = open_school(demo_dir)
    klasse = school.roster.classes[0]
    teacher = kontaktlaerer(school, klasse)
    app = FravaerApp(school, teacher, clock=lambda: BEFORE_SCHOOL, check_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        morning = app.screen
        assert isinstance(morning, MorningScreen)  # a kontaktlærer before the first lesson
        # the student whose alert held first, so every step date lies after it
        alert = min(
            (a for a in app.alerts.alerts if a.klasse == klasse), key=lambda a: (a.forst, a.elev)
        )
        assert alert.forst < walk[0][1]
        row = row_of(morning, f"varsel|{alert.elev}|{alert.regel}")
        morning.query_one(DataTable).move_cursor(row=row)
        await pilot.press("s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        case = screen.case
        # The first step starts at the alert's newest incident (issue 11).
        assert (case.elev, case.regel, case.varsel_dato) == (alert.elev, alert.regel, alert.nyeste)
        first_step = school.profile.steps[0]
        assert f"frist {format_date(alert.nyeste)}" in str(screen.query_one("#stairs").render())
        assert {s.id for s in school.profile.steps} == {step for step, _, _, _ in walk}
        held = {a.regel: a.forst for a in app.flagged(alert.elev)}

        for step_id, done, next_deadline, outcome in walk:
            await pilot.press("t")
            dialog = app.screen
            assert isinstance(dialog, StepDialog) and dialog.step.id == step_id
            back = ["shift+tab"] * (2 if dialog.step.utfall else 1)  # past the outcome
            await pilot.press(*back, *format_date(done), "tab")
            if dialog.step.utfall:
                await pilot.press(*outcome, "tab")
            await pilot.press(*f"notat {step_id}")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is screen
            stairs = str(screen.query_one("#stairs").render())
            assert f"{format_date(done)}" in stairs
            upcoming = [line for line in stairs.splitlines() if line.startswith("▶")]
            if next_deadline == KARTLEGGING:  # «Dersom en elev har høyt fravær ...»
                first = held.get("hoyt_fravaer")
                if first is None:
                    assert "frist" not in upcoming[0], stairs
                    continue
                next_deadline = school.calendar.within_days(max(done, first), 7)
            if next_deadline is not None:  # "frist" for within, "planlagt" for evaluations
                assert format_date(next_deadline) in upcoming[0], stairs
        assert "✓" in stairs and "▶" not in stairs

    stored = app.session.case(case.id, TODAY)
    assert [(r.step, r.dato) for r in stored.steps] == [(s, d) for s, d, _, _ in walk]
    if profile == "hole":
        assert [r.utfall for r in stored.steps if r.step == "evaluering"] == [
            "ny_plan",
            "aktiv_oppfolging",
        ]
    evaluations = [r for r in stored.steps if "evaluering" in r.step]
    assert evaluations and all(r.effect is not None for r in evaluations)
    assert first_step.id == walk[0][0]
    audit = [e for e in school.store.log.read() if e.get("sak") == case.id]
    assert len(audit) == 1 + len(walk)  # opened, then one entry per step


async def test_tiltak_contact_and_closing_a_case(demo_dir: Path) -> None:
    school = open_school(demo_dir)
    klasse = school.roster.classes[0]
    teacher = kontaktlaerer(school, klasse)
    app = FravaerApp(school, teacher, clock=lambda: BEFORE_SCHOOL, check_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        morning = app.screen
        index = row_of(morning, "varsel|")
        elev = morning.keys[index].split("|")[1]
        morning.query_one(DataTable).move_cursor(row=index)

        await pilot.press("r")  # ringt foresatte
        assert isinstance(app.screen, ContactDialog)
        await pilot.press(*"mor sier hun kommer i morgen", "ctrl+s")
        await settle(app, pilot)
        assert app.session.contacts(elev, TODAY)[0].notat == "mor sier hun kommer i morgen"

        await pilot.press("s")
        await settle(app, pilot)
        case_screen = app.screen
        assert isinstance(case_screen, CaseScreen)
        await pilot.press("a")
        assert isinstance(app.screen, TiltakDialog)
        await pilot.press("down", "enter")  # the first tiltak of vedlegg 5's list
        await pilot.press(*"Kontaktlærer", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is case_screen
        assert len(case_screen.case.tiltak) == 1 and case_screen.case.tiltak[0].fra_vedlegg5
        assert "Kontaktlærer" in str(case_screen.query_one("#tiltak").render())

        await pilot.press("l")  # lukk
        await settle(app, pilot)
        assert case_screen.case.status is CaseStatus.LUKKET
        await pilot.press("l")  # gjenåpne
        await settle(app, pilot)
        assert case_screen.case.status is CaseStatus.AAPEN
        assert [e.hva for e in case_screen.case.events][-2:] == ["lukket", "gjenapnet"]

        await pilot.press("escape", "enter")  # back to the overview, open the student
        await settle(app, pilot)
        page = app.screen
        assert isinstance(page, StudentScreen)
        text = str(page.query_one("#content").render())
        for words in ("Fravær dette semesteret", "uke", "Totalt", "Mønster", "Kontakt med hjemmet"):
            assert words in text


async def test_ledelsen_sees_the_schools_figures(demo_dir: Path) -> None:
    school = open_school(demo_dir)
    rektor = next(s for s in school.roster.staff if s.rolle.value == "rektor")
    app = FravaerApp(school, rektor, clock=lambda: BEFORE_SCHOOL, check_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, LeaderScreen)
        text = str(app.screen.query_one("#content").render())
        for words in ("Åpne saker", "Tall for semesteret", "Hele skolen", "ikke er ført"):
            assert words in text


async def test_the_kartleggingssamtale_is_saved_as_it_is_typed(demo_dir: Path) -> None:
    from fravaer_tui.documents.forms import FORMS
    from fravaer_tui.screens.form import FormScreen

    school = open_school(demo_dir)
    klasse = school.roster.classes[0]
    teacher = kontaktlaerer(school, klasse)
    app = FravaerApp(school, teacher, clock=lambda: BEFORE_SCHOOL, check_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        morning = app.screen
        morning.query_one(DataTable).move_cursor(row=row_of(morning, "varsel|"))
        await pilot.press("s")
        await settle(app, pilot)
        case_id = app.screen.case.id
        await pilot.press("1")
        form = app.screen
        assert isinstance(form, FormScreen)
        question = FORMS[1].questions[0]
        assert question.text in str(form.query_one("#question").render())
        await pilot.press(*"Hun liker gym, men ikke friminuttene")
        await pilot.pause(0.6)  # a short pause after typing: saved without any key
        await settle(app, pilot)
        stored = dict(app.session.case(case_id, TODAY).svar)
        assert stored[question.id] == "Hun liker gym, men ikke friminuttene"
        await pilot.press("ctrl+n", *"Venner", "ctrl+n")  # moving on saves at once
        await settle(app, pilot)
        stored = dict(app.session.case(case_id, TODAY).svar)
        assert stored[FORMS[1].questions[1].id] == "Venner"
        await pilot.press("ctrl+b", "ctrl+b")
        assert form.query_one("#answer").text == "Hun liker gym, men ikke friminuttene"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("4", *"Skoleporten", "escape")  # vedlegg 4's fields go to `felt`
        await settle(app, pilot)
        felt = dict(app.session.case(case_id, TODAY).felt)
        assert felt[FORMS[4].questions[0].id] == "Skoleporten"


async def test_ledelsen_browses_and_filters_the_audit_log(demo_dir: Path) -> None:
    from fravaer_tui.application.session import AccessDenied, Session
    from fravaer_tui.cli import main
    from fravaer_tui.screens.audit import AuditScreen

    school = open_school(demo_dir)
    klasse = school.roster.classes[0]
    students = school.roster.students_in(klasse)
    slots = school.roster.slots(klasse, TODAY.isoweekday())
    for elev, slot in ((students[0].id, slots[0]), (students[1].id, slots[1])):
        main(
            [
                "--data",
                str(demo_dir),
                "register",
                "--class",
                klasse,
                "--date",
                TODAY.isoformat(),
                "--period",
                str(slot.time),
                "--absent",
                elev,
                "--user",
                slot.laerer,
            ]
        )
    with pytest.raises(AccessDenied):
        Session(school, kontaktlaerer(school, klasse)).audit_entries()
    rektor = next(s for s in school.roster.staff if s.rolle.value == "rektor")
    app = FravaerApp(school, rektor, clock=lambda: BEFORE_SCHOOL, check_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("L")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press(*students[0].id)
        assert table.row_count == 1
        assert f"{students[0].id}: til stede → fravaer" in str(table.get_row_at(0)[0])


async def test_export_all_four_vedlegg_from_the_case(demo_dir: Path) -> None:
    from fravaer_tui.documents.filling import read_text

    school = open_school(demo_dir)
    klasse = school.roster.classes[0]
    teacher = kontaktlaerer(school, klasse)
    app = FravaerApp(school, teacher, clock=lambda: BEFORE_SCHOOL, check_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        morning = app.screen
        index = row_of(morning, "varsel|")
        elev = morning.keys[index].split("|")[1]
        morning.query_one(DataTable).move_cursor(row=index)
        await pilot.press("s")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("1", *"Hun trives i klassen", "escape")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert len(screen.exported) == 4
    student = school.roster.student(elev)
    folder = demo_dir / "elevmapper" / "2026-2027" / klasse
    folder = folder / f"{student.etternavn} {student.fornavn} ({elev})"
    files = sorted(folder.glob("*.docx"))
    assert len(files) == 4
    texts = {f.name: read_text(f) for f in files}
    v1 = next(t for name, t in texts.items() if "Vedlegg 1" in name)
    assert "Hun trives i klassen" in v1 and student.navn in v1 and "{{" not in v1
    v3 = next(t for name, t in texts.items() if "Vedlegg 3" in name)
    assert student.fornavn not in v3 and student.etternavn not in v3
