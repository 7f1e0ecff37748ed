"""Vedlegg 1–4 as Word documents: the only module that imports python-docx.

The forms are Strandaskolen's (seed `strand_skolenaervaersplan.txt`, Vedlegg 1–4).
`build_templates` writes them as .docx files with plain placeholders (`{{elev_navn}}`)
that a school may restyle in Word; `fill_template` fills any such template.

Filling works on a paragraph's text, not on single runs (DESIGN, Known pitfalls):
Word splits `{{elev_navn}}` over several runs as soon as someone edits the template.
The replacement goes into the run where the match starts, keeping that run's
formatting, and the runs the match spans are trimmed (python-docx issue #30).

Placeholders without a value are left visible in the output and listed in the
`FillReport`; the caller decides whether to warn, refuse or go on. Nothing is
silently blanked, so a typo in a school's template shows up on paper too.

Tiltak are one placeholder, `{{tiltak}}`, filled with one line per tiltak
(`tiltak_text`): it survives any restyling of the table around it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from fravaer_tui.domain.yearreport import KANDIDAT_MERKNAD, YearReport
from fravaer_tui.errors import UserError

OUTPUT_MODE = 0o600
TEMPLATE_MODE = 0o644
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
# Characters XML 1.0 cannot hold; lxml refuses them, so they are dropped from values.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_W_P, _W_R, _W_T, _W_RPR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:rPr")
_W_BR, _W_CR, _W_TAB = qn("w:br"), qn("w:cr"), qn("w:tab")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # keeps rebuilt templates byte-identical


class TemplateError(UserError):
    """A template that is not a readable .docx file."""

    def __init__(self, path: object, detail: str) -> None:
        super().__init__(
            f"Malen {path} kan ikke leses som et Word-dokument (.docx): {detail}. "
            "Lagre den på nytt fra Word som .docx, eller bygg malene på nytt "
            "(python tools/build_templates.py)."
        )
        self.path = path


# ---------------------------------------------------------------------------
# The forms


@dataclass(frozen=True, slots=True)
class Question:
    """One item the app asks for; `id` is also the name of its answer placeholder."""

    id: str
    text: str
    number: int | None = None
    guidance: tuple[str, ...] = ()
    section: str = ""


@dataclass(frozen=True, slots=True)
class FormSpec:
    number: int
    title: str
    file_name: str
    facts: tuple[tuple[str, str], ...]  # (label, placeholder), the form's head
    questions: tuple[Question, ...]
    summary: bool  # has {{fravaer_sammendrag}}
    tiltak: bool  # has {{tiltak}}
    footer: tuple[str, ...]  # placeholders in the footer, besides {{skole}} in the header
    withheld: frozenset[str] = frozenset()  # values never put into this form

    @property
    def placeholders(self) -> frozenset[str]:
        names = {"skole", *self.footer, *(name for _, name in self.facts)}
        names.update(q.id for q in self.questions)
        if self.summary:
            names.add("fravaer_sammendrag")
        if self.tiltak:
            names.add("tiltak")
        return frozenset(names)

    def values_for(self, values: Mapping[str, str]) -> dict[str, str]:
        """The values this form may carry: Vedlegg 3 never gets the student's name."""
        return {k: v for k, v in values.items() if k not in self.withheld}


def _questions(
    prefix: str, items: Sequence[str | tuple[str, tuple[str, ...]]]
) -> tuple[Question, ...]:
    out = []
    for n, item in enumerate(items, start=1):
        text, guidance = (item, ()) if isinstance(item, str) else item
        out.append(Question(f"{prefix}_q{n:02d}", text, n, guidance))
    return tuple(out)


_V1_QUESTIONS = _questions(
    "v1",
    [
        "Hva kan skolen gjøre for at du har det bra/får det bedre på skolen?",
        "Hvordan har du det i klassen?",
        "Har du venner å være sammen med på skolen/fritiden?",
        "Er det noe du opplever som vanskelig / ubehagelig på skolen?",
        "Er det spesielle fag du liker eller ikke liker? Blir du faglig utfordret? "
        "Er faget lett/vanskelig/krevende?",
        "Hvordan opplever du prøver / tester / fremføringer i klasserommet?",
        "Hvordan opplever du å ha kroppsøving?",
        "Hvordan går leksearbeidet?",
        "Kan du fortelle om morgenrutinene dine?",
        "Er det noen lærere/andre voksne på skolen som du har et godt / ikke godt forhold til?",
        # 11–14 stand inside Vedlegg 2's list in the seed (a PDF extraction fault).
        "Blir du plaget eller mobbet på skolen, i friminuttet, på skoleveien eller fritiden?",
        "Hva gjør du når du ikke er på skolen?",
        "Hvordan skulle du ønske skoledagen din var?",
        "Hvordan har du det hjemme?",
    ],
)

_V2_QUESTIONS = _questions(
    "v2",
    [
        "Hvordan opplever du / dere at barnet trives på skolen / fritid?",
        "Opplever dere at det er spesielle årsaker til at barnet ikke vil på skolen?",
        "Kan det være forhold på skolen som gjør at barnet har fravær?",
        "Er det helsemessige årsaker til at barnet er borte fra skolen?",
        "Hvordan er barnets morgenrutiner / kveldsrutiner / søvn?",
        "Er det noe du / dere har behov for hjelp til? Hvem kan hjelpe?",
        "Hva tenker du / dere at skolen kan gjøre for at barnet skal komme på skolen?",
        (
            "Har familien/eleven oppfølging av andre instanser? (NAV, barnevern, "
            "forebyggende avdeling familiens hus, psykolog osv.)",
            (
                "Her er det lurt å innhente samtykke til samarbeid mellom aktuelle instanser "
                "og skolen.",
            ),
        ),
        (
            "Annen informasjon som er viktig å få belyst fra foresatte:",
            (
                "Foresattes forståelse av elevens generelle trivsel, på skolen og i fritiden",
                "Foresattes beskrivelse og forståelse av elevens vansker.",
                "Blir eleven plaget eller mobbet på skolen, skoleveien eller fritiden?",
                "Beskrivelse av eventuell vegringsatferd i hjemmet (er det vanskelig å få "
                "eleven til å gjøre seg klar til å gå på skolen om morgenen, har eleven "
                "fysiske plager i forbindelse med krav om skoleoppmøte, men er ellers frisk)",
                "Dersom eleven har fravær, hva skjer i tiden eleven er borte fra skolen? "
                "(dataspill, besøk av familie, ekstra oppmerksomhet fra foresatte, treffer "
                "venner utenfor skolen, skolearbeid)",
                "Helsemessige forhold av betydning for elevens fungering og fravær "
                "(f.eks. sykdomshistorikk, søvnrytme og matlyst)",
                "Har det skjedd plutselige endringer eller belastninger i familien som kan "
                "settes i forbindelse med elevens vansker? (skilsmisse, flytting, søsken, "
                "sykdom)",
                "Enkeltsituasjoner der eleven klarer å møte på skolen eller delta i "
                "aktiviteter som han/hun vanligvis har vansker med å delta i",
                "Foresattes ansvarsfordeling når det gjelder å følge opp skolen og skoleoppmøte",
                "Eventuelt andre støttespillere i familiens nettverk",
                "Hvilke tiltak er forsøkt hjemme og hvordan har disse fungert? "
                "(morgenrutiner, bytte av roller mellom foresatte, samtale med eleven)",
                "Foresattes ønsker og mål for elevens fremtidige fungering",
            ),
        ),
    ],
)

_V3_TILTAK_TEXT = (
    "Kontaktlærer noterer kort ned hvilke tiltak som er prøvd ut ift. skolenærvær, hvor "
    "lenge tiltakene er prøvd ut og hvem som har hatt ansvaret for tiltakene eks. skole "
    "eller hjem:"
)
_V3_QUESTIONS = (
    Question(
        "ledelsen_tilbakemelding",
        "Tilbakemelding fra avdelingsleder/ledergruppe",
        3,
        ("Avklaring om hvem som gjør hva videre/tiltak:",),
    ),
    Question("ledelsen_evaluering", "Evaluering", 4, ("Tidspunkt og videre oppfølging",)),
)

_PLAN_A = "Plan A: Tilbake til skolen"
_PLAN_B = "Plan B: Dersom eleven har problemer med å møte til skolestart"
_PLAN_C = "Plan C: Dersom eleven ikke kommer på skolen"
_V4_QUESTIONS = (
    Question("plan_a_sted", "Sted", section=_PLAN_A),
    Question("plan_a_tid", "Tid", section=_PLAN_A),
    Question("plan_a_motes_av", "Møtes av", section=_PLAN_A),
    Question("plan_a_folger_klassen", "Eller følger klassen inn", section=_PLAN_A),
    Question("plan_a_timer", "Eleven skal være til stede i (antall timer):", section=_PLAN_A),
    Question("plan_a_lunsj", "Spiser lunsj med klassen:", section=_PLAN_A),
    Question("plan_a_ansvar_plan", "Ansvar for gjennomgang plan for dag / uke:", section=_PLAN_A),
    Question(
        "plan_a_ansvar_evaluering",
        "Ansvarlig for evaluering av dag / uke og kontakt med foresatte:",
        section=_PLAN_A,
    ),
    Question("plan_b_avtaler", "Andre avtaler:", section=_PLAN_B),
    Question("plan_c_avtaler", "Andre avtaler:", section=_PLAN_C),
    Question("plan_evalueringsdato", "Dato for evaluering:", section="Evaluering"),
)

_INTERVIEW_FACTS = (
    ("Intervjuers navn", "intervjuer"),
    ("Elevens navn", "elev_navn"),
    ("Klasse", "klasse"),
    ("Elevens kontaktlærer", "kontaktlaerer"),
    ("Dato", "dato"),
    ("Sted for intervju", "sted"),
    ("Skole", "skole"),
)

FORMS: dict[int, FormSpec] = {
    1: FormSpec(
        1,
        "Kartleggingssamtale med elev og foresatt",
        "vedlegg1_kartlegging_elev.docx",
        (*_INTERVIEW_FACTS, ("Foresatte", "foresatte")),
        _V1_QUESTIONS,
        summary=True,
        tiltak=True,
        footer=("elev_navn", "klasse"),
    ),
    2: FormSpec(
        2,
        "Kartleggingssamtale med foresatte",
        "vedlegg2_kartlegging_foresatte.docx",
        (*_INTERVIEW_FACTS, ("Foresattes navn", "foresatte")),
        _V2_QUESTIONS,
        summary=True,
        tiltak=True,
        footer=("elev_navn", "klasse"),
    ),
    3: FormSpec(
        3,
        "Skjema for oppfølging av fravær",
        "vedlegg3_oppfolging_ledelsen.docx",
        (
            ("Kontaktlærers navn", "kontaktlaerer"),
            ("Elevens initialer", "elev_initialer"),
            ("Dato", "dato"),
        ),
        _V3_QUESTIONS,
        summary=True,
        tiltak=True,
        footer=("elev_initialer",),
        # The form asks for initials only; the names of student and foresatte stay out.
        withheld=frozenset({"elev_navn", "foresatte"}),
    ),
    4: FormSpec(
        4,
        "Skolenærværsplan for eleven: «Tilbake på skolen»",
        "vedlegg4_skolenaervaersplan.docx",
        (
            ("Skole", "skole"),
            ("Dato", "dato"),
            ("Kontaktlærer", "kontaktlaerer"),
            ("Elev", "elev_navn"),
            ("Klasse", "klasse"),
            ("Foresatt", "foresatte"),
        ),
        _V4_QUESTIONS,
        summary=False,
        tiltak=False,
        footer=("elev_navn", "klasse"),
    ),
}


@dataclass(frozen=True, slots=True)
class Tiltak:
    """A tiltak as the forms want it: what, who is responsible, from when, for how long."""

    hva: str
    hvem: str = ""
    fra: str = ""  # a date as the caller formats it, dd.mm.yyyy
    varighet: str = ""  # "2 uker"


def tiltak_text(tiltak: Sequence[Tiltak]) -> str:
    """One line per tiltak, lettered a., b., c. as in Vedlegg 3."""
    lines = []
    for i, t in enumerate(tiltak):
        label = f"{chr(ord('a') + i)}." if len(tiltak) <= 26 else f"{i + 1}."
        details = [
            part
            for part in (
                f"ansvar: {t.hvem}" if t.hvem else "",
                f"fra {t.fra}" if t.fra else "",
                f"prøves i {t.varighet}" if t.varighet else "",
            )
            if part
        ]
        lines.append(f"{label} {t.hva}" + (f" ({'; '.join(details)})" if details else ""))
    return "\n".join(lines)


def initialer(navn: str) -> str:
    """'Åse-Marie O'Brien Lærdal' -> 'ÅMOL': the first letter of every part of the name."""
    parts = re.split(r"[\s\-]+", navn.strip())
    return "".join(next((c for c in p if c.isalpha()), "") for p in parts).upper()


# ---------------------------------------------------------------------------
# Building the templates


_RAMMER = (
    "Avtal på forhånd hvor lang samtalen skal være",
    "I forkant av samtalen kan det avklares hvorvidt eleven skal være med. Hvis eleven ikke "
    "deltar er det viktig at eleven opplever god informasjon om hva som blir sagt og gjort, "
    "og hvorfor.",
    "Forbered deg godt ved å samle inn informasjon fra lærere som har eleven i ulike fag.",
    "Ta høyde for følelsesmessige reaksjoner hos foresatte og elev. Bekreft og anerkjenn "
    "uten å gå i forsvar.",
    "Bygg tillit til eleven og foresatte ved å vise fleksibilitet og evne til konkret og "
    "tilpasset tilrettelegging for den enkelte elev.",
)
_START = (
    "Start med å informere om at et av formålene med samtalen er å dele skolens bekymring "
    "for elevens skolefravær, og å komme frem til gode tiltak som kan gi en normal "
    "tilstedeværelse på skolen.",
    "Gi en konkret tilbakemelding om omfanget av fraværet. Informer om kommunens rutiner "
    "for oppfølging av skolefravær.",
    "Informer om at skolen har ansvaret for at elevene har en god og trygg skolehverdag, og "
    "at foresatte har ansvar for at eleven kommer på skolen.",
    "Ved en elevsamtale der relasjonen er på plass, kan innledningen for eksempel være: "
    "«Jeg ønsket denne samtalen fordi jeg har vært bekymret for deg i det siste. Jeg vil "
    "gjerne snakke litt med deg for å høre hvordan du har det og finne ut hvordan vi kan "
    "gjøre det bedre for deg på skolen.»",
)
_VANSKELIGE_TEMA = (
    "Still åpne spørsmål som gir eleven mulighet til å svare mer enn ja/nei, og som er "
    "undrende både i innhold og måten de blir presentert på.",
    "Gi eleven nok tid til å svare og tål litt stillhet.",
    "Når eleven har gitt et svar; stopp opp og utforsk nærmere det som er sagt uten å måtte "
    "få frem egne tanker og opplevelse.",
    "Oppsummer det eleven sier med jevne mellomrom, slik at eleven kan bekrefte om en har "
    "oppfattet riktig.",
    "Det kan være nyttig å ta utgangspunkt i konkrete situasjoner. Jo yngre eleven er jo mer "
    "konkret bør en være. Eks «da du kom inn skoleporten i dag morges, hvordan hadde du det "
    "da?».",
    "For å støtte eleven i å uttrykke sin egen opplevelse kan det være nyttig å presentere "
    "noen alternative opplevelser og la eleven velge det som passer. Eks. «Noen "
    "barn/ungdommer som er borte fra skolen kan være nervøse for hva de andre barna vil "
    "tenke hvis de kommer tilbake, mens noen ikke vil tenke så mye på det. Er det noe du "
    "tenker på?»",
    "For å få et best mulig inntrykk av elevens opplevelse kan det være nyttig å bruke "
    "skalaer. Eks «Du har sagt at du er redd for å holde en presentasjon. Hvis vi ser på en "
    "skala fra en til ti, der ti er kjemperedd og en er bare litt redd, hvor redd er du når "
    "du skal holde en presentasjon?»",
    "Bruk nok tid til å fokusere på det som fungerer og hva som gjør at det fungerer. "
    "Fokuser på elevens mestring!",
)
_AVTALTE_TILTAK = (
    "Kontaktlærer, elev og foresatte og eventuelt helsesykepleier blir enige om tiltak som "
    "kan prøves ut for å øke skolenærværet og hvor lenge tiltakene skal prøves ut. Det "
    "skrives notat fra møtet som legges i elevmappen."
)
_V4_INTRO = (
    "Planen utarbeides av kontaktlærer, eleven og foresatte dersom fraværet vedvarer etter "
    "gjennomførte kartleggingssamtaler med elev og foresatte."
)
_V4_TEXT = (
    "Kontaktlærer informerer klassen og andre lærere etter avtale med elev og foresatte, om "
    "at det ikke skal stilles spørsmål om fraværet. Elev og foresatte forsikres om at skolen "
    "ivaretar og følger opp at eleven skal oppleve trygghet på skolen. Elev og foresatte "
    "mottar plan for skoledagen.",
    "Eleven forventes å møte på skolen til avtalt tid, bortsett fra ved feber/omgangssyke.",
    "De foresatte informerer skolen dersom eleven ikke føler seg i form, ved lite søvn, "
    "forkjølelse og liknende, eller dersom det er motstand mot å gå på skolen. "
    "Undervisningen tilpasses i forhold til dette.",
)
_PLAN_B_TEXT = (
    "Foresatte ringer skolen før klokken 8:15 og informerer om situasjonen. Dersom eleven "
    "ikke kan møte til første time, motiveres for å komme til neste time. Det tas kontakt "
    "dersom dette ikke fungerer.",
    "Når eleven kommer til skolen gjelder oppfølging som ved plan A",
)
_PLAN_C_TEXT = (
    "Foresatte tar kontakt før klokken 8:15 dersom eleven ikke kommer. Dersom skolen ikke "
    "mottar slik melding kontaktes foresatte innen klokken 8:45",
    "Skolen / kontaktlærer er ansvarlig for daglig kontakt og overlevering av dagens "
    "skoleoppgaver.",
)
_V4_EVALUERING = (
    "Planen prøves ut i 2 uker før evaluering, og i denne perioden foretas ingen endringer. "
    "Dersom det ikke oppnås effekt etter eventuelle justeringer og utprøving i nye to uker "
    "meldes saken til Oppvekstteam for videre oppfølging."
)
_CONFIDENTIAL = "Unntatt offentlighet, jf. offl. § 13, jf. fvl. § 13"

_TEXT_WIDTH_CM = 17.0  # A4 with 2 cm margins
_LABEL_FILL = "E7E6E6"
_GUIDANCE_COLOUR = RGBColor(0x40, 0x40, 0x40)


def build_templates(folder: Path) -> list[Path]:
    """(Re)build Vedlegg 1–4 in `folder`; the same code gives the same bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    builders = {1: _build_v1, 2: _build_v2, 3: _build_v3, 4: _build_v4}
    paths = []
    for number, spec in FORMS.items():
        document = _new_document(spec)
        builders[number](document, spec)
        path = folder / spec.file_name
        _write_atomic(path, _stable_zip(_to_bytes(document)), TEMPLATE_MODE)
        paths.append(path)
    return paths


def _new_document(spec: FormSpec) -> DocxDocument:
    document = docx.Document()
    props = document.core_properties
    props.title = f"Vedlegg {spec.number}: {spec.title}"
    props.author = props.last_modified_by = "fravaer-tui"
    props.created = props.modified = _FIXED_TIME
    props.revision = 1
    props.comments = ""

    section = _set_up_page(document)
    section.header.paragraphs[0].text = f"{{{{skole}}}}\t{_CONFIDENTIAL}"
    footer = section.footer.paragraphs[0]
    who = ", ".join(f"{{{{{name}}}}}" for name in spec.footer)
    footer.text = f"Vedlegg {spec.number} – {who}\tSide "
    _append_page_field(footer)

    document.add_heading(f"Vedlegg {spec.number}: {spec.title}", level=1)
    return document


def _build_v1(document: DocxDocument, spec: FormSpec) -> None:
    document.add_paragraph("Målet med kartlegging er å avklare vanskene til eleven.")
    _guidance_list(document, "Rammer for en god samtale:", _RAMMER)
    _guidance_list(document, "Samtalens start:", _START)
    _guidance_list(
        document,
        "Forslag til hvordan en kan ha en samtale med elever om vanskelige tema:",
        _VANSKELIGE_TEMA,
    )
    document.add_heading("Sjekkliste for samtale med elev:", level=2)
    _interview(document, spec)


def _build_v2(document: DocxDocument, spec: FormSpec) -> None:
    document.add_heading("Sjekkliste for samtale med foresatt:", level=2)
    _interview(document, spec)


def _interview(document: DocxDocument, spec: FormSpec) -> None:
    _facts_table(document, spec.facts)
    _summary_box(document)
    _question_table(document, [(str(q.number), q, q.id) for q in spec.questions])
    document.add_heading("Avtalte tiltak", level=2)
    _guidance(document.add_paragraph(), _AVTALTE_TILTAK)
    _box(document, "Tiltak – hvem har ansvaret, fra når og hvor lenge", "tiltak")


def _build_v3(document: DocxDocument, spec: FormSpec) -> None:
    document.add_paragraph(
        "Skjema for oppfølging av fravær – kontaktlærers melding videre til skolens ledelse"
    ).runs[0].bold = True
    _facts_table(document, spec.facts)
    _summary_box(document)
    tiltak = Question("tiltak", _V3_TILTAK_TEXT, 1)
    levert = Question("", "Dette skjemaet leveres skriftlig til avdelingsleder", 2)
    rows = [("1", tiltak, "tiltak"), ("2", levert, "")]
    rows += [(str(q.number), q, q.id) for q in spec.questions]
    _question_table(document, rows)


def _build_v4(document: DocxDocument, spec: FormSpec) -> None:
    document.add_paragraph(_V4_INTRO)
    _facts_table(document, spec.facts)
    for text in _V4_TEXT:
        document.add_paragraph(text)
    by_section: dict[str, list[Question]] = {}
    for q in spec.questions:
        by_section.setdefault(q.section, []).append(q)
    texts = {_PLAN_B: _PLAN_B_TEXT, _PLAN_C: _PLAN_C_TEXT, "Evaluering": (_V4_EVALUERING,)}
    for section, questions in by_section.items():
        document.add_heading(section, level=2)
        for text in texts.get(section, ()):
            document.add_paragraph(text)
        _facts_table(document, [(q.text, q.id) for q in questions])


def _guidance_list(document: DocxDocument, title: str, items: Sequence[str]) -> None:
    document.add_heading(title, level=2)
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def _facts_table(document: DocxDocument, facts: Sequence[tuple[str, str]]) -> Table:
    table = _table(document, rows=len(facts), widths=(6.0, _TEXT_WIDTH_CM - 6.0))
    for row, (label, name) in zip(table.rows, facts, strict=True):
        _label(row.cells[0], label)
        row.cells[1].paragraphs[0].text = f"{{{{{name}}}}}"
        _min_height(row, 0.7)
    document.add_paragraph()
    return table


def _summary_box(document: DocxDocument) -> None:
    _box(
        document,
        "Omfanget av fraværet (gi en konkret tilbakemelding om omfanget av fraværet)",
        "fravaer_sammendrag",
    )


def _box(document: DocxDocument, label: str, name: str) -> None:
    table = _table(document, rows=2, widths=(_TEXT_WIDTH_CM,))
    _label(table.rows[0].cells[0], label)
    table.rows[1].cells[0].paragraphs[0].text = f"{{{{{name}}}}}"
    _min_height(table.rows[1], 2.0)
    document.add_paragraph()


def _question_table(document: DocxDocument, rows: Sequence[tuple[str, Question, str]]) -> None:
    """Nr. | Spørsmål (with guidance) | Svar; an empty answer name merges the row's last cells."""
    table = _table(document, rows=len(rows) + 1, widths=(1.2, 7.3, 8.5))
    for cell, text in zip(table.rows[0].cells, ("Nr.", "Spørsmål", "Svar"), strict=True):
        _label(cell, text)
    _repeat_as_header(table.rows[0])
    for row, (number, question, answer) in zip(table.rows[1:], rows, strict=True):
        nr, asked, answered = row.cells
        nr.paragraphs[0].text = number
        asked.paragraphs[0].text = question.text
        for line in question.guidance:
            _guidance(asked.add_paragraph(style="List Bullet"), line)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if answer:
            answered.paragraphs[0].text = f"{{{{{answer}}}}}"
            _min_height(row, 1.5)
        else:
            asked.merge(answered)
    document.add_paragraph()


def _table(document: DocxDocument, rows: int, widths: Sequence[float]) -> Table:
    table = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    return table


def _label(cell: _Cell, text: str) -> None:
    cell.paragraphs[0].add_run(text).bold = True
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), _LABEL_FILL)
    cell._tc.get_or_add_tcPr().append(shading)


def _guidance(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.italic = True
    run.font.color.rgb = _GUIDANCE_COLOUR


def _min_height(row: _Row, cm: float) -> None:
    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _repeat_as_header(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _append_page_field(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_up_page(document: DocxDocument) -> Section:
    """A4, 2 cm margins, Calibri 11, bokmål, a right tab for header and footer."""
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    _set_language(document, "nb-NO")
    for name in ("Header", "Footer"):
        tabs = document.styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(Cm(_TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    return section


def _set_language(document: DocxDocument, tag: str) -> None:
    """Spelling and hyphenation in Word follow the document's language."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


# ---------------------------------------------------------------------------
# Filling


@dataclass(frozen=True, slots=True)
class FillReport:
    """What happened to the placeholders; `unknown` ones are still `{{name}}` in the output."""

    path: Path
    filled: tuple[str, ...]  # placeholders that got a value
    unknown: tuple[str, ...]  # placeholders in the template with no value given
    unused: tuple[str, ...]  # values given that the template does not use
    malformed: tuple[str, ...]  # text around a `{{` or `}}` that is not a placeholder

    @property
    def complete(self) -> bool:
        return not self.unknown and not self.malformed


def fill_template(template: Path, values: Mapping[str, str], out: Path) -> FillReport:
    """Fill every `{{name}}` in body, tables, headers and footers; write `out` as 0600."""
    payload, report = render_template(template, values)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(out, payload, OUTPUT_MODE)
    return replace(report, path=out)


def render_template(template: Path, values: Mapping[str, str]) -> tuple[bytes, FillReport]:
    """The filled document as bytes (the caller decides where and how it is written)."""
    document = _open(template)
    clean = {name: _xml_safe(value) for name, value in values.items()}
    found: set[str] = set()
    unknown: set[str] = set()
    malformed: list[str] = []
    for paragraph in _paragraphs(document):
        malformed.extend(_malformed(_paragraph_text(paragraph)))
        _fill_paragraph(paragraph, clean, found, unknown)
    return _to_bytes(document), FillReport(
        path=template,
        filled=tuple(sorted(found - unknown)),
        unknown=tuple(sorted(unknown)),
        unused=tuple(sorted(set(values) - found)),
        malformed=tuple(malformed),
    )


def placeholders(template: Path) -> set[str]:
    """The placeholder names a template uses, wherever they are and however they are split."""
    document = _open(template)
    names: set[str] = set()
    for paragraph in _paragraphs(document):
        names.update(m.group(1) for m in PLACEHOLDER.finditer(_paragraph_text(paragraph)))
    return names


def read_text(path: Path) -> str:
    """All text of a .docx, one paragraph a line: headers, body (tables too), footers."""
    document = _open(path)
    lines = []
    for paragraph in _paragraphs(document):
        parts = []
        for el in _own(paragraph, (_W_T, _W_TAB, _W_BR, _W_CR)):
            if el.tag == _W_T:
                parts.append(el.text or "")
            else:
                parts.append("\t" if el.tag == _W_TAB else "\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def _open(path: Path) -> DocxDocument:
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as e:
        raise TemplateError(path, str(e) or type(e).__name__) from e


def _paragraphs(document: DocxDocument) -> Iterator[etree._Element]:
    """Every w:p of headers, body and footers, nested tables and text boxes included.

    Footnotes, endnotes and comments are not walked: the forms have none.
    """
    headers, footers = [], []
    for rel in document.part.rels.values():
        if rel.is_external:
            continue
        if rel.reltype == RT.HEADER:
            headers.append(rel.target_part)
        elif rel.reltype == RT.FOOTER:
            footers.append(rel.target_part)
    roots = [p.element for p in sorted(headers, key=lambda p: p.partname)]
    roots.append(document.element.body)
    roots += [p.element for p in sorted(footers, key=lambda p: p.partname)]
    for root in roots:
        yield from list(root.iter(_W_P))  # a list: filling changes the tree under the walk


def _own(paragraph: etree._Element, tags: tuple[str, ...]) -> list[etree._Element]:
    """Elements of `paragraph` with one of `tags`, leaving out those of paragraphs inside it."""
    return [el for el in paragraph.iter(*tags) if next(el.iterancestors(_W_P), None) is paragraph]


def _paragraph_text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in _own(paragraph, (_W_T,)))


def _malformed(text: str) -> list[str]:
    rest = PLACEHOLDER.sub(" ", text)
    out = []
    for m in re.finditer(r"\{\{|\}\}", rest):
        out.append(rest[max(0, m.start() - 20) : m.end() + 20].strip())
    return out


def _fill_paragraph(
    paragraph: etree._Element, values: Mapping[str, str], found: set[str], unknown: set[str]
) -> None:
    texts = _own(paragraph, (_W_T,))
    joined = "".join(t.text or "" for t in texts)
    if "{{" not in joined:
        return
    spans = []  # (start, length) of each w:t in the paragraph's text, before any change
    offset = 0
    for t in texts:
        spans.append((offset, len(t.text or "")))
        offset += spans[-1][1]
    # Right to left: text left of a match is never changed by replacing it, so the
    # offsets of the matches still to do stay valid.
    for match in reversed(list(PLACEHOLDER.finditer(joined))):
        name = match.group(1)
        found.add(name)
        if name not in values:
            unknown.add(name)
            continue
        _replace(texts, spans, match.start(), match.end(), values[name])


def _replace(
    texts: list[etree._Element], spans: list[tuple[int, int]], begin: int, end: int, value: str
) -> None:
    first = _index(spans, begin)
    last = _index(spans, end - 1)
    starts = [start for start, _ in spans]
    head = texts[first]
    head_text = head.text or ""
    a = begin - starts[first]
    if first == last:
        _set_text(head, head_text[:a] + value + head_text[end - starts[first] :])
    else:
        _set_text(head, head_text[:a] + value)
        for t in texts[first + 1 : last]:
            _set_text(t, "")
            _drop_if_empty(t)
        tail = texts[last]
        _set_text(tail, (tail.text or "")[end - starts[last] :])
        _drop_if_empty(tail)
    _expand_breaks(head)


def _index(spans: list[tuple[int, int]], pos: int) -> int:
    """The w:t holding character `pos` of the paragraph's text."""
    for i, (start, length) in enumerate(spans):
        if start <= pos < start + length:
            return i
    raise ValueError(pos)


def _set_text(t: etree._Element, text: str) -> None:
    t.text = text
    t.set(_XML_SPACE, "preserve")


def _drop_if_empty(t: etree._Element) -> None:
    """Remove a run the match emptied, so no stray formatting is left behind."""
    if t.text:
        return
    run = t.getparent()
    if run is None or run.tag != _W_R:
        return
    if all(child.tag == _W_RPR or (child.tag == _W_T and not child.text) for child in run):
        parent = run.getparent()
        if parent is not None:
            parent.remove(run)


def _expand_breaks(t: etree._Element) -> None:
    """Newlines and tabs in a value become <w:br/> and <w:tab/> in the same run."""
    text = t.text or ""
    if "\n" not in text and "\t" not in text:
        return
    pieces = re.split(r"(\n|\t)", text)
    _set_text(t, pieces[0])
    anchor = t
    for piece in pieces[1:]:
        if not piece:
            continue
        if piece in ("\n", "\t"):
            el = OxmlElement("w:br" if piece == "\n" else "w:tab")
        else:
            el = OxmlElement("w:t")
            _set_text(el, piece)
        anchor.addnext(el)
        anchor = el


def _xml_safe(value: str) -> str:
    return _NOT_XML.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


# ---------------------------------------------------------------------------
# Files


def _to_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _stable_zip(payload: bytes) -> bytes:
    """The same entries with fixed timestamps, so a rebuild does not change the bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(payload)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


def _write_atomic(path: Path, payload: bytes, mode: int) -> None:
    """Temp file, fsync, rename: a reader sees the old file or the new one, never half.

    The store has the same routine; documents keeps its own so it needs nothing from it.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb", closefd=False) as f:
            f.write(payload)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------
# The year-end absence report (issue 5, point 5)


_REPORT_PERIODS = (("Høst", "host"), ("Vår", "var"), ("Skoleåret", "year"))
_REPORT_COLUMNS = (
    "Periode",
    "Hele dager",
    "Timer (60 min)",
    "Dager med delvis fravær",
    "Timer med fravær",
    "Sent",
    "Forlot",
    "Ikke førte timer",
)
_HOURS_NOTE = (
    "Hele dager er dager eleven var borte fra alle klassens timer. Timer er fraværet de andre "
    "dagene, regnet i enheter på 60 minutter etter timeplanens lengde; timer regnes aldri om "
    "til dager. «Timer med fravær» er antall undervisningstimer eleven hadde fravær i "
    "(fravær og forlot). Timer som aldri ble ført, regnes som til stede."
)


def write_year_report(report: YearReport, school_name: str, out: Path) -> Path:
    """One student's year-end absence report as a .docx, written to `out` as 0600."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(out, year_report_bytes(report, school_name), OUTPUT_MODE)
    return out


def year_report_bytes(report: YearReport, school_name: str) -> bytes:
    """One student's year-end absence report as .docx bytes."""
    document = docx.Document()
    props = document.core_properties
    props.title = f"Fraværsrapport {report.skoleaar}"
    props.author = props.last_modified_by = "fravaer-tui"
    section = _set_up_page(document)
    section.header.paragraphs[0].text = f"{_xml_safe(school_name)}\t{_CONFIDENTIAL}"
    footer = section.footer.paragraphs[0]
    footer.text = f"Fraværsrapport {report.skoleaar} – {_xml_safe(report.navn)}, {report.klasse}"
    footer.text += "\tSide "
    _append_page_field(footer)

    document.add_heading(f"Fraværsrapport for skoleåret {report.skoleaar}", level=1)
    facts = (
        ("Elev", report.navn),
        ("Elev-ID", report.elev),
        ("Klasse", report.klasse),
        ("Skole", school_name),
        ("Tall til og med", _report_date(report.til)),
    )
    table = _table(document, rows=len(facts), widths=(6.0, _TEXT_WIDTH_CM - 6.0))
    for row, (label, value) in zip(table.rows, facts, strict=True):
        _label(row.cells[0], label)
        row.cells[1].paragraphs[0].text = _xml_safe(value)
    document.add_paragraph()

    document.add_heading("Fravær per semester og skoleår", level=2)
    widths = (2.6, 1.7, 1.9, 2.1, 2.3, 2.1, 2.0, 2.3)
    table = _table(document, rows=len(_REPORT_PERIODS) + 1, widths=widths)
    for cell, text in zip(table.rows[0].cells, _REPORT_COLUMNS, strict=True):
        _label(cell, text)
    _repeat_as_header(table.rows[0])
    spring_started = report.til.month < 8
    for row, (label, attr) in zip(table.rows[1:], _REPORT_PERIODS, strict=True):
        figures = getattr(report, attr)
        if attr == "var" and not spring_started:
            cells = (label, *(["–"] * (len(_REPORT_COLUMNS) - 1)))
        else:
            cells = (
                label,
                str(figures.days),
                _hours(figures.minutes),
                str(figures.partial_days),
                f"{figures.lessons_absent} av {figures.lessons_held}",
                f"{figures.lates} ({figures.late_minutes} min)" if figures.lates else "0",
                str(figures.forlot),
                str(figures.lessons_not_registered),
            )
        for cell, text in zip(row.cells, cells, strict=True):
            cell.paragraphs[0].text = text
        if attr == "year":
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    _guidance(document.add_paragraph(), _HOURS_NOTE)

    document.add_heading("Oppfølging", level=2)
    if report.steps:
        for step in report.steps:
            document.add_paragraph(_xml_safe(step), style="List Bullet")
    else:
        document.add_paragraph("Ingen oppfølgingstrinn er ført dette skoleåret.")

    document.add_heading("Vitnemål", level=2)
    if not report.vitnemal_applies:
        document.add_paragraph(
            f"Fravær føres på vitnemålet fra 8. trinn; det gjelder ikke klasse {report.klasse}."
        )
    else:
        document.add_paragraph(
            f"Fravær på vitnemålet for skoleåret uten søknad: {report.vitnemal_days} "
            f"{'dag' if report.vitnemal_days == 1 else 'dager'} og "
            f"{_hours(report.vitnemal_minutes)} timer (enkelttimer, 60 min)."
        )
        if report.candidates:
            document.add_paragraph(
                "Dager som kan strykes etter søknad (kandidater, må kontrolleres):"
            )
            table = _table(document, rows=len(report.candidates) + 1, widths=(3.0, 9.0, 5.0))
            for cell, text in zip(
                table.rows[0].cells, ("Dato", "Grunn", "Kan strykes"), strict=True
            ):
                _label(cell, text)
            _repeat_as_header(table.rows[0])
            for row, candidate in zip(table.rows[1:], report.candidates, strict=True):
                verdict = "ja" if candidate.deductible else "nei, over grensen på 10 dager"
                texts = (_report_date(candidate.dato), candidate.grunn, verdict)
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.paragraphs[0].text = text
            document.add_paragraph()
            document.add_paragraph(
                f"Kan strykes etter søknad: {report.deductible_days} "
                f"{'dag' if report.deductible_days == 1 else 'dager'}. "
                f"Dager på vitnemålet om søknaden innvilges: {report.days_if_granted}."
            )
        else:
            document.add_paragraph("Ingen dager er kandidater til stryking.")
        _guidance(document.add_paragraph(), KANDIDAT_MERKNAD)
    return _to_bytes(document)


def _report_date(dato: dt.date) -> str:
    return dato.strftime("%d.%m.%Y")


def _hours(minutes: int) -> str:
    """Minutes as 60-minute hours with a decimal comma and no trailing zeros: 7,5 and 3."""
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
