"""Issue 13 in the TUI: a Hole case and a Strand case walked on the case screen — the
profile's own steps and forms, Hole's evaluation outcome in words, consent shown on each
step and item and warned about before it is recorded, Strand's tracked items and
stafettholder, and every form of the profile exported with one key.

The steps before the part a test shows are recorded through the one door (the CLI's and the
domain's tests walk every step and deadline); here only what the screens add.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
from textual.widgets import Input, RadioSet, Static

from fravaer_tui.app import FravaerApp
from fravaer_tui.application.school import School, open_school
from fravaer_tui.application.session import Session
from fravaer_tui.dialogs.followup import StepDialog
from fravaer_tui.dialogs.routine import StafettDialog, TaskDialog, TaskPicker
from fravaer_tui.domain.consent import GivenBy, Service
from fravaer_tui.domain.followup import Case
from fravaer_tui.domain.model import Staff
from fravaer_tui.screens.case import CaseScreen
from fravaer_tui.screens.form import FormScreen
from tests.conftest import clock
from tests.tui.conftest import BEFORE_SCHOOL, FRIDAY, LONG_PAUSE, kontaktlaerer, running
from tests.tui.waiting import settle, until

CONSENT_DAY = dt.date(2026, 10, 12)


def hole_school(demo_dir: Path) -> School:
    """The demo school following Hole's routine (skole.toml names the profile)."""
    config = demo_dir / "skole.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('profil = "strand"', 'profil = "hole"'), encoding="utf-8")
    return open_school(demo_dir, clock=clock)


def case_with_steps(school: School, steps: list[str], note: str = "") -> tuple[Session, Case]:
    """A case for the first student of the first class with an alert, the steps given
    (their outcomes, "" for none) recorded on Friday, each with `note`."""
    klasse = school.roster.classes[0]
    session = Session(school, kontaktlaerer(school, klasse))
    alert = next(a for a in session.check(FRIDAY).alerts if a.klasse == klasse)
    session.open_case_for(alert.elev, FRIDAY, BEFORE_SCHOOL)
    for outcome in steps:
        session.record_next_step(alert.elev, FRIDAY, BEFORE_SCHOOL, note, utfall=outcome)
    case = session.open_case_of(alert.elev, FRIDAY)
    assert case is not None
    return session, case


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def said(app) -> str:
    return " ".join(n.message for n in app._notifications)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = (c.text for t in document.tables for r in t.rows for c in r.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


async def open_case(app, pilot, case: Case) -> CaseScreen:
    app.push_screen(CaseScreen(case.id, FRIDAY))
    await until(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen.loaded, "case")
    return app.screen


def app_on(school: School, user: Staff) -> FravaerApp:
    """The app on a school opened here (the `make_app` factory opens the Strand demo)."""
    app = FravaerApp(school, user, clock=lambda: BEFORE_SCHOOL, check_interval=None)
    app.jump_pause = LONG_PAUSE
    return app


async def test_a_hole_case_its_evaluation_consent_and_forms(demo_dir: Path) -> None:
    # called, ledelsen informed, the meeting and the samarbeidsavtale: the evaluation is next
    session, case = case_with_steps(hole_school(demo_dir), ["bekymring", "", "", ""])
    app = app_on(session.school, session.user)
    async with running(app) as pilot:
        screen = await open_case(app, pilot, case)
        stairs = text_of(screen, "#stairs")
        assert "Hole kommune" in stairs and "✓ 4 Samarbeidsavtale med tiltak" in stairs
        assert "skjema: 1 Samarbeidsavtale" in stairs and "Vedlegg" not in stairs
        assert "▶ 5 Evaluering etter tre uker – planlagt" in stairs
        assert app.get_key_display(screen._bindings.key_to_bindings["1"][0]) == "1–2"

        # a Hole case is never offered Strand's vedlegg: 3 says which forms there are
        await pilot.press("3")
        assert not isinstance(app.screen, FormScreen)
        assert "2 skjema: 1 Samarbeidsavtale, 2 Pedagogisk rapport" in said(app)
        await pilot.press("1")
        form = app.screen
        assert isinstance(form, FormScreen) and form.form.id == "samarbeidsavtale"
        assert "Samarbeidsavtale ·" in text_of(form, "#title")
        await pilot.press(*"Mor og Guro", "ctrl+n")  # moving on saves at once
        await settle(pilot)
        stored = dict(session.case(case.id, FRIDAY).felt)
        assert stored["sa_deltakere"] == "Mor og Guro"
        await pilot.press("escape")
        await settle(pilot)

        # the evaluation asks for its outcome in words, none taken for the user
        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, StepDialog) and dialog.step.id == "evaluering"
        choices = [str(b.label) for b in dialog.query_one("#utfall", RadioSet).query("RadioButton")]
        assert choices == [
            "Løst – tilbake til hverdagen",
            "Ny treukersplan (ny samarbeidsavtale)",
            "Aktiv oppfølging, tverrfaglig",
        ]
        assert isinstance(dialog.focused, RadioSet)
        await pilot.press("down", "down", "enter", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.case.steps[-1].utfall == "aktiv_oppfolging"
        stairs = text_of(screen, "#stairs")
        assert "Evaluering etter tre uker – 20.11.2026" in stairs
        assert "Aktiv oppfølging, tverrfaglig" in stairs
        assert "▶ 6 Aktiv oppfølging: PPT kontaktet" in stairs
        assert "skjema: 2 Pedagogisk rapport" in stairs
        assert "mangler samtykke til PPT" in stairs
        assert "⚠ Mangler samtykke til PPT" in stairs

        # PPT kontaktet without consent: warned first, recorded on the second ctrl+s
        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, StepDialog) and dialog.step.id == "ppt_kontaktet"
        assert "mangler samtykke til PPT" in text_of(dialog, "#samtykke")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and len(session.case(case.id, FRIDAY).steps) == 5
        assert "Trykk ctrl+s igjen" in text_of(dialog, "#error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and screen.case.steps[-1].step == "ppt_kontaktet"
        assert "Mangler samtykke til PPT" in said(app)

        # with the consent on file the samarbeidsmøte shows it, and saves at once
        session.add_consent(case.elev, Service.PPT, GivenBy.FORESATT, CONSENT_DAY, BEFORE_SCHOOL)
        screen.load()
        await settle(pilot)
        assert "samtykke: PPT ✓ gitt 12.10.2026 av foresatt" in text_of(screen, "#stairs")
        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, StepDialog) and dialog.step.id == "samarbeidsmote"
        assert text_of(dialog, "#samtykke") == "samtykke: PPT ✓ gitt 12.10.2026 av foresatt"
        dialog.query_one("#deltakere", Input).value = "Kari Haugen (mor); Per Pedersen, PPT"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        meeting = screen.case.steps[-1]
        assert meeting.deltakere == ("Kari Haugen (mor)", "Per Pedersen, PPT")
        assert meeting.tjenester == (Service.PPT,)
        assert "deltakere: Kari Haugen (mor); Per Pedersen, PPT" in text_of(screen, "#stairs")

        # keys of Strand's routine say why they do not apply
        await pilot.press("s")
        assert not isinstance(app.screen, StafettDialog) and "BTI" in said(app)

        # one key exports the profile's forms, as `fravaer export vedlegg` does
        await pilot.press("x")
        await until(pilot, lambda: len(screen.exported) == 2, "the forms exported")
        paths = [Path(line.split(": ", 1)[1]) for line in screen.exported]
        assert [p.name for p in paths] == [
            "2026-11-20 Samarbeidsavtale.docx",
            "2026-11-20 Pedagogisk rapport.docx",
        ]
        assert "Mor og Guro" in docx_text(paths[0])
        assert "PPT: gitt 12.10.2026 av foresatt" in docx_text(paths[1])


async def test_a_strand_case_its_tracked_items_and_stafettholder(
    demo_school: School, make_app
) -> None:
    # contact, kartleggingssamtale, Vedlegg 3 received: the plan meeting and its items are due
    # a note that looks like markup is shown as typed (it crashed the history once)
    session, case = case_with_steps(demo_school, ["", "", ""], note="[/x] ring [b]mor[/b]")
    session.add_consent(
        case.elev, Service.HELSESYKEPLEIER, GivenBy.FORESATT, CONSENT_DAY, BEFORE_SCHOOL
    )
    app = make_app(session.user, BEFORE_SCHOOL)
    async with running(app) as pilot:
        screen = await open_case(app, pilot, case)
        stairs = text_of(screen, "#stairs")
        assert "skjema: 1 Vedlegg 1, 2 Vedlegg 2" in stairs
        assert (
            "oppgave: Samtale med helsesykepleier tilbudt elev og foresatte – frist 04.12.2026"
        ) in stairs
        assert "samtykke: helsesykepleier ✓ gitt 12.10.2026 av foresatt" in stairs
        assert "oppgave: Saksbehandler ved PPT varslet – ingen fast frist" in stairs
        assert "mangler samtykke til PPT" in stairs
        assert app.get_key_display(screen._bindings.key_to_bindings["1"][0]) == "1–4"
        assert "Kontakt med foresatte av" in text_of(screen, "#history")
        assert ": [/x] ring [b]mor[/b]" in text_of(screen, "#history")

        # the offer, with consent on file: recorded at once
        await pilot.press("g")
        assert isinstance(app.screen, TaskPicker)
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, TaskDialog) and dialog.item.id == "helsesykepleier_tilbud"
        assert "✓" in text_of(dialog, "#samtykke")
        await pilot.press("ctrl+s")  # «Takket ja» is the first outcome
        await settle(pilot)
        assert app.screen is screen
        record = screen.case.task_record("helsesykepleier_tilbud")
        assert record is not None and record.utfall == "takket_ja"
        assert "gjort 20.11.2026: Takket ja" in text_of(screen, "#stairs")

        # PPT notified «ikke aktuelt» brought nobody in: no consent asked, no warning
        await pilot.press("g")
        await pilot.press("down", "enter")  # the third item is now the second
        dialog = app.screen
        assert isinstance(dialog, TaskDialog) and dialog.item.id == "ppt_varslet"
        assert "mangler samtykke til PPT" in text_of(dialog, "#samtykke")
        await pilot.press("down", "enter")  # «Ikke aktuelt»
        assert text_of(dialog, "#samtykke") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.case.task_record("ppt_varslet").utfall == "ikke_aktuelt"

        # Strand's vedlegg on the number keys
        await pilot.press("4")
        form = app.screen
        assert isinstance(form, FormScreen) and form.form.id == "4"
        await pilot.press("escape")
        await settle(pilot)

        # the stafettholder: who and from when; a name is shown as typed, never as markup
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, StafettDialog)
        dialog.query_one("#hvem", Input).value = "Per [b]Berg[/b], Oppvekstteamet"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.case.stafettholder.hvem == "Per [b]Berg[/b], Oppvekstteamet"
        assert "Stafettholder: Per [b]Berg[/b], Oppvekstteamet fra 20.11.2026" in text_of(
            screen, "#stairs"
        )

        await pilot.press("x")
        await until(pilot, lambda: len(screen.exported) == 4, "Vedlegg 1–4 exported")
        assert [line.split(":")[0] for line in screen.exported] == [
            "Vedlegg 1",
            "Vedlegg 2",
            "Vedlegg 3",
            "Vedlegg 4",
        ]
