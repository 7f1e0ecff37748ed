"""Snapshots of the data folder: daily before the first write, on request, and restore."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from fravaer_tui.errors import StoreError
from fravaer_tui.store.files import BACKUP_DIR, copy_tree, file_lock, why

if TYPE_CHECKING:
    from fravaer_tui.store.store import Store

KEEP_BACKUP_DAYS = 30
NOT_BACKED_UP = {BACKUP_DIR, ".locks", ".cache", "elevmapper"}  # copies or caches


class Backups:
    """The snapshots in <data>/sikkerhetskopier/, oldest first."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def root(self) -> Path:
        return self.store.root / BACKUP_DIR

    def names(self) -> list[str]:
        """Snapshot names, oldest first (daily: `åååå-mm-dd`, others with a time)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if not p.name.startswith("."))

    def ensure_daily(self) -> str | None:
        """Before the first write of each day, snapshot the data as it stood."""
        name = self.store.clock().date().isoformat()
        if not self.store.daily_backups or not self.store.exists() or (self.root / name).exists():
            return None
        with self._snapshot_lock():
            if (self.root / name).exists():  # another process made it meanwhile
                return None
            self._snapshot(name)
            self._prune()
        return name

    def _snapshot_lock(self) -> contextlib.AbstractContextManager[None]:
        lock = self.store.lock_path(self.root / "snapshot")
        return file_lock(lock, self.store.lock_timeout, self.store.file_mode)

    def snapshot(self, label: str) -> str:
        """A snapshot on request (`fravaer backup`), named with the time and `label`."""
        name = f"{self.store.clock():%Y-%m-%d_%H%M%S}-{label}"
        with self._snapshot_lock():
            self._snapshot(name)
        return name

    def _data_entries(self) -> list[Path]:
        return sorted(
            p
            for p in self.store.root.iterdir()
            if p.name not in NOT_BACKED_UP and not p.name.endswith(".tmp")
        )

    def _snapshot(self, name: str) -> None:
        self.store.ensure_dir(self.root)
        tmp = self.root / f".{name}.{os.getpid()}.tmp"
        if tmp.exists():
            shutil.rmtree(tmp)
        try:
            tmp.mkdir(mode=self.store.dir_mode)
            for entry in self._data_entries():
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    copy_tree(entry, tmp / entry.name, self.store.dir_mode)
                elif entry.is_file():
                    shutil.copy2(entry, tmp / entry.name)
            os.replace(tmp, self.root / name)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StoreError(
                f"Kunne ikke ta sikkerhetskopi i {self.root}: {why(exc)}. Ingenting er endret."
            ) from None

    def _prune(self) -> None:
        oldest = (
            self.store.clock().date() - dt.timedelta(days=self.store.keep_backup_days)
        ).isoformat()
        for name in self.names():
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", name) and name < oldest:
                shutil.rmtree(self.root / name, ignore_errors=True)

    def last_change(self) -> dt.datetime | None:
        """When any data file was last written."""
        newest = 0.0
        for entry in self._data_entries():
            files = entry.rglob("*") if entry.is_dir() else [entry]
            for f in files:
                if f.is_file() and not f.name.endswith(".tmp"):
                    newest = max(newest, f.stat().st_mtime)
        return dt.datetime.fromtimestamp(newest) if newest else None

    def restore(self, name: str, force: bool = False) -> str:
        """Put a snapshot back; the data it replaces is snapshotted first. Returns that name."""
        source = self.root / name
        if not name or name.startswith(".") or not source.is_dir():
            known = ", ".join(self.names()[-5:]) or "ingen"
            raise StoreError(
                f"Fant ingen sikkerhetskopi «{name}» i {self.root}. De nyeste: {known}."
            )
        taken = dt.datetime.fromtimestamp(source.stat().st_mtime)
        changed = self.last_change()
        if changed is not None and changed > taken and not force:
            raise StoreError(
                f"Dataene er endret etter sikkerhetskopien «{name}» (sist endret "
                f"{changed:%d.%m.%Y %H:%M}, kopien er fra {taken:%d.%m.%Y %H:%M}). "
                "Bruk --force for å gjenopprette likevel; det som finnes nå, tas vare på først."
            )
        saved = self.snapshot("for-gjenoppretting")
        for entry in self._data_entries():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for item in sorted(source.iterdir()):
            if item.is_dir():
                shutil.copytree(item, self.store.root / item.name)
            else:
                shutil.copy2(item, self.store.root / item.name)
        return saved
