"""TinyDB over one data file already read under its lock: the only module that imports tinydb.

TinyDB works on the parsed file in memory (`_Snapshot`); the store writes the result back
atomically. Measured in DESIGN, Known pitfalls: TinyDB's own JSONStorage writes in place and
corrupts under a kill, and a database kept open across processes goes stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import JSONStorage, Storage
from tinydb.table import Document

from fravaer_tui.domain.model import CancelledLesson, Melding, Registration
from fravaer_tui.store import codec
from fravaer_tui.store.codec import CANCELLED, MELDINGER, REGISTRATIONS, registration_key
from fravaer_tui.store.files import META, SCHEMA_VERSION, encode


class _Snapshot(Storage):
    """TinyDB storage over a dict already read from disk; records whether it was written."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> dict[str, dict[str, Any]]:
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.data = data
        self.dirty = True


class Partition:
    """One data file opened for change inside a transaction, through TinyDB."""

    def __init__(self, path: Path, data: dict[str, dict[str, Any]] | None) -> None:
        self.path = path
        self.created = data is None
        self._storage_data = data or {}
        self.db = TinyDB(storage=_Snapshot, data=self._storage_data)

    @property
    def dirty(self) -> bool:
        return self.db.storage.dirty  # type: ignore[attr-defined]

    def payload(self) -> bytes:
        data = self.db.storage.read()
        data[META] = {"1": {"schema": SCHEMA_VERSION}}
        return encode(data)

    # registrations ---------------------------------------------------------

    def registration(self, dato: dt.date, time: int) -> Registration | None:
        doc = self.db.table(REGISTRATIONS).get(doc_id=registration_key(dato, time))
        return codec.registration(doc) if doc else None  # type: ignore[arg-type]

    def put_registration(self, reg: Registration) -> Registration | None:
        """Insert or replace the lesson's registration; return the one it replaced."""
        table = self.db.table(REGISTRATIONS)
        key = registration_key(reg.dato, reg.time)
        old = table.get(doc_id=key)
        if old is not None:
            table.remove(doc_ids=[key])
        table.insert(Document(codec.registration_doc(reg), doc_id=key))
        return codec.registration(old) if old else None  # type: ignore[arg-type]

    def put_registrations(self, regs: Iterable[Registration]) -> None:
        table = self.db.table(REGISTRATIONS)
        docs = {registration_key(r.dato, r.time): codec.registration_doc(r) for r in regs}
        table.remove(doc_ids=[k for k in docs if table.contains(doc_id=k)])
        table.insert_multiple(Document(doc, doc_id=k) for k, doc in docs.items())

    # lessons not held ------------------------------------------------------

    def cancelled(self, dato: dt.date, time: int) -> CancelledLesson | None:
        doc = self.db.table(CANCELLED).get(doc_id=registration_key(dato, time))
        return codec.cancelled(doc) if doc else None  # type: ignore[arg-type]

    def put_cancelled(self, lesson: CancelledLesson) -> None:
        table = self.db.table(CANCELLED)
        key = registration_key(lesson.dato, lesson.time)
        if table.contains(doc_id=key):
            table.remove(doc_ids=[key])
        table.insert(Document(codec.cancelled_doc(lesson), doc_id=key))

    def remove_cancelled(self, dato: dt.date, time: int) -> None:
        table = self.db.table(CANCELLED)
        key = registration_key(dato, time)
        if table.contains(doc_id=key):
            table.remove(doc_ids=[key])

    # meldinger -------------------------------------------------------------

    def meldinger(self) -> list[Melding]:
        return [codec.melding(d) for d in self.db.table(MELDINGER).all()]

    def add_meldinger(self, meldinger: Iterable[Melding]) -> None:
        self.db.table(MELDINGER).insert_multiple(codec.melding_doc(m) for m in meldinger)

    def remove_melding(self, melding_id: str) -> Melding | None:
        table = self.db.table(MELDINGER)
        found = [d for d in table.all() if d["id"] == melding_id]
        if not found:
            return None
        table.remove(doc_ids=[found[0].doc_id])
        return codec.melding(found[0])

    # roster ----------------------------------------------------------------

    def replace_table(self, name: str, docs: list[dict[str, Any]]) -> None:
        table = self.db.table(name)
        table.truncate()
        table.insert_multiple(docs)


class NaiveStore:
    """All registrations in one file with TinyDB's default JSONStorage (bench baseline)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fill(self, regs: Iterable[Registration]) -> None:
        with TinyDB(self.path, storage=JSONStorage) as db:
            db.table(REGISTRATIONS).insert_multiple(codec.registration_doc(r) for r in regs)

    def save(self, reg: Registration) -> None:
        with TinyDB(self.path, storage=JSONStorage) as db:
            db.table(REGISTRATIONS).insert(codec.registration_doc(reg))
