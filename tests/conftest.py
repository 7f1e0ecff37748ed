"""Shared factories: a demo school in a temp folder, built once per session and copied."""

from __future__ import annotations

import compileall
import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import pytest

from fravaer_tui.application.demo import write_demo
from fravaer_tui.application.school import School, open_school
from fravaer_tui.store import files

# Bytecode is written in the test run, as Python does by default. Where the machine says not
# to (PYTHONDONTWRITEBYTECODE=1, as here and in CI), pytest cannot keep its rewritten test
# modules: each worker parsed, rewrote and compiled all 60 test files again on every run,
# 5 s of CPU each (collection 7 s → 1.5 s once kept). `__pycache__` is git-ignored.
sys.dont_write_bytecode = False

# No fsync in the tests' own process (and the workers it forks): they kill processes, which
# loses nothing the kernel has, but no test can cut the power, which is what fsync is for;
# the waits for the disk were half of the kill tests' time. Commands the tests start as
# programs (the CLI, SSH, the server) and `fravaer bench` write durably as always.
files.DURABLE = False


def pytest_configure(config: pytest.Config) -> None:
    """The package's bytecode written once, for the programs the tests start. They inherit
    PYTHONDONTWRITEBYTECODE where the machine sets it, so each of the ~80 programs (the CLI,
    logins, the session server) compiled the modules it imports from source again, 0.15 s of
    CPU a start, unless the bytecode is there already; they read it."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        compileall.compile_dir(Path(__file__).parents[1] / "fravaer_tui", quiet=1)


DEMO_UNTIL = dt.date(2026, 11, 20)  # a Friday in the autumn semester
AFTERNOON = dt.datetime.combine(DEMO_UNTIL, dt.time(15, 0))


def clock() -> dt.datetime:
    """The tests' wall clock: the afternoon of the demo's last day, never the real date."""
    return AFTERNOON


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template") / "data"
    write_demo(folder, students=75, seed=3, until=DEMO_UNTIL)
    return folder


def copy_school(template: Path, folder: Path) -> Path:
    """A copy of a school's folder without its lock files: the store makes each when it first
    takes that lock, as in a school just installed. They were 21 of the demo's 46 files, made
    and removed again for each of ~600 tests."""
    shutil.copytree(template, folder, ignore=shutil.ignore_patterns(".locks"))
    return folder


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the small demo school, safe to change."""
    return copy_school(demo_template, tmp_path / "data")


@pytest.fixture
def demo_school(demo_dir: Path) -> School:
    return open_school(demo_dir, clock=clock)
