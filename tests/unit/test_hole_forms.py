"""Hole's own forms (issue 13, point 4), built from the seed the way Vedlegg 1–4 were, filled
from a Hole case and read back with python-docx: every field of the seed's text filled, or
blank where nothing was typed; a profile names the forms it uses.

Seed (Hole): SAMARBEIDSAVTALE/TILTAK: «Møtet og kartleggingen skal munne ut i en
samarbeidsavtale ... Avtalen skal ha en oversikt over hvilke tiltak som skal gjøres de neste
ukene, og en ansvarsfordeling av disse. Det er viktig med tiltak både på skolen og hjemme
... Samarbeidsavtalen bør også inneholde en plan B»; EVALUERING: «Samarbeidsavtalen og
tiltakene skal evalueres»; Kartlegge, tiltak og evaluere: «Dersom eleven skal henvises til
PPT, må skolen vurdere elevens utbytte av opplæringstilbudet og utarbeide en pedagogisk
rapport der tiltakene som har vært prøvd ut beskrives»; Aktiv oppfølging: «I henvisning
skal skriftlige avtaler, referat fra allerede utførte tiltak og samarbeidsmøter vedlegges».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

from fravaer_tui.application import exports
from fravaer_tui.application.school import open_school
from fravaer_tui.application.session import Session
from fravaer_tui.documents.filling import placeholders, read_text
from fravaer_tui.documents.forms import ALL_FORMS, HOLE_FORMS, PR_VEDLEGG, SA_INTRO, SA_TILTAK
from fravaer_tui.documents.templates import build_templates
from fravaer_tui.domain.consent import GivenBy, Service
from fravaer_tui.errors import UserError
from tests.conftest import clock
from tests.unit.routine_kit import run, use_profile

D = dt.date
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("templates")
    build_templates(folder)
    return folder


def cells(path: Path) -> dict[str, str]:
    """Label -> the text beside or under it, for every table of the document."""
    document = docx.Document(str(path))
    found: dict[str, str] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            continue
        assert isinstance(block, Table)
        rows = block.rows
        if len(block.columns) == 1:
            found[rows[0].cells[0].text] = rows[1].cells[0].text
            continue
        for row in rows:
            row_cells = row.cells
            if len(row_cells) == 2:
                found[row_cells[0].text] = row_cells[1].text
            elif row_cells[1]._tc is not row_cells[2]._tc and row_cells[0].text != "Nr.":
                found[row_cells[1].text.split("\n")[0]] = row_cells[2].text
    return found


@pytest.mark.parametrize("form_id", sorted(HOLE_FORMS))
def test_the_templates_have_exactly_their_fields_and_the_seeds_words(built, form_id) -> None:
    spec = HOLE_FORMS[form_id]
    template = built / spec.file_name
    assert placeholders(template) == set(spec.placeholders)
    committed = REPO / "templates" / spec.file_name
    assert committed.read_bytes() == template.read_bytes()  # tools/build_templates.py
    text = read_text(template)
    assert text.splitlines()[0].startswith("{{skole}}\tUnntatt offentlighet")
    if form_id == "samarbeidsavtale":
        for words in (SA_INTRO, SA_TILTAK, "Plan B", "Evaluering etter tre uker."):
            assert words in text
    else:
        for words in (PR_VEDLEGG, "Elevens utbytte av opplæringstilbudet"):
            assert words in text
    # Hole's forms have no vedlegg number; their ids are their names
    assert spec.number == 0 and spec.id == form_id and ALL_FORMS[form_id] is spec


@pytest.fixture
def hole_case(demo_dir: Path, capsys):
    """E0021 (8A, kontaktlærer A005) through Hole's staircase to aktiv oppfølging, with
    tiltak, a consent for PPT and the samarbeidsavtale's fields typed from the CLI."""
    use_profile(demo_dir, "hole")

    def cli(*argv: str, now: str = "2026-11-20 15:00", user: str = "A005") -> str:
        code, out, err = run(capsys, demo_dir, now, *argv, user=user)
        assert code == 0, err
        return out

    cli("case", "open", "--student", "E0021")
    cli("case", "step", "--student", "E0021", "--date", "2026-10-05", "--outcome", "bekymring")
    cli("case", "step", "--student", "E0021", "--date", "2026-10-05")
    cli("case", "step", "--student", "E0021", "--date", "2026-10-07", "--participant", "Mor")
    cli(
        "case", "tiltak", "--student", "E0021", "--what", "Møte eleven i skolegården kl. 08.15",
        "--who", "kontaktlærer (skole)", "--from", "2026-10-08", "--weeks", "3",
    )  # fmt: skip
    cli(
        "case", "tiltak", "--student", "E0021", "--what", "Fast leggetid kl. 22",
        "--who", "foresatte (hjem)", "--from", "2026-10-08", "--weeks", "3",
    )  # fmt: skip
    cli(
        "case", "fill", "--student", "E0021", "--form", "samarbeidsavtale",
        "--set", "sa_deltakere=Guro, mor, kontaktlærer",
        "--set", "sa_kartlegging=Vanskelige morgener; mest fravær mandager",
        "--set", "sa_plan_b=Kontaktlærer ringer hjem kl. 08.30 og avtaler oppmøte til 2. time",
    )  # fmt: skip
    cli("case", "step", "--student", "E0021", "--date", "2026-10-07")  # samarbeidsavtale
    cli(
        "consent", "add", "--student", "E0021", "--service", "ppt", "--given-by", "foresatt",
        "--name", "Kari Haugen", "--date", "2026-11-02", "--scope", "henvisning og fraværet",
    )  # fmt: skip
    school = open_school(demo_dir, clock=clock)
    session = Session(school, school.roster.staff_member("A005"))
    case = session.open_case_of("E0021", D(2026, 11, 20))
    effect = session.effect(case, D(2026, 10, 7), 21, D(2026, 10, 28))
    session.record_step(
        case, "evaluering", D(2026, 10, 28), dt.datetime(2026, 10, 28, 15), effect.sentence(),
        effect, "aktiv_oppfolging",
    )  # fmt: skip
    return demo_dir, school, session, effect


def test_the_samarbeidsavtale_filled_from_the_case(hole_case, tmp_path: Path) -> None:
    data, school, session, _ = hole_case
    # exported at the agreement: the evaluation «etter tre uker» from the agreement of
    # Wed 07.10.2026: 15 school days (høstferie before it), Wed 28.10.2026
    case = session.open_case_of("E0021", D(2026, 11, 20))
    at_agreement = replace(case, steps=case.steps[:4])
    path, report = exports.export_vedlegg(
        school,
        session,
        "E0021",
        "samarbeidsavtale",
        D(2026, 10, 7),
        tmp_path,
        case=at_agreement,
        now=clock(),
    )
    assert report.complete and not report.unknown
    assert path.name == "2026-10-07 Samarbeidsavtale – Haugen Guro (E0021).docx"
    found = cells(path)
    assert found["Skole"] == school.config.navn
    assert found["Dato"] == "07.10.2026"
    assert found["Elev"] == "Guro Haugen" and found["Klasse"] == "8A"
    assert found["Kontaktlærer"] == "Håvard Rønning"
    assert found["Til stede på møtet"] == "Guro, mor, kontaktlærer"
    assert found["Kartlegging av situasjonen"] == "Vanskelige morgener; mest fravær mandager"
    assert found["Plan B"].startswith("Kontaktlærer ringer hjem kl. 08.30")
    assert found["Oppfølging i perioden"] == ""  # not typed: blank, not a placeholder
    tiltak = found["Tiltak – hvem har ansvaret (skole eller hjem), fra når og hvor lenge"]
    assert tiltak.splitlines() == [
        "a. Møte eleven i skolegården kl. 08.15 (ansvar: kontaktlærer (skole); fra 08.10.2026; "
        "prøves i 3 uker, til 28.10.2026)",
        "b. Fast leggetid kl. 22 (ansvar: foresatte (hjem); fra 08.10.2026; prøves i 3 uker, "
        "til 28.10.2026)",
    ]
    assert found["Samtykker til samarbeid med andre tjenester"] == "Ingen samtykker er registrert."
    assert found["Dato for evalueringsmøtet"] == "28.10.2026"
    summary = next(v for k, v in found.items() if k.startswith("Omfanget av fraværet"))
    assert "Høstsemesteret 2026" in summary
    text = read_text(path)
    assert "{{" not in text and "}}" not in text
    assert "Kari Haugen" not in text  # who gave consent by name stays out of documents


def test_til_stede_comes_from_the_meeting_the_agreement_came_out_of(
    hole_case, tmp_path: Path
) -> None:
    """Not typed: «Til stede på møtet» is who the kartleggingsmøte step recorded (Mor), not
    the later samarbeidsmøte's people; typed, the typed text wins (the test above)."""
    data, school, session, _ = hole_case
    case = session.open_case_of("E0021", D(2026, 11, 20))
    untyped = replace(case, felt=tuple((k, v) for k, v in case.felt if k != "sa_deltakere"))
    later = replace(
        untyped.steps[-1], step="samarbeidsmote", dato=D(2026, 11, 10), deltakere=("PPT",)
    )
    for at, steps, who in (
        (D(2026, 10, 7), untyped.steps[:4], "Mor"),
        (D(2026, 11, 20), (*untyped.steps, later), "Mor"),  # the samarbeidsmøte came after
    ):
        path, _ = exports.export_vedlegg(
            school, session, "E0021", "samarbeidsavtale", at, tmp_path / str(at),
            case=replace(untyped, steps=steps), now=clock(),
        )  # fmt: skip
        assert cells(path)["Til stede på møtet"] == who


def test_the_pedagogisk_rapport_for_ppt(hole_case, tmp_path: Path) -> None:
    data, school, session, effect = hole_case
    path, report = exports.export_vedlegg(
        school, session, "E0021", "pedagogisk_rapport", D(2026, 11, 20), tmp_path, now=clock()
    )
    assert report.complete
    found = cells(path)
    assert found["Til"] == "PPT (pedagogisk-psykologisk tjeneste)"
    assert found["Utarbeidet av"] == "Håvard Rønning"
    assert found["Elevens utbytte av opplæringstilbudet"] == ""  # to be written
    assert found["Samtykker til samarbeid med andre tjenester"] == (
        "PPT: gitt 02.11.2026 av foresatt, gjelder henvisning og fraværet"
    )
    evaluations = found["Evalueringer av tiltakene"]
    assert evaluations == (
        f"28.10.2026 Evaluering etter tre uker: Aktiv oppfølging, tverrfaglig. {effect.sentence()}"
    )
    history = found["Trinn i oppfølgingen (dato, hva, hvem)"].splitlines()
    assert history == [
        "05.10.2026 Telefonsamtale med foresatte (Håvard Rønning)",
        "05.10.2026 Ledelsen informert (Håvard Rønning)",
        "07.10.2026 Kartleggingsmøte med elev og foreldre (Håvard Rønning); til stede: Mor",
        "07.10.2026 Samarbeidsavtale med tiltak, ansvar og plan B (Håvard Rønning)",
        "28.10.2026 Evaluering etter tre uker (Håvard Rønning)",
    ]
    tried = found["Tiltak – hvem har hatt ansvaret, fra når og hvor lenge"]
    assert tried.startswith("a. Møte eleven i skolegården")
    assert "{{" not in read_text(path)


def test_a_profile_offers_its_own_forms_only(hole_case, capsys, tmp_path: Path) -> None:
    data, school, session, _ = hole_case
    offered = "Skjemaene i profilen er: samarbeidsavtale, pedagogisk rapport"
    with pytest.raises(UserError, match=f"bruker ikke vedlegg 1. {offered}"):
        exports.export_vedlegg(school, session, "E0021", 1, D(2026, 11, 20), tmp_path, now=clock())

    def export(form: str) -> tuple[int, str, str]:
        argv = ["export", "vedlegg", form, "--student", "E0021"]
        return run(capsys, data, "2026-11-20 15:00", *argv, user="A005")

    code, _, err = export("4")
    assert code == 1 and "bruker ikke vedlegg 4" in err
    code, out, err = export("samarbeidsavtale")
    assert code == 0, err
    assert out.startswith("Samarbeidsavtale for Guro Haugen (E0021) er lagret i ")
    assert [s.id for s in exports.profile_forms(school)] == [
        "samarbeidsavtale",
        "pedagogisk_rapport",
    ]
    config = data / "skole.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('profil = "hole"', 'profil = "strand"'), encoding="utf-8")
    code, _, err = export("pedagogisk_rapport")
    assert code == 1 and "bruker ikke pedagogisk rapport" in err
    with pytest.raises(SystemExit) as usage:
        export("9")
    assert usage.value.code == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            ["sa_planb=x"],
            "Samarbeidsavtale har ikke feltet «sa_planb». Feltene som skrives inn: "
            "sa_deltakere, sa_kartlegging, sa_oppfolging, sa_plan_b.",
        ),
        (["sa_plan_b=a\x1bb"], "feltet sa_plan_b inneholder et usynlig kontrolltegn"),
        (["sa_plan_b"], "--set «sa_plan_b»: skriv FELT=TEKST"),
        (["tiltak=overskrevet"], "har ikke feltet «tiltak»"),  # computed: never typed over
    ],
)
def test_case_fill_checks_its_fields(hole_case, capsys, fields, message) -> None:
    data = hole_case[0]
    argv = ["case", "fill", "--student", "E0021", "--form", "samarbeidsavtale"]
    for item in fields:
        argv += ["--set", item]
    code, _, err = run(capsys, data, "2026-11-20 15:00", *argv, user="A005")
    assert code == 1 and message in err


def test_vedlegg_3_lists_consents_with_initials_only(demo_dir: Path, tmp_path: Path) -> None:
    school = open_school(demo_dir, clock=clock)
    kontakt = Session(school, school.roster.staff_member("A005"))
    now = dt.datetime(2026, 11, 20, 15, 0)
    kontakt.add_consent(
        "E0021", Service.HELSESYKEPLEIER, GivenBy.FORESATT, D(2026, 11, 18), now,
        omfang="Guro Haugen sine morgener", navn="Kari Haugen",
    )  # fmt: skip
    kontakt.open_case_for("E0021", D(2026, 11, 20), now)
    path, _ = exports.export_vedlegg(
        school, kontakt, "E0021", 3, D(2026, 11, 20), tmp_path, now=clock()
    )
    text = read_text(path)
    line = "helsesykepleier (skolehelsetjenesten): gitt 18.11.2026 av foresatt, gjelder GH sine"
    assert f"{line} morgener" in text
    assert "Guro" not in text and "Haugen" not in text and "Kari" not in text
