"""The school's words in one place: what the CLI and the TUI call rules, steps, audit kinds,
people, marks and validity, and how they write counts and date ranges.

Issue 12, point 4-5: «Rules, steps, audit kinds and people appear as titles and names», and
«"Timer" for lessons and "klokketimer" for 60-minute hours, consistently». The labels of the
enums (roles, marks, validity, reasons) live beside the enums in `model` and are used here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from fravaer_tui.domain.consent import ConsentStatus, Service
from fravaer_tui.domain.model import Mark, MarkType, Reason, Roster, Staff, Validity
from fravaer_tui.domain.profiles import Profile
from fravaer_tui.domain.schoolcalendar import format_date, format_number

# What each audit entry's `hva` means, in the words of the school.
AUDIT_KINDS = {
    "registrering": "time ført",
    "registrering_endret": "føring rettet",
    "vurdering": "fravær vurdert",
    "time_avlyst": "time merket ikke holdt",
    "time_holdt": "time merket holdt",
    "melding": "melding fra foresatte",
    "sak": "sak opprettet",
    "sak_endret": "sak endret",
    "kontakt": "kontakt med hjemmet",
    "import": "import",
    "eksport": "eksport",
    "sikkerhetskopi": "sikkerhetskopi tatt",
    "gjenoppretting": "sikkerhetskopi gjenopprettet",
    "innsyn": "innsyn",
    "feilet": "endring som feilet",
    "nokkel_lagt_til": "SSH-nøkkel lagt til",
    "nokkel_fjernet": "SSH-nøkkel fjernet",
}

# Built-in rule titles, for a rule id no longer in the school's profile (an old case).
RULE_TITLES = {
    "ugyldig_fravaer": "Ugyldig fravær",
    "hoyt_fravaer": "Høyt fravær",
    "forsentkomming": "Forsentkomming",
    "forlater_skolen": "Forlater skolen",
    "sammenhengende_uten_melding": "Sammenhengende fravær uten melding",
    "langvarig_kjent_aarsak": "Langvarig fravær med kjent årsak",
    "mangler_utstyr": "Mangler utstyr",
}

CASE_EVENTS = {"opprettet": "opprettet", "lukket": "lukket", "gjenapnet": "gjenåpnet"}

# Units as the profiles write them (`enhet`), singular and plural. «timer» are lessons.
UNITS = {
    "timer": ("time", "timer"),
    "dager": ("dag", "dager"),
    "ganger": ("gang", "ganger"),
    "klokketimer": ("klokketime", "klokketimer"),
    "elever": ("elev", "elever"),
    "endringer": ("endring", "endringer"),
    "meldinger": ("melding", "meldinger"),
    "saker": ("sak", "saker"),
    "trinn": ("trinn", "trinn"),
    "perioder": ("periode", "perioder"),
}

# Consent services in few words (issue 13's list), for a field or a column at 80 columns;
# `Service.label` says them in full.
MARK_WORDS = {MarkType.FRAVAER: "fravær", MarkType.SENT: "for sent", MarkType.FORLOT: "gikk"}


def count(value: float, unit: str) -> str:
    """`1 time`, `3 timer`, `2,5 dager`, `1 klokketime` (a unit unknown here stays as given)."""
    one, many = UNITS.get(unit, (unit, unit))
    return f"{format_number(value)} {one if value == 1 else many}"


def lessons(n: float) -> str:
    """Lessons (skoletimer): `1 time`, `4 timer`."""
    return count(n, "timer")


def clock_hours(hours: float) -> str:
    """60-minute hours: `2,5 klokketimer`."""
    return count(hours, "klokketimer")


def date_range(fra: dt.date, til: dt.date) -> str:
    """`30.11.2026` for one day, `30.11.2026–02.12.2026` for several."""
    return format_date(fra) if fra == til else f"{format_date(fra)}–{format_date(til)}"


def audit_kind(code: str) -> str:
    return AUDIT_KINDS.get(code, code.replace("_", " "))


def rule_title(profile: Profile | None, rule_id: str) -> str:
    rule = profile.rule(rule_id) if profile is not None else None
    if rule is not None:
        return rule.tittel
    return RULE_TITLES.get(rule_id, rule_id.replace("_", " "))


def step_title(profile: Profile | None, step_id: str) -> str:
    for step in profile.steps if profile is not None else ():
        if step.id == step_id:
            return step.tittel
    return step_id.replace("_", " ")


def case_event(code: str) -> str:
    return CASE_EVENTS.get(code, code.replace("_", " "))


def person(roster: Roster, staff_id: str, *, short: bool = False) -> str:
    """A staff member's name (initials where space is short); the id if unknown."""
    staff = roster.staff_member(staff_id)
    if staff is None:
        return staff_id
    return staff.initials if short else staff.navn


def staff_label(staff: Staff) -> str:
    return f"{staff.navn} ({staff.rolle.label})"


def student_name(roster: Roster, elev: str, *, surname_first: bool = False) -> str:
    student = roster.student(elev)
    if student is None:
        return elev
    return f"{student.etternavn}, {student.fornavn}" if surname_first else student.navn


def mark_words(mark: Mark | None) -> str:
    """`til stede`, `fravær`, `for sent 5 min`, `gikk`."""
    if mark is None or mark.kind is None:
        return "til stede"
    if mark.kind is MarkType.SENT:
        return f"for sent {mark.minutter} min" if mark.minutter else "for sent"
    return MARK_WORDS[mark.kind]


def kind_words(kind: str | None) -> str:
    """A mark type as stored (`fravaer`, `sent`, `forlot`, None) in words."""
    if not kind:
        return "til stede"
    try:
        return MARK_WORDS[MarkType(kind)]
    except ValueError:
        return kind


def validity_words(validity: Validity, reason: Reason | None) -> str:
    """`ikke meldt`, `meldt: sykdom`, `permisjon`, `ugyldig` (for those who may see reasons)."""
    if validity is Validity.GYLDIG:
        if reason is Reason.PERMISJON:
            return "permisjon"
        return f"meldt: {reason.label}" if reason is not None else "meldt"
    return validity.label


def join(words: Iterable[str]) -> str:
    """`a`, `a og b`, `a, b og c`."""
    items = [w for w in words if w]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


# --- samtykke on the case screen (issue 13) -------------------------------------------------
# The services in the short words a line beside a step has room for (the consent register's
# own labels, `consent.SERVICE_LABELS`, say more: «helsesykepleier (skolehelsetjenesten)»).
SERVICE_WORDS = {
    Service.HELSESYKEPLEIER: "helsesykepleier",
    Service.PPT: "PPT",
    Service.BUP: "BUP",
    Service.BARNEVERN: "barneverntjenesten",
    Service.FAMILIENS_HUS: "Familiens hus",
    Service.FASTLEGE: "fastlege",
    Service.ANNET: "annen tjeneste",
}


def service_word(service: Service | str, other: str = "") -> str:
    """A service in few words (the enum or its code); the service's own name when it is
    «annet» and one is given."""
    code = Service(service)
    if code is Service.ANNET and other:
        return other
    return SERVICE_WORDS[code]


def consent_line(status: ConsentStatus) -> str:
    """«samtykke: helsesykepleier ✓ gitt 12.10.2026 av foresatt» or «mangler samtykke til PPT»."""
    given = status.samtykke
    if given is None:
        return f"mangler samtykke til {service_word(status.tjeneste)}"
    name = given.annen if given.tjeneste is Service.ANNET and given.annen else None
    return (
        f"samtykke: {name or service_word(status.tjeneste)} ✓ gitt {format_date(given.dato)} "
        f"av {given.gitt_av.value}"
    )


def missing_consent(found: Iterable[ConsentStatus]) -> str:
    """«Mangler samtykke til PPT – husk samtykke før opplysninger om eleven deles.» or ""."""
    missing = [service_word(s.tjeneste) for s in found if not s.on_file]
    if not missing:
        return ""
    return (
        f"Mangler samtykke til {join(dict.fromkeys(missing))} – husk samtykke før "
        "opplysninger om eleven deles."
    )
