"""Registrations and meldinger: one file a class and month, one for the year's meldinger."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from fravaer_tui.domain.formats import format_date
from fravaer_tui.domain.model import CancelledLesson, Melding, Registration
from fravaer_tui.errors import CorruptFileError, LessonConflict
from fravaer_tui.store import codec
from fravaer_tui.store.cache import FileCache
from fravaer_tui.store.codec import CANCELLED, MELDINGER, REGISTRATIONS, YearData
from fravaer_tui.store.transactions import Transaction


class RegistrationsMixin:
    """Mixed into `Store`, which gives it the folder, the class files' paths and
    transactions."""

    root: Path
    read_tables: Callable[[Path], dict[str, dict[str, Any]] | None]
    class_dir: Callable[[str, str], Path]
    lesson_path: Callable[[str, dt.date], Path]
    meldinger_path: Callable[[str, str], Path]
    transaction: Callable[..., contextlib.AbstractContextManager[Transaction]]

    def years(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and re.fullmatch(r"\d{4}-\d{4}", p.name)
        )

    def class_files(self, skoleaar: str, klasse: str | None = None) -> list[Path]:
        """The year's data files (of one class, or all); temp files are not data."""
        folder = self.root / skoleaar
        if klasse is not None:
            found = sorted(self.class_dir(skoleaar, klasse).glob("*.json"))
        else:
            found = sorted(folder.glob("*/*.json")) if folder.is_dir() else []
        return [p for p in found if p.name != "saker.json"]  # cases are read on their own

    def load_file(self, path: Path) -> YearData:
        """One data file's registrations and meldinger (empty if it does not exist)."""
        data = self.read_tables(path) or {}
        try:
            return YearData(
                tuple(codec.registration(d) for d in data.get(REGISTRATIONS, {}).values()),
                tuple(codec.melding(d) for d in data.get(MELDINGER, {}).values()),
                tuple(codec.cancelled(d) for d in data.get(CANCELLED, {}).values()),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(path, f"ugyldig post: {exc}") from None

    def read_file(self, path: Path, cache: FileCache | None = None) -> YearData:
        """`load_file`, through `cache` when given (re-read only when a save replaced it)."""
        return cache.load(self, path) if cache is not None else self.load_file(path)

    def _load(self, paths: Iterable[Path], cache: FileCache | None = None) -> YearData:
        regs: list[Registration] = []
        meldinger: list[Melding] = []
        cancelled: list[CancelledLesson] = []
        for path in paths:
            part = self.read_file(path, cache)
            regs.extend(part.registrations)
            meldinger.extend(part.meldinger)
            cancelled.extend(part.cancelled)
        return YearData(tuple(regs), tuple(meldinger), tuple(cancelled))

    def load_year(self, skoleaar: str, cache: FileCache | None = None) -> YearData:
        return self._load(self.class_files(skoleaar), cache)

    def month_registrations(
        self, klasse: str, dato: dt.date, cache: FileCache | None = None
    ) -> tuple[Registration, ...]:
        """The class's registrations in `dato`'s month, read without a lock."""
        return self.read_file(self.lesson_path(klasse, dato), cache).registrations

    def load_class(self, skoleaar: str, klasse: str) -> YearData:
        return self._load(self.class_files(skoleaar, klasse))

    def save_registration(
        self,
        reg: Registration,
        now: dt.datetime,
        merge: Callable[[Registration | None, Registration], Registration] | None = None,
        audit_user: str | None = None,
        what: str | None = None,
    ) -> tuple[Registration, Registration | None]:
        """Save one lesson's roll call, replacing an earlier one; the change is audited.

        `merge(old, new)` runs inside the lock, so it sees the registration as stored now.
        A lesson marked not held is refused there too (`LessonConflict`): the file is read
        once, and no «not held» can come between a check and the save.
        """
        with self.transaction(self.lesson_path(reg.klasse, reg.dato)) as tx:
            (part,) = tx
            if part.cancelled(reg.dato, reg.time) is not None:
                raise LessonConflict(reg.klasse, format_date(reg.dato), reg.time, False)
            old = part.registration(reg.dato, reg.time)
            if merge is not None:
                reg = merge(old, reg)
            part.put_registration(reg)
            planned = {
                "hva": what or ("registrering" if old is None else "registrering_endret"),
                "av": audit_user or reg.av,
                "klasse": reg.klasse,
                "dato": reg.dato.isoformat(),
                "time": reg.time,
                "for": codec.registration_doc(old) if old else None,
                "etter": codec.registration_doc(reg),
            }
            tx.audit([planned], now)  # written inside the lock, before the file is replaced
        return reg, old

    @staticmethod
    def registration_entries(
        changes: list[tuple[Registration | None, Registration]], user: str, what: str
    ) -> list[dict[str, Any]]:
        """One audit entry per lesson changed in bulk (an import), with before and after."""
        return [
            {
                "hva": what,
                "av": user,
                "klasse": new.klasse,
                "dato": new.dato.isoformat(),
                "time": new.time,
                "for": codec.registration_doc(old) if old else None,
                "etter": codec.registration_doc(new),
            }
            for old, new in changes
        ]

    def set_not_held(
        self, lesson: CancelledLesson, held: bool, user: str, now: dt.datetime
    ) -> CancelledLesson | None:
        """Mark a lesson not held (avlyst), or held again; returns the mark it replaced.
        Audited with before and after. A lesson registered is refused inside the lock
        (`LessonConflict`): it was held."""
        with self.transaction(self.lesson_path(lesson.klasse, lesson.dato)) as tx:
            (part,) = tx
            if not held and part.registration(lesson.dato, lesson.time) is not None:
                raise LessonConflict(lesson.klasse, format_date(lesson.dato), lesson.time, True)
            old = part.cancelled(lesson.dato, lesson.time)
            if held:
                part.remove_cancelled(lesson.dato, lesson.time)
            else:
                part.put_cancelled(lesson)
            planned = {
                "hva": "time_holdt" if held else "time_avlyst",
                "av": user,
                "klasse": lesson.klasse,
                "dato": lesson.dato.isoformat(),
                "time": lesson.time,
                "for": codec.cancelled_doc(old) if old else None,
                "etter": None if held else codec.cancelled_doc(lesson),
            }
            tx.audit([planned], now)
        return old

    def add_meldinger(
        self, skoleaar: str, klasse: str, meldinger: list[Melding], now: dt.datetime
    ) -> None:
        planned = [
            {"hva": "melding", "av": m.av, "elev": m.elev, "etter": codec.melding_doc(m)}
            for m in meldinger
        ]
        with self.transaction(self.meldinger_path(skoleaar, klasse)) as tx:
            (part,) = tx
            part.add_meldinger(meldinger)
            tx.audit(planned, now)

    def update_melding(
        self,
        skoleaar: str,
        klasse: str,
        melding_id: str,
        change: Callable[[Melding], Melding],
        user: str,
        now: dt.datetime,
    ) -> tuple[Melding, Melding] | None:
        """Change a stored melding (a receipt given, «legeattest mottatt») as it is stored
        now, inside the lock; None if the file holds no melding with that id. Audited with
        before and after."""
        with self.transaction(self.meldinger_path(skoleaar, klasse)) as tx:
            (part,) = tx
            table = part.db.table(MELDINGER)
            found = [d for d in table.all() if d["id"] == melding_id]
            if not found:
                return None
            old = codec.melding(found[0])
            new = change(old)
            table.remove(doc_ids=[found[0].doc_id])
            table.insert(codec.melding_doc(new))
            tx.audit(
                [
                    {
                        "hva": "melding_endret",
                        "av": user,
                        "elev": new.elev,
                        "melding": new.id,
                        "for": codec.melding_doc(old),
                        "etter": codec.melding_doc(new),
                    }
                ],
                now,
            )
        return new, old
