"""Issue 13 in the TUI, the daily part: the samtykke register on the student page, the
receipt after a melding and from the morning's list, and the reviews due in the overviews.

The rules below (a consent's days on file, the receipt text, a review's periods and
figures) are checked in tests/unit; here what the screens add: which key does what from
which row, what a dialog starts with, and that it reaches the one door and shows its words.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, DataTable, RadioSet, Static, TextArea

from fravaer_tui.app import FravaerApp
from fravaer_tui.application.school import School, open_school
from fravaer_tui.application.session import Session
from fravaer_tui.dialogs.consent import ConsentDialog, WithdrawConsentDialog
from fravaer_tui.dialogs.melding import MeldingDialog
from fravaer_tui.dialogs.receipt import ReceiptDialog
from fravaer_tui.dialogs.review import ReviewDialog
from fravaer_tui.domain.consent import Service
from fravaer_tui.domain.model import Role
from fravaer_tui.screens.leaders import LeaderScreen
from fravaer_tui.screens.overview import MorningScreen
from fravaer_tui.screens.student import StudentScreen
from tests.tui.conftest import BEFORE_SCHOOL, FRIDAY, LONG_PAUSE, kontaktlaerer, rektor, running
from tests.tui.test_followup import go_to
from tests.tui.waiting import settle


def said(app: FravaerApp) -> str:
    return " ".join(n.message for n in app._notifications)


async def test_a_consent_added_and_withdrawn_on_the_student_page(
    demo_school: School, make_app
) -> None:
    teacher = kontaktlaerer(demo_school)
    app = make_app(teacher, BEFORE_SCHOOL)
    async with running(app) as pilot:
        elev = go_to(app.screen, "varsel|").split("|")[1]
        await pilot.press("enter")
        await settle(pilot)
        page = app.screen
        assert isinstance(page, StudentScreen) and page.consents == []
        assert "ingen registrert" in str(page.query_one("#consents-title", Static).render())

        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, ConsentDialog) and dialog.student.id == elev
        await pilot.press("enter", "down", "enter")  # the list of services: PPT
        await pilot.press("ctrl+s")  # given by foresatt, today: the defaults
        await settle(pilot)
        assert app.screen is page
        [given] = app.session.consents(elev, FRIDAY)
        assert given.tjeneste is Service.PPT and given.dato == FRIDAY and given.av == teacher.id
        table = page.query_one("#consents", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == [
            "PPT",
            "foresatt",
            "20.11.2026",
            "–",
            "på plass",
        ]

        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, WithdrawConsentDialog) and dialog.consent.id == given.id
        await pilot.press("ctrl+s")
        await settle(pilot)
        [withdrawn] = app.session.consents(elev, FRIDAY)
        assert withdrawn.trukket == FRIDAY and not withdrawn.on_file(FRIDAY)
        assert str(table.get_row_at(0)[-1]) == "trukket 20.11.2026"
        await pilot.press("t")  # once withdrawn, it says so and opens nothing
        assert app.screen is page and "ble trukket 20.11.2026" in said(app)


async def test_a_faglaerer_gets_the_doors_refusal_for_consents(
    demo_school: School, make_app
) -> None:
    klasse = demo_school.roster.classes[0]
    slot = next(
        s
        for s in demo_school.roster.timetable
        if s.klasse == klasse
        and (t := demo_school.roster.staff_member(s.laerer))
        and t.rolle is Role.FAGLAERER
    )
    teacher = demo_school.roster.staff_member(slot.laerer)
    student = demo_school.roster.students_in(klasse)[0]
    app = make_app(teacher, BEFORE_SCHOOL)
    async with running(app) as pilot:
        app.push_screen(StudentScreen(student.id, FRIDAY))  # she teaches the class
        await settle(pilot)
        page = app.screen
        assert isinstance(page, StudentScreen) and page.consents is None
        assert not page.query_one("#consents", DataTable).display
        await pilot.press("n")
        assert app.screen is page
        assert f"{teacher.navn} har ikke tilgang til samtykkene i {klasse}" in said(app)


async def test_a_muntlig_melding_its_receipt_later_and_gone_from_the_morning(
    demo_school: School, make_app
) -> None:
    teacher = kontaktlaerer(demo_school)
    app = make_app(teacher, BEFORE_SCHOOL)
    async with running(app) as pilot:
        morning = app.screen
        assert isinstance(morning, MorningScreen)
        assert "tom|kvittering" in morning.keys  # the section is there, and empty
        await pilot.press("h")  # Strand gives the kontaktlærer no review: it says why
        assert "ingen gjennomgang for kontaktlæreren" in said(app)

        elev = go_to(morning, "ikke_meldt|").split("|")[1]
        await pilot.press("m")
        dialog = app.screen
        assert isinstance(dialog, MeldingDialog)
        await pilot.press("tab", "tab", "tab", "space")  # legeattest mottatt
        await pilot.press("tab", "tab", "down", "enter")  # kom muntlig
        assert dialog.query_one("#legeattest", Checkbox).value
        kanal = dialog.query_one("#kanal", RadioSet).pressed_button
        assert kanal is not None and kanal.name == "muntlig"
        await pilot.press("ctrl+s")
        await settle(pilot)
        receipt = app.screen
        assert isinstance(receipt, ReceiptDialog) and receipt.student.id == elev
        area = receipt.query_one("#text", TextArea)
        assert area.read_only and area.selected_text == area.text == receipt.text
        assert "Legeattesten er mottatt." in area.text
        assert "skriftlig melding ved alle typer fravær" in area.text  # it came muntlig
        await pilot.press("escape")  # later
        await settle(pilot)
        assert app.screen is morning
        [melding] = [m for m in app.session.meldinger(elev, FRIDAY) if m.kanal == "muntlig"]
        assert melding.legeattest and melding.venter_kvittering
        key = go_to(morning, "kvittering|")
        assert key == f"kvittering|{elev}|{melding.id}"

        await pilot.press("g")
        assert isinstance(app.screen, ReceiptDialog)
        await pilot.press("ctrl+s")  # in the messaging system, today
        await settle(pilot)
        assert app.screen is morning
        given = app.session.find_melding(elev, melding.id, FRIDAY).kvittering
        assert given is not None and given.hvordan == "meldingssystem" and given.av == teacher.id
        assert key not in morning.keys and "tom|kvittering" in morning.keys
        await pilot.press("g")  # on a row that is no melding: it says where to go
        assert "Meldinger uten kvittering" in said(app)


def hole_school(demo_dir: Path) -> School:
    config = demo_dir / "skole.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('profil = "strand"', 'profil = "hole"'), encoding="utf-8")
    from tests.conftest import clock

    return open_school(demo_dir, clock=clock)


async def test_a_class_review_due_in_the_morning_recorded_and_gone(demo_dir: Path) -> None:
    school = hole_school(demo_dir)
    teacher = kontaktlaerer(school)
    klasse = teacher.klasser[0]
    app = FravaerApp(school, teacher, clock=lambda: BEFORE_SCHOOL, check_interval=None)
    app.jump_pause = LONG_PAUSE
    async with running(app) as pilot:
        morning = app.screen
        assert isinstance(morning, MorningScreen)
        key = go_to(morning, "gjennomgang|")
        assert key == f"gjennomgang|maanedlig_klasse|{klasse}|2026-08-01"  # the oldest missed
        row = next(r for r in morning.rows if r.key == key)
        assert row.warn and "FORFALT" in row.right and "fravær i klassen" in row.right

        await pilot.press("h")
        dialog = app.screen
        assert isinstance(dialog, ReviewDialog)
        figures = str(dialog.query_one("#review-figures Static", Static).render())
        assert "elev for elev" in figures
        first = school.roster.students_in(klasse)[0]
        assert f"{first.etternavn}, {first.fornavn}" in figures  # names, not ids
        decisions = dialog.query_one("#beslutninger", TextArea)
        decisions.text = "Ringe hjem | kontaktlærer\nbare tekst"  # the second has no «hvem»
        await pilot.press("ctrl+s")
        error = str(dialog.query_one("#error", Static).render())
        assert app.screen is dialog and "linje 2" in error and "hva som skal gjøres" in error
        decisions.text = "Ringe hjem | kontaktlærer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is morning
        review = school.profile.review("maanedlig_klasse")
        assert review is not None
        held = app.session.review_occurrences(review, klasse, FRIDAY)[0]
        assert held.record is not None and held.record.dato == FRIDAY
        assert [(b.hva, b.hvem) for b in held.record.beslutninger] == [
            ("Ringe hjem", "kontaktlærer")
        ]
        assert key not in morning.keys  # the next month missed is the row now
        assert f"gjennomgang|maanedlig_klasse|{klasse}|2026-09-01" in morning.keys


async def test_the_weekly_meeting_in_ledelsens_overview(demo_school: School, make_app) -> None:
    app = make_app(rektor(demo_school), BEFORE_SCHOOL)
    async with running(app) as pilot:
        await pilot.press("o")
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, LeaderScreen)
        keys = [r.key for r in overview.query_one("RowList").view_rows]
        this_week = "gjennomgang|ukentlige_meldinger||2026-11-16"
        assert this_week in keys
        assert keys.index("heading|gjennomgang") < keys.index("heading|vedlegg3")
        go_to(overview, this_week)
        await pilot.press("enter")  # on a review row, enter records it too
        dialog = app.screen
        assert isinstance(dialog, ReviewDialog)
        assert "vedlegg 3" in str(dialog.query_one("#review-figures Static", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is overview
        assert this_week not in [r.key for r in overview.query_one("RowList").view_rows]
        records = Session(demo_school, rektor(demo_school)).due_reviews(FRIDAY)
        assert all(o.period.fra.isoformat() != "2026-11-16" for o in records)
