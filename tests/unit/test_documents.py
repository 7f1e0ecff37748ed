"""Vedlegg 1–4: templates built from code, filled with python-docx, read back with python-docx."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from fravaer_tui.documents import layout
from fravaer_tui.documents.filling import (
    FillReport,
    TemplateError,
    placeholders,
    read_text,
    render_template,
)
from fravaer_tui.documents.forms import (
    ALL_FORMS,
    FORMS,
    FormSpec,
    Tiltak,
    initialer,
    tiltak_text,
)
from fravaer_tui.documents.templates import build_templates


def fill_template(template: Path, values: dict[str, str], out: Path) -> FillReport:
    """Fill and write, as the application layer does with the bytes."""
    payload, report = render_template(template, values)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(payload)
    return report


REPO = Path(__file__).resolve().parents[2]

FORNAVN = "Åse-Marie"
ETTERNAVN = "O'Brien Lærdal"
ELEV = f"{FORNAVN} {ETTERNAVN}"
NAME_PARTS = ("Åse", "Marie", "O'Brien", "Lærdal", ELEV)
TILTAK = [
    Tiltak("Møte eleven i skolegården om morgenen", "kontaktlærer (skole)", "23.11.2026", "2 uker"),
    Tiltak("Fast leggetid & vekking kl. 07:00", "foresatte (hjem)", "23.11.2026", "2 uker"),
    Tiltak("Plass ved døra <nær læreren>"),
]


def _values() -> dict[str, str]:
    values = {
        "skole": "Strand & Omegn <skole> – Tau",
        "dato": "23.11.2026",
        "intervjuer": "Kari Ødegård-Nilsen",
        "elev_navn": ELEV,
        "elev_initialer": initialer(ELEV),
        "klasse": "8A",
        "kontaktlaerer": "Pål Ærø-Haugen",
        "foresatte": "Siri Lærdal <siri@example.no> & Tom O'Brien",
        "sted": "Møterom «Fjord» 2",
        "fravaer_sammendrag": (
            "Høsten 2026 til 20.11.2026: 7,5 dager (38 timer) fravær.\n"
            "Av dette 12 timer ikke meldt & 5 forsentkomminger <10 min."
        ),
        "tiltak": tiltak_text(TILTAK),
        # issue 13: the consents on every form
        "samtykker": "PPT: gitt 01.10.2026 av foresatt, gjelder fravær & tiltak <alt>",
    }
    for spec in FORMS.values():
        for q in spec.questions:
            values[q.id] = f"Svar på {q.id}: æøå ÆØÅ & <ok> «sitat» 'apostrof'\nandre linje"
    return values


VALUES = _values()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("templates")
    build_templates(folder)
    return folder


def _fill(built: Path, tmp_path: Path, number: int, values: dict[str, str] | None = None):
    spec = FORMS[number]
    out = tmp_path / "elevmappe" / f"vedlegg{number}.docx"
    chosen = spec.values_for(VALUES) if values is None else values
    report = fill_template(built / spec.file_name, chosen, out)
    return out, report


def _layout(document: DocxDocument) -> dict[tuple[str, str], tuple[str, str]]:
    """(heading above, row label) -> (question text, answer cell text), for every table row.

    2 columns: label | value. 3 columns: Nr. | Spørsmål | Svar (keyed by the number).
    1 column: a box, label row then value row.
    """
    found: dict[tuple[str, str], tuple[str, str]] = {}
    heading = ""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.style.name.startswith("Heading"):
                heading = block.text
            continue
        assert isinstance(block, Table)
        rows = block.rows
        if len(block.columns) == 1:
            found[(heading, rows[0].cells[0].text)] = ("", rows[1].cells[0].text)
            continue
        for row in rows:
            cells = row.cells
            if len(cells) == 2:
                found[(heading, cells[0].text)] = ("", cells[1].text)
            elif cells[1]._tc is not cells[2]._tc:
                found[(heading, cells[0].text)] = (cells[1].text, cells[2].text)
    return found


# ---------------------------------------------------------------------------
# The templates


@pytest.mark.parametrize("number", sorted(FORMS))
def test_each_template_uses_exactly_the_placeholders_of_its_form(built: Path, number: int):
    spec = FORMS[number]
    assert placeholders(built / spec.file_name) == set(spec.placeholders)
    assert len({q.id for q in spec.questions}) == len(spec.questions)


def test_vedlegg3_has_no_place_for_names(built: Path):
    names = placeholders(built / FORMS[3].file_name)
    assert "elev_initialer" in names
    assert not names & {"elev_navn", "foresatte"}


def test_questions_11_to_14_belong_to_vedlegg1_not_vedlegg2(built: Path):
    moved = (
        "Blir du plaget eller mobbet på skolen, i friminuttet, på skoleveien eller fritiden?",
        "Hva gjør du når du ikke er på skolen?",
        "Hvordan skulle du ønske skoledagen din var?",
        "Hvordan har du det hjemme?",
    )
    v1 = _layout(docx.Document(str(built / FORMS[1].file_name)))
    heading = "Sjekkliste for samtale med elev:"
    for number, text in enumerate(moved, start=11):
        assert v1[(heading, str(number))] == (text, f"{{{{v1_q{number}}}}}")
    assert [q.number for q in FORMS[1].questions] == list(range(1, 15))
    assert [q.number for q in FORMS[2].questions] == list(range(1, 10))
    v2_text = read_text(built / FORMS[2].file_name)
    for text in moved:
        assert text not in v2_text
        assert text not in {q.text for q in FORMS[2].questions}
    assert FORMS[2].questions[6].text.startswith("Hva tenker du / dere at skolen kan gjøre")


def test_templates_carry_the_seed_guidance_and_structure(built: Path):
    v1 = read_text(built / FORMS[1].file_name)
    for text in (
        "Målet med kartlegging er å avklare vanskene til eleven.",
        "Rammer for en god samtale:",
        "Samtalens start:",
        "Gi en konkret tilbakemelding om omfanget av fraværet.",
        "Forslag til hvordan en kan ha en samtale med elever om vanskelige tema:",
        "Fokuser på elevens mestring!",
        "Sjekkliste for samtale med elev:",
    ):
        assert text in v1
    v2 = read_text(built / FORMS[2].file_name)
    assert "Foresattes ønsker og mål for elevens fremtidige fungering" in v2
    v3 = read_text(built / FORMS[3].file_name)
    assert "kontaktlærers melding videre til skolens ledelse" in v3
    assert "Dette skjemaet leveres skriftlig til avdelingsleder" in v3
    v4 = read_text(built / FORMS[4].file_name)
    for text in (
        "Vedlegg 4: Skolenærværsplan for eleven: «Tilbake på skolen»",
        "Plan A: Tilbake til skolen",
        "Plan B: Dersom eleven har problemer med å møte til skolestart",
        "Plan C: Dersom eleven ikke kommer på skolen",
        "Foresatte ringer skolen før klokken 8:15",
        "kontaktes foresatte innen klokken 8:45",
        "meldes saken til Oppvekstteam for videre oppfølging.",
    ):
        assert text in v4


def test_committed_templates_equal_a_fresh_build(built: Path):
    for spec in ALL_FORMS.values():  # Hole's forms too (issue 13)
        committed = REPO / "templates" / spec.file_name
        assert committed.exists(), f"{committed} mangler: kjør tools/build_templates.py"
        assert read_text(committed) == read_text(built / spec.file_name), spec.file_name
        assert placeholders(committed) == placeholders(built / spec.file_name)


def test_build_is_byte_identical_when_repeated(built: Path, tmp_path: Path):
    again = build_templates(tmp_path)
    assert [p.name for p in again] == [s.file_name for s in ALL_FORMS.values()]
    for path in again:
        assert path.read_bytes() == (built / path.name).read_bytes()


def test_styles_set_by_id_are_what_python_docx_sets_by_name() -> None:
    """layout.heading, layout.styled and layout.table skip python-docx's style lookup by
    name (a quarter of a year report's time); the XML must be what the lookup gives."""
    by_name, by_id = docx.Document(), docx.Document()
    by_name.add_heading("Oppfølging", level=2)
    layout.heading(by_id, "Oppfølging", 2)
    by_name.add_paragraph("Samtale med eleven", style="List Bullet")
    layout.styled(by_id.add_paragraph("Samtale med eleven"), layout.LIST_BULLET)
    widths = (3.0, 9.0, 5.0)
    table = by_name.add_table(rows=3, cols=len(widths))
    table.style = by_name.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    layout.table(by_id, rows=3, widths=widths)
    assert by_id.element.body.xml == by_name.element.body.xml
    assert "Heading2" in by_id.element.body.xml and "TableGrid" in by_id.element.body.xml


# ---------------------------------------------------------------------------
# Filling the forms


@pytest.mark.parametrize("number", sorted(FORMS))
def test_every_value_lands_where_it_belongs(built: Path, tmp_path: Path, number: int):
    spec: FormSpec = FORMS[number]
    out, report = _fill(built, tmp_path, number)
    assert report.complete, report
    assert set(report.filled) == set(spec.placeholders)

    document = docx.Document(str(out))
    layout = _layout(document)
    by_label = {label: answer for (_, label), (_, answer) in layout.items()}
    for label, name in spec.facts:
        assert by_label[label] == VALUES[name], label
    for q in spec.questions:
        if q.number is not None:  # a numbered question row: Nr. | Spørsmål | Svar
            matches = [v for (_, nr), v in layout.items() if nr == str(q.number)]
            assert (q.text, VALUES[q.id]) in [(t.split("\n")[0], a) for t, a in matches]
        else:  # a plan field under its own heading
            assert layout[(q.section, q.text)] == ("", VALUES[q.id]), q.id
    if spec.summary:
        [summary] = [v for (_, label), (_, v) in layout.items() if label.startswith("Omfanget")]
        assert summary == VALUES["fravaer_sammendrag"]
    if spec.tiltak:
        assert VALUES["tiltak"] in [answer for _, answer in layout.values()]

    section = document.sections[0]
    assert section.header.paragraphs[0].text.startswith(VALUES["skole"] + "\t")
    footer = section.footer.paragraphs[0].text
    for name in spec.footer:
        assert VALUES[name] in footer
    assert "{{" not in read_text(out)
    assert "}}" not in read_text(out)


def test_vedlegg3_carries_initials_and_no_name(built: Path, tmp_path: Path):
    # Even given every value, the name has nowhere to go in Vedlegg 3.
    out, report = _fill(built, tmp_path, 3, values=VALUES)
    text = read_text(out)
    assert initialer(ELEV) == "ÅMOL"
    assert "ÅMOL" in text
    for part in NAME_PARTS:
        assert part not in text, part
    assert "elev_navn" in report.unused


def test_a_restyled_vedlegg3_asking_for_the_name_still_gets_none(built: Path, tmp_path: Path):
    template = tmp_path / "v3_endret.docx"
    document = docx.Document(str(built / FORMS[3].file_name))
    document.add_paragraph("Elev: {{elev_navn}}, foresatte: {{foresatte}}")
    document.save(str(template))
    out = tmp_path / "v3.docx"
    report = fill_template(template, FORMS[3].values_for(VALUES), out)
    assert report.unknown == ("elev_navn", "foresatte")
    assert not report.complete
    text = read_text(out)
    for part in NAME_PARTS:
        assert part not in text, part
    assert "{{elev_navn}}" in text  # left visible, and reported


def test_multiline_values_become_line_breaks(built: Path, tmp_path: Path):
    out, _ = _fill(built, tmp_path, 1)
    document = docx.Document(str(out))
    body = document.element.body
    [answer] = [
        p
        for p in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")
        if Paragraph(p, None).text.startswith("Svar på v1_q03:")
    ]
    paragraph = Paragraph(answer, None)
    assert paragraph.text == VALUES["v1_q03"]
    assert len(answer.findall(".//{*}br")) == 1
    assert tiltak_text(TILTAK).count("\n") == 2


def test_special_characters_survive_and_the_file_stays_valid(tmp_path: Path):
    template = tmp_path / "mal.docx"
    document = docx.Document()
    document.add_paragraph("Skole: {{skole}}. Svar: {{svar}}. Ekko: {{ekko}}.")
    document.save(str(template))
    out = tmp_path / "ut.docx"
    values = {
        "skole": 'Ærlig & <Øvre> "Å" skole',
        "svar": "Tekst med kontrolltegn\x07 og \x00null og\r\nWindows-linjeskift\tog tab",
        "ekko": "Jeg skrev {{skole}} selv",  # typed text is never expanded again
    }
    report = fill_template(template, values, out)
    assert report.complete
    text = docx.Document(str(out)).paragraphs[0].text
    assert text == (
        'Skole: Ærlig & <Øvre> "Å" skole. '
        "Svar: Tekst med kontrolltegn og null og\nWindows-linjeskift\tog tab. "
        "Ekko: Jeg skrev {{skole}} selv."
    )


# ---------------------------------------------------------------------------
# Templates a school has edited in Word


def test_placeholder_split_across_runs_is_filled_with_the_first_runs_formatting(tmp_path: Path):
    template = tmp_path / "splittet.docx"
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Elev: ")
    first = paragraph.add_run("{{el")
    first.italic = True
    first.font.size = Pt(14)
    paragraph.add_run("ev_n").bold = True
    paragraph.add_run("avn}}")
    paragraph.add_run(" i {{kla").underline = True
    paragraph.add_run("sse}}.")
    document.save(str(template))
    assert placeholders(template) == {"elev_navn", "klasse"}

    out = tmp_path / "ut.docx"
    report = fill_template(template, {"elev_navn": ELEV, "klasse": "8A"}, out)
    assert report.complete and report.filled == ("elev_navn", "klasse")
    [paragraph] = docx.Document(str(out)).paragraphs
    assert paragraph.text == f"Elev: {ELEV} i 8A."
    [named] = [r for r in paragraph.runs if ELEV in r.text]
    assert named.text == ELEV
    assert named.italic and named.font.size == Pt(14) and not named.bold
    assert not any(r.bold for r in paragraph.runs if r.text)  # the bold fragment is gone
    assert [r.text for r in paragraph.runs] == ["Elev: ", ELEV, " i 8A", "."]
    assert paragraph.runs[2].underline


def test_headers_footers_first_page_even_page_and_nested_tables_are_filled(tmp_path: Path):
    template = tmp_path / "overalt.docx"
    document = docx.Document()
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "{{skole}}"
    section.first_page_header.paragraphs[0].text = "Første side: {{elev_navn}}"
    section.even_page_header.paragraphs[0].text = "Partall: {{klasse}}"
    section.footer.paragraphs[0].text = "Dato {{dato}}"
    section.first_page_footer.paragraphs[0].text = "Første bunntekst {{dato}}"
    outer = document.add_table(rows=1, cols=1)
    inner = outer.cell(0, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Tiltak"
    inner.cell(0, 1).text = "{{tiltak}}"
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Del 2: {{skole}}"
    document.save(str(template))

    out = tmp_path / "ut.docx"
    values = {k: VALUES[k] for k in ("skole", "elev_navn", "klasse", "dato", "tiltak")}
    report = fill_template(template, values, out)
    assert report.complete and report.unused == ()

    filled = docx.Document(str(out))
    first, second = filled.sections
    assert first.header.paragraphs[0].text == VALUES["skole"]
    assert first.first_page_header.paragraphs[0].text == f"Første side: {ELEV}"
    assert first.even_page_header.paragraphs[0].text == "Partall: 8A"
    assert first.footer.paragraphs[0].text == "Dato 23.11.2026"
    assert first.first_page_footer.paragraphs[0].text == "Første bunntekst 23.11.2026"
    assert second.header.paragraphs[0].text == f"Del 2: {VALUES['skole']}"
    nested = filled.tables[0].cell(0, 0).tables[0]
    assert nested.cell(0, 1).text == tiltak_text(TILTAK)
    assert "{{" not in read_text(out)


def test_unknown_placeholders_are_reported_and_left_visible(tmp_path: Path):
    template = tmp_path / "ukjent.docx"
    document = docx.Document()
    document.add_paragraph("Hei {{elev_navn}}, {{ukjent_felt}} og {{ rektor }}.")
    document.add_paragraph("Skrivefeil: {{klasse} og {klasse}}.")
    document.save(str(template))
    out = tmp_path / "ut.docx"
    report = fill_template(template, {"elev_navn": "Ola", "dato": "1.12.2026"}, out)
    assert report.filled == ("elev_navn",)
    assert report.unknown == ("rektor", "ukjent_felt")
    assert report.unused == ("dato",)
    assert len(report.malformed) == 2 and "{{klasse}" in report.malformed[0]
    assert not report.complete
    assert docx.Document(str(out)).paragraphs[0].text == "Hei Ola, {{ukjent_felt}} og {{ rektor }}."


# ---------------------------------------------------------------------------
# Files


def test_a_file_that_is_not_a_docx_gives_a_norwegian_error(tmp_path: Path):
    bad = tmp_path / "mal.docx"
    bad.write_text("ikke et Word-dokument")
    with pytest.raises(TemplateError, match="kan ikke leses som et Word-dokument"):
        fill_template(bad, {}, tmp_path / "ut.docx")
    assert not (tmp_path / "ut.docx").exists()


# ---------------------------------------------------------------------------
# Helpers for the caller


def test_tiltak_text_letters_each_tiltak_with_who_when_and_how_long():
    assert tiltak_text(TILTAK) == (
        "a. Møte eleven i skolegården om morgenen "
        "(ansvar: kontaktlærer (skole); fra 23.11.2026; prøves i 2 uker)\n"
        "b. Fast leggetid & vekking kl. 07:00 "
        "(ansvar: foresatte (hjem); fra 23.11.2026; prøves i 2 uker)\n"
        "c. Plass ved døra <nær læreren>"
    )
    assert tiltak_text([]) == ""


@pytest.mark.parametrize(
    ("navn", "expected"),
    [("Ola Nordmann", "ON"), ("Åse-Marie O'Brien Lærdal", "ÅMOL"), ("  ærlig  øst ", "ÆØ")],
)
def test_initialer(navn: str, expected: str):
    assert initialer(navn) == expected
