"""The forms as data: their questions, guidance, placeholders and tiltak lines.

Strand's Vedlegg 1–4 (seed `strand_skolenaervaersplan.txt`) by number in `FORMS`; Hole's
Samarbeidsavtale and Pedagogisk rapport (seed `hole_alvorlig_skolefravaer.txt`,
SAMARBEIDSAVTALE/TILTAK, EVALUERING and «Kartlegge, tiltak og evaluere»; issue 13) by name
in `HOLE_FORMS`; every form by its id («1»–«4», «samarbeidsavtale», «pedagogisk_rapport»)
in `ALL_FORMS`. Pure: no python-docx here, so the TUI can show the questions without
loading Word's libraries. Over 400 lines because it is the forms' text, quoted from the seeds."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


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
    consents: bool = False  # has {{samtykker}} (issue 13: «documents list the consents»)
    form_id: str = ""  # a form without a number (Hole's): its id; numbered ones use it
    computed: tuple[str, ...] = ()  # other values the app fills in (evalueringer, saksgang)

    @property
    def id(self) -> str:
        """«1»–«4» for Strand's vedlegg, the name for the others."""
        return self.form_id or str(self.number)

    @property
    def label(self) -> str:
        """«Vedlegg 1» or «Samarbeidsavtale»: what the form is called in a sentence."""
        return f"Vedlegg {self.number}" if self.number else self.title

    @property
    def heading(self) -> str:
        return f"Vedlegg {self.number}: {self.title}" if self.number else self.title

    @property
    def placeholders(self) -> frozenset[str]:
        names = {"skole", *self.footer, *(name for _, name in self.facts)}
        names.update(q.id for q in self.questions)
        names.update(self.computed)
        if self.summary:
            names.add("fravaer_sammendrag")
        if self.tiltak:
            names.add("tiltak")
        if self.consents:
            names.add("samtykker")
        return frozenset(names)

    @property
    def typed(self) -> tuple[Question, ...]:
        """The questions people answer in the app (saved in the case)."""
        return self.questions

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

V3_TILTAK_TEXT = (
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

PLAN_A = "Plan A: Tilbake til skolen"
PLAN_B = "Plan B: Dersom eleven har problemer med å møte til skolestart"
PLAN_C = "Plan C: Dersom eleven ikke kommer på skolen"
_V4_QUESTIONS = (
    Question("plan_a_sted", "Sted", section=PLAN_A),
    Question("plan_a_tid", "Tid", section=PLAN_A),
    Question("plan_a_motes_av", "Møtes av", section=PLAN_A),
    Question("plan_a_folger_klassen", "Eller følger klassen inn", section=PLAN_A),
    Question("plan_a_timer", "Eleven skal være til stede i (antall timer):", section=PLAN_A),
    Question("plan_a_lunsj", "Spiser lunsj med klassen:", section=PLAN_A),
    Question("plan_a_ansvar_plan", "Ansvar for gjennomgang plan for dag / uke:", section=PLAN_A),
    Question(
        "plan_a_ansvar_evaluering",
        "Ansvarlig for evaluering av dag / uke og kontakt med foresatte:",
        section=PLAN_A,
    ),
    Question("plan_b_avtaler", "Andre avtaler:", section=PLAN_B),
    Question("plan_c_avtaler", "Andre avtaler:", section=PLAN_C),
    Question("plan_evalueringsdato", "Dato for evaluering:", section="Evaluering"),
)

INTERVIEW_FACTS = (
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
        (*INTERVIEW_FACTS, ("Foresatte", "foresatte")),
        _V1_QUESTIONS,
        summary=True,
        tiltak=True,
        footer=("elev_navn", "klasse"),
        consents=True,
    ),
    2: FormSpec(
        2,
        "Kartleggingssamtale med foresatte",
        "vedlegg2_kartlegging_foresatte.docx",
        (*INTERVIEW_FACTS, ("Foresattes navn", "foresatte")),
        _V2_QUESTIONS,
        summary=True,
        tiltak=True,
        footer=("elev_navn", "klasse"),
        consents=True,
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
        consents=True,
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
        consents=True,
    ),
}

# --- Hole's forms (issue 13) ------------------------------------------------------------------
# Built from the seed's text the way Vedlegg 1–4 were from Strand's: the words of the
# routine as guidance, a field for each thing it asks to be written down.

SA_INTRO = (
    "Skolen kaller inn eleven og foreldrene til et møte. Møtet og kartleggingen skal munne "
    "ut i en samarbeidsavtale eller en liste med konkrete tiltakspunkter som skriftliggjøres "
    "i referatet som alle tar med seg fra møtet."
)
SA_TILTAK = (
    "Avtalen skal ha en oversikt over hvilke tiltak som skal gjøres de neste ukene, og en "
    "ansvarsfordeling av disse. Det er viktig med tiltak både på skolen og hjemme."
)
SA_EVALUERING = (
    "Samarbeidsavtalen og tiltakene skal evalueres og det skal avtales et møte mot slutten "
    "av perioden. Noen ganger vil det være behov for å evaluere avtalen underveis, "
    "eksempelvis ukentlig. I evalueringsmøtet skal effekten av tiltakene vurderes. "
    "Evaluering etter tre uker."
)
SA_EVALUATION_DATE = "sa_evalueringsdato"
EVALUATION_DATE = "plan_evalueringsdato"  # Vedlegg 4's, from the staircase unless typed
_SA_QUESTIONS = (
    Question(
        "sa_kartlegging",
        "Kartlegging av situasjonen",
        1,
        ("Kartlegging av situasjonen i søken om det er et mønster eller grunner til fraværet.",),
    ),
    Question(
        "sa_oppfolging",
        "Oppfølging i perioden",
        2,
        ("Det kan ofte være behov for svært tett oppfølging denne perioden.",),
    ),
    Question(
        "sa_plan_b",
        "Plan B",
        3,
        ("Hva som skal gjøres hvis tiltakene raskt viser seg ikke å virke.",),
    ),
)
PR_INTRO = (
    "Dersom eleven skal henvises til PPT, må skolen vurdere elevens utbytte av "
    "opplæringstilbudet og utarbeide en pedagogisk rapport der tiltakene som har vært prøvd "
    "ut beskrives."
)
PR_VEDLEGG = (
    "I henvisning skal skriftlige avtaler, referat fra allerede utførte tiltak og "
    "samarbeidsmøter vedlegges. Elever henvist for fravær prioriteres som hastesak i inntaket "
    "hos PPT."
)
_PR_QUESTIONS = (
    Question(
        "pr_utbytte",
        "Elevens utbytte av opplæringstilbudet",
        1,
        ("Skolen må vurdere elevens utbytte av opplæringstilbudet.",),
    ),
    Question(
        "pr_tiltak_vurdering",
        "Hvordan tiltakene som er prøvd ut har virket",
        2,
        ("Tiltakene som har vært prøvd ut beskrives.",),
    ),
    Question(
        "pr_referater",
        "Skriftlige avtaler og referater som legges ved",
        3,
        ("Skriftlige avtaler, referat fra allerede utførte tiltak og samarbeidsmøter vedlegges.",),
    ),
)

HOLE_FORMS: dict[str, FormSpec] = {
    "samarbeidsavtale": FormSpec(
        0,
        "Samarbeidsavtale",
        "hole_samarbeidsavtale.docx",
        (
            ("Skole", "skole"),
            ("Dato", "dato"),
            ("Elev", "elev_navn"),
            ("Klasse", "klasse"),
            ("Kontaktlærer", "kontaktlaerer"),
            ("Foresatte", "foresatte"),
            ("Til stede på møtet", "sa_deltakere"),
        ),
        (Question("sa_deltakere", "Til stede på møtet"), *_SA_QUESTIONS),
        summary=True,
        tiltak=True,
        footer=("elev_navn", "klasse"),
        consents=True,
        form_id="samarbeidsavtale",
        computed=(SA_EVALUATION_DATE,),
    ),
    "pedagogisk_rapport": FormSpec(
        0,
        "Pedagogisk rapport",
        "hole_pedagogisk_rapport.docx",
        (
            ("Til", "pr_mottaker"),
            ("Skole", "skole"),
            ("Dato", "dato"),
            ("Elev", "elev_navn"),
            ("Klasse", "klasse"),
            ("Kontaktlærer", "kontaktlaerer"),
            ("Foresatte", "foresatte"),
            ("Utarbeidet av", "utfylt_av"),
        ),
        _PR_QUESTIONS,
        summary=True,
        tiltak=True,
        footer=("elev_navn", "klasse"),
        consents=True,
        form_id="pedagogisk_rapport",
        computed=("pr_mottaker", "utfylt_av", "evalueringer", "saksgang"),
    ),
}

ALL_FORMS: dict[str, FormSpec] = {
    **{str(n): spec for n, spec in FORMS.items()},
    **HOLE_FORMS,
}


def form_spec(form_id: int | str) -> FormSpec | None:
    """A form by its id: 1–4 (or «1»–«4») for Strand's vedlegg, else its name."""
    return ALL_FORMS.get(str(form_id).strip().casefold().replace("-", "_"))


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
