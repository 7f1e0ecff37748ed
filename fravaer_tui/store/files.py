"""Files in the data folder: atomic writes, locks, and reading with schema and corruption checks.

Every write is a temp file, fsync, rename and an fsync of the folder, so a crash at any
moment leaves either the old or the new file (DESIGN, Known pitfalls).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
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


def open_shared(path: Path, flags: int, mode: int) -> int:
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


def why(exc: OSError) -> str:
    """An OS error in Norwegian words for the common cases."""
    return {
        errno.ENOSPC: "disken er full",
        errno.EDQUOT: "diskkvoten er brukt opp",
        errno.EROFS: "mappen er skrivebeskyttet",
        errno.EACCES: "mangler tilgang",
        errno.EPERM: "mangler tilgang",
        errno.EFBIG: "filen er for stor",
    }.get(exc.errno or 0, exc.strerror or str(exc))


def copy_tree(src: Path, dst: Path, dir_mode: int) -> None:
    """Copy a folder; the first OSError is raised as it is (shutil.copytree folds them all
    into one string and the errno with them, so a full disk could not be told apart).
    Temp files are left out, and no symlink is followed."""
    dst.mkdir(mode=dir_mode)
    with os.scandir(src) as entries:
        for entry in entries:
            if entry.name.endswith(".tmp"):
                continue
            if entry.is_dir(follow_symlinks=False):
                copy_tree(Path(entry.path), dst / entry.name, dir_mode)
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


def remove_stale_temp_files(path: Path) -> None:
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
    fd = open_shared(lock_path, os.O_RDWR, mode)
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


def encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
