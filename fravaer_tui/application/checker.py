"""The threshold check shared by every open session of the school (issue 10, point 5).

The check of one class's students depends only on that class's files (and those of the
classes its students were in earlier in the window), the roster, the settings and the
profile. So the result is kept per class (`store.checks`), keyed by those files' versions:
after a save only the class whose file changed is computed again, by the first session
that asks, and every other session reads it. Forty sessions open at a school then compute
the alerts once per change instead of forty times, and a session started in the morning
reads the night's results instead of checking the whole school before its first screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from fravaer_tui.application.school import School, check_window_start, without_gc, years_between
from fravaer_tui.domain.model import (
    CancelledLesson,
    Contact,
    Melding,
    Registration,
    Student,
    class_sort_key,
)
from fravaer_tui.domain.rules import Alert, CheckResult, StudentFigures, check
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.store import FileCache, checkcache


@dataclass
class SharedCheck:
    """A check's result, and which classes this process had to compute (none: all read)."""

    result: CheckResult
    computed: list[str] = field(default_factory=list)


def shared_check(
    school: School,
    dato: dt.date,
    cache: FileCache | None = None,
    classes: Collection[str] | None = None,
    reasons: Collection[str] | None = None,
) -> SharedCheck:
    """The school's check at `dato` (only `classes`, when given), from the shared results
    where they are current. A session asks only for the classes its person may see: a
    teacher's process neither computes nor reads the rest of the school's alerts. The
    alerts of classes not in `reasons` (when given) are read without their reasons."""
    docs, computed = _class_results(school, dato, cache, classes)
    alerts: list[Alert] = []
    figures: dict[str, StudentFigures] = {}
    for klasse, doc in docs:
        keep = reasons is None or klasse in reasons
        alerts += [checkcache.alert(a, keep) for a in doc["varsler"]]
        figures |= {f[0]: checkcache.figures(f) for f in doc["tall"]}
    result = CheckResult(
        dato=dato, profile=school.profile.id, alerts=tuple(alerts), figures=figures
    )
    return SharedCheck(result, computed)


def flagged(school: School, dato: dt.date, klasse: str, cache: FileCache | None = None) -> set[str]:
    """The students of `klasse` with an alert at `dato`, from the shared results: who, not
    the alerts (a roll call's first frame shows only that; the alerts come with the check)."""
    docs, _ = _class_results(school, dato, cache, {klasse})
    return {a["elev"] for _, doc in docs for a in doc["varsler"] if a["klasse"] == klasse}


def _class_results(
    school: School, dato: dt.date, cache: FileCache | None, classes: Collection[str] | None
) -> tuple[list[tuple[str, dict]], list[str]]:
    """Each class's stored results at `dato` (only `classes`, when given), computed first
    where they are not current; and which classes this process computed."""
    store = school.store
    fra = check_window_start(school.profile, dato)
    years = years_between(fra, dato)
    year = school_year_name(dato)
    by_class: dict[str, list[Student]] = {}
    for student in school.roster.students:
        by_class.setdefault(student.klasse_i(year), []).append(student)
    extra = _global_key(school, dato)
    docs: list[tuple[str, dict]] = []
    computed: list[str] = []
    for klasse in sorted(by_class, key=class_sort_key):
        if classes is not None and klasse not in classes:
            continue
        students = by_class[klasse]
        pairs = sorted({(y, s.klasse_i(y)) for s in students for y in years})
        paths = [p for y, k in pairs for p in (*store.class_files(y, k), store.cases_path(y, k))]
        key = store.checks.key(paths, extra)
        doc = store.checks.load(dato, klasse, key)
        if doc is None:
            with store.checks.computing(dato, klasse):
                doc = store.checks.load(dato, klasse, key)  # another session was first
                if doc is None:
                    doc = _compute(school, dato, students, pairs, cache)
                    store.checks.save(dato, klasse, key, doc)
                    computed.append(klasse)
        docs.append((klasse, doc))
    if computed:
        store.checks.prune(keep=dato)
    return docs, computed


def _global_key(school: School, dato: dt.date) -> str:
    """What every class's result depends on besides its own files."""
    store = school.store
    versions = []
    for path in (store.roster_path, store.config_path):
        try:
            st = path.stat()
            versions.append(f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}")
        except FileNotFoundError:
            versions.append("-")
    return f"{dato.isoformat()}|{';'.join(versions)}|{school.profile!r}"


def _compute(
    school: School,
    dato: dt.date,
    students: list[Student],
    pairs: list[tuple[str, str]],
    cache: FileCache | None,
) -> dict[str, list]:
    store = school.store
    regs: list[Registration] = []
    meldinger: list[Melding] = []
    cancelled: list[CancelledLesson] = []
    contacts: list[Contact] = []
    wanted = {s.id for s in students}
    with without_gc():
        for year, klasse in pairs:
            for path in store.class_files(year, klasse):
                data = store.read_file(path, cache)
                regs.extend(data.registrations)
                meldinger.extend(m for m in data.meldinger if m.elev in wanted)
                cancelled.extend(data.cancelled)
            contacts += [c for c in store.load_contacts(year, klasse) if c.elev in wanted]
        result = check(
            school.roster,
            school.calendar,
            regs,
            meldinger,
            school.profile,
            dato,
            wanted,
            contacts=contacts,
            cancelled=cancelled,
        )
    return {
        "varsler": [checkcache.alert_doc(a) for a in result.alerts],
        "tall": [checkcache.figures_doc(f) for f in result.figures.values()],
    }
