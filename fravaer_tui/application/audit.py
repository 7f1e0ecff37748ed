"""Reading the audit log: filters and one readable line per change (CLI and TUI)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fravaer_tui.application.school import School
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.validate import visible


def _mentions(entry: dict[str, Any], elev: str) -> bool:
    if entry.get("elev") == elev:
        return True
    for side in ("for", "etter"):
        doc = entry.get(side) or {}
        if doc.get("elev") == elev or any(m.get("elev") == elev for m in doc.get("marks", [])):
            return True
    return False


def filter_audit(
    entries: list[dict[str, Any]], elev: str | None, staff: str | None, since: dt.date | None
) -> list[dict[str, Any]]:
    return [
        e
        for e in entries
        if (elev is None or _mentions(e, elev))
        and (staff is None or e.get("av") == staff)
        and (since is None or e.get("tid", "") >= since.isoformat())
    ]


def audit_line(school: School, entry: dict[str, Any]) -> str:
    """One change, readable: when, who, what, and the lesson or student it concerns."""
    when = dt.datetime.fromisoformat(entry["tid"]).strftime("%d.%m.%Y %H:%M")
    who = entry.get("av", "?")
    staff = school.roster.staff_member(who)
    name = staff.navn if staff else who
    what = entry.get("hva", "?")
    detail = ""
    if "klasse" in entry and "dato" in entry:
        dato = format_date(dt.date.fromisoformat(entry["dato"]))
        detail = f"{entry['klasse']} {dato} {entry['time']}. time"
        before = {m["elev"]: m.get("type") for m in (entry.get("for") or {}).get("marks", [])}
        after = {m["elev"]: m.get("type") for m in (entry.get("etter") or {}).get("marks", [])}
        changes = [
            f"{e}: {before.get(e) or 'til stede'} → {after.get(e) or 'til stede'}"
            for e in sorted(set(before) | set(after))
            if before.get(e) != after.get(e)
        ]
        if changes:
            detail += " (" + ", ".join(changes[:6]) + (" …" if len(changes) > 6 else "") + ")"
    elif "elev" in entry:
        detail = entry["elev"]
    elif "fil" in entry:
        detail = str(entry["fil"])
    # a file name or a note may hold control characters: never send them to a terminal
    return visible(f"{when}  {name:<22} {what:<20} {detail}", limit=None)
