"""All or nothing across many files: a journal written before the first rename.

A change that replaces several files (an absence import, a restore) first writes every new
file beside its target, then a journal naming each move (and the audit entries the change
makes), fsynced: that is the commit point. Then the audit entries are appended and the
moves done. A writer killed before the journal leaves only temp files: nothing changed. A
writer killed after it leaves a journal that the next process to open the school finds
and finishes: every move done, every audit entry written once. So the data is exactly as
before or exactly as after, whenever the kill comes (DESIGN, Trust: "Nothing lost, ever").

The writer holds a lock on `.locks/journal-<id>.lock` from before the journal exists until
it is gone; a journal whose lock can be taken belongs to a writer that died.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fravaer_tui.errors import StoreError
from fravaer_tui.store.files import (
    check_entry,
    encode,
    fsync_dir,
    lstat,
    open_file,
    read_bytes,
    replace_checked,
    write_atomic,
)

if TYPE_CHECKING:
    from fravaer_tui.store.store import Store

JOURNAL_DIR = ".journal"


@dataclass
class Plan:
    """What a journaled change will do: moves (source → target, relative to the data
    folder), audit entries, and folders to remove once the moves are done."""

    moves: list[tuple[str, str]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    cleanup: list[str] = field(default_factory=list)
    now: dt.datetime | None = None


def new_id() -> str:
    return f"{os.getpid()}-{secrets.token_hex(6)}"


class Journals:
    """`store.journals`: commit a plan, and finish the plans of writers that died."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def root(self) -> Path:
        return self.store.root / JOURNAL_DIR

    def _lock_path(self, journal_id: str) -> Path:
        return self.store.lock_path(self.root / journal_id)

    def pending(self) -> list[Path]:
        try:
            names = os.listdir(self.root)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [self.root / n for n in sorted(names) if n.endswith(".json")]

    @contextlib.contextmanager
    def lock(self, journal_id: str) -> Iterator[None]:
        """Held by the writer from before the journal exists until it is removed."""
        fd = open_file(self._lock_path(journal_id), os.O_RDWR | os.O_CREAT, self.store.file_mode)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def commit(self, journal_id: str, plan: Plan) -> None:
        """Write the journal (the commit point), then carry it out and remove it. Call with
        `lock(journal_id)` held and every temp file of the plan already written."""
        self.store.ensure_dir(self.root)
        path = self.root / f"{journal_id}.json"
        doc = {
            "id": journal_id,
            "tid": plan.now.isoformat(timespec="seconds") if plan.now else None,
            "moves": plan.moves,
            "audit": plan.audit,
            "cleanup": plan.cleanup,
        }
        write_atomic(path, encode(doc), self.store.file_mode)
        self._carry_out(doc)
        os.unlink(path)
        fsync_dir(self.root)
        with contextlib.suppress(OSError):
            os.unlink(self._lock_path(journal_id))

    def orphans(self) -> list[Path]:
        """Journals whose writer is gone (their lock can be taken)."""
        found = []
        for path in self.pending():
            fd = open_file(self._lock_path(path.stem), os.O_RDWR | os.O_CREAT, self.store.file_mode)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                found.append(path)
            except BlockingIOError:
                pass  # its writer is alive and working
            finally:
                os.close(fd)
        return found

    def recover(self) -> list[str]:
        """Finish every journal left by a writer that died. Call with the store's exclusive
        lock held (no transaction runs). Returns the ids finished."""
        done = []
        for path in self.orphans():
            try:
                doc = json.loads(read_bytes(path))
            except (OSError, ValueError) as exc:
                raise StoreError(
                    f"Journalen {path} kan ikke leses ({exc}); en avbrutt import eller "
                    "gjenoppretting kan ikke fullføres. Kontakt den som drifter fravaer-tui."
                ) from None
            self._append_audit_once(doc)
            self._carry_out(doc, audit=False)
            os.unlink(path)
            fsync_dir(self.root)
            with contextlib.suppress(OSError):
                os.unlink(self._lock_path(doc["id"]))
            done.append(str(doc["id"]))
        return done

    def _carry_out(self, doc: dict[str, Any], audit: bool = True) -> None:
        root = self.store.root
        if audit and doc["audit"]:
            self._append_audit(doc)
        moves = [(root / source, root / target) for source, target in doc["moves"]]
        # A later move may put something back where an earlier one took it from (a restore
        # moves the live year folder out, then the restored one in): resume after the
        # last move that is done, never redo one.
        start = 0
        for i in range(len(moves) - 1, -1, -1):
            src, dst = moves[i]
            if lstat(src) is None and lstat(dst) is not None:
                start = i + 1
                break
        folders: set[Path] = set()
        for src, dst in moves[start:]:
            if lstat(src) is None:
                continue  # nothing to move (it never existed)
            self.store.ensure_dir(dst.parent)
            if src.is_dir() and not src.is_symlink():
                if lstat(dst) is not None:
                    raise StoreError(f"Kan ikke flytte {src} til {dst}: målet finnes allerede.")
                os.rename(src, dst)
            else:
                replace_checked(src, dst)
            folders |= {src.parent, dst.parent}
        for folder in sorted(folders):
            with contextlib.suppress(FileNotFoundError):
                fsync_dir(folder)
        for rel in doc.get("cleanup", []):
            target = root / rel
            st = lstat(target)
            if st is not None:
                check_entry(target, st, want_dir=True)
                shutil.rmtree(target)

    def _append_audit(self, doc: dict[str, Any], already: int = 0) -> None:
        now = dt.datetime.fromisoformat(doc["tid"])
        entries = [{**e, "tx": doc["id"]} for e in doc["audit"]][already:]
        self.store.log.append(entries, now)

    def _append_audit_once(self, doc: dict[str, Any]) -> None:
        """The writer may have died before, during or after its audit append."""
        if doc["audit"]:
            self._append_audit(doc, self.store.log.count_tx(doc["id"]))
