"""The audit log: who changed what, when, with before and after (one JSON object a line)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fravaer_tui.errors import StoreError
from fravaer_tui.store.files import encode, file_lock, open_shared, why

if TYPE_CHECKING:
    from fravaer_tui.store.store import Store

AUDIT_DIR = "audit"


class AuditLog:
    """<data>/audit/<åååå-mm>.jsonl, appended under a lock."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def root(self) -> Path:
        return self.store.root / AUDIT_DIR

    def append(self, entries: Iterable[dict[str, Any]], now: dt.datetime) -> None:
        """Append entries to this month's audit log (one JSON object a line)."""
        lines = b"".join(
            encode({"tid": now.isoformat(timespec="seconds"), **e}) + b"\n" for e in entries
        )
        if not lines:
            return
        folder = self.root
        self.store.ensure_dir(folder)
        path = folder / f"{now:%Y-%m}.jsonl"
        with file_lock(self.store.lock_path(path), self.store.lock_timeout, self.store.file_mode):
            try:
                fd = open_shared(path, os.O_RDWR | os.O_APPEND, self.store.file_mode)
            except OSError as exc:
                raise StoreError(f"Kunne ikke skrive til loggen {path}: {why(exc)}.") from None
            size = -1
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    lines = b"\n" + lines  # a crash cut the last line: do not glue onto it
                view = memoryview(lines)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError as exc:
                if size >= 0:
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, size)  # all or nothing: no half entry left behind
                raise StoreError(
                    f"Kunne ikke skrive til loggen {path}: {why(exc)}. Ingenting er lagret."
                ) from None
            finally:
                os.close(fd)

    def read(self) -> list[dict[str, Any]]:
        """All audit entries, oldest first; a line cut off by a crash is skipped."""
        folder = self.root
        entries: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
            for line in path.read_bytes().splitlines():
                with contextlib.suppress(ValueError):
                    entries.append(json.loads(line))
        return entries
