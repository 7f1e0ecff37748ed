"""Faults at save time: a full disk and a read-only folder. A Norwegian message, the store intact.

As root (CI here) the full disk is a real tmpfs that runs out of space, and the read-only
folder is tested from a child process that drops to an unprivileged user (root ignores
folder permissions). Without root, the folder permissions work as they are, and the full
disk is a file-size limit in a child process (the same OSError path, errno EFBIG).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fravaer_tui.application.lessons import save_registration
from fravaer_tui.application.school import open_school
from fravaer_tui.domain.model import Mark, MarkType
from fravaer_tui.errors import StoreError
from tests.conftest import DEMO_UNTIL

ROOT = os.geteuid() == 0
NOBODY = 65534
NOW = dt.datetime.combine(DEMO_UNTIL, dt.time(15))


def files(folder: Path) -> dict[str, bytes]:
    """The school's data; the day's first save may take a backup before it fails."""
    skip = {".locks", "audit", "sikkerhetskopier"}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not skip & set(p.relative_to(folder).parts)
    }


@contextlib.contextmanager
def small_disk(where: Path, size: str = "4m") -> Iterator[Path]:
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


SAVE = """
import datetime as dt, json, resource, sys
from fravaer_tui.errors import UserError
from fravaer_tui.domain.model import Mark, MarkType
from fravaer_tui.application.lessons import save_registration
from fravaer_tui.application.school import open_school
folder, klasse, elev, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
school = open_school(folder)
day = dt.date.fromisoformat(sys.argv[5])
if limit:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    save_registration(school, klasse, day, 1, [Mark(elev, MarkType.FRAVAER)], "A001",
                      dt.datetime.combine(day, dt.time(15)))
    print(json.dumps({"ok": True}))
except UserError as e:
    print(json.dumps({"ok": False, "message": e.message}))
"""


def save_in_child(folder: Path, klasse: str, elev: str, limit: int = 0, user: int | None = None):
    def drop() -> None:
        os.setgid(user)
        os.setuid(user)

    done = subprocess.run(
        [sys.executable, "-c", SAVE, str(folder), klasse, elev, str(limit), DEMO_UNTIL.isoformat()],
        capture_output=True,
        text=True,
        preexec_fn=drop if user is not None else None,
        cwd="/",
    )
    assert "Traceback" not in done.stderr, done.stderr
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_full_disk_says_so_and_keeps_what_was_saved(demo_dir: Path, tmp_path: Path) -> None:
    school = open_school(demo_dir)
    klasse = school.roster.classes[0]
    elev = school.roster.students_in(klasse)[0].id
    if not ROOT:
        result = save_in_child(demo_dir, klasse, elev, limit=1)
        assert not result["ok"] and ("for stor" in result["message"] or "full" in result["message"])
        return
    with small_disk(tmp_path / "disk") as disk:
        data = disk / "data"
        shutil.copytree(demo_dir, data)
        before = files(data)
        free = shutil.disk_usage(disk).free
        (disk / "fyll").write_bytes(b"\0" * max(0, free - 2048))  # leave almost nothing
        with pytest.raises(StoreError) as error:
            save_registration(
                open_school(data),
                klasse,
                DEMO_UNTIL,
                1,
                [Mark(elev, MarkType.FRAVAER)],
                "A001",
                NOW,
            )
        assert "disken er full" in error.value.message
        assert files(data) == before  # the old files, byte for byte
        assert not list(data.rglob("*.tmp"))
        (disk / "fyll").unlink()
        save_registration(  # with room again, the same save goes through
            open_school(data), klasse, DEMO_UNTIL, 1, [Mark(elev, MarkType.FRAVAER)], "A001", NOW
        )


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """As root: a read-only bind mount (root ignores permissions); else: chmod 500."""
    if ROOT:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
    else:
        folder.chmod(0o500)
    try:
        yield
    finally:
        if ROOT:
            subprocess.run(["umount", str(folder)], check=False)
        else:
            folder.chmod(0o700)


def test_a_read_only_folder_says_so_and_keeps_what_was_saved(demo_dir: Path) -> None:
    school = open_school(demo_dir)
    klasse = school.roster.classes[0]
    elev = school.roster.students_in(klasse)[0].id
    month = school.store.lesson_path(klasse, DEMO_UNTIL)
    before = files(demo_dir)
    with read_only(month.parent), pytest.raises(StoreError) as error:
        save_registration(
            school, klasse, DEMO_UNTIL, 1, [Mark(elev, MarkType.FRAVAER)], "A001", NOW
        )
    message = error.value.message
    assert "skrivebeskyttet" in message or "tilgang" in message
    assert str(month.parent) in message or str(month) in message
    assert files(demo_dir) == before
    save_registration(school, klasse, DEMO_UNTIL, 1, [Mark(elev, MarkType.FRAVAER)], "A001", NOW)
