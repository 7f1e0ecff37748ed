"""The roster in skole.json: students, staff and the timetable's versions."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from fravaer_tui.domain.model import Roster, Slot, Staff, Student, TimetableVersion
from fravaer_tui.errors import CorruptFileError
from fravaer_tui.store import codec, files
from fravaer_tui.store.codec import STAFF, STUDENTS, TIMETABLE, TIMETABLE_VERSIONS
from fravaer_tui.store.transactions import Transaction

ROSTER_FILE = "skole.json"
# Rosters parsed in this process, by file (path, inode, mtime, size).
_ROSTERS: dict[str, tuple[tuple[str, int, int, int], Roster]] = {}


class RosterMixin:
    """Mixed into `Store`, which gives it the folder, the roster's path and transactions."""

    root: Path
    roster_path: Path
    read_tables: Callable[[Path], dict[str, dict[str, Any]] | None]
    transaction: Callable[..., contextlib.AbstractContextManager[Transaction]]

    def load_roster(self) -> Roster:
        """The roster. A file from before timetable versions has one timetable: it is one
        version valid from the beginning (so every date keeps the lessons it had).

        Kept in memory by the file's version (a save replaces the file: a new inode), so
        the session server's children start with the roster it read (`fravaer serve`)."""
        files.check_dirs(self.root, self.roster_path)
        try:
            st = os.lstat(self.roster_path)
            version = (str(self.roster_path), st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            version = None
        known = _ROSTERS.get(str(self.roster_path))
        if version is not None and known is not None and known[0] == version:
            return known[1]
        roster = self._read_roster()
        if version is not None:
            _ROSTERS[str(self.roster_path)] = (version, roster)
        return roster

    def _read_roster(self) -> Roster:
        data = self.read_tables(self.roster_path) or {}
        try:
            versions = tuple(codec.version(d) for d in data.get(TIMETABLE_VERSIONS, {}).values())
            return Roster(
                students=tuple(codec.student(d) for d in data.get(STUDENTS, {}).values()),
                staff=tuple(codec.staff(d) for d in data.get(STAFF, {}).values()),
                timetable=()
                if versions
                else tuple(codec.slot(d) for d in data.get(TIMETABLE, {}).values()),
                versions=versions,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptFileError(self.roster_path, f"ugyldig post: {exc}") from None

    def write_roster(
        self,
        *,
        students: Iterable[Student] | None = None,
        staff: Iterable[Staff] | None = None,
        timetable: Iterable[Slot] | None = None,
        versions: Iterable[TimetableVersion] | None = None,
        user: str | None = None,
        now: dt.datetime | None = None,
        note: dict[str, Any] | None = None,
    ) -> None:
        """Replace the given roster tables in one atomic write.

        `timetable` alone replaces every version with one valid from the beginning (the
        demo school, old callers); `versions` replaces the versions, and the plain
        timetable table keeps the newest one for readers from before versions. With
        `user` and `now`, the change is audited: the rows added, removed and changed,
        before and after (with `note`'s fields, e.g. the file it came from)."""
        tables: dict[str, list[dict[str, Any]]] = {}
        if students is not None:
            tables[STUDENTS] = [codec.student_doc(s) for s in students]
        if staff is not None:
            tables[STAFF] = [codec.staff_doc(s) for s in staff]
        if timetable is not None and versions is None:
            tables[TIMETABLE] = [codec.slot_doc(s) for s in timetable]
            tables[TIMETABLE_VERSIONS] = []
        if versions is not None:
            ordered = sorted(versions, key=lambda v: v.fra)
            newest = ordered[-1].slots if ordered else ()
            tables[TIMETABLE] = [codec.slot_doc(s) for s in newest]
            tables[TIMETABLE_VERSIONS] = [codec.version_doc(v) for v in ordered]
        with self.transaction(self.roster_path) as tx:
            (part,) = tx
            for name, docs in tables.items():
                before = list(part.db.table(name).all())
                part.replace_table(name, docs)
                if user is not None and now is not None and (docs or before):
                    entry = roster_change(name, before, docs, user)
                    tx.audit([{**entry, **(note or {}), "rader": len(docs)}], now)


def _roster_key(table: str, doc: dict[str, Any]) -> str:
    if table == TIMETABLE:
        return f"{doc['klasse']} {doc['ukedag']}.{doc['time']}"
    if table == TIMETABLE_VERSIONS:
        return str(doc["fra"])
    return str(doc["id"])


def roster_change(
    table: str, before: list[dict[str, Any]], after: list[dict[str, Any]], user: str
) -> dict[str, Any]:
    """An import's audit entry: the rows added, removed and changed (before and after)."""
    old = {_roster_key(table, dict(d)): dict(d) for d in before}
    new = {_roster_key(table, d): d for d in after}
    return {
        "hva": "import",
        "type": table,
        "av": user,
        "lagt_til": [new[k] for k in sorted(new.keys() - old.keys())],
        "fjernet": [old[k] for k in sorted(old.keys() - new.keys())],
        "endret": [
            {"for": old[k], "etter": new[k]}
            for k in sorted(new.keys() & old.keys())
            if old[k] != new[k]
        ],
    }
