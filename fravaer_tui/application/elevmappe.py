"""Where the exported files go: the elevmappe's folders, names taken atomically, and the
templates a school may restyle.

Where the files go (issue 5, point 4):

    <elevmappe root>/<skoleår>/<klasse>/<etternavn> <fornavn> (<elev_id>)/
        2026-11-20 Vedlegg 1 Kartleggingssamtale med elev.docx
        2026-11-20 Vedlegg 1 Kartleggingssamtale med elev (2).docx    exported again that day
        2026-11-20 Fraværsrapport 2026-2027.docx
    <elevmappe root>/<skoleår>/<klasse>/2026-11-20 Fraværsrapport 2026-2027 8A.csv

- The root is `elevmapper` in skole.toml (relative to the data folder), else <data>/elevmapper.
- Folders the export creates are 0700, files 0600. Names keep æøå, hyphens and apostrophes;
  only `/` and control characters (NUL among them) are taken out.
- An export never overwrites, and is never seen half-written: the document is written to a
  hidden temporary file, then linked to its name (`write_new_file`), so two processes
  exporting the same second get two names, never one file, and a kill leaves no empty one.

Templates: a school's own restyled copy in <data>/maler/<file name> (e.g.
`maler/vedlegg1_kartlegging_elev.docx`) wins over the shipped one, file by file, so a restyled
template survives an upgrade. The shipped templates are in the installed package
(`fravaer_tui/templates/`, put there by the wheel build) or, in a source checkout or an
editable install, in `<repo>/templates/`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from fravaer_tui.application.formvalues import _spec
from fravaer_tui.application.school import School
from fravaer_tui.documents.forms import FORMS
from fravaer_tui.domain.model import Student
from fravaer_tui.errors import UserError
from fravaer_tui.store.files import ensure_dir, fsync_dir, fsync_file

DIR_MODE = 0o700
FILE_MODE = 0o600
SCHOOL_TEMPLATES = "maler"  # <data>/maler/: the school's restyled templates
DEFAULT_ELEVMAPPER = "elevmapper"
MAX_VERSIONS = 999

_NOT_IN_NAMES = re.compile(r"[/\x00-\x1f\x7f]")


def templates_dir() -> Path:
    """The shipped templates: inside the installed package, else the source checkout's."""
    here = Path(__file__).resolve().parents[1]  # the fravaer_tui package
    for folder in (here / "templates", here.parent / "templates"):
        if (folder / FORMS[1].file_name).is_file():
            return folder
    raise UserError(
        f"Fant ikke malene for vedleggene (lette i {here / 'templates'} og "
        f"{here.parent / 'templates'}). Installer fravaer-tui på nytt, eller bygg malene "
        "med python tools/build_templates.py."
    )


def template_path(school: School, nr: int | str, templates: Path | None = None) -> Path:
    """Form `nr`'s template: from `templates` if given, else the school's own, else shipped."""
    spec = _spec(nr)
    name = spec.file_name
    if templates is not None:
        path = Path(templates) / name
        if not path.is_file():
            raise UserError(f"Fant ikke malen for {spec.label.lower()}: {path} finnes ikke.")
        return path
    own = school.store.root / SCHOOL_TEMPLATES / name
    return own if own.is_file() else templates_dir() / name


def elevmappe_root(school: School) -> Path:
    """`elevmapper` from skole.toml (relative to the data folder), else <data>/elevmapper."""
    configured = school.config.elevmapper.strip()
    if not configured:
        return school.store.root / DEFAULT_ELEVMAPPER
    return school.store.root / Path(configured).expanduser()


def safe_name(text: str) -> str:
    """A name as one path component: æøå, hyphens and apostrophes stay; `/` and control
    characters go; an empty name or `.`/`..` becomes `_`."""
    cleaned = " ".join(_NOT_IN_NAMES.sub("", text).split())
    return "_" if cleaned in ("", ".", "..") else cleaned


def student_folder_name(student: Student) -> str:
    return safe_name(f"{student.etternavn} {student.fornavn} ({student.id})")


def class_folder(school: School, klasse: str, skoleaar: str) -> Path:
    """<root>/<skoleår>/<klasse>/, created 0700 where missing."""
    folder = elevmappe_root(school) / safe_name(skoleaar) / safe_name(klasse)
    return make_private_dirs(folder, _checked_from(school))


def student_folder(school: School, student: Student, skoleaar: str) -> Path:
    """<root>/<skoleår>/<klasse>/<etternavn> <fornavn> (<elev_id>)/, created 0700 where missing."""
    folder = class_folder(school, student.klasse, skoleaar) / student_folder_name(student)
    return make_private_dirs(folder, _checked_from(school))


def _checked_from(school: School) -> Path:
    """Where the no-links check starts: the data folder when the elevmappe is inside it
    (the default), else the configured elevmappe root itself (the school's own choice)."""
    root = elevmappe_root(school)
    return school.store.root if school.store.root in root.parents else root


def make_private_dirs(folder: Path, base: Path) -> Path:
    """Create `folder` (inside `base`, the elevmappe root) and any missing folders on the
    way as 0700; a link or a foreign-owned folder on the way is refused, never followed."""
    try:
        if not base.is_dir():
            base.mkdir(parents=True, mode=DIR_MODE)
            os.chmod(base, DIR_MODE)
        ensure_dir(base, folder, DIR_MODE)
    except FileExistsError:
        raise UserError(f"Kan ikke lage mappen {base}: det finnes en fil med det navnet.") from None
    except NotADirectoryError:
        raise UserError(f"Kan ikke lage mappen {folder}: en del av stien er en fil.") from None
    except OSError as exc:
        raise UserError(f"Kunne ikke lage mappen {folder}: {exc.strerror}.") from None
    return folder


def write_new_file(folder: Path, stem: str, suffix: str, payload: bytes) -> Path:
    """`payload` as a new 0600 file `<stem><suffix>`, or `<stem> (2)<suffix>`, … if taken.

    The bytes go to a hidden temporary file in `folder` first; a hard link then gives them
    the name. A link is atomic and fails if the name is taken (of two processes wanting
    the same name, one gets it and the other moves on to the next), so no export ever
    overwrites, and a process killed midway leaves nothing under an export's name: only its
    temporary file, which the next export into the folder takes away. Where the folder's
    file system has no hard links (some network shares), the name is taken with
    O_CREAT|O_EXCL and the bytes written into it.
    """
    stem = safe_name(stem)
    _remove_stale_temporaries(folder)
    temporary = folder / f"{_TEMPORARY}{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    except OSError as exc:
        raise UserError(f"Kunne ikke lage en fil i {folder}: {exc.strerror}.") from None
    try:
        try:
            _write_all(fd, payload)
        finally:
            os.close(fd)
        for path in _versions(folder, stem, suffix):
            try:
                os.link(temporary, path, follow_symlinks=False)
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in _NO_HARD_LINKS:
                    raise UserError(f"Kunne ikke lage filen {path}: {exc.strerror}.") from None
                return _reserve_and_write(folder, stem, suffix, payload)
            fsync_dir(folder)
            return path
    finally:
        temporary.unlink(missing_ok=True)
    raise AssertionError("_versions raises when every name is taken")


_TEMPORARY = ".fravaer-eksport-"  # + <pid>-<random>.tmp: an export's bytes before their name
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK}


def _versions(folder: Path, stem: str, suffix: str) -> Iterator[Path]:
    """The names to try in turn; past the last one, the refusal in words."""
    for n in range(1, MAX_VERSIONS + 1):
        yield folder / (f"{stem}{suffix}" if n == 1 else f"{stem} ({n}){suffix}")
    raise UserError(f"{folder} har allerede {MAX_VERSIONS} versjoner av «{stem}{suffix}».")


def _remove_stale_temporaries(folder: Path) -> None:
    """The temporary files of exports killed midway: those whose process is gone."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        pid = name.removeprefix(_TEMPORARY).split("-", 1)[0]
        if name.startswith(_TEMPORARY) and pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another account's process
        return True
    return True


def _reserve_and_write(folder: Path, stem: str, suffix: str, payload: bytes) -> Path:
    """Without hard links: the name taken with O_CREAT|O_EXCL, then written; on a failure
    the empty name goes away again (a kill -9 between the two can leave it)."""
    for path in _versions(folder, stem, suffix):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        except FileExistsError:
            continue
        except OSError as exc:
            raise UserError(f"Kunne ikke lage filen {path}: {exc.strerror}.") from None
        try:
            _write_all(fd, payload)
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        os.close(fd)
        return path
    raise AssertionError("_versions raises when every name is taken")


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]
    fsync_file(fd)


def _target_folder(out: Path | None, default: Callable[[], Path]) -> Path:
    return make_private_dirs(Path(out), Path(out)) if out is not None else default()
