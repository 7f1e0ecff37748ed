"""The threshold check's results, kept for every session of the school (issue 10, point 5).

One file a class and check date in `<data>/.cache/sjekk/<dato>/<klasse>.json`, holding the
class's alerts and figures and the *key* they were computed for: the versions (inode, mtime,
size) of the data files they were computed from, the roster, the settings and the profile.
A session that finds the key unchanged reads the result instead of checking again; the
first one after a save recomputes the one class whose files changed, under that class's
lock, so forty open sessions compute it once. Derived data: never backed up, never audited,
safe to delete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fravaer_tui.errors import StoreError
from fravaer_tui.store.codec import safe_file_name
from fravaer_tui.store.files import encode, file_lock, read_bytes, write_atomic

if TYPE_CHECKING:
    from fravaer_tui.store.store import Store

CACHE_DIR = "sjekk"


class CheckCache:
    """`store.checks`: read, write and lock the shared results of the threshold check."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def root(self) -> Path:
        return self.store.root / ".cache" / CACHE_DIR

    def path(self, dato: dt.date, klasse: str) -> Path:
        return self.root / dato.isoformat() / f"{safe_file_name(klasse)}.json"

    def key(self, paths: Iterable[Path], extra: str) -> str:
        """A fingerprint of the files' versions (a save replaces a file: new inode) and
        of `extra` (the date, the profile); files that do not exist count as such."""
        digest = hashlib.sha256(extra.encode())
        for path in sorted(paths):
            try:
                st = os.lstat(path)
                version = f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"
            except FileNotFoundError:
                version = "-"
            digest.update(f"\n{path.relative_to(self.store.root)}={version}".encode())
        return digest.hexdigest()

    def load(self, dato: dt.date, klasse: str, key: str) -> dict[str, Any] | None:
        """The cached result if it was computed for `key`; None otherwise (or unreadable)."""
        try:
            doc = json.loads(read_bytes(self.path(dato, klasse)))
        except (OSError, ValueError, StoreError):
            return None
        return doc if isinstance(doc, dict) and doc.get("key") == key else None

    def save(self, dato: dt.date, klasse: str, key: str, doc: dict[str, Any]) -> None:
        """Keep a result; a cache that cannot be written is only slower, never an error."""
        path = self.path(dato, klasse)
        with contextlib.suppress(OSError, StoreError):
            self.store.ensure_dir(path.parent)
            write_atomic(path, encode({**doc, "key": key}), self.store.file_mode)

    @contextlib.contextmanager
    def computing(self, dato: dt.date, klasse: str) -> Iterator[None]:
        """Held while one process computes a class's result: the others wait and read it."""
        lock = self.store.lock_path(self.root / safe_file_name(klasse))  # one a class, any date
        with file_lock(lock, max(self.store.lock_timeout, 30.0), self.store.file_mode):
            yield

    def prune(self, keep: dt.date) -> None:
        """Results for other dates than `keep` (yesterday's) are of no use any more."""
        try:
            names = os.listdir(self.root)
        except (FileNotFoundError, NotADirectoryError):
            return
        for name in names:
            folder = self.root / name
            if name != keep.isoformat() and folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
