"""Building the templates: Strand's Vedlegg 1–4 and Hole's Samarbeidsavtale and Pedagogisk
rapport as .docx files with `{{placeholders}}` that a school may restyle in Word
(`tools/build_templates.py` writes them to templates/)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.table import Table

from fravaer_tui.documents import forms, layout

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


_CONSENT_GUIDANCE = (
    "Husk samtykke fra elev/foresatte før andre tjenester kobles på og opplysninger deles "
    "(tjeneste, gitt av, dato, hva samtykket gjelder; trukket samtykke står også her)."
)


def build_templates(folder: Path) -> list[Path]:
    """(Re)build every form in `folder`; the same code gives the same bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    builders = {
        "1": _build_v1,
        "2": _build_v2,
        "3": _build_v3,
        "4": _build_v4,
        "samarbeidsavtale": _build_samarbeidsavtale,
        "pedagogisk_rapport": _build_pedagogisk_rapport,
    }
    paths = []
    for form_id, spec in forms.ALL_FORMS.items():
        document = _new_document(spec)
        builders[form_id](document, spec)
        path = folder / spec.file_name
        path.write_bytes(
            layout.stable_zip(layout.to_bytes(document))
        )  # shipped files, not personal data
        path.chmod(layout.TEMPLATE_MODE)
        paths.append(path)
    return paths


def _new_document(spec: forms.FormSpec) -> DocxDocument:
    document = docx.Document()
    props = document.core_properties
    props.title = spec.heading
    props.author = props.last_modified_by = "fravaer-tui"
    props.created = props.modified = layout.FIXED_TIME
    props.revision = 1
    props.comments = ""

    section = layout.set_up_page(document)
    section.header.paragraphs[0].text = f"{{{{skole}}}}\t{layout.CONFIDENTIAL}"
    footer = section.footer.paragraphs[0]
    who = ", ".join(f"{{{{{name}}}}}" for name in spec.footer)
    footer.text = f"{spec.label} – {who}\tSide "
    layout.append_page_field(footer)

    layout.heading(document, spec.heading, 1)
    return document


def _build_v1(document: DocxDocument, spec: forms.FormSpec) -> None:
    document.add_paragraph("Målet med kartlegging er å avklare vanskene til eleven.")
    _guidance_list(document, "Rammer for en god samtale:", _RAMMER)
    _guidance_list(document, "Samtalens start:", _START)
    _guidance_list(
        document,
        "Forslag til hvordan en kan ha en samtale med elever om vanskelige tema:",
        _VANSKELIGE_TEMA,
    )
    layout.heading(document, "Sjekkliste for samtale med elev:", 2)
    _interview(document, spec)


def _build_v2(document: DocxDocument, spec: forms.FormSpec) -> None:
    layout.heading(document, "Sjekkliste for samtale med foresatt:", 2)
    _interview(document, spec)


def _interview(document: DocxDocument, spec: forms.FormSpec) -> None:
    _facts_table(document, spec.facts)
    _summary_box(document)
    _question_table(document, [(str(q.number), q, q.id) for q in spec.questions])
    layout.heading(document, "Avtalte tiltak", 2)
    layout.guidance(document.add_paragraph(), _AVTALTE_TILTAK)
    _box(document, "Tiltak – hvem har ansvaret, fra når og hvor lenge", "tiltak")
    _consents(document)


def _consents(document: DocxDocument) -> None:
    layout.heading(document, "Samtykker", 2)
    layout.guidance(document.add_paragraph(), _CONSENT_GUIDANCE)
    _box(document, "Samtykker til samarbeid med andre tjenester", "samtykker")


def _build_v3(document: DocxDocument, spec: forms.FormSpec) -> None:
    document.add_paragraph(
        "Skjema for oppfølging av fravær – kontaktlærers melding videre til skolens ledelse"
    ).runs[0].bold = True
    _facts_table(document, spec.facts)
    _summary_box(document)
    tiltak = forms.Question("tiltak", forms.V3_TILTAK_TEXT, 1)
    levert = forms.Question("", "Dette skjemaet leveres skriftlig til avdelingsleder", 2)
    rows = [("1", tiltak, "tiltak"), ("2", levert, "")]
    rows += [(str(q.number), q, q.id) for q in spec.questions]
    _question_table(document, rows)
    _consents(document)


def _build_v4(document: DocxDocument, spec: forms.FormSpec) -> None:
    document.add_paragraph(_V4_INTRO)
    _facts_table(document, spec.facts)
    for text in _V4_TEXT:
        document.add_paragraph(text)
    by_section: dict[str, list[forms.Question]] = {}
    for q in spec.questions:
        by_section.setdefault(q.section, []).append(q)
    texts = {
        forms.PLAN_B: _PLAN_B_TEXT,
        forms.PLAN_C: _PLAN_C_TEXT,
        "Evaluering": (_V4_EVALUERING,),
    }
    for section, questions in by_section.items():
        layout.heading(document, section, 2)
        for text in texts.get(section, ()):
            document.add_paragraph(text)
        _facts_table(document, [(q.text, q.id) for q in questions])
    _consents(document)


def _build_samarbeidsavtale(document: DocxDocument, spec: forms.FormSpec) -> None:
    """Hole: SAMARBEIDSAVTALE/TILTAK and EVALUERING, the seed's words as guidance."""
    document.add_paragraph(forms.SA_INTRO)
    _facts_table(document, spec.facts)
    _summary_box(document)
    by_id = {q.id: q for q in spec.questions}
    _question_table(document, [("1", by_id["sa_kartlegging"], "sa_kartlegging")])
    layout.heading(document, "Tiltak de neste ukene", 2)
    layout.guidance(document.add_paragraph(), forms.SA_TILTAK)
    _box(document, "Tiltak – hvem har ansvaret (skole eller hjem), fra når og hvor lenge", "tiltak")
    _question_table(
        document,
        [(str(q.number), q, q.id) for q in (by_id["sa_oppfolging"], by_id["sa_plan_b"])],
    )
    _consents(document)
    layout.heading(document, "Evaluering", 2)
    document.add_paragraph(forms.SA_EVALUERING)
    _facts_table(document, [("Dato for evalueringsmøtet", forms.SA_EVALUATION_DATE)])


def _build_pedagogisk_rapport(document: DocxDocument, spec: forms.FormSpec) -> None:
    """Hole: «Dersom eleven skal henvises til PPT ... pedagogisk rapport»."""
    document.add_paragraph(forms.PR_INTRO)
    _facts_table(document, spec.facts)
    _summary_box(document)
    by_id = {q.id: q for q in spec.questions}
    _question_table(document, [("1", by_id["pr_utbytte"], "pr_utbytte")])
    layout.heading(document, "Tiltak som er prøvd ut", 2)
    _box(document, "Tiltak – hvem har hatt ansvaret, fra når og hvor lenge", "tiltak")
    _box(document, "Evalueringer av tiltakene", "evalueringer")
    _question_table(document, [("2", by_id["pr_tiltak_vurdering"], "pr_tiltak_vurdering")])
    layout.heading(document, "Saksgang, avtaler og referater", 2)
    layout.guidance(document.add_paragraph(), forms.PR_VEDLEGG)
    _box(document, "Trinn i oppfølgingen (dato, hva, hvem)", "saksgang")
    _question_table(document, [("3", by_id["pr_referater"], "pr_referater")])
    _consents(document)


def _guidance_list(document: DocxDocument, title: str, items: Sequence[str]) -> None:
    layout.heading(document, title, 2)
    for item in items:
        layout.styled(document.add_paragraph(item), layout.LIST_BULLET)


def _facts_table(document: DocxDocument, facts: Sequence[tuple[str, str]]) -> Table:
    table = layout.table(document, rows=len(facts), widths=(6.0, layout.TEXT_WIDTH_CM - 6.0))
    for row, (label, name) in zip(table.rows, facts, strict=True):
        layout.label(row.cells[0], label)
        row.cells[1].paragraphs[0].text = f"{{{{{name}}}}}"
        layout.min_height(row, 0.7)
    document.add_paragraph()
    return table


def _summary_box(document: DocxDocument) -> None:
    _box(
        document,
        "Omfanget av fraværet (gi en konkret tilbakemelding om omfanget av fraværet)",
        "fravaer_sammendrag",
    )


def _box(document: DocxDocument, label: str, name: str) -> None:
    table = layout.table(document, rows=2, widths=(layout.TEXT_WIDTH_CM,))
    layout.label(table.rows[0].cells[0], label)
    table.rows[1].cells[0].paragraphs[0].text = f"{{{{{name}}}}}"
    layout.min_height(table.rows[1], 2.0)
    document.add_paragraph()


def _question_table(
    document: DocxDocument, rows: Sequence[tuple[str, forms.Question, str]]
) -> None:
    """Nr. | Spørsmål (with guidance) | Svar; an empty answer name merges the row's last cells."""
    table = layout.table(document, rows=len(rows) + 1, widths=(1.2, 7.3, 8.5))
    for cell, text in zip(table.rows[0].cells, ("Nr.", "Spørsmål", "Svar"), strict=True):
        layout.label(cell, text)
    layout.repeat_as_header(table.rows[0])
    for row, (number, question, answer) in zip(table.rows[1:], rows, strict=True):
        nr, asked, answered = row.cells
        nr.paragraphs[0].text = number
        asked.paragraphs[0].text = question.text
        for line in question.guidance:
            layout.guidance(layout.styled(asked.add_paragraph(), layout.LIST_BULLET), line)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if answer:
            answered.paragraphs[0].text = f"{{{{{answer}}}}}"
            layout.min_height(row, 1.5)
        else:
            asked.merge(answered)
    document.add_paragraph()
