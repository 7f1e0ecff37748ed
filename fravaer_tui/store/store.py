"""The data folder: paths, transactions over its files, and what lives in them.

Layout (DESIGN, Architecture; measured in DESIGN, Known pitfalls):

    <data>/skole.toml              the school's settings, edited by hand
    <data>/skole.json              roster: students, staff, timetable
    <data>/<skoleår>/<klasse>/<åååå-mm>.json   registrations of one class in one month
    <data>/<skoleår>/<klasse>/meldinger.json   meldinger for the class's students that year
    <data>/<skoleår>/<klasse>/saker.json       follow-up cases and the contact log
    <data>/audit/<yyyy-mm>.jsonl   append-only audit log
    <data>/.locks/                 one lock file per data file

Every change runs as a transaction on one or more partitions: under an exclusive
`flock` per file, the file is read fresh, changed through TinyDB in memory, and
written back atomically (temp file, fsync, rename, fsync of the folder). A crash at
any moment leaves either the old or the new file; a reader never needs the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pwd
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from fravaer_tui.domain.followup import Case
from fravaer_tui.domain.model import (
    Contact,
    Melding,
    Registration,
    Roster,
    SchoolConfig,
    Slot,
    Staff,
    Student,
)
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.errors import CorruptFileError, StoreError
from fravaer_tui.store import codec
from fravaer_tui.store.auditlog import AuditLog
from fravaer_tui.store.backups import KEEP_BACKUP_DAYS, Backups
from fravaer_tui.store.cache import FileCache
from fravaer_tui.store.codec import (
    CASES,
    CONTACTS,
    MELDINGER,
    REGISTRATIONS,
    STAFF,
    STUDENTS,
    TIMETABLE,
    YearData,
    safe_file_name,
)
from fravaer_tui.store.config import CONFIG_FILE, config_from_toml, config_to_toml
from fravaer_tui.store.files import (
    DIR_MODE,
    FILE_MODE,
    encode,
    file_lock,
    read_tables,
    remove_stale_temp_files,
    why,
    write_atomic,
)
from fravaer_tui.store.partitions import Partition

ROSTER_FILE = "skole.json"


def access_problem(root: Path, mode: int, owner: int, uid: int) -> str:
    """Why the account `uid` may not use the data folder `root` ("" if it may).

    The folder holds data on children: only the account that owns it (the service account
    on a school server, reached over SSH) may reach it. A folder shared by a group (the
    retired 2770 set-up) let a faglærer read every reason and case with `cat` and plant
    symlinks for a colleague's save (DESIGN, Known pitfalls).
    """
    mode = stat.S_IMODE(mode)
    if mode & (0o077 | stat.S_ISGID):
        who = "alle brukere" if mode & 0o007 else "en gruppe"
        return (
            f"Datamappen {root} kan nås av {who} på maskinen (rettigheter {mode:04o}). "
            "Personopplysninger om elever skal bare kunne leses av kontoen som eier dataene, "
            "og felles mappe for en gruppe støttes ikke lenger. La en tjenestekonto eie mappen "
            f"(`chown -R fravaer: {root} && chmod -R u=rwX,go=,g-s {root}`) og gi de ansatte "
            "tilgang med `fravaer keys add` (se README, «Skoleserver med tjenestekonto»). "
            f"Bare for deg selv: `chmod -R u=rwX,go=,g-s {root}`."
        )
    if owner != uid:
        name = _account(owner)
        where = f"Datamappen {root} eies av «{name}», men du kjører som «{_account(uid)}»."
        if uid == 0:  # the usual slip: files root wrote would lock the service account out
            how = (
                f"Alt i datamappen skal eies av samme konto: kjør som den (`sudo -u {name} "
                f"fravaer --data {root} …`)."
            )
        else:
            how = (
                f"Bare den kontoen bruker datamappen. Ansatte bruker programmet over SSH "
                f"(`ssh {name}@skoleserver`) med sin egen nøkkel."
            )
        return f"{where} {how} Se README, «Skoleserver med tjenestekonto»."
    return ""


def _account(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


class Store:
    """The data folder. Create with `Store(path)`; nothing is written until a change."""

    def __init__(
        self,
        root: Path | str,
        *,
        lock_timeout: float = 10.0,
        file_mode: int | None = None,
        dir_mode: int | None = None,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
        keep_backup_days: int = KEEP_BACKUP_DAYS,
        daily_backups: bool = True,
    ) -> None:
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        # Private to the account that owns the data (DESIGN, Trust): staff come in over SSH.
        self.file_mode = file_mode if file_mode is not None else FILE_MODE
        self.dir_mode = dir_mode if dir_mode is not None else DIR_MODE
        self.clock = clock  # backups follow the wall clock, not the school's dates
        self.keep_backup_days = keep_backup_days
        self.daily_backups = daily_backups  # off only while a demo school is being built
        self.backups = Backups(self)
        self.log = AuditLog(self)

    # paths -----------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def roster_path(self) -> Path:
        return self.root / ROSTER_FILE

    def class_dir(self, skoleaar: str, klasse: str) -> Path:
        return self.root / skoleaar / safe_file_name(klasse)

    def lesson_path(self, klasse: str, dato: dt.date) -> Path:
        """Registrations are split per class and month, so every save stays small."""
        return self.class_dir(school_year_name(dato), klasse) / f"{dato:%Y-%m}.json"

    def meldinger_path(self, skoleaar: str, klasse: str) -> Path:
        return self.class_dir(skoleaar, klasse) / "meldinger.json"

    def ensure_dir(self, path: Path) -> None:
        if not path.is_dir():
            if self.root in path.parents:
                # mkdir(parents=True) ignores `mode`: make the data folder itself private too
                self.ensure_dir(path.parent)
            try:
                path.mkdir(parents=True, mode=self.dir_mode, exist_ok=True)
            except PermissionError:
                raise StoreError(f"Har ikke skrivetilgang til {path.parent}.") from None
            except OSError as exc:
                raise StoreError(f"Kunne ikke lage mappen {path}: {why(exc)}.") from None
            os.chmod(path, self.dir_mode)

    def lock_path(self, path: Path) -> Path:
        locks = self.root / ".locks"
        self.ensure_dir(locks)
        rel = path.relative_to(self.root).as_posix().replace("/", "__")
        return locks / f"{rel}.lock"

    def exists(self) -> bool:
        return self.config_path.is_file()

    def check_access(self) -> None:
        """Refuse a data folder other accounts can reach, or one this account does not own."""
        try:
            info = self.root.stat()
        except FileNotFoundError:
            return
        problem = access_problem(self.root, info.st_mode, info.st_uid, os.geteuid())
        if problem:
            raise StoreError(problem)

    def make_private(self) -> None:
        """A new school's folder: private to its owner."""
        self.ensure_dir(self.root)
        os.chmod(self.root, DIR_MODE)

    # transactions ----------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *paths: Path) -> Iterator[list[Partition]]:
        """Lock the files (in a fixed order), open each fresh, write back those changed.

        If the block raises, nothing is written.
        """
        ordered = sorted(set(paths))
        self.backups.ensure_daily()
        with contextlib.ExitStack() as stack:
            for path in ordered:
                self.ensure_dir(path.parent)
                stack.enter_context(
                    file_lock(self.lock_path(path), self.lock_timeout, self.file_mode)
                )
            for path in ordered:
                remove_stale_temp_files(path)
            parts = {path: Partition(path, read_tables(path)) for path in ordered}
            yield [parts[p] for p in paths]
            for part in parts.values():
                if part.dirty:
                    self._write(part.path, part.payload())

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

    # school settings -------------------------------------------------------

    def load_config(self) -> SchoolConfig:
        path = self.config_path
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise StoreError(
                f"Fant ingen skole i {self.root} (mangler {CONFIG_FILE}). Lag en med "
                f"`fravaer --data {self.root} demo` eller importer elever først."
            ) from None
        try:
            doc = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise StoreError(f"{path}: ugyldig TOML ({exc}).") from None
        return config_from_toml(doc, str(path))

    def write_config(self, config: SchoolConfig) -> None:
        self.backups.ensure_daily()
        if not self.exists():
            self.make_private()
        self.ensure_dir(self.root)
        self._write(self.config_path, config_to_toml(config).encode("utf-8"))

    # roster ----------------------------------------------------------------

    def load_roster(self) -> Roster:
        data = read_tables(self.roster_path) or {}
        try:
            return Roster(
                students=tuple(codec.student(d) for d in data.get(STUDENTS, {}).values()),
                staff=tuple(codec.staff(d) for d in data.get(STAFF, {}).values()),
                timetable=tuple(codec.slot(d) for d in data.get(TIMETABLE, {}).values()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptFileError(self.roster_path, f"ugyldig post: {exc}") from None

    def write_roster(
        self,
        *,
        students: Iterable[Student] | None = None,
        staff: Iterable[Staff] | None = None,
        timetable: Iterable[Slot] | None = None,
    ) -> None:
        """Replace the given roster tables in one atomic write."""
        with self.transaction(self.roster_path) as (part,):
            if students is not None:
                part.replace_table(STUDENTS, [codec.student_doc(s) for s in students])
            if staff is not None:
                part.replace_table(STAFF, [codec.staff_doc(s) for s in staff])
            if timetable is not None:
                part.replace_table(TIMETABLE, [codec.slot_doc(s) for s in timetable])

    # registrations and meldinger ------------------------------------------

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
        data = read_tables(path) or {}
        try:
            return YearData(
                tuple(codec.registration(d) for d in data.get(REGISTRATIONS, {}).values()),
                tuple(codec.melding(d) for d in data.get(MELDINGER, {}).values()),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(path, f"ugyldig post: {exc}") from None

    def _load(self, paths: Iterable[Path], cache: FileCache | None = None) -> YearData:
        regs: list[Registration] = []
        meldinger: list[Melding] = []
        for path in paths:
            part = cache.load(self, path) if cache is not None else self.load_file(path)
            regs.extend(part.registrations)
            meldinger.extend(part.meldinger)
        return YearData(tuple(regs), tuple(meldinger))

    def load_year(self, skoleaar: str, cache: FileCache | None = None) -> YearData:
        return self._load(self.class_files(skoleaar), cache)

    def month_registrations(self, klasse: str, dato: dt.date) -> tuple[Registration, ...]:
        """The class's registrations in `dato`'s month, read without a lock."""
        return self.load_file(self.lesson_path(klasse, dato)).registrations

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
        """
        entries: list[dict[str, Any]] = []
        with self._audited(entries, now), self.lesson_partition(reg.klasse, reg.dato) as part:
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
            self.log.append([planned], now)  # inside the lock, before the file is replaced
            entries.append(planned)
        return reg, old

    def audit_registrations(
        self,
        changes: list[tuple[Registration | None, Registration]],
        user: str,
        now: dt.datetime,
        what: str,
    ) -> None:
        """One entry per lesson changed in bulk (an import), with before and after.
        Call it inside the transaction, before the data is written."""
        self.log.append(
            [
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
            ],
            now,
        )

    @contextlib.contextmanager
    def _audited(self, entries: list[dict[str, Any]], now: dt.datetime) -> Iterator[None]:
        """The audit entry is written before the data; if the data write then fails, a
        second entry says so. A change is never saved without its audit entry."""
        try:
            yield
        except StoreError:
            if entries:
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
                            for e in entries
                        ],
                        now,
                    )
            raise

    def add_meldinger(
        self, skoleaar: str, klasse: str, meldinger: list[Melding], now: dt.datetime
    ) -> None:
        planned = [
            {"hva": "melding", "av": m.av, "elev": m.elev, "etter": codec.melding_doc(m)}
            for m in meldinger
        ]
        entries: list[dict[str, Any]] = []
        with self._audited(entries, now), self.meldinger_partition(skoleaar, klasse) as part:
            part.add_meldinger(meldinger)
            self.log.append(planned, now)
            entries.extend(planned)

    # public holidays, worked out once ---------------------------------------

    @property
    def holiday_cache_path(self) -> Path:
        return self.root / ".cache" / "helligdager.json"

    def load_public_holidays(self) -> dict[int, frozenset[dt.date]]:
        """Public holidays per year as the `holidays` package gave them earlier (a cache;
        anything unreadable is ignored and worked out again)."""
        try:
            doc = json.loads(self.holiday_cache_path.read_text(encoding="utf-8"))
            return {
                int(year): frozenset(dt.date.fromisoformat(d) for d in dates)
                for year, dates in doc.items()
            }
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    def save_public_holidays(self, years: dict[int, frozenset[dt.date]]) -> None:
        doc = {str(y): sorted(d.isoformat() for d in dates) for y, dates in sorted(years.items())}
        with contextlib.suppress(OSError, StoreError):  # only a cache: never worth an error
            self.ensure_dir(self.holiday_cache_path.parent)
            write_atomic(self.holiday_cache_path, encode(doc), self.file_mode)

    # follow-up: cases and the contact log ------------------------------------

    def cases_path(self, skoleaar: str, klasse: str) -> Path:
        return self.class_dir(skoleaar, klasse) / "saker.json"

    def put_case(self, skoleaar: str, case: Case, user: str, now: dt.datetime) -> Case | None:
        """Insert or replace a case (by id); returns the version it replaced. Audited."""
        return self.update_case(skoleaar, case.klasse, case.id, lambda _: case, user, now)[1]

    def update_case(
        self,
        skoleaar: str,
        klasse: str,
        case_id: str,
        change: Callable[[Case | None], Case],
        user: str,
        now: dt.datetime,
    ) -> tuple[Case, Case | None]:
        """Change a case as it is stored *now*: `change(current)` runs inside the lock, so
        two staff changing one case at once both keep their change. Audited."""
        entries: list[dict[str, Any]] = []
        path = self.cases_path(skoleaar, klasse)
        with self._audited(entries, now), self.transaction(path) as (part,):
            table = part.db.table(CASES)
            found = [d for d in table.all() if d["id"] == case_id]
            old = codec.case(found[0]) if found else None
            case = change(old)
            if found:
                table.remove(doc_ids=[found[0].doc_id])
            table.insert(codec.case_doc(case))
            planned = {
                "hva": "sak" if old is None else "sak_endret",
                "av": user,
                "elev": case.elev,
                "sak": case.id,
                "for": codec.case_doc(old) if old else None,
                "etter": codec.case_doc(case),
            }
            self.log.append([planned], now)
            entries.append(planned)
        return case, old

    def add_contact(self, skoleaar: str, klasse: str, contact: Contact, now: dt.datetime) -> None:
        planned = [
            {
                "hva": "kontakt",
                "av": contact.av,
                "elev": contact.elev,
                "etter": codec.contact_doc(contact),
            }
        ]
        entries: list[dict[str, Any]] = []
        path = self.cases_path(skoleaar, klasse)
        with self._audited(entries, now), self.transaction(path) as (part,):
            part.db.table(CONTACTS).insert(codec.contact_doc(contact))
            self.log.append(planned, now)
            entries.extend(planned)

    def load_followup(
        self, skoleaar: str, klasse: str | None = None
    ) -> tuple[list[Case], list[Contact]]:
        """Cases and contacts of one class (or all classes) in a school year."""
        folder = self.root / skoleaar
        if klasse is not None:
            paths = [self.cases_path(skoleaar, klasse)]
        else:
            paths = sorted(folder.glob("*/saker.json")) if folder.is_dir() else []
        cases: list[Case] = []
        contacts: list[Contact] = []
        for path in paths:
            data = read_tables(path) or {}
            try:
                cases.extend(codec.case(d) for d in data.get(CASES, {}).values())
                contacts.extend(codec.contact(d) for d in data.get(CONTACTS, {}).values())
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise CorruptFileError(path, f"ugyldig post: {exc}") from None
        return cases, contacts
