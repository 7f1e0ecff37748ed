"""Transactions over the data folder's files: locks, atomic commits, the audit first.

Every change runs as a transaction on one or more partitions: under an exclusive
`flock` per file, the file is read fresh, changed through TinyDB in memory, and
written back atomically (temp file, fsync, rename, fsync of the folder). A crash at
any moment leaves either the old or the new file; a reader never needs the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fravaer_tui.errors import StoreError
from fravaer_tui.store import files
from fravaer_tui.store.backups import RESTORE_BUILD_PREFIX
from fravaer_tui.store.files import (
    file_lock,
    remove_stale_temp_files,
    why,
    write_atomic,
    write_temp,
)
from fravaer_tui.store.journal import Plan, new_id
from fravaer_tui.store.partitions import Partition

if TYPE_CHECKING:
    from fravaer_tui.store.auditlog import AuditLog
    from fravaer_tui.store.backups import Backups
    from fravaer_tui.store.journal import Journals

STORE_LOCK = "skole"  # .locks/skole.lock: shared by every change, exclusive for a restore


class Transaction:
    """The partitions of one transaction (unpack them: `(part,) = tx`) and the audit
    entries its change makes, written by the store at commit."""

    def __init__(self, parts: list[Partition]) -> None:
        self.parts = parts
        self.entries: list[dict[str, Any]] = []
        self.now: dt.datetime | None = None

    def __iter__(self) -> Iterator[Partition]:
        return iter(self.parts)

    def __len__(self) -> int:
        return len(self.parts)

    def audit(self, entries: Iterable[dict[str, Any]], now: dt.datetime) -> None:
        self.entries.extend(entries)
        self.now = now

    def stamp(self) -> dt.datetime:
        """The moment of the change its audit entries were given with."""
        assert self.now is not None, "audit entries are always given with their moment"
        return self.now


class TransactionsMixin:
    """Mixed into `Store`, which gives it the folder, its paths, its locks' settings and
    its parts (backups, audit log, journals)."""

    root: Path
    lock_timeout: float
    file_mode: int
    backups: Backups
    log: AuditLog
    journals: Journals
    ensure_dir: Callable[[Path], None]
    read_tables: Callable[[Path], dict[str, dict[str, Any]] | None]
    lock_path: Callable[[Path], Path]
    _rel: Callable[[Path], str]
    lesson_path: Callable[[str, dt.date], Path]
    meldinger_path: Callable[[str, str], Path]

    @contextlib.contextmanager
    def store_lock(self, *, shared: bool, timeout: float | None = None) -> Iterator[None]:
        """The whole school's lock: every change holds it shared, a restore (and a snapshot)
        exclusive, so a restore waits for running saves and saves wait for the restore."""
        lock = self.lock_path(self.root / STORE_LOCK)
        with file_lock(lock, timeout or self.lock_timeout, self.file_mode, shared=shared):
            yield

    def recover(self) -> list[str]:
        """Finish the changes of writers killed after their commit point (see journal), and
        clear what a restore killed before its commit point had built."""
        if not self.journals.pending() and not self._restore_leftovers():
            return []
        with self.store_lock(shared=False, timeout=max(self.lock_timeout, 60.0)):
            done = self.journals.recover()
            for leftover in self._restore_leftovers():  # no restore runs: we hold the lock
                files.check_entry(leftover, os.lstat(leftover), want_dir=True)
                shutil.rmtree(leftover)
            return done

    def _restore_leftovers(self) -> list[Path]:
        try:
            names = os.listdir(self.root)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [self.root / n for n in names if n.startswith(RESTORE_BUILD_PREFIX)]

    @contextlib.contextmanager
    def transaction(self, *paths: Path) -> Iterator[Transaction]:
        """Lock the files (in a fixed order), open each fresh, write back those changed.

        If the block raises, nothing is written. One changed file is replaced atomically;
        several are committed through a journal (all or nothing, even under SIGKILL). The
        audit entries given with `tx.audit(...)` are written before the data, and only for
        a change that is committed.
        """
        ordered = sorted(set(paths))
        self.backups.ensure_daily()
        with contextlib.ExitStack() as stack:
            for _ in range(5):
                self.recover()
                locks = contextlib.ExitStack()
                try:
                    locks.enter_context(self.store_lock(shared=True))
                    for path in ordered:
                        self.ensure_dir(path.parent)
                        locks.enter_context(
                            file_lock(self.lock_path(path), self.lock_timeout, self.file_mode)
                        )
                    orphans = self.journals.orphans()
                except BaseException:
                    locks.close()
                    raise
                if not orphans:
                    stack.enter_context(locks.pop_all())
                    break
                locks.close()  # a writer died after its commit point: finish it first
            else:
                raise StoreError(
                    f"Kunne ikke fullføre en avbrutt endring i {self.journals.root}. "
                    "Kontakt den som drifter fravaer-tui."
                )
            for path in ordered:
                remove_stale_temp_files(path)
            parts = {path: Partition(path, self.read_tables(path)) for path in ordered}
            tx = Transaction([parts[p] for p in paths])
            yield tx
            self._commit([p for p in parts.values() if p.dirty], tx)

    def _commit(self, dirty: list[Partition], tx: Transaction) -> None:
        if not dirty:
            if tx.entries:
                self.log.append(tx.entries, tx.stamp())
            return
        if len(dirty) == 1:
            part = dirty[0]
            with self._audited(tx):
                self._write(part.path, part.payload())
            return
        journal_id = new_id()
        temps: list[Path] = []
        try:
            with self.journals.lock(journal_id):
                for part in dirty:
                    temps.append(
                        write_temp(
                            part.path, part.payload(), self.file_mode, tag=f"tx-{journal_id}"
                        )
                    )
                plan = Plan(
                    moves=[
                        (self._rel(t), self._rel(p.path)) for t, p in zip(temps, dirty, strict=True)
                    ],
                    audit=tx.entries,
                    now=tx.now,
                )
                self.journals.commit(journal_id, plan)
        except OSError as exc:
            for tmp in temps:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise StoreError(
                f"Kunne ikke lagre endringen i {len(dirty)} filer: {why(exc)}. Ingenting er endret."
            ) from None

    @contextlib.contextmanager
    def _audited(self, tx: Transaction) -> Iterator[None]:
        """The audit entry is written before the data; if the data write then fails, a
        second entry says so. A change is never saved without its audit entry."""
        if tx.entries:
            self.log.append(tx.entries, tx.stamp())
        try:
            yield
        except StoreError:
            if tx.entries:
                with contextlib.suppress(StoreError):
                    self.log.append(
                        [
                            {
                                "hva": "feilet",
                                "gjelder": e["hva"],
                                **{
                                    k: e[k]
                                    for k in ("av", "klasse", "dato", "time", "elev")
                                    if k in e
                                },
                            }
                            for e in tx.entries
                        ],
                        tx.stamp(),
                    )
            raise

    def _write(self, path: Path, payload: bytes) -> None:
        try:
            write_atomic(path, payload, self.file_mode)
        except PermissionError:
            raise StoreError(
                f"Kunne ikke lagre {path}: mangler skrivetilgang. Ingenting er endret."
            ) from None
        except OSError as exc:
            raise StoreError(
                f"Kunne ikke lagre {path}: {why(exc)}. Den forrige versjonen er urørt."
            ) from None

    @contextlib.contextmanager
    def lesson_partition(self, klasse: str, dato: dt.date) -> Iterator[Partition]:
        """The file holding the class's registrations for `dato`'s month."""
        with self.transaction(self.lesson_path(klasse, dato)) as (part,):
            yield part

    @contextlib.contextmanager
    def meldinger_partition(self, skoleaar: str, klasse: str) -> Iterator[Partition]:
        with self.transaction(self.meldinger_path(skoleaar, klasse)) as (part,):
            yield part
