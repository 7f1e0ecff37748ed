"""Snapshots of the data folder: daily before the first write, on request, and restore.

A snapshot is taken under the school's exclusive lock (no save is half in it), built in a
hidden folder and renamed into place, private like the data. A restore takes the same
lock (saves wait, none are lost), builds the restored school beside the live one, and
swaps it in through a journal: the data it replaces becomes a snapshot of its own, and a
kill at any point leaves either the old school or the restored one. The audit log is
never restored: it records the restore instead (DESIGN, Trust).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from fravaer_tui.errors import StoreError
from fravaer_tui.store.auditlog import AUDIT_DIR
from fravaer_tui.store.files import (
    BACKUP_DIR,
    UnsafeEntryError,
    check_entry,
    copy_file,
    copy_tree,
    lstat,
    why,
)
from fravaer_tui.store.journal import Plan, new_id

if TYPE_CHECKING:
    from fravaer_tui.store.store import Store

RESTORE_BUILD_PREFIX = ".gjenoppretting-"  # where a restore builds the school before the swap

KEEP_BACKUP_DAYS = 30
NOT_BACKED_UP = {BACKUP_DIR, "elevmapper", "utkast"}  # copies, exported documents, drafts
DAILY = re.compile(r"\d{4}-\d{2}-\d{2}")
EXCLUSIVE_TIMEOUT = 60.0  # a snapshot or restore waits this long for running saves


class Backups:
    """The snapshots in <data>/sikkerhetskopier/, oldest first."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def root(self) -> Path:
        return self.store.root / BACKUP_DIR

    def _now(self) -> dt.datetime:
        if self.store.clock is None:
            raise StoreError("Sikkerhetskopier trenger klokka: åpne datamappen med en klokke.")
        return self.store.clock()

    def _timeout(self) -> float:
        return max(self.store.lock_timeout, EXCLUSIVE_TIMEOUT)

    def names(self) -> list[str]:
        """Snapshot names, oldest first (daily: `åååå-mm-dd`, others with a time)."""
        st = lstat(self.root)
        if st is None:
            return []
        check_entry(self.root, st, want_dir=True)
        return sorted(
            e.name
            for e in os.scandir(self.root)
            if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
        )

    def ensure_daily(self) -> str | None:
        """Before the first write of each day, snapshot the data as it stood."""
        if self.store.clock is None or not self.store.exists():
            return None
        name = self.store.clock().date().isoformat()
        if (self.root / name).exists():
            return None
        with self.store.store_lock(shared=False, timeout=self._timeout()):
            if (self.root / name).exists():  # another process made it meanwhile
                return None
            self.store.journals.recover()
            self._snapshot(name)
            self._prune()
        return name

    def snapshot(self, label: str) -> str:
        """A snapshot on request (`fravaer backup`), named with the time and `label`."""
        with self.store.store_lock(shared=False, timeout=self._timeout()):
            self.store.journals.recover()
            name = self._free_name(f"{self._now():%Y-%m-%d_%H%M%S}-{label}")
            self._snapshot(name)
        return name

    def _free_name(self, base: str) -> str:
        """Two snapshots in the same second get `-2`, `-3` …, never the same folder."""
        name, n = base, 1
        while lstat(self.root / name) is not None:
            n += 1
            name = f"{base}-{n}"
        return name

    def data_entries(self, folder: Path | None = None) -> list[Path]:
        """The school's own entries in `folder` (the data folder): no caches, locks,
        journals, temp files, backups or exported documents."""
        folder = folder or self.store.root
        return sorted(
            folder / n
            for n in os.listdir(folder)
            if not n.startswith(".") and n not in NOT_BACKED_UP and not n.endswith(".tmp")
        )

    def _copy_entries(self, source: Path, target: Path, skip: set[str]) -> None:
        for entry in self.data_entries(source):
            if entry.name in skip:
                continue
            st = os.lstat(entry)
            check_entry(entry, st)
            if stat.S_ISDIR(st.st_mode):
                copy_tree(entry, target / entry.name, self.store.dir_mode, self.store.file_mode)
            elif stat.S_ISREG(st.st_mode):
                copy_file(entry, target / entry.name, self.store.file_mode)

    def _snapshot(self, name: str) -> None:
        self.store.ensure_dir(self.root)
        tmp = self.root / f".{name}.{os.getpid()}-{secrets.token_hex(3)}.tmp"
        try:
            os.mkdir(tmp, self.store.dir_mode)
            os.chmod(tmp, self.store.dir_mode)
            self._copy_entries(self.store.root, tmp, skip=set())
            os.rename(tmp, self.root / name)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StoreError(
                f"Kunne ikke ta sikkerhetskopi i {self.root}: {why(exc)}. Ingenting er endret."
            ) from None
        except StoreError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _prune(self) -> None:
        oldest = self._now().date() - dt.timedelta(days=self.store.keep_backup_days)
        for name in self.names():
            if DAILY.fullmatch(name) and name < oldest.isoformat():
                shutil.rmtree(self.root / name, ignore_errors=True)
        for leftover in self.root.glob(".*.tmp"):  # snapshots a kill cut short
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)

    def last_change(self) -> dt.datetime | None:
        """When any data file was last written."""
        newest = 0.0
        for entry in self.data_entries():
            if entry.name == AUDIT_DIR:
                continue
            if entry.is_dir() and not entry.is_symlink():
                for folder, _, names in os.walk(entry):
                    for n in names:
                        if not n.endswith(".tmp"):
                            newest = max(newest, os.lstat(os.path.join(folder, n)).st_mtime)
            elif entry.is_file():
                newest = max(newest, os.lstat(entry).st_mtime)
        return dt.datetime.fromtimestamp(newest) if newest else None

    def _source(self, name: str) -> Path:
        source = self.root / name
        st = lstat(source) if name and "/" not in name and not name.startswith(".") else None
        if st is None or not stat.S_ISDIR(st.st_mode) and not stat.S_ISLNK(st.st_mode):
            known = ", ".join(self.names()[-5:]) or "ingen"
            raise StoreError(
                f"Fant ingen sikkerhetskopi «{name}» i {self.root}. De nyeste: {known}."
            )
        check_entry(source, st, want_dir=True)
        if lstat(source / "skole.toml") is None:
            raise StoreError(
                f"Sikkerhetskopien {source} er ikke en hel skole (mangler skole.toml). "
                "Ingenting er endret."
            )
        return source

    def restore(
        self, name: str, force: bool = False, user: str = "", now: dt.datetime | None = None
    ) -> str:
        """Put a snapshot back; what it replaces becomes a snapshot itself. Returns its name."""
        source = self._source(name)
        now = now or self._now()
        store = self.store
        with store.store_lock(shared=False, timeout=self._timeout()):
            store.journals.recover()
            taken = dt.datetime.fromtimestamp(source.stat().st_mtime)
            changed = self.last_change()
            if changed is not None and changed > taken and not force:
                raise StoreError(
                    f"Dataene er endret etter sikkerhetskopien «{name}» (sist endret "
                    f"{changed:%d.%m.%Y %H:%M}, kopien er fra {taken:%d.%m.%Y %H:%M}). "
                    "Bruk --force for å gjenopprette likevel; det som finnes nå, tas vare på "
                    "først."
                )
            journal_id = new_id()
            build = store.root / f"{RESTORE_BUILD_PREFIX}{journal_id}"
            kept = self._free_name(f"{self._now():%Y-%m-%d_%H%M%S}-for-gjenoppretting")
            hidden = f"{BACKUP_DIR}/.{kept}.tx-{journal_id}"
            try:
                os.mkdir(build, store.dir_mode)
                self._copy_entries(source, build, skip={AUDIT_DIR})
            except (OSError, UnsafeEntryError) as exc:
                shutil.rmtree(build, ignore_errors=True)
                if isinstance(exc, StoreError):
                    raise
                raise StoreError(
                    f"Kunne ikke gjenopprette {name}: {why(exc)}. Ingenting er endret."
                ) from None
            store.ensure_dir(self.root)
            live = [e for e in self.data_entries() if e.name != AUDIT_DIR]
            restored = self.data_entries(build)
            plan = Plan(
                moves=[(e.name, f"{hidden}/{e.name}") for e in live]
                + [(f"{build.name}/{e.name}", e.name) for e in restored]
                + [(hidden, f"{BACKUP_DIR}/{kept}")],
                audit=[{"hva": "gjenoppretting", "av": user, "kopi": name, "tatt_vare_pa": kept}],
                cleanup=[build.name],
                now=now,
            )
            with store.journals.lock(journal_id):
                store.journals.commit(journal_id, plan)
        return kept
