"""A separate process that writes to a store, driven by tests/unit/test_store.py.

Each mode talks over stdin/stdout one line at a time, so the test can synchronise on
lines instead of sleeps. A save of lesson N is printed as "saved N", and only after the
store returned from it.

Lessons are numbered: lesson N is period N % 8 + 1 on day N // 8 after 1 October 2026,
so lessons 0-247 fall in October and the month file changes at lesson 248.

    batch ROOT WRITER FILES FIRST COUNT  print "ready", wait for a line on stdin, then
                                         save lessons FIRST..FIRST+COUNT-1, each in one
                                         transaction over all FILES (comma separated, in
                                         that order): KLASSE is the class's file for the
                                         lesson's month (gets the registration),
                                         KLASSE/meldinger its meldinger file (gets a
                                         melding with id WRITER-N)
    writers ROOT CLASS                   print "ready"; for each line "loop FIRST" on stdin
                                         fork a writer that saves lessons FIRST, FIRST+1,
                                         ... of CLASS until killed, each in its own
                                         transaction; print "child PID" before it starts,
                                         "stopped PID" each time it is stopped (after all
                                         it printed before) and "ended PID CODE" when it
                                         is gone (CODE as Popen.returncode: -9 for kill -9).
                                         Forking saves the test a Python start per writer.
    hold ROOT CLASS DATE                 open a transaction on the class's file for DATE's
                                         month, print "locked", hold it until a line (or
                                         EOF) arrives on stdin
    fsize ROOT CLASS LIMIT               cap the size of any file this process writes at
                                         LIMIT bytes, then try every kind of write and
                                         print one JSON line per attempt
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import traceback

from fravaer_tui.domain.model import (
    Holiday,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    SchoolConfig,
    Student,
)
from fravaer_tui.store import Store, files

YEAR = "2026-2027"
FIRST_DAY = dt.date(2026, 10, 1)
PERIODS = 8
MELDINGER = "/meldinger"


def lesson(n: int) -> tuple[dt.date, int]:
    """Lesson number n as (date, period): eight periods a day from 01.10.2026."""
    return FIRST_DAY + dt.timedelta(days=n // PERIODS), n % PERIODS + 1


def registration(klasse: str, n: int, av: str) -> Registration:
    dato, time = lesson(n)
    return Registration(
        klasse=klasse,
        dato=dato,
        time=time,
        av=av,
        tid=dt.datetime.combine(dato, dt.time(8, 0)),
        marks=(Mark(f"{klasse}-e{n % 5}", MarkType.FRAVAER),),
    )


def melding(klasse: str, n: int, av: str) -> Melding:
    dato, _ = lesson(n)
    return Melding(
        id=f"{av}-{n}",
        elev=f"{klasse}-e{n % 5}",
        fra=dato,
        til=dato,
        reason=Reason.SYKDOM,
        av=av,
        tid=dt.datetime.combine(dato, dt.time(7, 30)),
    )


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def batch(root: str, writer: str, files: str, first: int, count: int) -> None:
    store = Store(root, lock_timeout=30)
    names = files.split(",")
    say("ready")
    sys.stdin.readline()
    for n in range(first, first + count):
        dato, _ = lesson(n)
        paths = [
            store.meldinger_path(YEAR, name.removesuffix(MELDINGER))
            if name.endswith(MELDINGER)
            else store.lesson_path(name, dato)
            for name in names
        ]
        with store.transaction(*paths) as parts:
            for name, part in zip(names, parts, strict=True):
                if name.endswith(MELDINGER):
                    part.add_meldinger([melding(name.removesuffix(MELDINGER), n, writer)])
                else:
                    part.put_registration(registration(name, n, writer))
        say(f"saved {n}")


def loop(root: str, klasse: str, first: int) -> None:
    store = Store(root, lock_timeout=30)
    n = first
    while True:
        with store.lesson_partition(klasse, lesson(n)[0]) as part:
            part.put_registration(registration(klasse, n, "loop"))
        say(f"saved {n}")
        n += 1


def writers(root: str, klasse: str) -> None:
    # Writes reach the disk here, as in the app (the tests' process turns fsync off): the
    # kill test lets a writer run on for a while, and without the disk's pace a while is
    # thousands of lessons in one month file.
    files.DURABLE = True
    say("ready")
    while line := sys.stdin.readline():
        first = int(line.split()[1])
        go_read, go_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(go_write)
                os.read(go_read, 1)  # wait until the parent has announced us
                loop(root, klasse, first)
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            os._exit(1)
        os.close(go_read)
        say(f"child {pid}")
        os.write(go_write, b"go")
        os.close(go_write)
        while True:
            _, status = os.waitpid(pid, os.WUNTRACED)
            if os.WIFSTOPPED(status):
                say(f"stopped {pid}")
            else:
                say(f"ended {pid} {os.waitstatus_to_exitcode(status)}")
                break


def hold(root: str, klasse: str, dato: dt.date) -> None:
    store = Store(root)
    with store.lesson_partition(klasse, dato):
        say("locked")
        sys.stdin.readline()


def fsize(root: str, klasse: str, limit: int) -> None:
    store = Store(root)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    big = "x" * limit
    now = dt.datetime(2026, 11, 20, 8, 0)

    def save_lesson(dato: dt.date) -> None:
        with store.lesson_partition(klasse, dato) as part:
            part.put_registration(
                Registration(klasse, dato, 1, "t", now, (Mark("e1", None, merknad=big),))
            )

    attempts = {
        "lesson": lambda: save_lesson(now.date()),
        "new_month": lambda: save_lesson(dt.date(2026, 12, 1)),
        "meldinger": lambda: store.add_meldinger(
            YEAR, klasse, [Melding("m9", "e1", now.date(), now.date(), Reason.LEGE, av=big)], now
        ),
        "roster": lambda: store.write_roster(students=[Student("e1", big, "Hansen", klasse)]),
        "config": lambda: store.write_config(
            SchoolConfig(navn=big, ferier=(Holiday("Høstferie", now.date(), now.date()),))
        ),
        "audit": lambda: store.log.append([{"hva": big}], now),
    }
    for name, attempt in attempts.items():
        try:
            attempt()
        except Exception as exc:  # report whatever it is; the test judges it
            say(json.dumps({"attempt": name, "error": type(exc).__name__, "message": str(exc)}))
        else:
            say(json.dumps({"attempt": name, "error": None, "message": ""}))


def main(argv: list[str]) -> None:
    mode, args = argv[0], argv[1:]
    if mode == "batch":
        batch(args[0], args[1], args[2], int(args[3]), int(args[4]))
    elif mode == "writers":
        writers(args[0], args[1])
    elif mode == "hold":
        hold(args[0], args[1], dt.date.fromisoformat(args[2]))
    elif mode == "fsize":
        fsize(args[0], args[1], int(args[2]))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
