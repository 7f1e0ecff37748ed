"""The threshold check's results, kept for every session of the school (issue 10, point 5).

One file a class and check date in `<data>/.cache/sjekk/<dato>/<klasse>.json`, holding the
class's alerts and figures and the *key* they were computed for: the versions (inode, mtime,
size) of the data files they were computed from, the roster, the settings and the profile.
A session that finds the key unchanged reads the result instead of checking again; the
first one after a save recomputes the one class whose files changed, under that class's
lock, so forty open sessions compute it once. Derived data: never backed up, never audited,
safe to delete. The JSON of an alert and of a student's figures is here too, beside the
only files that hold them (not in `codec`, whose pairs are the school's records).
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

from fravaer_tui.domain.model import MarkType, Reason, Validity
from fravaer_tui.domain.rules import Alert, Evidence, StudentFigures
from fravaer_tui.errors import StoreError
from fravaer_tui.store.codec import date, safe_file_name
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


# -- the results' JSON: alerts and figures, as the class files hold them ----------------


def alert_doc(a: Alert) -> dict[str, Any]:
    return {
        "elev": a.elev,
        "klasse": a.klasse,
        "regel": a.regel,
        "tittel": a.tittel,
        "forst": a.forst.isoformat(),
        "antall": a.antall,
        "terskel": a.terskel,
        "enhet": a.enhet,
        "vindu_fra": a.vindu_fra.isoformat(),
        "tiltak": a.tiltak,
        "bevis": [
            [
                e.dato.isoformat(),
                e.time,
                e.klasse,
                e.kind.value if e.kind else None,
                e.validity.value if e.validity else None,
                e.reason.value if e.reason else None,
                e.minutter,
                e.merknad,
            ]
            for e in a.evidence
        ],
        "siste": a.siste.isoformat() if a.siste else None,
        "status": a.status,
        "kontakt": a.kontakt.isoformat() if a.kontakt else None,
    }


# Enum lookups by value as dicts: `MarkType(kind)` costs a call through EnumType, and a
# year's shared check holds ~11,000 pieces of evidence that every session reads.
_MARK_TYPES = {m.value: m for m in MarkType}
_VALIDITIES = {v.value: v for v in Validity}
_REASONS = {r.value: r for r in Reason}


def alert(doc: dict[str, Any], reasons: bool = True) -> Alert:
    """The alert stored in `doc`; without `reasons`, its evidence is read without them (as a
    faglærer sees it), which costs nothing here and a second copy of the evidence later."""
    return Alert(
        elev=doc["elev"],
        klasse=doc["klasse"],
        regel=doc["regel"],
        tittel=doc["tittel"],
        forst=dt.date.fromisoformat(doc["forst"]),
        antall=doc["antall"],
        terskel=doc["terskel"],
        enhet=doc["enhet"],
        vindu_fra=dt.date.fromisoformat(doc["vindu_fra"]),
        tiltak=doc["tiltak"],
        evidence=tuple(
            Evidence(
                dt.date.fromisoformat(d),
                time,
                klasse,
                _MARK_TYPES[kind] if kind else None,
                _VALIDITIES[validity] if validity else None,
                _REASONS[reason] if reason and reasons else None,
                minutter,
                merknad,
            )
            for d, time, klasse, kind, validity, reason, minutter, merknad in doc["bevis"]
        ),
        siste=date(doc["siste"]),
        status=doc["status"],
        kontakt=date(doc["kontakt"]),
    )


def figures_doc(f: StudentFigures) -> list[Any]:
    return [
        f.elev,
        f.klasse,
        f.fra.isoformat(),
        f.held_lessons,
        f.absent_lessons,
        f.dager,
        f.sent,
        f.forlot,
    ]


def figures(doc: list[Any]) -> StudentFigures:
    elev, klasse, fra, held, absent, dager, sent, forlot = doc
    return StudentFigures(
        elev, klasse, dt.date.fromisoformat(fra), held, absent, dager, sent, forlot
    )
