"""Helpers for the issue 13 tests: a staff member added to the demo school, a profile
switched in skole.toml, and the CLI run in process (the demo school: seed 3, 75 students,
until Fri 20.11.2026; høstferie 28.09–02.10, planleggingsdag 13.11.2026 and 04.01.2027,
juleferie 21.12–01.01. A005 is 8A's and A007 10A's kontaktlærer, A004 10A's
avdelingsleder, A001 rektor, A008 a faglærer)."""

from __future__ import annotations

from pathlib import Path

from fravaer_tui.cli import main
from fravaer_tui.domain.model import Staff
from fravaer_tui.store import Store


def add_staff(data: Path, member: Staff) -> None:
    store = Store(data)
    roster = store.load_roster()
    store.write_roster(staff=[*roster.staff, member])


def use_profile(data: Path, profile: str) -> None:
    config = data / "skole.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('profil = "strand"', f'profil = "{profile}"'), encoding="utf-8")


def run(capsys, data: Path, now: str, *argv: str, user: str = "A001") -> tuple[int, str, str]:
    """`fravaer --data DATA --user USER --now NOW ARGV…`: exit code, stdout, stderr."""
    code = main(["--data", str(data), "--user", user, "--now", now, *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err
