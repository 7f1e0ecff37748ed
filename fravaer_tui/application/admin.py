"""The school's machinery behind the session's door: imports, the absence export, backups,
restore and the audit log. Each operation checks its rule in `domain.access` first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fravaer_tui.application import csvdata
from fravaer_tui.domain.access import IMPORT_OPS
from fravaer_tui.domain.access import Admin as Op
from fravaer_tui.errors import UserError
from fravaer_tui.store import Store
from fravaer_tui.store.auditlog import Verification

if TYPE_CHECKING:
    from fravaer_tui.application.session import Session


class Admin:
    """`session.admin`: what rektor, avdelingsleder and drift do to the school as a whole."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def store(self) -> Store:
        return self.session.school.store

    def import_file(
        self, kind: str, path: Path, now: dt.datetime, **options: Any
    ) -> csvdata.ImportResult:
        op = IMPORT_OPS.get(kind)
        if op is None:
            raise UserError(f"Ukjent importtype «{kind}». Bruk en av: {', '.join(IMPORT_OPS)}.")
        self.session.require_admin(op)
        user = self.session.user.id
        return csvdata.import_file(self.session.school, kind, path, user, now, **options)

    def export_absences(self) -> str:
        self.session.require_admin(Op.EXPORT_ABSENCES)
        return csvdata.export_absences(self.session.school)

    def backup(self, now: dt.datetime) -> str:
        self.session.require_admin(Op.BACKUP)
        name = self.store.backups.snapshot("manuell")
        entry = {"hva": "sikkerhetskopi", "av": self.session.user.id, "kopi": name}
        self.store.log.append([entry], now)
        return name

    def backups(self) -> list[str]:
        self.session.require_admin(Op.BACKUP)
        return self.store.backups.names()

    def restore(self, name: str, force: bool, now: dt.datetime) -> str:
        """Put a snapshot back; returns the name of the snapshot of what it replaced."""
        self.session.require_admin(Op.RESTORE)
        return self.store.backups.restore(name, force=force, user=self.session.user.id, now=now)

    def audit(self) -> list[dict[str, Any]]:
        self.session.require_admin(Op.AUDIT_READ)
        return self.store.log.read()

    def verify_audit(self) -> Verification:
        self.session.require_admin(Op.AUDIT_VERIFY)
        return self.store.log.verify()
