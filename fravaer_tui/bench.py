"""`fravaer bench`: speed and memory on a demo school with a full school year.

Timed here, not in tests (timed tests are flaky on a shared 2-core machine). A little over
400 lines: each figure and the probe that measures it are kept together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import json
import multiprocessing
import os
import random
import re
import resource
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fravaer_tui.application.checker import shared_check
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
from fravaer_tui.connect import NO_SERVER
from fravaer_tui.domain.model import Mark, MarkType, Registration, Role
from fravaer_tui.domain.rules import CheckResult
from fravaer_tui.domain.schoolcalendar import school_year_start
from fravaer_tui.store import FileCache
from fravaer_tui.store.partitions import NaiveStore

# (key, target, description) – a target of None is informative only
TARGETS: list[tuple[str, float | None, str]] = [
    ("save_p50_ms", None, "lagre én time, median"),
    ("save_p95_ms", 10, "lagre én time, p95"),
    ("baseline_save_p95_ms", None, "samme lagring, naiv TinyDB i én fil, p95"),
    ("load_ms", None, "åpne lageret kaldt (skole + hele skoleåret)"),
    ("check_ms", 200, "full terskelkontroll av alle elever"),
    ("check_with_load_ms", None, "terskelkontroll inkludert lesing fra disk"),
    ("checker_ms", 200, "bakgrunnskontrollen etter en lagring (delt; klassen som endret seg)"),
    ("checker_cold_ms", None, "bakgrunnskontrollens første kjøring (ingenting lagret fra før)"),
    ("ready_ms", 1000, "fra oppstart til registreringsskjermen er klar"),
    ("storm_ready_p95_ms", 6000, "40 SSH-innlogginger samtidig: klar til føring, p95"),
    ("storm_ready_p95_ms_uten_tjener", None, "… samme uten øktserveren (hver starter selv)"),
    ("checks_per_save", 1, "terskelkontroller de åpne øktene kjører for én lagring (delt)"),
    ("overview_ms", 300, "morgenoversikten for en kontaktlærer (data og kontroll lastet)"),
    ("leaders_ms", None, "ledelsens oversikt (data og kontroll lastet)"),
    ("contended_save_p95_ms", 1000, "40 ansatte lagrer timer samtidig (40 prosesser), p95"),
    ("contended_save_max_ms", 1000, "… den lengste ventetiden"),
    ("vedlegg_ms", 200, "eksport av vedlegg 1 for en elev med sak, svar og tiltak, median"),
    ("peak_rss_mb", 200, "høyeste minnebruk (RSS)"),
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

    check_s = _timed(functools.partial(run_check, school, last_day, data))
    alerts = len(run_check(school, last_day, data).alerts)
    rng = random.Random(7)
    lessons = [(r.klasse, r.dato, r.time) for r in data.registrations]
    registrations = len(data.registrations)
    del data  # a session holds one load at a time: the next one is measured on its own
    check_load_s = _timed(lambda: run_check(school, last_day))

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
    # The app's checker: the shared check, first with nothing kept, then after one save
    # (it recomputes the one class whose file changed; the other sessions read it).
    cache = FileCache()
    checker_cold_s = _timed(lambda: shared_check(school, last_day, cache))
    klasse, dato, period = rng.choice(lessons)
    save_registration(school, klasse, dato, period, [], "bench", dt.datetime.combine(dato, NOON))
    checker_s = _timed(lambda: shared_check(school, last_day, cache))
    latest = shared_check(school, last_day, cache).result
    kontakt = next(s for s in school.roster.staff if s.rolle is Role.KONTAKTLAERER)
    rektor = next(s for s in school.roster.staff if s.rolle is Role.REKTOR)
    overview_s = _timed(lambda: Session(school, kontakt, cache).morning(last_day, latest))
    leaders_s = _timed(lambda: Session(school, rektor, cache).leader_overview(last_day, latest))
    vedlegg_s = _vedlegg(school, latest, last_day, folder / "eksport")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    contended = contended_saves(folder, school, last_day, WRITERS)
    open_school(folder, clock=lambda: dt.datetime.combine(last_day, NOON))  # holidays cached
    ready_s = _ready(folder, school, last_day)
    storm_alone = storm_ready(folder, school, last_day, STORM, server=False)
    storm = storm_ready(folder, school, last_day, STORM)
    per_save, classes_per_save = checks_per_save(folder, school, last_day, SESSIONS)

    # The naive one-file store as a baseline, filled after peak_rss_mb is read: it is not
    # the product, and its one JSON document of the whole year is the bench's biggest heap.
    naive = NaiveStore(folder / "naiv.json")
    first = check_window_start(school.profile, last_day)
    naive.fill(load_range(school, first, last_day).registrations)
    baseline = []
    for _ in range(BASELINE_SAVES):
        klasse, dato, period = rng.choice(lessons)
        reg = Registration(klasse, dato, period, "bench", dt.datetime.combine(dato, dt.time(9)))
        baseline.append(_timed(lambda r=reg: naive.save(r)))

    return {
        "students": len(school.roster.students),
        "registrations": registrations,
        "check_date": last_day.isoformat(),
        "alerts": alerts,
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
        "storm_ready_p95_ms": _ms(_p95(storm)),
        "storm_ready_max_ms": _ms(max(storm)),
        "storm_ready_p95_ms_uten_tjener": _ms(_p95(storm_alone)),
        "checks_per_save": per_save,
        "classes_rechecked_per_save": classes_per_save,
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
    now = dt.datetime.combine(dato, NOON)
    session = Session(school, kontakt, clock=lambda: now)  # reads are logged (innsyn)
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
    return storm_ready(folder, school, dato, 1)[0]


def _teachers_now(school: School, dato: dt.date) -> tuple[dt.datetime, list[str]]:
    """A moment in the day's busiest period, and the teachers with a lesson then."""
    slots = [s for s in school.roster.timetable if s.ukedag == dato.isoweekday()]
    first = min(s.time for s in slots)
    busy = [s for s in slots if s.time == first]
    moment = dt.datetime.combine(dato, busy[0].start) + dt.timedelta(minutes=3)
    return moment, sorted({s.laerer for s in busy})


def storm_ready(
    folder: Path, school: School, dato: dt.date, staff: int, server: bool = True
) -> list[float]:
    """Seconds to a ready roll call for each of `staff` SSH logins in the same instant: the
    morning rush on one server, every login the forced command `fravaer --data DIR ssh ID`
    on a terminal of its own (a pty, as sshd gives it), each a teacher whose lesson is
    starting. With `server`, the first login starts the session server and the others are
    forked from it (as in production); without, every login imports and starts on its own."""
    moment, teachers = _teachers_now(school, dato)
    marks = {t: _register_marker(school, dato, moment, t) for t in teachers}
    env = {k: v for k, v in os.environ.items() if k != "SSH_ORIGINAL_COMMAND"}
    env["TERM"] = "xterm-256color"
    if not server:
        env[NO_SERVER] = "1"
    # The forced command as `fravaer keys` writes it (imported here: the keys module loads
    # OpenSSL's hashing, 5 MB that no session has, which `peak_rss_mb` would count).
    from fravaer_tui.application.keys import fravaer_program

    fravaer = fravaer_program()
    logins = []
    started = time.monotonic()
    for n in range(staff):
        teacher = teachers[n % len(teachers)]
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        argv = ["--data", str(folder), "--now", moment.isoformat(), "ssh", teacher]
        proc = subprocess.Popen(
            [*fravaer, *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        logins.append(_Login(proc, master, marks[teacher].encode()))
    try:
        open_fds = {login.master: login for login in logins}
        deadline = started + STORM_TIMEOUT
        while open_fds and time.monotonic() < deadline:
            readable, _, _ = select.select(list(open_fds), [], [], 0.5)
            for fd in readable:  # every terminal is read to the end, as sshd would
                login = open_fds[fd]
                try:
                    chunk = os.read(fd, 1 << 16)
                except OSError:
                    chunk = b""
                if not chunk:
                    del open_fds[fd]
                    continue
                login.seen = (login.seen + chunk)[-(1 << 16) :]
                if login.ready is None and login.marker in _ANSI.sub(b"", login.seen):
                    login.ready = time.monotonic() - started
                    os.write(fd, b"\x11")  # ctrl+q: done
                elif login.ready is not None and login.proc.poll() is None:
                    os.write(fd, b"\x11")  # asked whether to quit: yes
        missing = [login for login in logins if login.ready is None]
        if missing:
            shown = _ANSI.sub(b"", missing[0].seen)[-600:].decode("utf-8", "replace")
            raise RuntimeError(
                f"{len(missing)} innlogginger ble aldri klare; den første viste: {shown}"
            )
        return [login.ready for login in logins if login.ready is not None]
    finally:
        for login in logins:
            with contextlib.suppress(subprocess.TimeoutExpired):
                login.proc.wait(timeout=10)
            if login.proc.poll() is None:
                login.proc.kill()
            os.close(login.master)
        if server:
            stop = [*fravaer, "--data", str(folder), "serve", "--stop"]
            subprocess.run(stop, capture_output=True, check=False)


STORM_TIMEOUT = 180.0
_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]")


@dataclass
class _Login:
    proc: subprocess.Popen[bytes]
    master: int
    marker: bytes
    seen: bytes = b""
    ready: float | None = None


def _register_marker(school: School, dato: dt.date, moment: dt.datetime, teacher: str) -> str:
    """A surname in the class the teacher's register opens on: shown once it has rows."""
    soon = (moment + dt.timedelta(minutes=10)).time()
    slot = next(
        s
        for klasse in school.roster.classes
        for s in school.roster.slots_on(klasse, dato)
        if s.laerer == teacher and s.start <= soon < s.slutt
    )
    return school.roster.students_in(slot.klasse)[0].etternavn


STORM = 40
SESSIONS = 10

# One open session: checks once (the state it shows), waits for the save, checks again
# as its checker does after a change, and prints how many classes it had to compute.
SESSION_PROBE = """
import datetime as dt, sys
from fravaer_tui.application.checker import shared_check
from fravaer_tui.connect import NO_SERVER
from fravaer_tui.application.school import open_school
school = open_school(sys.argv[1])
day = dt.date.fromisoformat(sys.argv[2])
shared_check(school, day)
print("ready", flush=True)
sys.stdin.readline()
print(len(shared_check(school, day).computed), flush=True)
"""


def checks_per_save(folder: Path, school: School, dato: dt.date, sessions: int) -> tuple[int, int]:
    """How many of `sessions` open sessions compute the check again after one save (1: one
    computes, the rest read its result), and how many classes that computation covered."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SESSION_PROBE, str(folder), dato.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(sessions)
    ]
    for proc in procs:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"økt-måling feilet: {proc.communicate()[1][-2000:]}")
    slot = next(s for s in school.roster.timetable if s.ukedag == dato.isoweekday())
    save_registration(
        school, slot.klasse, dato, slot.time, [], "bench", dt.datetime.combine(dato, NOON)
    )
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
    computed = [int(proc.communicate(timeout=300)[0].strip()) for proc in procs]
    return sum(1 for n in computed if n), sum(computed)


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
        unit = "MB" if key.endswith("_mb") else ("ms" if key.endswith("_ms") else "")
        goal = f"≤ {target:g}" if target is not None else ""
        verdict = "" if target is None else ("  ok" if value <= target else "  OVER MÅL")
        print(f"{key:<24} {value:>7.1f} {unit} {goal:>8}  {text}{verdict}")
    return 0
