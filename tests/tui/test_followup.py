"""The follow-up in the TUI: the morning in the order of the day, a case opened from a row,
its dialogs, ledelsen's overview and the audit log in words.

Each step's deadline, every outcome of each profile and the audit entries are checked in
tests/unit (test_followup, test_cli_cases); here only what the screens add: which row opens
what, what a dialog starts with, and that the keys reach the one door.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from fravaer_tui.application.school import School, open_school
from fravaer_tui.dialogs.audit_entry import AuditEntryDialog
from fravaer_tui.dialogs.followup import ContactDialog, StepDialog, TiltakDialog
from fravaer_tui.dialogs.melding import MeldingDialog
from fravaer_tui.domain.followup import CaseStatus
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.screens.audit import AuditScreen
from fravaer_tui.screens.case import CaseScreen
from fravaer_tui.screens.leaders import LeaderScreen
from fravaer_tui.screens.overview import MorningScreen
from fravaer_tui.screens.student import StudentScreen
from fravaer_tui.widgets.footer import Footer
from fravaer_tui.widgets.rowlist import RowList
from tests.tui.conftest import BEFORE_SCHOOL, FRIDAY, kontaktlaerer, rektor, running
from tests.tui.waiting import settle, until


def footer_keys(screen) -> set[str]:
    return set(screen.query_one(Footer).keys)


def go_to(screen, prefix: str) -> str:
    """Put the cursor on the first row whose key starts with `prefix`; returns the key."""
    table = screen.query_one(RowList)
    index = next(i for i, r in enumerate(table.view_rows) if r.key.startswith(prefix))
    table.move_cursor(row=index)
    return table.view_rows[index].key


async def test_the_morning_says_what_to_do_today_in_that_order(
    demo_school: School, make_app
) -> None:
    app = make_app(kontaktlaerer(demo_school), BEFORE_SCHOOL)
    async with running(app) as pilot:
        morning = app.screen
        assert isinstance(morning, MorningScreen)  # a kontaktlærer before the first lesson
        kinds = [r.key.split("|")[1] for r in morning.rows if r.kind == "heading"]
        assert kinds[:4] == ["varsler", "sak", "ikke_meldt", "ikke_fort"]
        fresh = [r for r in morning.rows if r.key.startswith("varsel|")]
        alerts = [a for a in app.alerts.alerts if a.klasse == demo_school.roster.classes[0]]
        open_alerts = [a for a in alerts if a.status == "åpen"]
        assert len(fresh) == len(open_alerts)  # followed-up alerts are folded away
        by_key = {f"varsel|{a.elev}|{a.regel}": a for a in open_alerts}
        assert all(by_key[r.key].tiltak in r.right for r in fresh)  # the action in full
        assert [r.dato for r in fresh] == sorted((r.dato for r in fresh), reverse=True)
        if len(alerts) > len(open_alerts):
            go_to(morning, "fold|")
            await pilot.press("enter")  # unfolds
            assert any(r.key.startswith("fulgt|") for r in morning.rows)

        key = go_to(morning, "ikke_meldt|")  # a row about an earlier day
        _, elev, day = key.split("|")
        await pilot.press("m")
        dialog = app.screen
        assert isinstance(dialog, MeldingDialog) and dialog.student.id == elev
        shown = format_date(dialog.fra)
        assert dialog.query_one("#fra", Input).value == shown == dialog.query_one("#til").value
        assert dialog.fra.isoformat() == day
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # the receipt to foresatte: later (test_routine_daily)
        await settle(pilot)
        assert app.screen is morning
        assert not any(r.key == key for r in morning.rows)  # meldt now: the row went
        assert morning.query_one(RowList).cursor_row > 0  # the cursor stayed near


async def test_a_case_from_an_alert_row_its_step_tiltak_contact_and_closing(
    demo_school: School, make_app
) -> None:
    app = make_app(kontaktlaerer(demo_school), BEFORE_SCHOOL)
    async with running(app) as pilot:
        morning = app.screen
        elev = go_to(morning, "varsel|").split("|")[1]
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen) and screen.case.elev == elev
        title = str(screen.query_one("#title", Static).render())
        assert "«" in title and "_" not in title.split("«")[1]  # the rule's title, not its id

        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, StepDialog)
        assert dialog.step.id == demo_school.profile.steps[0].id
        await pilot.press("o", "k", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen and screen.case.steps[0].notat == "ok"
        history = str(screen.query_one("#history", Static).render())
        assert demo_school.profile.steps[0].tittel in history and "opprettet av" in history

        await pilot.press("a")
        assert isinstance(app.screen, TiltakDialog)
        await pilot.press("down", "enter")  # the first tiltak of vedlegg 5's list
        await pilot.press("K", "L", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert len(screen.case.tiltak) == 1 and screen.case.tiltak[0].fra_vedlegg5

        footer = screen.query_one(Footer)
        shown, drawn = footer.keys, footer._shown
        screen.refresh_bindings()  # as focus changes and every reload do: the same keys
        await settle(pilot)
        assert footer.keys == shown and footer._shown is drawn  # so not drawn again
        await pilot.press("l")  # lukk
        await settle(pilot)
        assert screen.case.status is CaseStatus.LUKKET
        assert {"t", "a"} & footer_keys(screen) == set() and "l" in footer_keys(screen)
        await pilot.press("t")
        assert "gjenåpne" in " ".join(n.message for n in app._notifications)
        await pilot.press("l")  # gjenåpne
        await settle(pilot)
        assert screen.case.status is CaseStatus.AAPEN
        assert {"t", "a"} <= footer_keys(screen)

        await pilot.press("escape")
        await settle(pilot)
        go_to(morning, f"varsel|{elev}")
        await pilot.press("r")  # ringt foresatte
        assert isinstance(app.screen, ContactDialog)
        await pilot.press("j", "a", "ctrl+s")
        await settle(pilot)
        assert app.session.contacts(elev, FRIDAY)[0].notat == "ja"
        assert not any(r.key.startswith(f"varsel|{elev}") for r in morning.rows)  # followed up

        go_to(morning, "varsel|")
        await pilot.press("enter")  # open the student
        await settle(pilot)
        page = app.screen
        assert isinstance(page, StudentScreen)
        text = str(page.query_one("#content").render())
        for words in ("Fravær dette semesteret", "klokketimer", "Mønster", "Kontakt med hjemmet"):
            assert words in text


async def test_the_kartleggingssamtale_is_saved_as_it_is_typed(
    demo_school: School, make_app
) -> None:
    from fravaer_tui.documents.forms import FORMS
    from fravaer_tui.screens.form import FormScreen

    app = make_app(kontaktlaerer(demo_school), BEFORE_SCHOOL)
    async with running(app, (100, 30)) as pilot:
        go_to(app.screen, "varsel|")
        await pilot.press("s")
        await settle(pilot)
        case_id = app.screen.case.id
        await pilot.press("1")
        form = app.screen
        assert isinstance(form, FormScreen)
        question = FORMS[1].questions[0]

        def stored() -> dict[str, str]:
            return dict(app.session.case(case_id, FRIDAY).svar)

        await pilot.press("j", "a")
        await until(pilot, lambda: stored().get(question.id) == "ja", "a save after a pause")
        await pilot.press("ctrl+n", "n", "e", "i", "ctrl+n")  # moving on saves at once
        await settle(pilot)
        assert stored()[FORMS[1].questions[1].id] == "nei"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)


async def test_ledelsen_opens_a_case_and_a_student_from_the_overview(
    demo_dir: Path, make_app, demo_school: School
) -> None:
    klasse = demo_school.roster.classes[0]
    teacher = kontaktlaerer(demo_school, klasse)
    from fravaer_tui.application.session import Session

    session = Session(demo_school, teacher)
    alert = next(a for a in session.check(FRIDAY).alerts if a.klasse == klasse)
    case = session.open_case(alert, FRIDAY, BEFORE_SCHOOL)
    app = make_app(rektor(demo_school), BEFORE_SCHOOL)
    async with running(app) as pilot:
        await pilot.press("o")
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, LeaderScreen)
        headings = [r.left for r in overview.query_one(RowList).view_rows if r.kind == "heading"]
        assert any("Åpne saker" in h for h in headings)
        assert any("Tall for semesteret" in h for h in headings)
        go_to(overview, f"sak|{case.elev}|{case.id}")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == case.id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, StudentScreen) and app.screen.elev == case.elev


async def test_ledelsen_reads_the_audit_log_in_words(demo_dir: Path, make_app) -> None:
    from fravaer_tui.cli import main

    school = open_school(demo_dir)
    klasse = school.roster.classes[0]
    student = school.roster.students_in(klasse)[0]
    slot = school.roster.slots(klasse, FRIDAY.isoweekday())[0]
    args = ["--data", str(demo_dir), "register", "--class", klasse, "--date", FRIDAY.isoformat()]
    main([*args, "--period", str(slot.time), "--absent", student.id, "--user", slot.laerer])
    app = make_app(rektor(school), BEFORE_SCHOOL)
    async with running(app) as pilot:
        await pilot.press("L")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        screen.query_one("#filter", Input).value = f"{student.fornavn} {student.etternavn}".lower()
        await settle(pilot)
        assert screen.shown and all(student.id in str(e) for e in screen.shown)
        teacher = school.roster.staff_member(slot.laerer)
        await pilot.press("tab", "enter")
        dialog = app.screen
        assert isinstance(dialog, AuditEntryDialog)
        text = "\n".join(dialog.lines)
        assert teacher.navn in text and "føring rettet" in text
        assert f"{student.navn} ({student.id}): til stede → fravær" in text
        assert "registrering" not in text and "fravaer" not in text  # words, not codes
        await pilot.press("escape", "shift+tab")
        screen.query_one("#filter", Input).value = "30.02.2026"
        await settle(pilot)
        assert "ikke en gyldig dato" in str(screen.query_one("#count", Static).render())
        screen.query_one("#filter", Input).value = "[/x]"  # said back as typed (it crashed)
        await settle(pilot)
        assert "«[/x]»" in str(screen.query_one("#count", Static).render())
