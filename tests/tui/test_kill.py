"""A roll call survives the process being killed (issue 12: «after a tmux kill-session
mid-roll call, reopening the lesson shows the draft»): the real `fravaer` in a real
terminal, SIGHUP as a closed SSH connection sends it, then SIGKILL."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from fravaer_tui.application.school import open_school
from fravaer_tui.application.session import Session
from fravaer_tui.domain.model import MarkType
from tests.tui.conftest import MONDAY, during, lesson_at, teacher_of
from tests.tui.waiting import BOUND


def read_until(fd: int, wanted: bytes, seen: bytes = b"") -> bytes:
    """What the terminal shows, until `wanted` appears (at most BOUND seconds)."""
    deadline = time.monotonic() + BOUND
    while wanted not in seen:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(0.0, left))
        if not ready:
            raise AssertionError(f"waited {BOUND:.0f} s for {wanted!r}; saw {seen[-500:]!r}")
        seen += os.read(fd, 65536)
    return seen


def test_a_killed_session_leaves_the_marks_as_a_draft(demo_dir: Path) -> None:
    school = open_school(demo_dir)
    slot = lesson_at(school, MONDAY, 3)
    teacher = teacher_of(school, slot)
    third = school.roster.students_in(slot.klasse)[2]
    moment = during(slot, MONDAY).strftime("%Y-%m-%d %H:%M")
    argv = [sys.executable, "-m", "fravaer_tui.cli", "--data", str(demo_dir)]
    argv += ["--now", moment, "--user", teacher.id]
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    try:
        read_until(master, "Ikke ført".encode())  # the register is up
        os.write(master, b"3")
        os.write(master, b"f")
        draft = Session(school, teacher).drafts.store.path(
            teacher.id, slot.klasse, MONDAY, slot.time
        )
        deadline = time.monotonic() + BOUND
        while not draft.exists():
            assert time.monotonic() < deadline, "no draft was written"
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                os.read(master, 65536)  # keep the terminal drained
        os.killpg(proc.pid, signal.SIGHUP)  # the SSH connection is gone
        proc.wait(BOUND)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    kept = Session(school, teacher).drafts.get(slot.klasse, MONDAY, slot.time, MONDAY)
    assert kept is not None and kept.marks_by_student()[third.id].kind is MarkType.FRAVAER
