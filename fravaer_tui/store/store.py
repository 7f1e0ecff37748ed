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
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from fravaer_tui.domain.consent import Samtykke
from fravaer_tui.domain.followup import Case
from fravaer_tui.domain.model import (
    CancelledLesson,
    Contact,
    Melding,
    Registration,
    Roster,
    SchoolConfig,
    Slot,
    Staff,
    Student,
    TimetableVersion,
)
from fravaer_tui.domain.reviews import ReviewRecord
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.errors import CorruptFileError, StoreError
from fravaer_tui.store import codec, files
from fravaer_tui.store.auditlog import AuditLog
from fravaer_tui.store.backups import KEEP_BACKUP_DAYS, RESTORE_BUILD_PREFIX, Backups
from fravaer_tui.store.cache import FileCache
from fravaer_tui.store.checkcache import CheckCache
from fravaer_tui.store.codec import (
    CANCELLED,
    CASES,
    CONSENTS,
    CONTACTS,
    MELDINGER,
    REGISTRATIONS,
    REVIEWS,
    STAFF,
    STUDENTS,
    TIMETABLE,
    TIMETABLE_VERSIONS,
    YearData,
    safe_file_name,
)
from fravaer_tui.store.config import CONFIG_FILE, config_to_toml, parse_config
from fravaer_tui.store.files import (
    DIR_MODE,
    FILE_MODE,
    encode,
    file_lock,
    read_tables,
    remove_stale_temp_files,
    why,
    write_atomic,
    write_temp,
)
from fravaer_tui.store.journal import Journals, Plan, new_id
from fravaer_tui.store.partitions import Partition

ROSTER_FILE = "skole.json"
STORE_LOCK = "skole"  # .locks/skole.lock: shared by every change, exclusive for a restore
# Rosters parsed in this process, by file (path, inode, mtime, size).
_ROSTERS: dict[str, tuple[tuple[str, int, int, int], Roster]] = {}


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
        clock: Callable[[], dt.datetime] | None = None,
        keep_backup_days: int = KEEP_BACKUP_DAYS,
    ) -> None:
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        # Private to the account that owns the data (DESIGN, Trust): staff come in over SSH.
        self.file_mode = file_mode if file_mode is not None else FILE_MODE
        self.dir_mode = dir_mode if dir_mode is not None else DIR_MODE
        # The wall clock, from the entry point (cli, run_app). Backups are named by it; a
        # store without one (a test, the demo being built) takes no daily backups.
        self.clock = clock
        self.keep_backup_days = keep_backup_days
        self.backups = Backups(self)
        self.log = AuditLog(self)
        self.journals = Journals(self)
        self.checks = CheckCache(self)

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
        """Create `path` inside the data folder (private); refuse links on the way."""
        if not self.root.is_dir():
            try:
                self.root.mkdir(parents=True, mode=self.dir_mode)
            except FileExistsError:
                pass
            except OSError as exc:
                raise StoreError(
                    f"Kunne ikke lage mappen {self.root} (datamappen): {why(exc)}."
                ) from None
            os.chmod(self.root, self.dir_mode)
        files.ensure_dir(self.root, path, self.dir_mode)

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read_tables(self, path: Path) -> dict[str, dict[str, Any]] | None:
        """A data file's tables (None if missing), never through a link on the way."""
        files.check_dirs(self.root, path)
        return read_tables(path)

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

    # school settings -------------------------------------------------------

    def load_config(self) -> SchoolConfig:
        path = self.config_path
        try:
            files.check_dirs(self.root, path)
            raw = files.read_bytes(path)
        except FileNotFoundError:
            raise StoreError(
                f"Fant ingen skole i {self.root} (mangler {CONFIG_FILE}). Lag en med "
                f"`fravaer --data {self.root} demo` eller importer elever først."
            ) from None
        return parse_config(raw, str(path))  # validated: types, ranges, dates (issue 9)

    def write_config(self, config: SchoolConfig) -> None:
        self.backups.ensure_daily()
        if not self.exists():
            self.make_private()
        self.ensure_dir(self.root)
        self._write(self.config_path, config_to_toml(config).encode("utf-8"))

    # roster ----------------------------------------------------------------

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
        data = self.read_tables(path) or {}
        try:
            return YearData(
                tuple(codec.registration(d) for d in data.get(REGISTRATIONS, {}).values()),
                tuple(codec.melding(d) for d in data.get(MELDINGER, {}).values()),
                tuple(codec.cancelled(d) for d in data.get(CANCELLED, {}).values()),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(path, f"ugyldig post: {exc}") from None

    def _load(self, paths: Iterable[Path], cache: FileCache | None = None) -> YearData:
        regs: list[Registration] = []
        meldinger: list[Melding] = []
        cancelled: list[CancelledLesson] = []
        for path in paths:
            part = cache.load(self, path) if cache is not None else self.load_file(path)
            regs.extend(part.registrations)
            meldinger.extend(part.meldinger)
            cancelled.extend(part.cancelled)
        return YearData(tuple(regs), tuple(meldinger), tuple(cancelled))

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
        with self.transaction(self.lesson_path(reg.klasse, reg.dato)) as tx:
            (part,) = tx
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
        Audited with before and after."""
        with self.transaction(self.lesson_path(lesson.klasse, lesson.dato)) as tx:
            (part,) = tx
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

    # public holidays, worked out once ---------------------------------------

    @property
    def holiday_cache_path(self) -> Path:
        return self.root / ".cache" / "helligdager.json"

    def load_public_holidays(self) -> dict[int, frozenset[dt.date]]:
        """Public holidays per year as the `holidays` package gave them earlier (a cache;
        anything unreadable is ignored and worked out again)."""
        try:
            doc = json.loads(files.read_bytes(self.holiday_cache_path))
            return {
                int(year): frozenset(dt.date.fromisoformat(d) for d in dates)
                for year, dates in doc.items()
            }
        except (OSError, ValueError, TypeError, AttributeError, StoreError):
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
        with self.transaction(self.cases_path(skoleaar, klasse)) as tx:
            (part,) = tx
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
            tx.audit([planned], now)
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
        with self.transaction(self.cases_path(skoleaar, klasse)) as tx:
            (part,) = tx
            part.db.table(CONTACTS).insert(codec.contact_doc(contact))
            tx.audit(planned, now)

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
            data = self.read_tables(path) or {}
            try:
                cases.extend(codec.case(d) for d in data.get(CASES, {}).values())
                contacts.extend(codec.contact(d) for d in data.get(CONTACTS, {}).values())
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise CorruptFileError(path, f"ugyldig post: {exc}") from None
        return cases, contacts

    # samtykke (issue 13): in the class's saker.json, like the cases ----------------

    def update_consent(
        self,
        skoleaar: str,
        klasse: str,
        consent_id: str,
        change: Callable[[Samtykke | None], Samtykke],
        user: str,
        now: dt.datetime,
    ) -> tuple[Samtykke, Samtykke | None]:
        """Add a consent, or change one as stored now (`change` runs inside the lock);
        audited with before and after."""
        with self.transaction(self.cases_path(skoleaar, klasse)) as tx:
            (part,) = tx
            table = part.db.table(CONSENTS)
            found = [d for d in table.all() if d["id"] == consent_id]
            old = codec.consent(found[0]) if found else None
            new = change(old)
            if found:
                table.remove(doc_ids=[found[0].doc_id])
            table.insert(codec.consent_doc(new))
            planned = {
                "hva": "samtykke" if old is None else "samtykke_endret",
                "av": user,
                "elev": new.elev,
                "samtykke": new.id,
                "for": codec.consent_doc(old) if old else None,
                "etter": codec.consent_doc(new),
            }
            tx.audit([planned], now)
        return new, old

    def load_consents(self, skoleaar: str, klasse: str) -> list[Samtykke]:
        path = self.cases_path(skoleaar, klasse)
        data = self.read_tables(path) or {}
        try:
            return [codec.consent(d) for d in data.get(CONSENTS, {}).values()]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(path, f"ugyldig post: {exc}") from None

    # the regular reviews (issue 13): one file a school year ---------------------------

    def reviews_path(self, skoleaar: str) -> Path:
        return self.root / skoleaar / "gjennomganger.json"

    def add_review(self, skoleaar: str, record: ReviewRecord, user: str, now: dt.datetime) -> None:
        """Record a review held; audited (the notes and decisions, who and when)."""
        with self.transaction(self.reviews_path(skoleaar)) as tx:
            (part,) = tx
            part.db.table(REVIEWS).insert(codec.review_doc(record))
            tx.audit(
                [
                    {
                        "hva": "gjennomgang",
                        "av": user,
                        "gjennomgang": record.gjennomgang,
                        "etter": codec.review_doc(record),
                    }
                ],
                now,
            )

    def load_reviews(self, skoleaar: str) -> list[ReviewRecord]:
        path = self.reviews_path(skoleaar)
        data = self.read_tables(path) or {}
        try:
            return [codec.review(d) for d in data.get(REVIEWS, {}).values()]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(path, f"ugyldig post: {exc}") from None


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
