"""Daily snapshots before the first write of a day, and restoring one."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from fravaer_tui.application.school import open_school
from fravaer_tui.domain.model import Registration
from fravaer_tui.errors import CorruptFileError, StoreError
from fravaer_tui.store import Store


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def save(store: Store, klasse: str, dato: dt.date, time: int) -> None:
    reg = Registration(klasse, dato, time, "A001", dt.datetime.combine(dato, dt.time(9)))
    store.save_registration(reg, dt.datetime.combine(dato, dt.time(9)))


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not {"sikkerhetskopier", ".locks", ".cache", "audit"} & set(p.relative_to(folder).parts)
    }


def test_the_first_write_of_a_day_snapshots_the_data_as_it_stood(demo_dir: Path) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0))
    store = Store(demo_dir, clock=clock)
    klasse = open_school(demo_dir).roster.classes[0]
    before = tree(demo_dir)
    save(store, klasse, dt.date(2026, 11, 23), 1)
    assert "2026-11-23" in store.backups.names()
    assert tree(store.backups.root / "2026-11-23") == before  # the state before the write
    snapshot = store.backups.root / "2026-11-23"
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o700
    modes = {stat.S_IMODE(p.stat().st_mode) for p in snapshot.rglob("*") if p.is_file()}
    assert modes == {0o600}
    save(store, klasse, dt.date(2026, 11, 23), 2)
    assert store.backups.names().count("2026-11-23") == 1  # once a day
    clock.now = dt.datetime(2026, 11, 24, 8, 0)
    save(store, klasse, dt.date(2026, 11, 24), 1)
    assert store.backups.names()[-2:] == ["2026-11-23", "2026-11-24"]


def test_old_daily_snapshots_are_pruned(demo_dir: Path) -> None:
    clock = Clock(dt.datetime(2026, 10, 1, 8, 0))
    store = Store(demo_dir, clock=clock, keep_backup_days=30)
    klasse = open_school(demo_dir).roster.classes[0]
    save(store, klasse, dt.date(2026, 10, 1), 1)
    clock.now = dt.datetime(2026, 11, 20, 8, 0)
    manual = store.backups.snapshot("manuell")
    save(store, klasse, dt.date(2026, 11, 20), 1)
    assert "2026-10-01" not in store.backups.names()
    assert {"2026-11-20", manual} <= set(store.backups.names())


def test_restore_round_trips_and_keeps_what_it_replaces(demo_dir: Path) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0))
    store = Store(demo_dir, clock=clock)
    klasse = open_school(demo_dir).roster.classes[0]
    original = tree(demo_dir)
    name = store.backups.snapshot("manuell")
    os.utime(store.backups.root / name, (0, 10**10))  # the snapshot is newer than any change
    save(store, klasse, dt.date(2026, 11, 23), 1)
    changed = tree(demo_dir)
    assert changed != original
    saved = store.backups.restore(name, force=True)
    assert tree(demo_dir) == original
    assert tree(store.backups.root / saved) == changed  # what was replaced is kept
    log = store.log.read()  # the log is never rewound: the save and the restore are both in it
    assert [e["hva"] for e in log[-2:]] == ["registrering", "gjenoppretting"]
    assert store.log.verify().ok


def test_restore_refuses_over_newer_data_without_force(demo_dir: Path) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0))
    store = Store(demo_dir, clock=clock)
    klasse = open_school(demo_dir).roster.classes[0]
    name = store.backups.snapshot("manuell")
    os.utime(store.backups.root / name, (0, 1000))  # taken long ago
    save(store, klasse, dt.date(2026, 11, 23), 1)
    current = tree(demo_dir)
    with pytest.raises(StoreError, match="--force"):
        store.backups.restore(name)
    assert tree(demo_dir) == current
    with pytest.raises(StoreError, match="Fant ingen sikkerhetskopi"):
        store.backups.restore("1999-01-01")


def test_a_corrupt_file_names_the_newest_backup(demo_dir: Path) -> None:
    store = Store(demo_dir, clock=Clock(dt.datetime(2026, 11, 23, 8, 0)))
    name = store.backups.snapshot("manuell")
    victim = next((demo_dir / "2026-2027").glob("*/2026-11.json"))
    victim.write_bytes(b"{ not json")
    with pytest.raises(CorruptFileError) as error:
        store.load_file(victim)
    assert name in error.value.message and "fravaer restore" in error.value.message
