"""The values of the forms: every placeholder filled from the school's data and the case,
after the one check of who may see them.

Vedlegg 3 goes to ledelsen with the student's initials only (Strand, Vedlegg 3). Besides
leaving the name fields out (`FormSpec.values_for`), the text typed in the app is cleaned
for that form: the student's and the foresatte's names become initials.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from fravaer_tui.application.casetexts import (
    absence_summary,
    case_consents,
    case_evaluations,
    case_history,
    case_tiltak,
    evaluation_date,
)
from fravaer_tui.application.school import School
from fravaer_tui.application.session import Session
from fravaer_tui.documents.forms import (
    ALL_FORMS,
    EVALUATION_DATE,
    SA_EVALUATION_DATE,
    FormSpec,
    form_spec,
    initialer,
)
from fravaer_tui.domain.followup import Case
from fravaer_tui.domain.model import Staff, Student
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.errors import UserError

# Values the app computes; typed fields in a case never replace them.
COMPUTED = frozenset(
    {
        "skole",
        "dato",
        "intervjuer",
        "elev_navn",
        "elev_initialer",
        "klasse",
        "kontaktlaerer",
        "foresatte",
        "fravaer_sammendrag",
        "tiltak",
        # issue 13: the consents, and what the pedagogisk rapport gathers from the case
        "samtykker",
        "evalueringer",
        "saksgang",
        "utfylt_av",
        "pr_mottaker",
    }
)
# Texts of the case put into the forms, where names become initials in Vedlegg 3.
CASE_TEXTS = ("tiltak", "fravaer_sammendrag", "samtykker")
PPT = "PPT (pedagogisk-psykologisk tjeneste)"

# ---------------------------------------------------------------------------
# Who may export


def _session(school: School, who: Session | Staff) -> Session:
    return who if isinstance(who, Session) else Session(school, who)


def _student(school: School, student: Student | str) -> Student:
    if isinstance(student, Student):
        return student
    found = school.roster.student(student)
    if found is None:
        raise UserError(f"Ukjent elev «{student}».")
    return found


def _require_access(session: Session, klasse: str) -> None:
    """Only the class's kontaktlærer and ledelsen see cases, reasons and answers."""
    session.require_follow_up(klasse, "dokumentene")


# ---------------------------------------------------------------------------
# The values of the forms


def _foresatte(student: Student) -> str:
    lines = []
    for f in student.foresatte:
        lines.append(f"{f.navn} (tlf. {f.telefon})" if f.telefon else f.navn)
    return "\n".join(lines)


def vedlegg_values(
    school: School,
    who: Session | Staff,
    student: Student | str,
    case: Case | None,
    dato: dt.date,
) -> dict[str, str]:
    """Every placeholder of every form with its value (empty where nothing is known yet).

    Typed fields come from the case: `svar` (answers, question id → text) and `felt`
    (ledelsens tilbakemelding, the plan's fields; `felt` wins over `svar` for the same id).
    For Vedlegg 3 pass the result through `form_values(3, …)`, never straight to the form.
    """
    session = _session(school, who)
    student = _student(school, student)
    _require_access(session, student.klasse)
    if case is not None and case.elev != student.id:
        raise UserError(f"Saken {case.id} gjelder ikke {student.navn}.")
    values = {name: "" for spec in ALL_FORMS.values() for name in spec.placeholders}
    typed = dict(case.svar) | dict(case.felt) if case is not None else {}
    values.update({k: str(v) for k, v in typed.items() if k not in COMPUTED})
    values.update(
        {
            "skole": school.config.navn,
            "dato": format_date(dato),
            "intervjuer": session.user.navn,
            "elev_navn": student.navn,
            "elev_initialer": initialer(student.navn),
            "klasse": student.klasse,
            "kontaktlaerer": ", ".join(
                s.navn for s in school.roster.kontaktlaerere(student.klasse)
            ),
            "foresatte": _foresatte(student),
            "fravaer_sammendrag": absence_summary(school, student, dato),
            "tiltak": case_tiltak(school, case),
            "samtykker": case_consents(session, student, dato),
            "evalueringer": case_evaluations(school, case),
            "saksgang": case_history(school, case),
            "utfylt_av": session.user.navn,
            "pr_mottaker": PPT,
        }
    )
    for field in (EVALUATION_DATE, SA_EVALUATION_DATE):
        if not values.get(field, "").strip():
            values[field] = evaluation_date(school, student, case, dato)
    if not values.get(MEETING_PARTICIPANTS, "").strip():
        values[MEETING_PARTICIPANTS] = meeting_participants(school, case, dato)
    return values


MEETING_PARTICIPANTS = "sa_deltakere"  # the Samarbeidsavtale's «Til stede på møtet»


def meeting_participants(school: School, case: Case | None, dato: dt.date) -> str:
    """Who was at the meeting a Samarbeidsavtale came out of, unless typed: the newest step
    with participants up to the newest agreement recorded (Hole: «Møtet og kartleggingen
    skal munne ut i en samarbeidsavtale»), so a later samarbeidsmøte does not count."""
    if case is None:
        return ""
    agreement = {s.id for s in school.profile.steps if "samarbeidsavtale" in s.vedlegg}
    steps = [r for r in case.steps if r.dato <= dato]
    made = [i for i, r in enumerate(steps) if r.step in agreement]
    if made:
        steps = steps[: made[-1] + 1]
    met = [r for r in steps if r.deltakere]
    return "; ".join(met[-1].deltakere) if met else ""


def _name_patterns(student: Student) -> list[tuple[re.Pattern[str], str]]:
    """Names to replace by initials in Vedlegg 3: the student's full name in either order,
    each foresatt's name, then the student's first and last name on their own."""
    own = initialer(student.navn)
    full = [
        student.navn,
        f"{student.etternavn}, {student.fornavn}",
        f"{student.etternavn} {student.fornavn}",
    ]
    pairs = [(name, own) for name in full]
    pairs += [(f.navn, initialer(f.navn)) for f in student.foresatte if f.navn.strip()]
    pairs += [(student.fornavn, own), (student.etternavn, own)]
    # every single given or family name on its own too ("Jakob sier …", "mor Kari ringte")
    pairs += [(part, own) for part in _name_parts(student.navn)]
    for f in student.foresatte:
        pairs += [(part, initialer(f.navn)) for part in _name_parts(f.navn)]
    return [
        (re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)", re.IGNORECASE), initials)
        for name, initials in pairs
        if name.strip()
    ]


def _name_parts(name: str) -> list[str]:
    """The words of a name that identify someone: no particles like «van», «de»."""
    return [p for p in re.split(r"[\s-]+", name) if len(p) > 2 and p.casefold() not in PARTICLES]


PARTICLES = {"van", "von", "der", "den", "del", "de", "da", "di", "la", "le", "af", "al"}


def form_values(nr: int | str, values: Mapping[str, str], student: Student) -> dict[str, str]:
    """The values form `nr` may carry. Vedlegg 3: no name field, and names typed into
    the case's text (answers, tiltak, consents, ledelsens notes) become initials."""
    chosen = _spec(nr).values_for(values)
    if _spec(nr).id != "3":
        return chosen
    patterns = _name_patterns(student)
    for key, value in chosen.items():
        if key in COMPUTED and key not in CASE_TEXTS:
            continue  # the school's and the teacher's names are no student's name
        for pattern, initials in patterns:
            value = pattern.sub(initials, value)
        chosen[key] = value
    names = [n.casefold() for n in (student.navn, *_name_parts(student.navn))]
    leaked = [
        key
        for key, value in chosen.items()
        if key not in COMPUTED or key in CASE_TEXTS
        if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", value.casefold()) for n in names)
    ]
    if leaked:  # not `assert`: this must hold with python -O too
        raise UserError(
            f"Vedlegg 3 skal bare ha elevens initialer, men feltene {', '.join(leaked)} har "
            "fortsatt navnet. Rett teksten i saken og eksporter på nytt."
        )
    return chosen


def _spec(nr: int | str) -> FormSpec:
    spec = form_spec(nr)
    if spec is None:
        known = ", ".join(ALL_FORMS)
        raise UserError(f"Skjemaet «{nr}» finnes ikke: velg et av {known}.")
    return spec
