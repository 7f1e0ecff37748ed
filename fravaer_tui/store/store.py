"""The data folder: its paths, its settings, and the `Store` composed from its parts.

Layout (DESIGN, Architecture; measured in DESIGN, Known pitfalls):

    <data>/skole.toml              the school's settings, edited by hand
    <data>/skole.json              roster: students, staff, timetable
    <data>/<skoleår>/<klasse>/<åååå-mm>.json   registrations of one class in one month
    <data>/<skoleår>/<klasse>/meldinger.json   meldinger for the class's students that year
    <data>/<skoleår>/<klasse>/saker.json       follow-up cases and the contact log
    <data>/audit/<yyyy-mm>.jsonl   append-only audit log
    <data>/.locks/                 one lock file per data file

`Store` is the one door to a data folder; what it does lives one module a topic:
`transactions` (locks, atomic commits, the audit first), `roster` (skole.json),
`registrations` (roll calls, lessons not held, meldinger), `followup` (cases, contacts,
samtykke, reviews), `holidays` (the public holidays cache), `access` (who may use the
folder). The names they held here are still importable from here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fravaer_tui.domain.model import SchoolConfig
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.errors import StoreError
from fravaer_tui.store import files
from fravaer_tui.store.access import access_problem
from fravaer_tui.store.auditlog import AuditLog
from fravaer_tui.store.backups import KEEP_BACKUP_DAYS, Backups
from fravaer_tui.store.checkcache import CheckCache
from fravaer_tui.store.codec import safe_file_name
from fravaer_tui.store.config import CONFIG_FILE, config_to_toml, parse_config
from fravaer_tui.store.files import DIR_MODE, FILE_MODE, read_tables, why
from fravaer_tui.store.followup import FollowupMixin
from fravaer_tui.store.holidays import HolidaysMixin
from fravaer_tui.store.journal import Journals
from fravaer_tui.store.registrations import RegistrationsMixin
from fravaer_tui.store.roster import ROSTER_FILE, RosterMixin, roster_change
from fravaer_tui.store.transactions import STORE_LOCK, Transaction, TransactionsMixin

__all__ = [
    "ROSTER_FILE",
    "STORE_LOCK",
    "Store",
    "Transaction",
    "access_problem",
    "roster_change",
]


class Store(TransactionsMixin, RosterMixin, RegistrationsMixin, FollowupMixin, HolidaysMixin):
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
