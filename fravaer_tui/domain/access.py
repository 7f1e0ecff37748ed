"""Who may do what: one pure function a rule, called by the application layer for every caller.

DESIGN, Trust: a faglærer registers any lesson (substitutes) and sees alerts without
reasons for the classes they teach; a kontaktlærer follows up their own classes;
avdelingsleder and rektor see all; rektor and `drift` (the IT operator, who has no access
to children's data) import staff, restore and manage keys. `miljopersonale` (Strand,
Registrering av fravær c: «Miljøpersonell melder fravær til kontaktlærer») register the
lessons they hold — those of the classes they work in — and see no reasons and no alerts.
"""

from __future__ import annotations

from enum import StrEnum

from fravaer_tui.domain.model import Role, Roster, Staff, trinn_of

TEACHING_ROLES = frozenset({Role.FAGLAERER, Role.KONTAKTLAERER, Role.AVDELINGSLEDER, Role.REKTOR})
# Everyone who works with the children: the teachers, and miljøpersonale who register too.
CHILDREN_ROLES = TEACHING_ROLES | {Role.MILJOPERSONALE}


class Admin(StrEnum):
    """Operations on the school as a whole, not on one class's children."""

    IMPORT_STAFF = "import_staff"
    IMPORT_STUDENTS = "import_students"
    IMPORT_TIMETABLE = "import_timetable"
    IMPORT_ABSENCES = "import_absences"
    EXPORT_ABSENCES = "export_absences"
    BACKUP = "backup"
    RESTORE = "restore"
    KEYS = "keys"
    AUDIT_READ = "audit_read"
    AUDIT_VERIFY = "audit_verify"


# `fravaer import KIND`: the operation each kind of CSV import is.
IMPORT_OPS = {
    "students": Admin.IMPORT_STUDENTS,
    "staff": Admin.IMPORT_STAFF,
    "timetable": Admin.IMPORT_TIMETABLE,
    "absences": Admin.IMPORT_ABSENCES,
}


# Which roles may run each operation. Drift keeps the school running (imports, backups,
# restore, keys, checking the log is whole) but reads no child's data: not the audit log
# (it holds reasons and case notes) and not the absence export.
ADMIN_ROLES: dict[Admin, frozenset[Role]] = {
    Admin.IMPORT_STAFF: frozenset({Role.REKTOR, Role.DRIFT}),
    Admin.IMPORT_STUDENTS: frozenset({Role.REKTOR, Role.AVDELINGSLEDER, Role.DRIFT}),
    Admin.IMPORT_TIMETABLE: frozenset({Role.REKTOR, Role.AVDELINGSLEDER, Role.DRIFT}),
    Admin.IMPORT_ABSENCES: frozenset({Role.REKTOR, Role.AVDELINGSLEDER, Role.DRIFT}),
    Admin.EXPORT_ABSENCES: frozenset({Role.REKTOR, Role.AVDELINGSLEDER}),
    Admin.BACKUP: frozenset({Role.REKTOR, Role.DRIFT}),
    Admin.RESTORE: frozenset({Role.REKTOR, Role.DRIFT}),
    Admin.KEYS: frozenset({Role.REKTOR, Role.DRIFT}),
    Admin.AUDIT_READ: frozenset({Role.REKTOR, Role.AVDELINGSLEDER}),
    Admin.AUDIT_VERIFY: frozenset({Role.REKTOR, Role.AVDELINGSLEDER, Role.DRIFT}),
}

ADMIN_WORDS: dict[Admin, str] = {
    Admin.IMPORT_STAFF: "importere ansattlisten",
    Admin.IMPORT_STUDENTS: "importere elever",
    Admin.IMPORT_TIMETABLE: "importere timeplanen",
    Admin.IMPORT_ABSENCES: "importere fravær",
    Admin.EXPORT_ABSENCES: "eksportere alt fravær",
    Admin.BACKUP: "ta og se sikkerhetskopier",
    Admin.RESTORE: "gjenopprette en sikkerhetskopi",
    Admin.KEYS: "styre SSH-nøklene",
    Admin.AUDIT_READ: "lese endringsloggen",
    Admin.AUDIT_VERIFY: "sjekke at endringsloggen er hel",
}


def may_admin(user: Staff, op: Admin) -> bool:
    return user.rolle in ADMIN_ROLES[op]


def who_may_admin(op: Admin) -> str:
    """ "rektor og drift": the roles that may, in words, for refusals."""
    labels = [r.label for r in Role if r in ADMIN_ROLES[op]]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " og " + labels[-1]


def may_use_children_data(user: Staff) -> bool:
    """Everyone but drift works with the children (the TUI, registering, checks)."""
    return user.rolle in CHILDREN_ROLES


def may_register(user: Staff, klasse: str, roster: Roster | None = None) -> bool:
    """Any teacher registers any class's lesson: substitutes stand in every day.

    Miljøpersonale register the lessons they hold: those of the classes they work in
    (`klasser` in the staff list), or a lesson the timetable gives them."""
    if user.rolle is Role.MILJOPERSONALE:
        return klasse in user.klasser or (roster is not None and teaches(roster, user, klasse))
    return user.rolle in TEACHING_ROLES


def may_follow_up(user: Staff, klasse: str) -> bool:
    """Reasons, meldinger, the contact log, cases and documents: the class's kontaktlærer
    and ledelsen."""
    return user.rolle.is_ledelse or (user.rolle is Role.KONTAKTLAERER and klasse in user.klasser)


def may_handle_consents(user: Staff, klasse: str) -> bool:
    """Samtykke (issue 13): «Only the kontaktlærer and ledelsen see it» — and record it."""
    return may_follow_up(user, klasse)


def may_see_review(user: Staff, omfang: str, scope: str) -> bool:
    """A regular review's figures and records (issue 13): ledelsen all; a kontaktlærer
    their own class's, and their trinn's (Hole: «gjennomgang av fravær på trinn/teamtid
    med avdelingsleder»). The school's: ledelsen only."""
    if user.rolle.is_ledelse:
        return True
    if omfang == "klasse":
        return may_follow_up(user, scope)
    if omfang == "trinn":
        return user.rolle is Role.KONTAKTLAERER and any(trinn_of(k) == scope for k in user.klasser)
    return False


def may_record_review(user: Staff, hvem: str, omfang: str, scope: str) -> bool:
    """Recorded by whom the routine names (`hvem`): ledelsen's by avdelingsleder/rektor; a
    kontaktlærer's class review by that class's kontaktlærer (or ledelsen)."""
    if hvem == "ledelse" or omfang != "klasse":
        return user.rolle.is_ledelse
    return may_follow_up(user, scope)


def teaches(roster: Roster, user: Staff, klasse: str) -> bool:
    """Whether the user has lessons with the class in the timetable."""
    return klasse in roster.classes_taught_by(user.id)


def may_see_alerts(roster: Roster, user: Staff, klasse: str) -> bool:
    """Alerts (without reasons) for a class the user teaches; with reasons where they follow
    up (`may_follow_up`)."""
    return may_follow_up(user, klasse) or (
        user.rolle in TEACHING_ROLES and teaches(roster, user, klasse)
    )
