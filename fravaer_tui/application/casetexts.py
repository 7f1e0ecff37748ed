"""The student's absence and case in plain bokmål, as the forms and the report carry them:
the absence summary, the tiltak, the consents, the evaluations and the steps taken."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from fravaer_tui.application.school import School, check_window_start, years_between
from fravaer_tui.application.session import Session
from fravaer_tui.documents.forms import Tiltak as FormTiltak
from fravaer_tui.documents.forms import tiltak_text
from fravaer_tui.domain import analysis, consent, followup
from fravaer_tui.domain.followup import Case, StepRecord
from fravaer_tui.domain.formats import count, count_unit
from fravaer_tui.domain.model import Melding, Registration, Student
from fravaer_tui.domain.profiles import Profile, ProfileError, load_profile
from fravaer_tui.domain.rules import check
from fravaer_tui.domain.schoolcalendar import format_date, format_number, semester_bounds


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
