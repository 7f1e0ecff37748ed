"""The forms and the year-end report, filled from the school's data and filed in the elevmappe.

The forms are the profile's (issue 13: «A profile names the forms it uses; Hole schools are
not offered Strand's»): Strand's Vedlegg 1–4 by number, Hole's Samarbeidsavtale and
Pedagogisk rapport by name (`export vedlegg samarbeidsavtale`).

App services (DESIGN, Architecture): no textual and no docx here; `documents` writes the files.

Where the files go (issue 5, point 4):

    <elevmappe root>/<skoleår>/<klasse>/<etternavn> <fornavn> (<elev_id>)/
        2026-11-20 Vedlegg 1 Kartleggingssamtale med elev.docx
        2026-11-20 Vedlegg 1 Kartleggingssamtale med elev (2).docx    exported again that day
        2026-11-20 Fraværsrapport 2026-2027.docx
    <elevmappe root>/<skoleår>/<klasse>/2026-11-20 Fraværsrapport 2026-2027 8A.csv

- The root is `elevmapper` in skole.toml (relative to the data folder), else <data>/elevmapper.
- Folders the export creates are 0700, files 0600. Names keep æøå, hyphens and apostrophes;
  only `/` and control characters (NUL among them) are taken out.
- An export never overwrites. The name is reserved with O_CREAT|O_EXCL before the document is
  written into it, so two processes exporting the same second get two names, never one file.

Templates: a school's own restyled copy in <data>/maler/<file name> (e.g.
`maler/vedlegg1_kartlegging_elev.docx`) wins over the shipped one, file by file, so a restyled
template survives an upgrade. The shipped templates are in the installed package
(`fravaer_tui/templates/`, put there by the wheel build) or, in a source checkout or an
editable install, in `<repo>/templates/`.

Vedlegg 3 goes to ledelsen with the student's initials only (Strand, Vedlegg 3). Besides
leaving the name fields out (`FormSpec.values_for`), the text typed in the app is cleaned
for that form: the student's and the foresatte's names become initials.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from fravaer_tui.application.school import School, check_window_start, years_between
from fravaer_tui.application.session import Session
from fravaer_tui.documents.forms import (
    ALL_FORMS,
    EVALUATION_DATE,
    FORMS,
    SA_EVALUATION_DATE,
    FormSpec,
    form_spec,
    initialer,
    tiltak_text,
)
from fravaer_tui.documents.forms import Tiltak as FormTiltak
from fravaer_tui.domain import analysis, consent, followup
from fravaer_tui.domain.followup import Case, StepRecord
from fravaer_tui.domain.formats import count, count_unit
from fravaer_tui.domain.model import Melding, Registration, Staff, Student
from fravaer_tui.domain.profiles import Profile, ProfileError, load_profile
from fravaer_tui.domain.rules import check
from fravaer_tui.domain.schoolcalendar import (
    format_date,
    format_number,
    school_year_name,
    semester_bounds,
)
from fravaer_tui.domain.validate import check_text
from fravaer_tui.domain.yearreport import YearReport, class_reports, format_csv, year_report
from fravaer_tui.errors import UserError
from fravaer_tui.store.files import ensure_dir

if TYPE_CHECKING:
    from fravaer_tui.documents.filling import FillReport

DIR_MODE = 0o700
FILE_MODE = 0o600
SCHOOL_TEMPLATES = "maler"  # <data>/maler/: the school's restyled templates
DEFAULT_ELEVMAPPER = "elevmapper"
MAX_VERSIONS = 999

# The readable part of each file name, after the date and «Vedlegg N».
VEDLEGG_NAMES: dict[int, str] = {
    1: "Kartleggingssamtale med elev",
    2: "Kartleggingssamtale med foresatte",
    3: "Oppfølging av fravær til ledelsen",
    4: "Skolenærværsplan",
}

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

_NOT_IN_NAMES = re.compile(r"[/\x00-\x1f\x7f]")


# ---------------------------------------------------------------------------
# Where things are


def templates_dir() -> Path:
    """The shipped templates: inside the installed package, else the source checkout's."""
    here = Path(__file__).resolve().parents[1]  # the fravaer_tui package
    for folder in (here / "templates", here.parent / "templates"):
        if (folder / FORMS[1].file_name).is_file():
            return folder
    raise UserError(
        f"Fant ikke malene for vedleggene (lette i {here / 'templates'} og "
        f"{here.parent / 'templates'}). Installer fravaer-tui på nytt, eller bygg malene "
        "med python tools/build_templates.py."
    )


def template_path(school: School, nr: int | str, templates: Path | None = None) -> Path:
    """Form `nr`'s template: from `templates` if given, else the school's own, else shipped."""
    spec = _spec(nr)
    name = spec.file_name
    if templates is not None:
        path = Path(templates) / name
        if not path.is_file():
            raise UserError(f"Fant ikke malen for {spec.label.lower()}: {path} finnes ikke.")
        return path
    own = school.store.root / SCHOOL_TEMPLATES / name
    return own if own.is_file() else templates_dir() / name


def elevmappe_root(school: School) -> Path:
    """`elevmapper` from skole.toml (relative to the data folder), else <data>/elevmapper."""
    configured = school.config.elevmapper.strip()
    if not configured:
        return school.store.root / DEFAULT_ELEVMAPPER
    return school.store.root / Path(configured).expanduser()


def safe_name(text: str) -> str:
    """A name as one path component: æøå, hyphens and apostrophes stay; `/` and control
    characters go; an empty name or `.`/`..` becomes `_`."""
    cleaned = " ".join(_NOT_IN_NAMES.sub("", text).split())
    return "_" if cleaned in ("", ".", "..") else cleaned


def student_folder_name(student: Student) -> str:
    return safe_name(f"{student.etternavn} {student.fornavn} ({student.id})")


def class_folder(school: School, klasse: str, skoleaar: str) -> Path:
    """<root>/<skoleår>/<klasse>/, created 0700 where missing."""
    folder = elevmappe_root(school) / safe_name(skoleaar) / safe_name(klasse)
    return make_private_dirs(folder, _checked_from(school))


def student_folder(school: School, student: Student, skoleaar: str) -> Path:
    """<root>/<skoleår>/<klasse>/<etternavn> <fornavn> (<elev_id>)/, created 0700 where missing."""
    folder = class_folder(school, student.klasse, skoleaar) / student_folder_name(student)
    return make_private_dirs(folder, _checked_from(school))


def _checked_from(school: School) -> Path:
    """Where the no-links check starts: the data folder when the elevmappe is inside it
    (the default), else the configured elevmappe root itself (the school's own choice)."""
    root = elevmappe_root(school)
    return school.store.root if school.store.root in root.parents else root


def make_private_dirs(folder: Path, base: Path) -> Path:
    """Create `folder` (inside `base`, the elevmappe root) and any missing folders on the
    way as 0700; a link or a foreign-owned folder on the way is refused, never followed."""
    try:
        if not base.is_dir():
            base.mkdir(parents=True, mode=DIR_MODE)
            os.chmod(base, DIR_MODE)
        ensure_dir(base, folder, DIR_MODE)
    except FileExistsError:
        raise UserError(f"Kan ikke lage mappen {base}: det finnes en fil med det navnet.") from None
    except NotADirectoryError:
        raise UserError(f"Kan ikke lage mappen {folder}: en del av stien er en fil.") from None
    except OSError as exc:
        raise UserError(f"Kunne ikke lage mappen {folder}: {exc.strerror}.") from None
    return folder


def reserve_file(folder: Path, stem: str, suffix: str) -> Path:
    """A new, empty 0600 file `<stem><suffix>`, or `<stem> (2)<suffix>`, … if taken.

    O_CREAT|O_EXCL makes taking a name atomic: of two processes wanting the same name,
    one gets it and the other moves on to the next.
    """
    stem = safe_name(stem)
    for n in range(1, MAX_VERSIONS + 1):
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem} ({n}){suffix}")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            continue
        except OSError as exc:
            raise UserError(f"Kunne ikke lage filen {path}: {exc.strerror}.") from None
        os.close(fd)
        return path
    raise UserError(f"{folder} har allerede {MAX_VERSIONS} versjoner av «{stem}{suffix}».")


def _write_reserved(path: Path, write: Callable[[], object]) -> None:
    """Run `write()` to fill a reserved file; on failure the empty reservation goes away."""
    try:
        write()
    except BaseException:
        path.unlink(missing_ok=True)
        raise


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


def student_case(session: Session, student: Student, dato: dt.date) -> Case | None:
    """The student's case in `dato`'s school year: the newest open one, else the newest."""
    cases = [c for c in session.cases(dato, student.klasse) if c.elev == student.id]
    open_cases = [c for c in cases if c.is_open]
    return (open_cases or cases or [None])[0]


def _student_data(
    school: School, student: Student, fra: dt.date, til: dt.date
) -> tuple[list[Registration], list[Melding]]:
    """The student's class files for every school year fra–til touches (not the whole school)."""
    regs: list[Registration] = []
    meldinger: list[Melding] = []
    for year in years_between(fra, til):
        data = school.store.load_class(year, student.klasse)
        regs.extend(r for r in data.registrations if fra <= r.dato <= til)
        meldinger.extend(m for m in data.meldinger if m.elev == student.id)
    return regs, meldinger


def _window(profile: Profile, regel: str) -> str:
    rule = profile.rule(regel)
    if rule is None or rule.maaneder is None:
        return "i semesteret"
    return "siste måned" if rule.maaneder == 1 else f"siste {rule.maaneder} måneder"


def absence_summary(school: School, student: Student, dato: dt.date) -> str:
    """«Gi en konkret tilbakemelding om omfanget av fraværet»: the semester up to `dato`
    in plain bokmål, and the profile's rules the student has crossed."""
    fra, _ = semester_bounds(dato)
    profile = school.profile
    regs, meldinger = _student_data(school, student, check_window_start(profile, dato), dato)
    roster, calendar = school.roster, school.calendar
    totals = analysis.totals(student.id, student.klasse, roster, calendar, regs, fra, dato)
    semester = "Høstsemesteret" if dato.month >= 8 else "Vårsemesteret"
    period = f"{semester} {dato.year} ({format_date(fra)}–{format_date(dato)})"
    lines = []
    if not totals.absent and not totals.lates:
        lines.append(f"{period}: ingen fravær eller forsentkomming er ført.")
    else:
        lines.append(
            f"{period}: fravær i {totals.absent} av {totals.held} undervisningstimer "
            f"({format_number(totals.prosent, 1)} %), til sammen "
            f"{count(totals.days, 'fraværsdag', 'fraværsdager')}."
        )
        lines.append(
            f"Det er {count(totals.whole_days, 'hel dag', 'hele dager')} og "
            f"{count(totals.hours, 'time', 'timer')} (à 60 minutter) fravær fra enkelttimer "
            "på andre dager."
        )
        if totals.lates:
            late = (
                f"Kom for sent {count(totals.lates, 'gang', 'ganger')} "
                f"(til sammen {totals.late_minutes} minutter)."
            )
        else:
            late = "Ingen forsentkomming."
        if totals.forlot:
            left = (
                "Møtte opp, men forlot skolen eller timen i "
                f"{count(totals.forlot, 'time', 'timer')}."
            )
        else:
            left = "Har ikke forlatt skolen eller timen etter å ha møtt opp."
        lines.append(f"{late} {left}")
    result = check(roster, calendar, regs, meldinger, profile, dato, elever=[student.id])
    alerts = result.alerts_for(student.id)
    if alerts:
        parts = []
        for alert in alerts:
            amount = count_unit(alert.antall, alert.enhet)
            parts.append(
                f"{alert.tittel}: {amount} {_window(profile, alert.regel)} "
                f"(terskel {format_number(alert.terskel)}), gjelder fra {format_date(alert.forst)}"
            )
        lines.append(f"Varsler etter regelprofilen ({profile.navn}): " + "; ".join(parts) + ".")
    else:
        lines.append(f"Ingen av tersklene i regelprofilen ({profile.navn}) er passert.")
    return "\n".join(lines)


def _staff_name(school: School, who: str) -> str:
    staff = school.roster.staff_member(who)
    return staff.navn if staff is not None else who


def _weeks(uker: int) -> str:
    return "1 uke" if uker == 1 else f"{uker} uker"


def case_tiltak(school: School, case: Case | None) -> str:
    """The case's tiltak, one line each: what, who, from when and for how long."""
    if case is None:
        return ""
    return tiltak_text(
        [
            FormTiltak(
                hva=t.hva,
                hvem=_staff_name(school, t.hvem),
                fra=format_date(t.fra),
                varighet=f"{_weeks(t.uker)}, til {format_date(t.til)}",
            )
            for t in case.tiltak
        ]
    )


def _profile_of(school: School, case: Case | None) -> Profile:
    if case is None or case.profil == school.profile.id:
        return school.profile
    try:
        return load_profile(case.profil, school.store.root)
    except ProfileError:
        return school.profile


def evaluation_date(school: School, student: Student, case: Case | None, dato: dt.date) -> str:
    """The next evaluation step's date (a step that takes place `etter` its time) from the
    staircase; if the plan it counts from is not recorded yet, as if it were made on `dato`."""
    profile = _profile_of(school, case)
    calendar = school.calendar
    if case is None:
        case = Case(
            id="",
            elev=student.id,
            klasse=student.klasse,
            profil=profile.id,
            regel="",
            varsel_dato=dato,
            opprettet=dato,
            av="",
        )
    for state in followup.staircase(case, profile, calendar, dato):
        if state.step.naar != "etter" or state.record is not None:
            continue
        if state.frist is not None:
            return format_date(state.frist)
        base = state.step.etter
        if base == "varsel" or case.record(base) is not None:
            return ""
        assumed = replace(case, steps=(*case.steps, StepRecord(base, dato, "")))
        frist = followup.deadline(assumed, state.step, profile, calendar)
        return format_date(frist) if frist is not None else ""
    return ""


def case_consents(session: Session, student: Student, dato: dt.date) -> str:
    """The student's consents up to `dato`, one a line, without who gave them by name."""
    return consent.document_lines(session.consents(student.id, dato), dato, names=False)


def case_evaluations(school: School, case: Case | None) -> str:
    """Each evaluation recorded: when, what it decided, and the effect in plain words."""
    if case is None:
        return ""
    profile = _profile_of(school, case)
    steps = {s.id: s for s in profile.steps}
    lines = []
    for record in case.steps:
        step = steps.get(record.step)
        if step is None or (step.naar != "etter" and record.effect is None):
            continue
        line = f"{format_date(record.dato)} {step.tittel}"
        outcome = step.outcome(record.utfall) if record.utfall else None
        if outcome is not None:
            line += f": {outcome.tittel}"
        if record.effect is not None:
            line += f". {record.effect.sentence()}"
        lines.append(line)
    return "\n".join(lines)


def case_history(school: School, case: Case | None) -> str:
    """The steps taken, oldest first: date, step, who; who took part in a meeting."""
    if case is None:
        return ""
    profile = _profile_of(school, case)
    titles = {s.id: s.tittel for s in profile.steps}
    lines = []
    for record in case.steps:
        line = (
            f"{format_date(record.dato)} {titles.get(record.step, record.step)} "
            f"({_staff_name(school, record.av)})"
        )
        if record.deltakere:
            line += f"; til stede: {'; '.join(record.deltakere)}"
        lines.append(line)
    return "\n".join(lines)


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
    return values


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


# ---------------------------------------------------------------------------
# Exports


def _target_folder(out: Path | None, default: Callable[[], Path]) -> Path:
    return make_private_dirs(Path(out), Path(out)) if out is not None else default()


def _stem(base: str, student: Student, out: Path | None, initials_only: bool = False) -> str:
    """In the student's own folder the name is known; in an `out` folder shared by many
    students the file name says whose it is (Vedlegg 3: initials and id only)."""
    if out is None:
        return base
    if initials_only:
        return f"{base} – {initialer(student.navn)} ({student.id})"
    return f"{base} – {student_folder_name(student)}"


def _spec(nr: int | str) -> FormSpec:
    spec = form_spec(nr)
    if spec is None:
        known = ", ".join(ALL_FORMS)
        raise UserError(f"Skjemaet «{nr}» finnes ikke: velg et av {known}.")
    return spec


def profile_forms(school: School) -> list[FormSpec]:
    """The forms the school's profile uses, in its order (issue 13)."""
    return [ALL_FORMS[f] for f in school.profile.skjema if f in ALL_FORMS]


def _require_profile_form(school: School, spec: FormSpec) -> None:
    """«Hole schools are not offered Strand's» (issue 13), nor the other way round."""
    if spec.id not in school.profile.skjema:
        offered = ", ".join(ALL_FORMS[f].label.lower() for f in school.profile.skjema) or "ingen"
        raise UserError(
            f"Regelprofilen «{school.profile.navn}» bruker ikke {spec.label.lower()}. "
            f"Skjemaene i profilen er: {offered}."
        )


def fill_fields(
    session: Session,
    elev: str,
    nr: int | str,
    values: Mapping[str, str],
    dato: dt.date,
    now: dt.datetime,
) -> Case:
    """Type a form's fields into the student's open case (what the TUI's form screen
    saves): Vedlegg 1–2's answers to `svar`, every other form's fields to `felt`."""
    spec = _spec(nr)
    _require_profile_form(session.school, spec)
    case = session.open_case_of(elev, dato)
    if case is None:
        raise UserError(
            f"Eleven «{elev}» har ingen åpen sak. Åpne en med fravaer case open --student {elev}"
        )
    allowed = [q.id for q in spec.typed]
    checked = {}
    for key, value in values.items():
        if key not in allowed:
            raise UserError(
                f"{spec.label} har ikke feltet «{key}». Feltene som skrives inn: "
                f"{', '.join(allowed)}."
            )
        try:
            checked[key] = check_text(value.strip(), f"feltet {key}")
        except ValueError as exc:
            raise UserError(f"{exc}.") from None
    target = "svar" if spec.id in ("1", "2") else "felt"
    return session.set_fields(case, checked, dato, now, target)


def export_vedlegg(
    school: School,
    user: Staff | Session,
    elev: Student | str,
    nr: int | str,
    dato: dt.date,
    out: Path | None = None,
    *,
    case: Case | None = None,
    now: dt.datetime,
    templates: Path | None = None,
) -> tuple[Path, FillReport]:
    """Fill form `nr` (1–4, or a form's name) for the student and file it; returns where it
    went and the report. Only the forms of the school's profile are offered.

    `case`: the case to fill from (default: the student's newest open case that school
    year). `out`: a folder instead of the student's elevmappe. `templates`: a folder with
    the templates instead of the school's or the shipped ones. A template with
    placeholders the app does not know is still filled; `FillReport.unknown` lists them.
    """
    spec = _spec(nr)
    _require_profile_form(school, spec)
    session = _session(school, user)
    student = _student(school, elev)
    _require_access(session, student.klasse)
    template = template_path(school, nr, templates)
    if case is None:
        case = student_case(session, student, dato)
    chosen = form_values(nr, vedlegg_values(school, session, student, case, dato), student)
    folder = _target_folder(out, lambda: student_folder(school, student, school_year_name(dato)))
    if spec.number:
        base = f"{dato:%Y-%m-%d} Vedlegg {spec.number} {VEDLEGG_NAMES[spec.number]}"
    else:
        base = f"{dato:%Y-%m-%d} {spec.title}"
    target = reserve_file(folder, _stem(base, student, out, initials_only=spec.id == "3"), ".docx")
    from fravaer_tui.documents.filling import render_template  # docx only when exporting

    payload, report = render_template(template, chosen)
    _write_reserved(target, lambda: _write_file(target, payload))
    report = replace(report, path=target)
    entry: dict[str, object] = {
        "hva": "eksport",
        "av": session.user.id,
        "elev": student.id,
        "vedlegg": spec.number or spec.id,
        "fil": str(target),
        "mal": str(template),
    }
    if case is not None:
        entry["sak"] = case.id
    if report.unknown:
        entry["ukjente_felt"] = list(report.unknown)
    school.store.log.append([entry], now)
    return target, report


def fill_warning(report: FillReport, template: Path | None = None) -> str:
    """A Norwegian warning for a filled document with fields the app did not know, or ''."""
    parts = []
    if report.unknown:
        names = ", ".join(f"{{{{{name}}}}}" for name in report.unknown)
        parts.append(f"malen har felt programmet ikke kjenner: {names}. De står igjen i dokumentet")
    if report.malformed:
        shown = "; ".join(f"«{text}»" for text in report.malformed[:3])
        parts.append(f"malen har ufullstendige felt ({shown})")
    if not parts:
        return ""
    where = f" (mal: {template})" if template is not None else ""
    return (
        f"Advarsel for {report.path.name}{where}: "
        + "; ".join(parts)
        + ". Rett malen i Word, eller fyll ut feltene for hånd."
    )


def _step_lines(school: School, cases: Sequence[Case]) -> list[str]:
    """«16.11.2026 Kontakt med foresatte (Ola Lærer)» for each recorded step, oldest first."""
    found = []
    for case in cases:
        profile = _profile_of(school, case)
        titles = {s.id: s.tittel for s in profile.steps}
        for record in case.steps:
            title = titles.get(record.step, record.step)
            text = f"{format_date(record.dato)} {title} ({_staff_name(school, record.av)})"
            found.append((record.dato, text))
    return [text for _, text in sorted(found)]


def export_report(
    school: School,
    user: Staff | Session,
    elev: Student | str | None = None,
    klasse: str | None = None,
    *,
    dato: dt.date,
    out: Path | None = None,
    now: dt.datetime,
) -> list[Path]:
    """The year-end absence report for one student or a whole class, counted up to `dato`.

    One .docx per student into the student's elevmappe folder (or `out`), and one CSV for
    Excel with every student's row into the class folder (or `out`). Returns the paths,
    the documents first and the CSV last.
    """
    from fravaer_tui.documents.report import year_report_bytes  # docx only when exporting
    from fravaer_tui.domain.csvio import excel_bytes  # only when needed: csvio is large

    if (elev is None) == (klasse is None):
        raise UserError("Velg enten én elev (--student) eller én klasse (--class).")
    session = _session(school, user)
    skoleaar = school_year_name(dato)
    if elev is not None:
        student = _student(school, elev)
        klasse = student.klasse
        students = [student]
    else:
        assert klasse is not None
        if klasse not in school.roster.classes:
            known = ", ".join(school.roster.classes) or "ingen"
            raise UserError(f"Ukjent klasse «{klasse}». Klassene er: {known}.")
        students = school.roster.students_in(klasse)
    _require_access(session, klasse)
    data = school.store.load_class(skoleaar, klasse)
    cases = session.cases(dato, klasse)
    steps = {s.id: _step_lines(school, [c for c in cases if c.elev == s.id]) for s in students}
    roster, calendar = school.roster, school.calendar
    if elev is not None:
        reports: list[YearReport] = [
            year_report(
                students[0],
                roster,
                calendar,
                data.registrations,
                data.meldinger,
                skoleaar,
                dato,
                steps[students[0].id],
            )
        ]
    else:
        reports = class_reports(
            klasse, roster, calendar, data.registrations, data.meldinger, skoleaar, dato, steps
        )
    by_id = {s.id: s for s in students}
    paths: list[Path] = []
    entries: list[dict[str, object]] = []
    who = session.user.id
    for report in reports:
        student = by_id[report.elev]
        folder = _target_folder(out, lambda s=student: student_folder(school, s, skoleaar))
        base = f"{dato:%Y-%m-%d} Fraværsrapport {skoleaar}"
        target = reserve_file(folder, _stem(base, student, out), ".docx")
        document = year_report_bytes(report, school.config.navn)
        _write_reserved(target, lambda d=document, t=target: _write_file(t, d))
        paths.append(target)
        entries.append(
            {
                "hva": "eksport",
                "av": who,
                "elev": report.elev,
                "rapport": skoleaar,
                "fil": str(target),
            }
        )
    subject = student_folder_name(students[0]) if elev is not None else klasse
    folder = _target_folder(out, lambda: class_folder(school, klasse, skoleaar))
    target = reserve_file(folder, f"{dato:%Y-%m-%d} Fraværsrapport {skoleaar} {subject}", ".csv")
    payload = excel_bytes(format_csv(reports))
    _write_reserved(target, lambda: _write_file(target, payload))
    paths.append(target)
    entries.append(
        {"hva": "eksport", "av": who, "klasse": klasse, "rapport": skoleaar, "fil": str(target)}
    )
    if elev is not None:
        entries[-1]["elev"] = students[0].id
    school.store.log.append(entries, now)
    return paths


def _write_file(path: Path, payload: bytes) -> None:
    """Write into a reserved (empty, 0600) file and sync it."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
