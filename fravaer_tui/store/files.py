"""Files in the data folder: atomic writes, locks, and reads that never follow a link.

Every write is a temp file, fsync, rename and an fsync of the folder, so a crash at any
moment leaves either the old or the new file (DESIGN, Known pitfalls). Nothing inside the
data folder is opened through a symlink or used when another user owns it: such an entry
is refused and named, and nothing is written through it (DESIGN, Trust: "Nothing followed").
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fravaer_tui.errors import CorruptFileError, LockTimeoutError, NewerSchemaError, StoreError

SCHEMA_VERSION = 1
FILE_MODE = 0o600
DIR_MODE = 0o700
META = "_meta"
BACKUP_DIR = "sikkerhetskopier"
NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


def why(exc: OSError) -> str:
    """An OS error in Norwegian words for the common cases."""
    return {
        errno.ENOSPC: "disken er full",
        errno.EDQUOT: "diskkvoten er brukt opp",
        errno.EROFS: "mappen er skrivebeskyttet",
        errno.EACCES: "mangler tilgang",
        errno.EPERM: "mangler tilgang",
        errno.EFBIG: "filen er for stor",
        errno.ELOOP: "det er en symbolsk lenke",
    }.get(exc.errno or 0, exc.strerror or str(exc))


class UnsafeEntryError(StoreError):
    """A symlink, or an entry owned by someone else, where the app keeps its own files."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(
            f"{path} er {what}. fravaer-tui åpner aldri noe i datamappen gjennom en lenke "
            "eller en fil som eies av en annen bruker, så ingenting er lest eller skrevet der. "
            f"Fjern den (rm «{path}») hvis du ikke vet hvorfor den er der, og si fra til den "
            "som drifter programmet."
        )
        self.path = path


def check_entry(path: Path, st: os.stat_result, *, want_dir: bool | None = None) -> None:
    """Refuse a symlink, a foreign-owned entry, or the wrong kind (file / folder)."""
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeEntryError(path, "en symbolsk lenke")
    if st.st_uid != os.geteuid():
        raise UnsafeEntryError(path, f"eid av en annen bruker (uid {st.st_uid})")
    if want_dir is True and not stat.S_ISDIR(st.st_mode):
        raise UnsafeEntryError(path, "ikke en mappe")
    if want_dir is False and not stat.S_ISREG(st.st_mode):
        raise UnsafeEntryError(path, "ikke en vanlig fil")


def lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def check_dirs(root: Path, path: Path) -> None:
    """Every folder from `root` down to `path`'s parent that exists is a real folder of ours."""
    try:
        rel = path.parent.relative_to(root)
    except ValueError:
        raise StoreError(f"{path} ligger utenfor datamappen {root}.") from None
    here = root
    for part in rel.parts:
        here = here / part
        st = lstat(here)
        if st is None:
            return
        check_entry(here, st, want_dir=True)


def ensure_dir(root: Path, path: Path, mode: int = DIR_MODE) -> None:
    """Create `path` and the folders above it inside `root` with `mode`; refuse links."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        raise StoreError(f"{path} ligger utenfor datamappen {root}.") from None
    here = root
    for part in rel.parts:
        here = here / part
        st = lstat(here)
        if st is not None:
            check_entry(here, st, want_dir=True)
            continue
        try:
            os.mkdir(here, mode)
        except FileExistsError:  # made by another process meanwhile
            check_entry(here, os.lstat(here), want_dir=True)
            continue
        except PermissionError:
            raise StoreError(f"Har ikke skrivetilgang til {here.parent}.") from None
        except OSError as exc:
            raise StoreError(f"Kunne ikke lage mappen {here}: {why(exc)}.") from None
        os.chmod(here, mode)  # mkdir's mode goes through the umask


def open_file(path: Path, flags: int, mode: int = FILE_MODE) -> int:
    """os.open without following a link; the file must be a regular file of ours.
    With O_CREAT a new file gets exactly `mode`, whatever the umask."""
    created = False
    try:
        if flags & os.O_CREAT:
            try:
                fd = os.open(path, flags | os.O_EXCL | NOFOLLOW, mode)
                created = True
            except FileExistsError:
                fd = os.open(path, (flags & ~os.O_CREAT) | NOFOLLOW)
        else:
            fd = os.open(path, flags | NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeEntryError(path, "en symbolsk lenke") from None
        raise
    try:
        if created:
            os.fchmod(fd, mode)
        else:
            check_entry(path, os.fstat(fd), want_dir=False)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path) -> bytes:
    """A whole file, never through a link (FileNotFoundError if it is not there)."""
    fd = open_file(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# Every write reaches the disk (fsync) before it counts: a power cut loses nothing that was
# saved. The test suite turns this off (tests/conftest.py): it kills processes, which loses
# nothing the kernel has, but cannot cut the power, and the disk waits were half its time.
DURABLE = True


def fsync_file(fd: int) -> None:
    """fsync `fd`, unless durability is off (the tests)."""
    if DURABLE:
        os.fsync(fd)


def fsync_dir(folder: Path) -> None:
    if not DURABLE:
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(
    path: Path,
    payload: bytes,
    mode: int = FILE_MODE,
    tag: str | None = None,
    *,
    sync: bool = True,
) -> Path:
    """Write `payload` to a new temp file beside `path` (fsynced unless `sync` is False, for
    hints that may be lost); returns the temp's path."""
    tmp = path.with_name(f".{path.name}.{tag or os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)  # a leftover of ours (unlink never follows a link)
    fd = open_file(tmp, os.O_WRONLY | os.O_CREAT, mode)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        if sync:
            fsync_file(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def replace_checked(tmp: Path, path: Path) -> None:
    """Rename a temp file over `path`, refusing a link or a foreign file planted there."""
    st = lstat(path)
    if st is not None:
        check_entry(path, st, want_dir=False)
    os.replace(tmp, path)


def write_atomic(path: Path, payload: bytes, mode: int = FILE_MODE) -> None:
    """Write `payload` to `path` so that a crash leaves either the old or the new file."""
    tmp = write_temp(path, payload, mode)
    try:
        replace_checked(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def remove_stale_temp_files(path: Path) -> None:
    """Temp files left by a writer killed mid-save (`.<name>.<pid>.tmp`); safe to remove
    while holding the file's lock. Temp files of a journaled change (`.<name>.tx-….tmp`)
    belong to its journal and are left to recovery."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        if stale.name[len(path.name) + 2 : -4].isdigit():
            with contextlib.suppress(OSError):
                stale.unlink()


def copy_tree(src: Path, dst: Path, dir_mode: int, file_mode: int = FILE_MODE) -> None:
    """Copy a folder with private modes; the first OSError is raised as it is (shutil's
    copytree folds them into one string, so a full disk could not be told apart). Temp
    files are left out; a link or a foreign-owned entry is refused, never followed."""
    os.mkdir(dst, dir_mode)
    os.chmod(dst, dir_mode)
    with os.scandir(src) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".tmp"):
                continue
            path = Path(entry.path)
            st = entry.stat(follow_symlinks=False)
            check_entry(path, st)
            if stat.S_ISDIR(st.st_mode):
                copy_tree(path, dst / entry.name, dir_mode, file_mode)
            elif stat.S_ISREG(st.st_mode):
                copy_file(path, dst / entry.name, file_mode)


def copy_file(src: Path, dst: Path, mode: int = FILE_MODE) -> None:
    data = read_bytes(src)
    fd = open_file(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        fsync_file(fd)
    finally:
        os.close(fd)


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
        raw = read_bytes(path)
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
def file_lock(
    lock_path: Path, timeout: float, mode: int = FILE_MODE, *, shared: bool = False
) -> Iterator[int]:
    """A flock on a sidecar file (exclusive, or shared); waits up to `timeout` seconds,
    then says who holds it. Yields the lock file's descriptor."""
    try:
        fd = open_file(lock_path, os.O_RDWR | os.O_CREAT, mode)
    except PermissionError:
        raise StoreError(f"Har ikke skrivetilgang til {lock_path}.") from None
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        how = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        while True:
            try:
                fcntl.flock(fd, how | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    raise LockTimeoutError(lock_path, timeout, holder) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.02)
        if not shared:
            with contextlib.suppress(OSError):  # who holds it is a courtesy: a full disk may refuse
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"pid {os.getpid()} ({os.environ.get('USER', '?')})".encode(), 0)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )
