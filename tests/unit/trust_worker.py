"""A separate process for tests/unit/test_trust.py: saves, imports and restores to race or kill.

    save ROOT KLASSE DATE PERIOD ELEV TAG   print "ready", wait for a line on stdin, save the
                                            lesson with ELEV absent and remark TAG, print
                                            "saved" (only after the store returned) or
                                            "error MESSAGE"
    restore ROOT NAME                       print "ready", wait for a line, restore NAME as
                                            rektor, print "kept KEPTNAME"
    import ROOT CSV                         import absences from CSV as rektor
    restore-now ROOT NAME                   restore NAME at once

`KILL_BEFORE=N` in the environment kills this process (SIGKILL) right before its N-th
rename (os.replace / os.rename): the kill lands at an exact instant of a many-file change,
before the first of its renames, between two of them, or after the last, the way a power
cut would.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path

NOW = dt.datetime(2026, 11, 20, 15, 0)


def _kill_before(n: int) -> None:
    count = 0
    real_replace, real_rename = os.replace, os.rename

    def counted(real):  # noqa: ANN001, ANN202 - wraps the OS call, not our code
        def call(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            nonlocal count
            count += 1
            if count >= n:
                os.kill(os.getpid(), signal.SIGKILL)
            real(*args, **kwargs)

        return call

    os.replace = counted(real_replace)  # type: ignore[assignment]
    os.rename = counted(real_rename)  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    if os.environ.get("KILL_BEFORE"):
        _kill_before(int(os.environ["KILL_BEFORE"]))
    from fravaer_tui.application.csvdata import import_file
    from fravaer_tui.application.lessons import save_registration
    from fravaer_tui.application.school import open_school
    from fravaer_tui.domain.model import Mark, MarkType
    from fravaer_tui.errors import UserError

    mode, root = argv[0], Path(argv[1])
    school = open_school(root, clock=lambda: NOW)
    if mode == "save":
        klasse, dato, period, elev, tag = argv[2:7]
        print("ready", flush=True)
        sys.stdin.readline()
        try:
            mark = Mark(elev, MarkType.FRAVAER, merknad=tag)
            save_registration(
                school, klasse, dt.date.fromisoformat(dato), int(period), [mark], "A001", NOW
            )
        except UserError as exc:
            print(f"error {exc.message}", flush=True)
            return 1
        print("saved", flush=True)
        return 0
    if mode in ("restore", "restore-now"):
        if mode == "restore":
            print("ready", flush=True)
            sys.stdin.readline()
        kept = school.store.backups.restore(argv[2], force=True, user="A001", now=NOW)
        print(f"kept {kept}", flush=True)
        return 0
    if mode == "import":
        import_file(school, "absences", Path(argv[2]), "A001", NOW)
        print("imported", flush=True)
        return 0
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
