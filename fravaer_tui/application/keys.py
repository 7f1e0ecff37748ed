"""The staff's SSH keys: the service account's `authorized_keys`, kept by the app.

Each staff member's key gets the line `sshkeys.key_line` writes: the forced command
`fravaer --data DIR ssh ANSATT_ID` fixes who they are (DESIGN, Trust). Lines the app did not
write (other keys of the account) and lines for another data folder stay as they are, where
they are. The file is changed under a lock, written atomically (temp file, fsync, rename,
fsync of the folder), 0600, and never through a symlink. A little over 400 lines: the file's
parsing and its safe rewrite are kept beside the rules for what may change in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import getpass
import os
import pwd
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fravaer_tui.application.school import School
from fravaer_tui.domain.access import Admin, may_admin
from fravaer_tui.domain.model import Staff
from fravaer_tui.domain.sshkeys import (
    ENV_VAR,
    KeyEntry,
    forced_command,
    holds_blob,
    is_safe_id,
    key_line,
    parse_entry,
    parse_public_key,
    shown,
)
from fravaer_tui.errors import AccessDenied, UserError
from fravaer_tui.store.files import fsync_file

LOCK_TIMEOUT = 10.0


def default_path() -> Path:
    """$FRAVAER_AUTHORIZED_KEYS, else ~/.ssh/authorized_keys of the account running us.

    The home folder comes from the password database, as sshd takes it, not from $HOME
    (which `sudo -u fravaer` may leave pointing at the admin's own home).
    """
    given = os.environ.get(ENV_VAR)
    if given:
        return Path(given)
    return Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".ssh" / "authorized_keys"


def fravaer_program() -> list[str]:
    """This installation's `fravaer`, absolute, for the forced command.

    The running `fravaer` script when that is what runs (its real path: a symlink in a
    folder someone else can write to must not decide what staff run), else this Python
    with `-m fravaer_tui.entry` (the venv's own python, so the same installation): the
    script's own first step, which hands a login to the session server. (`-m
    fravaer_tui.cli` would skip it: every login would load the whole app by itself.)
    """
    script = sys.argv[0] if sys.argv else ""
    if script and Path(script).name == "fravaer":
        real = Path(os.path.realpath(script))
        if real.is_file() and os.access(real, os.X_OK):
            return [str(real)]
    return [os.path.abspath(sys.executable), "-m", "fravaer_tui.entry"]


def staff_for_key(school: School, ansatt_id: str) -> Staff:
    """The person a key's forced command names; refused when they left the staff list."""
    staff = school.roster.staff_member(ansatt_id)
    if staff is None:
        raise AccessDenied(
            f"SSH-nøkkelen gjelder ansatt «{shown(ansatt_id, 64)}», som ikke står i "
            f"ansattlisten til {school.config.navn}. Kontakt rektor eller drift."
        )
    return staff


# ---------------------------------------------------------------------------
# What the commands do


@dataclass(frozen=True, slots=True)
class Added:
    entry: KeyEntry
    new: bool  # False: this person already had exactly this key


def add_key(
    school: School,
    actor: Staff | None,
    ansatt_id: str,
    key_text: bytes,
    source: str,
    now: dt.datetime,
    path: Path | None = None,
) -> Added:
    """Give the staff member `ansatt_id` access with this public key (`fravaer keys add`)."""
    _may_manage(school, actor)
    if not is_safe_id(ansatt_id) or school.roster.staff_member(ansatt_id) is None:
        raise UserError(
            f"Fant ingen ansatt med id «{shown(ansatt_id, 64)}» i ansattlisten. Nøkler gis til "
            "ansatte som står der (kolonnen ansatt_id); importer ansattlisten først."
        )
    try:
        text = key_text.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{source}: er ikke en offentlig SSH-nøkkel (ikke tekst).") from None
    key = parse_public_key(text, source)
    command = forced_command(fravaer_program(), str(_data_dir(school)), ansatt_id)
    keys = AuthorizedKeys(path or default_path(), _data_dir(school))
    result: list[Added] = []

    def change(lines: list[str]) -> list[str] | None:
        for number, line in enumerate(lines, 1):
            if not holds_blob(line, key.blob):
                continue
            entry = keys.ours(line, number)
            if entry is not None and entry.ansatt_id == ansatt_id:
                result.append(Added(entry, new=False))
                return None
            other = parse_entry(line, number)
            if entry is not None:
                whose = f"ansatt «{entry.ansatt_id}»"
            elif other is not None:
                whose = f"ansatt «{other.ansatt_id}» ved datamappen {shown(other.data_dir, 200)}"
            else:
                whose = "en annen oppføring i filen (ikke lagt inn av fravaer)"
            raise UserError(
                f"Nøkkelen {key.fingerprint} står allerede i {keys.path}, linje {number}, for "
                f"{whose}. Én nøkkel kan bare høre til én person: den ansatte må lage sin "
                "egen nøkkel (`ssh-keygen -t ed25519`)."
            )
        result.append(Added(KeyEntry(ansatt_id, keys.data_dir, key, len(lines) + 1), new=True))
        return [*lines, key_line(command, key)]

    keys.update(change)
    added = result[0]
    if added.new:
        _audit(school, actor, "nokkel_lagt_til", [added.entry], now)
    return added


def remove_keys(
    school: School, actor: Staff | None, ansatt_id: str, now: dt.datetime, path: Path | None = None
) -> list[KeyEntry]:
    """Take away every key of `ansatt_id` for this data folder (`fravaer keys remove`)."""
    _may_manage(school, actor)
    keys = AuthorizedKeys(path or default_path(), _data_dir(school))
    removed = keys.remove(lambda entry: entry.ansatt_id == ansatt_id)
    _audit(school, actor, "nokkel_fjernet", removed, now)
    return removed


def prune_keys(
    school: School, known: Iterable[str], who: str, now: dt.datetime, path: Path | None = None
) -> list[KeyEntry]:
    """Remove the keys of people no longer on the staff list (after a staff import).

    Reads first and touches nothing (no lock file, no folder) when there is nothing to do.
    """
    wanted = set(known)
    keys = AuthorizedKeys(path or default_path(), _data_dir(school))
    if all(entry.ansatt_id in wanted for entry in keys.entries()):
        return []
    removed = keys.remove(lambda entry: entry.ansatt_id not in wanted)
    if removed:
        school.store.log.append(
            [
                _audit_entry("nokkel_fjernet", who, e) | {"grunn": "ikke i ansattlisten"}
                for e in removed
            ],
            now,
        )
    return removed


def prune_note(school: School, staff: Iterable[Staff], who: str, now: dt.datetime) -> str:
    """After a staff import: prune the keys of people who left; a clause for the report."""
    try:
        removed = prune_keys(school, {s.id for s in staff}, who, now)
    except UserError as exc:
        return f". SSH-nøklene ble ikke ryddet: {exc.message}"
    if not removed:
        return ""
    ids = ", ".join(sorted({e.ansatt_id for e in removed}))
    keys = "SSH-nøkkel" if len(removed) == 1 else "SSH-nøkler"
    return f"; {len(removed)} {keys} fjernet for ansatte som ikke står i listen lenger ({ids})"


def list_keys(
    school: School, actor: Staff | None, path: Path | None = None
) -> tuple[Path, list[KeyEntry]]:
    """The keys that reach this data folder, in file order (`fravaer keys list`)."""
    _may_manage(school, actor)
    keys = AuthorizedKeys(path or default_path(), _data_dir(school))
    return keys.path, keys.entries()


def _data_dir(school: School) -> Path:
    """The data folder as the forced command names it: absolute, symlinks resolved, so every
    spelling an admin uses finds the same lines."""
    return Path(os.path.realpath(school.store.root))


def _may_manage(school: School, actor: Staff | None) -> None:
    """Over SSH the person is fixed and must be rektor or drift. At the server itself it is
    the account that owns the data folder (`open_school` refused any other): its operator,
    who can read every file anyway."""
    if actor is not None and not may_admin(actor, Admin.KEYS):
        raise AccessDenied(
            f"Bare rektor og drift kan styre SSH-nøklene; {actor.navn} er {actor.rolle.label}."
        )


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _audit_entry(what: str, who: str, entry: KeyEntry) -> dict[str, str]:
    return {
        "hva": what,
        "av": who,
        "ansatt": entry.ansatt_id,
        "nokkel": f"{entry.key.type} {entry.key.fingerprint}",
    }


def _audit(
    school: School, actor: Staff | None, what: str, entries: list[KeyEntry], now: dt.datetime
) -> None:
    who = actor.id if actor is not None else getpass.getuser()
    if entries:
        school.store.log.append([_audit_entry(what, who, e) for e in entries], now)


# ---------------------------------------------------------------------------
# The file


class AuthorizedKeys:
    """One `authorized_keys` file, as seen by one data folder."""

    def __init__(self, path: Path, data_dir: Path, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(os.path.abspath(path))
        self.data_dir = str(data_dir)
        self.lock_timeout = lock_timeout

    def ours(self, line: str, number: int) -> KeyEntry | None:
        entry = parse_entry(line, number)
        return entry if entry is not None and entry.data_dir == self.data_dir else None

    def entries(self) -> list[KeyEntry]:
        """The app's lines for this data folder (read without the lock: a rename is atomic)."""
        try:
            with self._folder(create=False) as folder:
                lines = self._read(folder)
        except FileNotFoundError:
            return []
        return [e for n, line in enumerate(lines, 1) if (e := self.ours(line, n)) is not None]

    def remove(self, which: Callable[[KeyEntry], bool]) -> list[KeyEntry]:
        removed: list[KeyEntry] = []

        def change(lines: list[str]) -> list[str] | None:
            kept = []
            for number, line in enumerate(lines, 1):
                entry = self.ours(line, number)
                if entry is not None and which(entry):
                    removed.append(entry)
                else:
                    kept.append(line)
            return kept if removed else None

        self.update(change)
        return removed

    def update(self, change: Callable[[list[str]], list[str] | None]) -> None:
        """Read the file fresh under the lock, let `change` edit its lines (None: leave it)."""
        with self._folder(create=True) as folder, self._lock(folder):
            lines = self._read(folder)
            new = change(lines)
            if new is not None:
                self._write(folder, new)

    # -- I/O, relative to the folder's descriptor: a path swapped for a symlink between
    # -- a check and a use cannot redirect us.

    @contextlib.contextmanager
    def _folder(self, create: bool) -> Iterator[int]:
        parent = self.path.parent
        if create and not os.path.lexists(parent):
            try:
                os.mkdir(parent, 0o700)
            except FileNotFoundError:
                raise UserError(
                    f"Mappen {parent.parent} finnes ikke; kan ikke lage {parent}."
                ) from None
            except OSError as exc:
                raise UserError(f"Kunne ikke lage {parent}: {exc.strerror}.") from None
        try:
            fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            raise
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise UserError(
                    f"{parent} er en symbolsk lenke eller ikke en mappe. SSH-nøklene skrives "
                    "aldri gjennom en lenke: gjør den til en vanlig mappe (chmod 700)."
                ) from None
            raise UserError(f"Kunne ikke åpne {parent}: {exc.strerror}.") from None
        try:
            info = os.fstat(fd)
            if info.st_uid != os.geteuid():
                raise UserError(
                    f"{parent} eies av «{_user_name(info.st_uid)}», ikke av kontoen som kjører "
                    f"(«{getpass.getuser()}»). sshd godtar ikke nøkler der; kjør som eieren."
                )
            if info.st_mode & 0o022:
                raise UserError(
                    f"Andre kan skrive i {parent} (rettigheter {stat.S_IMODE(info.st_mode):04o}), "
                    f"og da godtar ikke sshd nøklene der. Rett med `chmod 700 {parent}`."
                )
            yield fd
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _lock(self, folder: int) -> Iterator[None]:
        name = f".{self.path.name}.lock"
        try:
            fd = os.open(
                name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=folder
            )
        except OSError as exc:
            raise UserError(f"Kunne ikke låse {self.path} ({name}): {exc.strerror}.") from None
        try:
            deadline = time.monotonic() + self.lock_timeout
            delay = 0.001
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise UserError(
                            f"En annen holder på med {self.path} (låsen {name}) i over "
                            f"{self.lock_timeout:g} sekunder. Ingenting er endret; prøv igjen."
                        ) from None
                    time.sleep(delay)  # waiting for another process's lock, not for a test
                    delay = min(delay * 2, 0.05)
            yield
        finally:
            os.close(fd)

    def _read(self, folder: int) -> list[str]:
        """The file's lines (split on newline only, as sshd does); bytes kept exactly."""
        try:
            fd = os.open(self.path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
        except FileNotFoundError:
            return []
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UserError(
                    f"{self.path} er en symbolsk lenke. SSH-nøklene leses og skrives aldri "
                    "gjennom en lenke: erstatt den med en vanlig fil (0600)."
                ) from None
            raise UserError(f"Kunne ikke lese {self.path}: {exc.strerror}.") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise UserError(f"{self.path} er ikke en vanlig fil.")
            chunks = []
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
        finally:
            os.close(fd)
        text = b"".join(chunks).decode("utf-8", "surrogateescape")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the final newline ends the last line; it is not a line of its own
        return lines

    def _write(self, folder: int, lines: list[str]) -> None:
        data = "".join(f"{line}\n" for line in lines).encode("utf-8", "surrogateescape")
        prefix = f".{self.path.name}."
        for name in os.listdir(folder):  # left by writers killed mid-save; we hold the lock
            if name.startswith(prefix) and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(name, dir_fd=folder)
        tmp = f"{prefix}{os.getpid()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(tmp, flags, 0o600, dir_fd=folder)
            try:
                os.fchmod(fd, 0o600)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                fsync_file(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.path.name, src_dir_fd=folder, dst_dir_fd=folder)
            fsync_file(folder)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=folder)
            raise UserError(
                f"Kunne ikke skrive {self.path}: {exc.strerror}. Filen er som før."
            ) from None
