"""Who may do what: one pure function a rule (issue 9, "Trust that holds").

Small until the access layer folds these into its own rules.
"""

from __future__ import annotations

from fravaer_tui.domain.model import Role, Staff


def may_manage_keys(staff: Staff) -> bool:
    """SSH keys (who can reach the app at all) are managed by rektor and drift."""
    return staff.rolle in (Role.REKTOR, Role.DRIFT)


def may_open_app(staff: Staff) -> bool:
    """drift runs imports, backups and keys from the command line; the app is children's data."""
    return staff.rolle is not Role.DRIFT
