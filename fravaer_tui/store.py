"""The data folder: the only module that imports TinyDB.

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
import errno
import fcntl
import json
import os
import re
import shutil
import stat
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import JSONStorage, Storage
from tinydb.table import Document

from fravaer_tui.errors import (
    CorruptFileError,
    LockTimeoutError,
    NewerSchemaError,
    StoreError,
)
from fravaer_tui.followup import Case, CaseEvent, CaseStatus, Effect, StepRecord, Tiltak
from fravaer_tui.model import (
    Contact,
    Foresatt,
    Holiday,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Role,
    Roster,
    SchoolConfig,
    Slot,
    Staff,
    Student,
    Validity,
)
from fravaer_tui.schoolcalendar import school_year_name

SCHEMA_VERSION = 1
FILE_MODE = 0o600
DIR_MODE = 0o700
META = "_meta"
REGISTRATIONS = "registreringer"
MELDINGER = "meldinger"
CASES = "saker"
CONTACTS = "kontaktlogg"
STUDENTS = "elever"
STAFF = "ansatte"
TIMETABLE = "timeplan"
CONFIG_FILE = "skole.toml"
BACKUP_DIR = "sikkerhetskopier"
KEEP_BACKUP_DAYS = 30
NOT_BACKED_UP = {BACKUP_DIR, ".locks", ".cache", "elevmapper"}  # copies or caches
ROSTER_FILE = "skole.json"


# ---------------------------------------------------------------------------
# Files: atomic writes, locks, reading with schema and corruption checks


def _open_shared(path: Path, flags: int, mode: int) -> int:
    """Open (creating if needed) with exactly `mode`, whatever the user's umask: in a folder
    shared by a group, a lock or log file made by one teacher must be writable by the next."""
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        try:
            return os.open(path, flags)
        except PermissionError:
            raise StoreError(
                f"Har ikke skrivetilgang til {path}. Er du med i gruppen som deler datamappen, "
                "og er filene skrivbare for gruppen (chmod -R g+rw)? Se README, «Felles "
                "skoleserver»."
            ) from None
    except PermissionError:
        raise StoreError(f"Har ikke skrivetilgang til {path.parent}.") from None
    os.fchmod(fd, mode)
    return fd


def _why(exc: OSError) -> str:
    """An OS error in Norwegian words for the common cases."""
    return {
        errno.ENOSPC: "disken er full",
        errno.EDQUOT: "diskkvoten er brukt opp",
        errno.EROFS: "mappen er skrivebeskyttet",
        errno.EACCES: "mangler tilgang",
        errno.EPERM: "mangler tilgang",
        errno.EFBIG: "filen er for stor",
    }.get(exc.errno or 0, exc.strerror or str(exc))


def _copy_tree(src: Path, dst: Path, dir_mode: int) -> None:
    """Copy a folder; the first OSError is raised as it is (shutil.copytree folds them all
    into one string and the errno with them, so a full disk could not be told apart).
    Temp files are left out, and no symlink is followed."""
    dst.mkdir(mode=dir_mode)
    with os.scandir(src) as entries:
        for entry in entries:
            if entry.name.endswith(".tmp"):
                continue
            if entry.is_dir(follow_symlinks=False):
                _copy_tree(Path(entry.path), dst / entry.name, dir_mode)
            elif entry.is_file(follow_symlinks=False):
                shutil.copy2(entry.path, dst / entry.name, follow_symlinks=False)


def write_atomic(path: Path, payload: bytes, mode: int = FILE_MODE) -> None:
    """Write `payload` to `path` so that a crash leaves either the old or the new file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _remove_stale_temp_files(path: Path) -> None:
    """Temp files left by a writer killed mid-save; safe to remove while holding the lock."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _check_tables(path: Path, data: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise CorruptFileError(path, "uventet innhold")
    meta = data.get(META, {}).get("1", {})
    schema = meta.get("schema", SCHEMA_VERSION) if isinstance(meta, dict) else None
    if not isinstance(schema, int):
        raise CorruptFileError(path, "mangler dataformat")
    if schema > SCHEMA_VERSION:
        raise NewerSchemaError(path, schema, SCHEMA_VERSION)
    return data


def read_tables(path: Path) -> dict[str, dict[str, Any]] | None:
    """The file's tables, or None if it does not exist. Never changes the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except PermissionError:
        raise StoreError(f"Har ikke lesetilgang til {path}. Sjekk eier og rettigheter.") from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptFileError(path, f"ugyldig JSON: {exc}", newest_backup_near(path)) from None
    try:
        return _check_tables(path, data)
    except CorruptFileError as exc:
        raise CorruptFileError(path, "uventet innhold", newest_backup_near(path)) from exc


def newest_backup_near(path: Path) -> str:
    """The newest snapshot of the data folder `path` lies in, for error messages."""
    for folder in path.parents:
        backups = folder / BACKUP_DIR
        if backups.is_dir():
            names = sorted(p.name for p in backups.iterdir() if not p.name.startswith("."))
            return str(backups / names[-1]) if names else ""
    return ""


@contextlib.contextmanager
def file_lock(lock_path: Path, timeout: float, mode: int = FILE_MODE) -> Iterator[None]:
    """Exclusive flock on a sidecar file; waits up to `timeout` seconds, then says so."""
    fd = _open_shared(lock_path, os.O_RDWR, mode)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    raise LockTimeoutError(lock_path, timeout, holder) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.02)
        with contextlib.suppress(OSError):  # who holds it is a courtesy: a full disk may refuse
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} ({os.environ.get('USER', '?')})".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


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


def _encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------------------
# Codecs: domain values <-> JSON documents


def _registration_doc(reg: Registration) -> dict[str, Any]:
    return {
        "klasse": reg.klasse,
        "dato": reg.dato.isoformat(),
        "time": reg.time,
        "av": reg.av,
        "tid": reg.tid.isoformat(timespec="seconds"),
        "marks": [_mark_doc(m) for m in reg.marks],
    }


def _mark_doc(mark: Mark) -> dict[str, Any]:
    doc: dict[str, Any] = {"elev": mark.elev, "type": mark.kind.value if mark.kind else None}
    if mark.minutter is not None:
        doc["min"] = mark.minutter
    if mark.merknad:
        doc["merknad"] = mark.merknad
    if mark.validity is not None:
        doc["gyldighet"] = mark.validity.value
    if mark.reason is not None:
        doc["aarsak"] = mark.reason.value
    return doc


def _registration(doc: dict[str, Any]) -> Registration:
    return Registration(
        klasse=doc["klasse"],
        dato=dt.date.fromisoformat(doc["dato"]),
        time=doc["time"],
        av=doc["av"],
        tid=dt.datetime.fromisoformat(doc["tid"]),
        marks=tuple(
            Mark(
                elev=m["elev"],
                kind=MarkType(m["type"]) if m.get("type") else None,
                minutter=m.get("min"),
                merknad=m.get("merknad", ""),
                validity=Validity(m["gyldighet"]) if m.get("gyldighet") else None,
                reason=Reason(m["aarsak"]) if m.get("aarsak") else None,
            )
            for m in doc["marks"]
        ),
    )


def _melding_doc(m: Melding) -> dict[str, Any]:
    return {
        "id": m.id,
        "elev": m.elev,
        "fra": m.fra.isoformat(),
        "til": m.til.isoformat(),
        "aarsak": m.reason.value,
        "gyldighet": m.validity.value,
        "av": m.av,
        "tid": m.tid.isoformat(timespec="seconds") if m.tid else None,
    }


def _melding(doc: dict[str, Any]) -> Melding:
    return Melding(
        id=doc["id"],
        elev=doc["elev"],
        fra=dt.date.fromisoformat(doc["fra"]),
        til=dt.date.fromisoformat(doc["til"]),
        reason=Reason(doc["aarsak"]),
        validity=Validity(doc["gyldighet"]),
        av=doc.get("av", ""),
        tid=dt.datetime.fromisoformat(doc["tid"]) if doc.get("tid") else None,
    )


def _student_doc(s: Student) -> dict[str, Any]:
    return {
        "id": s.id,
        "fornavn": s.fornavn,
        "etternavn": s.etternavn,
        "klasse": s.klasse,
        "foresatte": [
            {"navn": f.navn, "telefon": f.telefon, "epost": f.epost} for f in s.foresatte
        ],
    }


def _student(doc: dict[str, Any]) -> Student:
    return Student(
        id=doc["id"],
        fornavn=doc["fornavn"],
        etternavn=doc["etternavn"],
        klasse=doc["klasse"],
        foresatte=tuple(Foresatt(**f) for f in doc.get("foresatte", [])),
    )


def _staff_doc(s: Staff) -> dict[str, Any]:
    return {
        "id": s.id,
        "navn": s.navn,
        "rolle": s.rolle.value,
        "klasser": list(s.klasser),
        "brukernavn": s.brukernavn,
    }


def _staff(doc: dict[str, Any]) -> Staff:
    return Staff(
        id=doc["id"],
        navn=doc["navn"],
        rolle=Role(doc["rolle"]),
        klasser=tuple(doc.get("klasser", [])),
        brukernavn=doc.get("brukernavn", ""),
    )


def _slot_doc(s: Slot) -> dict[str, Any]:
    return {
        "klasse": s.klasse,
        "ukedag": s.ukedag,
        "time": s.time,
        "start": s.start.strftime("%H:%M"),
        "slutt": s.slutt.strftime("%H:%M"),
        "fag": s.fag,
        "laerer": s.laerer,
    }


def _slot(doc: dict[str, Any]) -> Slot:
    return Slot(
        klasse=doc["klasse"],
        ukedag=doc["ukedag"],
        time=doc["time"],
        start=dt.time.fromisoformat(doc["start"]),
        slutt=dt.time.fromisoformat(doc["slutt"]),
        fag=doc["fag"],
        laerer=doc["laerer"],
    )


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _effect_doc(e: Effect | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "for_fra": e.for_fra.isoformat(),
        "for_til": e.for_til.isoformat(),
        "etter_fra": e.etter_fra.isoformat(),
        "etter_til": e.etter_til.isoformat(),
        "for_prosent": e.for_prosent,
        "etter_prosent": e.etter_prosent,
        "for_dager": e.for_dager,
        "etter_dager": e.etter_dager,
    }


def _effect(doc: dict[str, Any] | None) -> Effect | None:
    if not doc:
        return None
    return Effect(
        for_fra=dt.date.fromisoformat(doc["for_fra"]),
        for_til=dt.date.fromisoformat(doc["for_til"]),
        etter_fra=dt.date.fromisoformat(doc["etter_fra"]),
        etter_til=dt.date.fromisoformat(doc["etter_til"]),
        for_prosent=doc["for_prosent"],
        etter_prosent=doc["etter_prosent"],
        for_dager=doc["for_dager"],
        etter_dager=doc["etter_dager"],
    )


def _case_doc(c: Case) -> dict[str, Any]:
    return {
        "id": c.id,
        "elev": c.elev,
        "klasse": c.klasse,
        "profil": c.profil,
        "regel": c.regel,
        "varsel_dato": c.varsel_dato.isoformat(),
        "opprettet": c.opprettet.isoformat(),
        "av": c.av,
        "status": c.status.value,
        "steps": [
            {
                "step": r.step,
                "dato": r.dato.isoformat(),
                "av": r.av,
                "notat": r.notat,
                "effect": _effect_doc(r.effect),
            }
            for r in c.steps
        ],
        "tiltak": [
            {
                "id": t.id,
                "hva": t.hva,
                "hvem": t.hvem,
                "fra": t.fra.isoformat(),
                "uker": t.uker,
                "fra_vedlegg5": t.fra_vedlegg5,
            }
            for t in c.tiltak
        ],
        "events": [
            {"hva": e.hva, "dato": e.dato.isoformat(), "av": e.av, "notat": e.notat}
            for e in c.events
        ],
        "svar": [list(pair) for pair in c.svar],
        "felt": [list(pair) for pair in c.felt],
    }


def _case(doc: dict[str, Any]) -> Case:
    return Case(
        id=doc["id"],
        elev=doc["elev"],
        klasse=doc["klasse"],
        profil=doc["profil"],
        regel=doc["regel"],
        varsel_dato=dt.date.fromisoformat(doc["varsel_dato"]),
        opprettet=dt.date.fromisoformat(doc["opprettet"]),
        av=doc["av"],
        status=CaseStatus(doc["status"]),
        steps=tuple(
            StepRecord(
                step=r["step"],
                dato=dt.date.fromisoformat(r["dato"]),
                av=r["av"],
                notat=r.get("notat", ""),
                effect=_effect(r.get("effect")),
            )
            for r in doc.get("steps", [])
        ),
        tiltak=tuple(
            Tiltak(
                id=t["id"],
                hva=t["hva"],
                hvem=t["hvem"],
                fra=dt.date.fromisoformat(t["fra"]),
                uker=t["uker"],
                fra_vedlegg5=t.get("fra_vedlegg5", False),
            )
            for t in doc.get("tiltak", [])
        ),
        events=tuple(
            CaseEvent(
                hva=e["hva"],
                dato=dt.date.fromisoformat(e["dato"]),
                av=e["av"],
                notat=e.get("notat", ""),
            )
            for e in doc.get("events", [])
        ),
        svar=tuple((k, v) for k, v in doc.get("svar", [])),
        felt=tuple((k, v) for k, v in doc.get("felt", [])),
    )


def _contact_doc(c: Contact) -> dict[str, Any]:
    return {
        "id": c.id,
        "elev": c.elev,
        "tid": c.tid.isoformat(timespec="seconds"),
        "av": c.av,
        "hva": c.hva,
        "utfall": c.utfall,
        "notat": c.notat,
    }


def _contact(doc: dict[str, Any]) -> Contact:
    return Contact(
        id=doc["id"],
        elev=doc["elev"],
        tid=dt.datetime.fromisoformat(doc["tid"]),
        av=doc["av"],
        hva=doc.get("hva", ""),
        utfall=doc.get("utfall", ""),
        notat=doc.get("notat", ""),
    )


def registration_key(dato: dt.date, time: int) -> int:
    """A lesson's document id in its class file: one registration per (date, period)."""
    return dato.toordinal() * 100 + time


_SAFE_NAME = re.compile(r"[^0-9A-Za-zÆØÅæøå_-]")


def safe_file_name(name: str) -> str:
    """A class name as a file name: `8A` stays, anything odd is hex-escaped."""
    cleaned = _SAFE_NAME.sub(lambda m: f"~{ord(m.group()):06x}", name)
    return cleaned or "~"


# ---------------------------------------------------------------------------
# Partitions and transactions


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
        return _encode(data)

    # registrations ---------------------------------------------------------

    def registration(self, dato: dt.date, time: int) -> Registration | None:
        doc = self.db.table(REGISTRATIONS).get(doc_id=registration_key(dato, time))
        return _registration(doc) if doc else None  # type: ignore[arg-type]

    def put_registration(self, reg: Registration) -> Registration | None:
        """Insert or replace the lesson's registration; return the one it replaced."""
        table = self.db.table(REGISTRATIONS)
        key = registration_key(reg.dato, reg.time)
        old = table.get(doc_id=key)
        if old is not None:
            table.remove(doc_ids=[key])
        table.insert(Document(_registration_doc(reg), doc_id=key))
        return _registration(old) if old else None  # type: ignore[arg-type]

    def put_registrations(self, regs: Iterable[Registration]) -> None:
        table = self.db.table(REGISTRATIONS)
        docs = {registration_key(r.dato, r.time): _registration_doc(r) for r in regs}
        table.remove(doc_ids=[k for k in docs if table.contains(doc_id=k)])
        table.insert_multiple(Document(doc, doc_id=k) for k, doc in docs.items())

    # meldinger -------------------------------------------------------------

    def meldinger(self) -> list[Melding]:
        return [_melding(d) for d in self.db.table(MELDINGER).all()]

    def add_meldinger(self, meldinger: Iterable[Melding]) -> None:
        self.db.table(MELDINGER).insert_multiple(_melding_doc(m) for m in meldinger)

    def remove_melding(self, melding_id: str) -> Melding | None:
        table = self.db.table(MELDINGER)
        found = [d for d in table.all() if d["id"] == melding_id]
        if not found:
            return None
        table.remove(doc_ids=[found[0].doc_id])
        return _melding(found[0])

    # roster ----------------------------------------------------------------

    def replace_table(self, name: str, docs: list[dict[str, Any]]) -> None:
        table = self.db.table(name)
        table.truncate()
        table.insert_multiple(docs)


@dataclass(frozen=True, slots=True)
class YearData:
    registrations: tuple[Registration, ...]
    meldinger: tuple[Melding, ...]


class FileCache:
    """Parsed data files, re-read only when a file was replaced (new inode or mtime).

    Saves replace files atomically, so a changed file always has a new inode: the
    background checker re-reads the one month file a save touched, not the year.
    """

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple[int, int, int], YearData]] = {}

    def load(self, store: Store, path: Path) -> YearData:
        try:
            st = path.stat()
        except FileNotFoundError:
            self._files.pop(path, None)
            return YearData((), ())
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        known = self._files.get(path)
        if known is not None and known[0] == key:
            return known[1]
        data = store.load_file(path)
        self._files[path] = (key, data)
        return data


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
        # A folder with the setgid bit (chmod 2770) is shared by a group of staff on one
        # server: files 0660, folders 2770. Otherwise everything is private to its owner.
        shared = self.shared
        self.file_mode = file_mode if file_mode is not None else (0o660 if shared else FILE_MODE)
        self.dir_mode = dir_mode if dir_mode is not None else (0o2770 if shared else DIR_MODE)
        self.clock = clock  # backups follow the wall clock, not the school's dates
        self.keep_backup_days = keep_backup_days
        self.daily_backups = daily_backups  # off only while a demo school is being built

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

    def _ensure_dir(self, path: Path) -> None:
        if not path.is_dir():
            if self.root in path.parents:
                # mkdir(parents=True) ignores `mode`: make the data folder itself private too
                self._ensure_dir(path.parent)
            try:
                path.mkdir(parents=True, mode=self.dir_mode, exist_ok=True)
            except PermissionError:
                raise StoreError(f"Har ikke skrivetilgang til {path.parent}.") from None
            except OSError as exc:
                raise StoreError(f"Kunne ikke lage mappen {path}: {_why(exc)}.") from None
            os.chmod(path, self.dir_mode)

    def _lock_path(self, path: Path) -> Path:
        locks = self.root / ".locks"
        self._ensure_dir(locks)
        rel = path.relative_to(self.root).as_posix().replace("/", "__")
        return locks / f"{rel}.lock"

    def exists(self) -> bool:
        return self.config_path.is_file()

    @property
    def shared(self) -> bool:
        try:
            return bool(self.root.stat().st_mode & stat.S_ISGID)
        except OSError:
            return False

    def check_access(self) -> None:
        """Refuse a data folder anyone on the machine can read: it holds data on children."""
        try:
            mode = stat.S_IMODE(self.root.stat().st_mode)
        except FileNotFoundError:
            return
        if mode & 0o007:
            raise StoreError(
                f"Datamappen {self.root} kan leses av alle brukere på maskinen "
                f"(rettigheter {mode:04o}). Personopplysninger om elever skal ikke ligge "
                f"åpent. Gjør den privat med `chmod 700 {self.root}`, eller del den med en "
                f"gruppe ansatte: `chgrp GRUPPE {self.root} && chmod 2770 {self.root}` "
                "(se README, «Felles skoleserver»)."
            )

    def make_private(self) -> None:
        """A new school's folder: private to its owner unless set up for a group."""
        self._ensure_dir(self.root)
        if not self.shared:
            os.chmod(self.root, DIR_MODE)

    # transactions ----------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *paths: Path) -> Iterator[list[Partition]]:
        """Lock the files (in a fixed order), open each fresh, write back those changed.

        If the block raises, nothing is written.
        """
        ordered = sorted(set(paths))
        self.ensure_daily_backup()
        with contextlib.ExitStack() as stack:
            for path in ordered:
                self._ensure_dir(path.parent)
                stack.enter_context(
                    file_lock(self._lock_path(path), self.lock_timeout, self.file_mode)
                )
            for path in ordered:
                _remove_stale_temp_files(path)
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
                f"Kunne ikke lagre {path}: {_why(exc)}. Den forrige versjonen er urørt."
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
        self.ensure_daily_backup()
        if not self.exists():
            self.make_private()
        self._ensure_dir(self.root)
        self._write(self.config_path, config_to_toml(config).encode("utf-8"))

    # roster ----------------------------------------------------------------

    def load_roster(self) -> Roster:
        data = read_tables(self.roster_path) or {}
        try:
            return Roster(
                students=tuple(_student(d) for d in data.get(STUDENTS, {}).values()),
                staff=tuple(_staff(d) for d in data.get(STAFF, {}).values()),
                timetable=tuple(_slot(d) for d in data.get(TIMETABLE, {}).values()),
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
                part.replace_table(STUDENTS, [_student_doc(s) for s in students])
            if staff is not None:
                part.replace_table(STAFF, [_staff_doc(s) for s in staff])
            if timetable is not None:
                part.replace_table(TIMETABLE, [_slot_doc(s) for s in timetable])

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
                tuple(_registration(d) for d in data.get(REGISTRATIONS, {}).values()),
                tuple(_melding(d) for d in data.get(MELDINGER, {}).values()),
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
                "for": _registration_doc(old) if old else None,
                "etter": _registration_doc(reg),
            }
            self.audit([planned], now)  # inside the lock, before the file is replaced
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
        self.audit(
            [
                {
                    "hva": what,
                    "av": user,
                    "klasse": new.klasse,
                    "dato": new.dato.isoformat(),
                    "time": new.time,
                    "for": _registration_doc(old) if old else None,
                    "etter": _registration_doc(new),
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
                    self.audit(
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
            {"hva": "melding", "av": m.av, "elev": m.elev, "etter": _melding_doc(m)}
            for m in meldinger
        ]
        entries: list[dict[str, Any]] = []
        with self._audited(entries, now), self.meldinger_partition(skoleaar, klasse) as part:
            part.add_meldinger(meldinger)
            self.audit(planned, now)
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
            self._ensure_dir(self.holiday_cache_path.parent)
            write_atomic(self.holiday_cache_path, _encode(doc), self.file_mode)

    # backups -----------------------------------------------------------------

    @property
    def backup_root(self) -> Path:
        return self.root / BACKUP_DIR

    def backups(self) -> list[str]:
        """Snapshot names, oldest first (daily: `åååå-mm-dd`, others with a time)."""
        if not self.backup_root.is_dir():
            return []
        return sorted(p.name for p in self.backup_root.iterdir() if not p.name.startswith("."))

    def ensure_daily_backup(self) -> str | None:
        """Before the first write of each day, snapshot the data as it stood."""
        name = self.clock().date().isoformat()
        if not self.daily_backups or not self.exists() or (self.backup_root / name).exists():
            return None
        with file_lock(
            self._lock_path(self.backup_root / "snapshot"), self.lock_timeout, self.file_mode
        ):
            if (self.backup_root / name).exists():  # another process made it meanwhile
                return None
            self._snapshot(name)
            self._prune()
        return name

    def _snapshot_lock(self) -> contextlib.AbstractContextManager[None]:
        lock = self._lock_path(self.backup_root / "snapshot")
        return file_lock(lock, self.lock_timeout, self.file_mode)

    def snapshot(self, label: str) -> str:
        """A snapshot on request (`fravaer backup`), named with the time and `label`."""
        name = f"{self.clock():%Y-%m-%d_%H%M%S}-{label}"
        with file_lock(
            self._lock_path(self.backup_root / "snapshot"), self.lock_timeout, self.file_mode
        ):
            self._snapshot(name)
        return name

    def _data_entries(self) -> list[Path]:
        return sorted(
            p
            for p in self.root.iterdir()
            if p.name not in NOT_BACKED_UP and not p.name.endswith(".tmp")
        )

    def _snapshot(self, name: str) -> None:
        self._ensure_dir(self.backup_root)
        tmp = self.backup_root / f".{name}.{os.getpid()}.tmp"
        if tmp.exists():
            shutil.rmtree(tmp)
        try:
            tmp.mkdir(mode=self.dir_mode)
            for entry in self._data_entries():
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    _copy_tree(entry, tmp / entry.name, self.dir_mode)
                elif entry.is_file():
                    shutil.copy2(entry, tmp / entry.name)
            os.replace(tmp, self.backup_root / name)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StoreError(
                f"Kunne ikke ta sikkerhetskopi i {self.backup_root}: {_why(exc)}. "
                "Ingenting er endret."
            ) from None

    def _prune(self) -> None:
        oldest = (self.clock().date() - dt.timedelta(days=self.keep_backup_days)).isoformat()
        for name in self.backups():
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", name) and name < oldest:
                shutil.rmtree(self.backup_root / name, ignore_errors=True)

    def last_change(self) -> dt.datetime | None:
        """When any data file was last written."""
        newest = 0.0
        for entry in self._data_entries():
            files = entry.rglob("*") if entry.is_dir() else [entry]
            for f in files:
                if f.is_file() and not f.name.endswith(".tmp"):
                    newest = max(newest, f.stat().st_mtime)
        return dt.datetime.fromtimestamp(newest) if newest else None

    def restore(self, name: str, force: bool = False) -> str:
        """Put a snapshot back; the data it replaces is snapshotted first. Returns that name."""
        source = self.backup_root / name
        if not name or name.startswith(".") or not source.is_dir():
            known = ", ".join(self.backups()[-5:]) or "ingen"
            raise StoreError(
                f"Fant ingen sikkerhetskopi «{name}» i {self.backup_root}. De nyeste: {known}."
            )
        taken = dt.datetime.fromtimestamp(source.stat().st_mtime)
        changed = self.last_change()
        if changed is not None and changed > taken and not force:
            raise StoreError(
                f"Dataene er endret etter sikkerhetskopien «{name}» (sist endret "
                f"{changed:%d.%m.%Y %H:%M}, kopien er fra {taken:%d.%m.%Y %H:%M}). "
                "Bruk --force for å gjenopprette likevel; det som finnes nå, tas vare på først."
            )
        saved = self.snapshot("for-gjenoppretting")
        for entry in self._data_entries():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for item in sorted(source.iterdir()):
            if item.is_dir():
                shutil.copytree(item, self.root / item.name)
            else:
                shutil.copy2(item, self.root / item.name)
        return saved

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
            old = _case(found[0]) if found else None
            case = change(old)
            if found:
                table.remove(doc_ids=[found[0].doc_id])
            table.insert(_case_doc(case))
            planned = {
                "hva": "sak" if old is None else "sak_endret",
                "av": user,
                "elev": case.elev,
                "sak": case.id,
                "for": _case_doc(old) if old else None,
                "etter": _case_doc(case),
            }
            self.audit([planned], now)
            entries.append(planned)
        return case, old

    def add_contact(self, skoleaar: str, klasse: str, contact: Contact, now: dt.datetime) -> None:
        planned = [
            {
                "hva": "kontakt",
                "av": contact.av,
                "elev": contact.elev,
                "etter": _contact_doc(contact),
            }
        ]
        entries: list[dict[str, Any]] = []
        path = self.cases_path(skoleaar, klasse)
        with self._audited(entries, now), self.transaction(path) as (part,):
            part.db.table(CONTACTS).insert(_contact_doc(contact))
            self.audit(planned, now)
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
                cases.extend(_case(d) for d in data.get(CASES, {}).values())
                contacts.extend(_contact(d) for d in data.get(CONTACTS, {}).values())
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise CorruptFileError(path, f"ugyldig post: {exc}") from None
        return cases, contacts

    # audit -----------------------------------------------------------------

    def audit(self, entries: Iterable[dict[str, Any]], now: dt.datetime) -> None:
        """Append entries to this month's audit log (one JSON object a line)."""
        lines = b"".join(
            _encode({"tid": now.isoformat(timespec="seconds"), **e}) + b"\n" for e in entries
        )
        if not lines:
            return
        folder = self.root / "audit"
        self._ensure_dir(folder)
        path = folder / f"{now:%Y-%m}.jsonl"
        with file_lock(self._lock_path(path), self.lock_timeout, self.file_mode):
            try:
                fd = _open_shared(path, os.O_RDWR | os.O_APPEND, self.file_mode)
            except OSError as exc:
                raise StoreError(f"Kunne ikke skrive til loggen {path}: {_why(exc)}.") from None
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
                    f"Kunne ikke skrive til loggen {path}: {_why(exc)}. Ingenting er lagret."
                ) from None
            finally:
                os.close(fd)

    def read_audit(self) -> list[dict[str, Any]]:
        """All audit entries, oldest first; a line cut off by a crash is skipped."""
        folder = self.root / "audit"
        entries: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
            for line in path.read_bytes().splitlines():
                with contextlib.suppress(ValueError):
                    entries.append(json.loads(line))
        return entries


# ---------------------------------------------------------------------------
# skole.toml


def config_from_toml(doc: dict[str, Any], source: str) -> SchoolConfig:
    ferier = []
    for i, item in enumerate(doc.get("ferie", []), start=1):
        try:
            fra, til = item["fra"], item["til"]
            if not isinstance(fra, dt.date) or not isinstance(til, dt.date) or til < fra:
                raise ValueError
            ferier.append(Holiday(str(item.get("navn", "Ferie")), fra, til))
        except (KeyError, TypeError, ValueError):
            raise StoreError(
                f"{source}: ferie nr. {i} må ha navn, fra og til som datoer (åååå-mm-dd), "
                "og til kan ikke være før fra."
            ) from None
    return SchoolConfig(
        navn=str(doc.get("navn", "Skolen")),
        profil=str(doc.get("profil", "strand")),
        ferier=tuple(ferier),
        elevmapper=str(doc.get("elevmapper", "")),
        demo=bool(doc.get("demo", False)),
    )


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def config_to_toml(config: SchoolConfig) -> str:
    lines = [
        "# Innstillinger for skolen i fravaer-tui. Filen kan redigeres for hånd.",
        f"navn = {_toml_str(config.navn)}",
        "# Regelprofil: strand, hole eller stien til en egen TOML-fil",
        f"profil = {_toml_str(config.profil)}",
        "# Rot for elevmappene (tom = <data>/elevmapper)",
        f"elevmapper = {_toml_str(config.elevmapper)}",
    ]
    if config.demo:
        lines.append("demo = true")
    lines.append("")
    lines.append("# Skolens egne ferier og fridager (offentlige helligdager kommer av seg selv)")
    for ferie in config.ferier:
        lines += [
            "[[ferie]]",
            f"navn = {_toml_str(ferie.navn)}",
            f"fra = {ferie.fra.isoformat()}",
            f"til = {ferie.til.isoformat()}",
            "",
        ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# The naive design, kept only so the benchmark can measure what we avoid


class NaiveStore:
    """All registrations in one file with TinyDB's default JSONStorage (bench baseline)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fill(self, regs: Iterable[Registration]) -> None:
        with TinyDB(self.path, storage=JSONStorage) as db:
            db.table(REGISTRATIONS).insert_multiple(_registration_doc(r) for r in regs)

    def save(self, reg: Registration) -> None:
        with TinyDB(self.path, storage=JSONStorage) as db:
            db.table(REGISTRATIONS).insert(_registration_doc(reg))
