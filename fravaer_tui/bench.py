"""`fravaer bench`: speed and memory on a demo school with a full school year.

Timed here, not in tests (timed tests are flaky on a shared 2-core machine).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fravaer_tui.application.demo import write_demo
from fravaer_tui.application.lessons import save_registration
from fravaer_tui.application.school import (
    School,
    check_window_start,
    load_range,
    open_school,
    run_check,
)
from fravaer_tui.application.session import Session
from fravaer_tui.domain.model import Mark, MarkType, Registration, Role
from fravaer_tui.domain.rules import CheckResult
from fravaer_tui.domain.schoolcalendar import school_year_start
from fravaer_tui.store import FileCache
from fravaer_tui.store.partitions import NaiveStore

# (key, target, description) – a target of None is informative only
TARGETS: list[tuple[str, float | None, str]] = [
    ("save_p50_ms", None, "lagre én time, median"),
    ("save_p95_ms", 20, "lagre én time, p95"),
    ("baseline_save_p95_ms", None, "samme lagring, naiv TinyDB i én fil, p95"),
    ("load_ms", None, "åpne lageret kaldt (skole + hele skoleåret)"),
    ("check_ms", 500, "full terskelkontroll av alle elever"),
    ("check_with_load_ms", None, "terskelkontroll inkludert lesing fra disk"),
    ("checker_ms", 500, "bakgrunnskontroll etter en lagring (endrede filer leses på nytt)"),
    ("checker_cold_ms", None, "bakgrunnskontrollens første kjøring (alt leses)"),
    ("ready_ms", 1500, "fra oppstart til registreringsskjermen er klar"),
    ("overview_ms", 300, "morgenoversikten for en kontaktlærer (data og kontroll lastet)"),
    ("leaders_ms", None, "ledelsens oversikt (data og kontroll lastet)"),
    ("contended_save_p95_ms", 1000, "40 ansatte lagrer timer samtidig (40 prosesser), p95"),
    ("contended_save_max_ms", 1000, "… den lengste ventetiden"),
    ("vedlegg_ms", 300, "eksport av vedlegg 1 for en elev med sak, svar og tiltak, median"),
    ("peak_rss_mb", 250, "høyeste minnebruk (RSS)"),
]

SAVES = 200
BASELINE_SAVES = 15


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def measure(students: int, folder: Path, today: dt.date) -> dict[str, float | int | str]:
    year_start = school_year_start(today)
    until = dt.date(year_start.year + 1, 7, 31)
    started = time.perf_counter()
    write_demo(folder, students, seed=1, until=until)
    demo_s = time.perf_counter() - started

    started = time.perf_counter()
    school = open_school(folder)
    last_day = school.calendar.previous_school_day(until)  # also loads the public holidays
    data = load_range(school, check_window_start(school.profile, last_day), last_day)
    load_s = time.perf_counter() - started

    check_s = _timed(lambda: run_check(school, last_day, data))
    result = run_check(school, last_day, data)
    check_load_s = _timed(lambda: run_check(school, last_day))

    rng = random.Random(7)
    lessons = [(r.klasse, r.dato, r.time) for r in data.registrations]
    save_samples = []
    for _ in range(SAVES):
        klasse, dato, period = rng.choice(lessons)
        members = school.roster.students_in(klasse)
        marks = [Mark(s.id, MarkType.FRAVAER) for s in rng.sample(members, min(2, len(members)))]
        now = dt.datetime.combine(dato, dt.time(9, 0))
        save_samples.append(
            _timed(
                lambda k=klasse, d=dato, p=period, m=marks, n=now: save_registration(
                    school, k, d, p, m, "bench", n
                )
            )
        )
    cache = FileCache()
    checker_cold_s = _timed(lambda: run_check(school, last_day, cache=cache))
    klasse, dato, period = rng.choice(lessons)
    save_registration(school, klasse, dato, period, [], "bench", dt.datetime.combine(dato, NOON))
    checker_s = _timed(lambda: run_check(school, last_day, cache=cache))
    latest = run_check(school, last_day, cache=cache)
    kontakt = next(s for s in school.roster.staff if s.rolle is Role.KONTAKTLAERER)
    rektor = next(s for s in school.roster.staff if s.rolle is Role.REKTOR)
    overview_s = _timed(lambda: Session(school, kontakt, cache).morning(last_day, latest))
    leaders_s = _timed(lambda: Session(school, rektor, cache).leader_overview(last_day, latest))
    vedlegg_s = _vedlegg(school, latest, last_day, folder / "eksport")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    contended = contended_saves(folder, school, last_day, WRITERS)
    ready_s = _ready(folder, school, last_day)

    naive = NaiveStore(folder / "naiv.json")
    naive.fill(data.registrations)
    baseline = []
    for _ in range(BASELINE_SAVES):
        klasse, dato, period = rng.choice(lessons)
        reg = Registration(klasse, dato, period, "bench", dt.datetime.combine(dato, dt.time(9)))
        baseline.append(_timed(lambda r=reg: naive.save(r)))

    return {
        "students": len(school.roster.students),
        "registrations": len(data.registrations),
        "check_date": last_day.isoformat(),
        "alerts": len(result.alerts),
        "demo_ms": _ms(demo_s),
        "save_p50_ms": _ms(statistics.median(save_samples)),
        "save_p95_ms": _ms(_p95(save_samples)),
        "baseline_save_p95_ms": _ms(_p95(baseline)),
        "load_ms": _ms(load_s),
        "check_ms": _ms(check_s),
        "check_with_load_ms": _ms(check_load_s),
        "checker_ms": _ms(checker_s),
        "checker_cold_ms": _ms(checker_cold_s),
        "ready_ms": _ms(ready_s),
        "overview_ms": _ms(overview_s),
        "leaders_ms": _ms(leaders_s),
        "vedlegg_ms": _ms(vedlegg_s),
        "contended_save_p95_ms": _ms(_p95(contended)),
        "contended_save_max_ms": _ms(max(contended)),
        "peak_rss_mb": round(peak_mb, 1),
    }


NOON = dt.time(12, 0)
VEDLEGG_RUNS = 5


def _vedlegg(school: School, result: CheckResult, dato: dt.date, out: Path) -> float:
    """Median seconds to export Vedlegg 1 for a flagged student whose case has answers and
    a tiltak, as the kontaktlærer would from the case screen (a new file each run)."""
    from fravaer_tui.application.exports import export_vedlegg
    from fravaer_tui.domain.followup import Tiltak

    alert = result.alerts[0]
    kontakt = school.roster.kontaktlaerere(alert.klasse)[0]
    session = Session(school, kontakt)
    now = dt.datetime.combine(dato, NOON)
    case = session.open_case(alert, dato, now)
    answers = {
        f"v1_q{n:02d}": f"Svar på spørsmål {n}: det går litt bedre nå." for n in range(1, 15)
    }
    case = session.set_fields(case, answers, dato, now)
    tiltak = Tiltak("T1", "Møte eleven i skolegården om morgenen", kontakt.id, dato, 2, True)
    case = session.add_tiltak(case, tiltak, dato, now)
    samples = [
        _timed(
            lambda: export_vedlegg(school, session, alert.elev, 1, dato, out, case=case, now=now)
        )
        for _ in range(VEDLEGG_RUNS)
    ]
    return statistics.median(samples)


def _ready(folder: Path, school: School, dato: dt.date) -> float:
    """Seconds from starting a new `fravaer` process to a register screen ready for keys."""
    slot = next(s for s in school.roster.timetable if s.ukedag == dato.isoweekday())
    moment = dt.datetime.combine(dato, slot.start) + dt.timedelta(minutes=3)
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", READY_PROBE, str(folder), slot.laerer, moment.isoformat()],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1]) - started


# Runs in a fresh interpreter: imports, opens the store, starts the app headless on the
# teacher's current lesson and prints the moment the register has its rows.
READY_PROBE = """
import asyncio, datetime as dt, sys, time
from fravaer_tui.app import FravaerApp
from fravaer_tui.screens.register import RegisterScreen
from fravaer_tui.application.identity import identify
from fravaer_tui.application.school import open_school

async def main(folder, user, moment):
    school = open_school(folder)
    app = FravaerApp(school, identify(school, user=user), clock=lambda: moment)
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, RegisterScreen) and app.screen.ready):
            await pilot.pause(0.002)
        print(time.time())
        await app.workers.wait_for_complete()

asyncio.run(main(sys.argv[1], sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])))
"""


WRITERS = 40
SAVES_EACH = 3


def _writer(folder: str, lessons: list[tuple[str, str, int]], user: str, start, out) -> None:
    """One staff process: waits for the others, then saves its lessons one after another."""
    school = open_school(folder)
    start.wait()
    timings = []
    for klasse, dato, period in lessons:
        day = dt.date.fromisoformat(dato)
        members = school.roster.students_in(klasse)
        marks = [Mark(members[0].id, MarkType.FRAVAER)] if members else []
        began = time.perf_counter()
        save_registration(school, klasse, day, period, marks, user, dt.datetime.combine(day, NOON))
        timings.append(time.perf_counter() - began)
    out.put(timings)


def contended_saves(
    folder: Path, school: School, dato: dt.date, writers: int, saves_each: int = SAVES_EACH
) -> list[float]:
    """Seconds each save took while `writers` processes saved at the same moment (08:30 on a
    Monday): every process its own lessons, several of them in the same class files."""
    slots = sorted(
        (s for s in school.roster.timetable if s.ukedag == dato.isoweekday()),
        key=lambda s: (s.time, s.klasse),
    )
    jobs = [
        [
            (slot.klasse, dato.isoformat(), slot.time)
            for slot in slots[w * saves_each : (w + 1) * saves_each] or slots[:saves_each]
        ]
        for w in range(writers)
    ]
    context = multiprocessing.get_context("fork")
    start = context.Barrier(writers)
    out = context.Queue()
    user = school.roster.staff[0].id
    procs = [
        context.Process(target=_writer, args=(str(folder), job, user, start, out)) for job in jobs
    ]
    for proc in procs:
        proc.start()
    timings = [t for _ in procs for t in out.get(timeout=120)]
    for proc in procs:
        proc.join()
    return timings


def run_bench(students: int, as_json: bool, today: dt.date) -> int:
    with tempfile.TemporaryDirectory(prefix="fravaer-bench-") as tmp:
        if not as_json:
            print(f"Bygger demoskole med {students} elever og et helt skoleår …", file=sys.stderr)
        figures = measure(students, Path(tmp), today)
    if as_json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"{figures['students']} elever, {figures['registrations']} førte timer, "
        f"{figures['alerts']} varsler per {figures['check_date']} "
        f"(demoskolen bygget på {figures['demo_ms']} ms)"
    )
    print()
    print(f"{'Måling':<24} {'Verdi':>10} {'Mål':>8}  Beskrivelse")
    for key, target, text in TARGETS:
        value = float(figures[key])
        unit = "MB" if key.endswith("_mb") else "ms"
        goal = f"≤ {target:g}" if target is not None else ""
        verdict = "" if target is None else ("  ok" if value <= target else "  OVER MÅL")
        print(f"{key:<24} {value:>7.1f} {unit} {goal:>8}  {text}{verdict}")
    return 0
