"""Reading the audit log: filters, one readable line per change, and a change in full, in
words (CLI and TUI). Issue 12, point 4: «The audit screen shows before → after in words,
opens an entry with Enter, and filters by name or id.»"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fravaer_tui.application.school import School
from fravaer_tui.domain.model import Roster
from fravaer_tui.domain.schoolcalendar import format_date, parse_date
from fravaer_tui.domain.validate import visible
from fravaer_tui.domain.words import audit_kind, kind_words, person, rule_title, step_title

# Storage keys shown in `audit --json` with one Norwegian vocabulary (the stored log keeps
# its keys: it is hash-chained). check --json and case show --json are contracts: untouched.
JSON_KEYS = {"marks": "elever", "min": "minutter", "steps": "trinn", "effect": "effekt"}


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


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What a typed filter means: students and staff (by id or a part of the name) and a
    from-date; `problem` says what could not be understood (nothing is silently ignored)."""

    students: frozenset[str] = frozenset()
    staff: frozenset[str] = frozenset()
    since: dt.date | None = None
    problem: str = ""

    def keeps(self, entry: dict[str, Any]) -> bool:
        if self.students and not any(_mentions(entry, e) for e in self.students):
            return False
        if self.staff and entry.get("av") not in self.staff:
            return False
        return self.since is None or entry.get("tid", "") >= self.since.isoformat()


def parse_filter(text: str, roster: Roster) -> AuditFilter:
    """Words typed: an id (student or staff), a date (dd.mm.åååå: from that day), else a
    part of a name; several words narrow a name ("ola nor")."""
    students: set[str] = set()
    staff: set[str] = set()
    since = None
    names: list[str] = []
    for word in text.split():
        if roster.student(word):
            students.add(word)
        elif roster.staff_member(word):
            staff.add(word)
        elif word[:1].isdigit():
            try:
                since = parse_date(word)
            except ValueError as exc:
                return AuditFilter(problem=str(exc))
        else:
            names.append(word.casefold())
    if names:

        def named(full: str) -> bool:
            parts = full.casefold().split()
            return all(any(p.startswith(n) for p in parts) for n in names)

        students |= {s.id for s in roster.students if named(s.navn)}
        staff |= {s.id for s in roster.staff if named(s.navn)}
        if not students and not staff:
            return AuditFilter(problem=f"Ingen elev eller ansatt heter «{' '.join(names)}».")
    return AuditFilter(frozenset(students), frozenset(staff), since)


def _mark_words(doc: dict[str, Any] | None) -> str:
    if doc is None:
        return "til stede"
    words = kind_words(doc.get("type"))
    if doc.get("min"):
        words += f" {doc['min']} min"
    if doc.get("gyldighet"):
        words += f", {doc['gyldighet'].replace('_', ' ')}"
    if doc.get("merknad"):
        words += f" «{doc['merknad']}»"
    return words


def mark_changes(entry: dict[str, Any], roster: Roster) -> list[str]:
    """«Ola Nordmann (E0001): til stede → fravær» for each student whose mark changed."""
    before = {m["elev"]: m for m in (entry.get("for") or {}).get("marks", [])}
    after = {m["elev"]: m for m in (entry.get("etter") or {}).get("marks", [])}
    lines = []
    for elev in sorted(set(before) | set(after)):
        a, b = _mark_words(before.get(elev)), _mark_words(after.get(elev))
        if a != b:
            student = roster.student(elev)
            name = f"{student.navn} ({elev})" if student else elev
            lines.append(f"{name}: {a} → {b}")
    return lines


def case_changes(entry: dict[str, Any], school: School) -> list[str]:
    """What changed in a case: steps, tiltak, status, answers, in words."""
    old, new = entry.get("for") or {}, entry.get("etter") or {}
    profile = school.profile
    if not old:
        return [f"sak opprettet fra «{rule_title(profile, new.get('regel', ''))}»"]
    lines = []
    for step in new.get("steps", [])[len(old.get("steps", [])) :]:
        when = format_date(dt.date.fromisoformat(step["dato"]))
        note = f": {step['notat']}" if step.get("notat") else ""
        lines.append(f"trinn ført: {step_title(profile, step['step'])} {when}{note}")
    for t in new.get("tiltak", [])[len(old.get("tiltak", [])) :]:
        lines.append(f"tiltak: {t['hva']} (ansvar: {t['hvem']}, {t['uker']} uker)")
    if old.get("status") != new.get("status"):
        lines.append(f"status: {old.get('status')} → {new.get('status')}")
    for field, what in (("svar", "svar i samtalen"), ("felt", "felt i vedlegg")):
        if old.get(field) != new.get(field):
            lines.append(f"{what} endret")
    return lines or ["sak endret"]


def subject(entry: dict[str, Any], roster: Roster) -> str:
    """The lesson, student or file an entry concerns, in words."""
    if "klasse" in entry and "dato" in entry and "time" in entry:
        dato = format_date(dt.date.fromisoformat(entry["dato"]))
        return f"{entry['klasse']} {dato} {entry['time']}. time"
    if "elev" in entry:
        student = roster.student(entry["elev"])
        return f"{student.navn} ({entry['elev']})" if student else str(entry["elev"])
    if "fil" in entry:
        return str(entry["fil"])
    return ""


def audit_line(school: School, entry: dict[str, Any]) -> str:
    """One change, readable: when, who, what, and the lesson or student it concerns."""
    roster = school.roster
    when = dt.datetime.fromisoformat(entry["tid"]).strftime("%d.%m.%Y %H:%M")
    name = person(roster, entry.get("av", "?"))
    what = audit_kind(entry.get("hva", "?"))
    detail = subject(entry, roster)
    changes = mark_changes(entry, roster) if "klasse" in entry else []
    if changes:
        detail += " (" + "; ".join(changes[:4]) + (" …" if len(changes) > 4 else "") + ")"
    # a file name or a note may hold control characters: never send them to a terminal
    return visible(f"{when}  {name:<22} {what:<22} {detail}", limit=None)


def audit_details(school: School, entry: dict[str, Any]) -> list[str]:
    """An entry in full, for the TUI's Enter: who, when, what, and before → after in words."""
    roster = school.roster
    when = dt.datetime.fromisoformat(entry["tid"]).strftime("%d.%m.%Y %H:%M:%S")
    who = entry.get("av", "?")
    lines = [
        f"Når: {when}",
        f"Hvem: {person(roster, who)} ({who})",
        f"Hva: {audit_kind(entry.get('hva', '?'))}",
    ]
    about = subject(entry, roster)
    if about:
        lines.append(f"Gjelder: {about}")
    kind = entry.get("hva", "")
    if "klasse" in entry and ("for" in entry or "etter" in entry):
        changes = mark_changes(entry, roster)
        lines += ["", "Før → etter:"] + [f"  {c}" for c in changes or ["ingen endring i fraværet"]]
    elif kind in ("sak", "sak_endret"):
        lines += ["", "Endring:"] + [f"  {c}" for c in case_changes(entry, school)]
    elif kind == "melding":
        m = entry.get("etter") or {}
        fra, til = m.get("fra", ""), m.get("til", "")
        lines += ["", f"Melding {fra} – {til}: {m.get('aarsak', '')}, {m.get('gyldighet', '')}"]
    elif kind == "innsyn":
        lines += ["", f"Leste: {entry.get('gjelder', '')}"]
    elif kind == "kontakt":
        c = entry.get("etter") or {}
        lines += ["", f"{c.get('hva', '')}: {c.get('utfall', '')}", c.get("notat", "")]
    else:
        rest = {k: v for k, v in entry.items() if k not in ("tid", "av", "hva", "forrige", "hash")}
        lines += [f"{k}: {v}" for k, v in rest.items()]
    return [visible(line, limit=None) for line in lines]


def audit_json(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry for `audit --json`, with Norwegian keys throughout (see JSON_KEYS)."""

    def norsk(value: Any) -> Any:
        if isinstance(value, dict):
            return {JSON_KEYS.get(k, k): norsk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norsk(v) for v in value]
        return value

    return norsk(entry)
