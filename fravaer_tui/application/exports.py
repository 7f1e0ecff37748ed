"""The forms and the year-end report, filled from the school's data and filed in the elevmappe.

The forms are the profile's (issue 13: «A profile names the forms it uses; Hole schools are
not offered Strand's»): Strand's Vedlegg 1–4 by number, Hole's Samarbeidsavtale and
Pedagogisk rapport by name (`export vedlegg samarbeidsavtale`).

App services (DESIGN, Architecture): no textual and no docx here; `documents` writes the files.

The parts, one module an idea: `elevmappe` (where the files go, names taken atomically,
the templates), `casetexts` (the absence and the case in plain bokmål), `formvalues`
(who may export, every placeholder's value, initials in Vedlegg 3). This module files the
documents: a form (`export_vedlegg`), the year-end report (`export_report`), and the
fields typed into a case (`fill_fields`). The names the parts held here are still
importable from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from fravaer_tui.application.casetexts import (
    _profile_of,
    _staff_name,
    absence_summary,
    case_consents,
    case_evaluations,
    case_history,
    case_tiltak,
    evaluation_date,
    student_case,
)
from fravaer_tui.application.elevmappe import (
    DEFAULT_ELEVMAPPER,
    DIR_MODE,
    FILE_MODE,
    MAX_VERSIONS,
    SCHOOL_TEMPLATES,
    _target_folder,
    class_folder,
    elevmappe_root,
    make_private_dirs,
    safe_name,
    student_folder,
    student_folder_name,
    template_path,
    templates_dir,
    write_new_file,
)
from fravaer_tui.application.formvalues import (
    CASE_TEXTS,
    COMPUTED,
    PARTICLES,
    PPT,
    _require_access,
    _session,
    _spec,
    _student,
    form_values,
    vedlegg_values,
)
from fravaer_tui.application.school import School
from fravaer_tui.application.session import Session
from fravaer_tui.documents.forms import ALL_FORMS, FormSpec, initialer
from fravaer_tui.domain.followup import Case
from fravaer_tui.domain.model import Staff, Student
from fravaer_tui.domain.schoolcalendar import format_date, school_year_name
from fravaer_tui.domain.validate import check_text
from fravaer_tui.domain.yearreport import YearReport, class_reports, format_csv, year_report
from fravaer_tui.errors import UserError

if TYPE_CHECKING:
    from fravaer_tui.documents.filling import FillReport

__all__ = [
    "CASE_TEXTS",
    "COMPUTED",
    "DEFAULT_ELEVMAPPER",
    "DIR_MODE",
    "FILE_MODE",
    "MAX_VERSIONS",
    "PARTICLES",
    "PPT",
    "SCHOOL_TEMPLATES",
    "VEDLEGG_NAMES",
    "absence_summary",
    "case_consents",
    "case_evaluations",
    "case_history",
    "case_tiltak",
    "class_folder",
    "elevmappe_root",
    "evaluation_date",
    "export_report",
    "export_vedlegg",
    "fill_fields",
    "fill_warning",
    "form_values",
    "make_private_dirs",
    "profile_forms",
    "safe_name",
    "write_new_file",
    "student_case",
    "student_folder",
    "student_folder_name",
    "template_path",
    "templates_dir",
    "vedlegg_values",
]

# The readable part of each file name, after the date and «Vedlegg N».
VEDLEGG_NAMES: dict[int, str] = {
    1: "Kartleggingssamtale med elev",
    2: "Kartleggingssamtale med foresatte",
    3: "Oppfølging av fravær til ledelsen",
    4: "Skolenærværsplan",
}


def _stem(base: str, student: Student, out: Path | None, initials_only: bool = False) -> str:
    """In the student's own folder the name is known; in an `out` folder shared by many
    students the file name says whose it is (Vedlegg 3: initials and id only)."""
    if out is None:
        return base
    if initials_only:
        return f"{base} – {initialer(student.navn)} ({student.id})"
    return f"{base} – {student_folder_name(student)}"


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
    from fravaer_tui.documents.filling import render_template  # docx only when exporting

    payload, report = render_template(template, chosen)
    stem = _stem(base, student, out, initials_only=spec.id == "3")
    target = write_new_file(folder, stem, ".docx", payload)
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
        document = year_report_bytes(report, school.config.navn)
        target = write_new_file(folder, _stem(base, student, out), ".docx", document)
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
    payload = excel_bytes(format_csv(reports))
    name = f"{dato:%Y-%m-%d} Fraværsrapport {skoleaar} {subject}"
    target = write_new_file(folder, name, ".csv", payload)
    paths.append(target)
    entries.append(
        {"hva": "eksport", "av": who, "klasse": klasse, "rapport": skoleaar, "fil": str(target)}
    )
    if elev is not None:
        entries[-1]["elev"] = students[0].id
    school.store.log.append(entries, now)
    return paths
