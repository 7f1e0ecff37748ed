"""The school's words as values: students, staff, timetable, registrations, marks, meldinger.

Pure data, no I/O and no clock. Dates are `datetime.date`; the caller passes "today".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    FAGLAERER = "faglaerer"
    KONTAKTLAERER = "kontaktlaerer"
    AVDELINGSLEDER = "avdelingsleder"
    REKTOR = "rektor"
    DRIFT = "drift"  # IT operator: imports, backup, restore, keys; no children's data

    @property
    def is_ledelse(self) -> bool:
        return self in (Role.AVDELINGSLEDER, Role.REKTOR)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.FAGLAERER: "faglærer",
    Role.KONTAKTLAERER: "kontaktlærer",
    Role.AVDELINGSLEDER: "avdelingsleder",
    Role.REKTOR: "rektor",
    Role.DRIFT: "drift",
}


class MarkType(StrEnum):
    FRAVAER = "fravaer"
    SENT = "sent"
    FORLOT = "forlot"

    @property
    def is_absence(self) -> bool:
        """`fravaer` and `forlot` are absence; `sent` is not (DESIGN, Marks)."""
        return self is not MarkType.SENT

    @property
    def label(self) -> str:
        return MARK_LABELS[self]


MARK_LABELS = {MarkType.FRAVAER: "fravær", MarkType.SENT: "sent", MarkType.FORLOT: "forlot"}


class Validity(StrEnum):
    IKKE_MELDT = "ikke_meldt"
    GYLDIG = "gyldig"
    UGYLDIG = "ugyldig"

    @property
    def label(self) -> str:
        return VALIDITY_LABELS[self]


VALIDITY_LABELS = {
    Validity.IKKE_MELDT: "ikke meldt",
    Validity.GYLDIG: "gyldig",
    Validity.UGYLDIG: "ugyldig",
}


class Reason(StrEnum):
    """Coded reasons only: no free-text health details are ever stored."""

    SYKDOM = "sykdom"
    LEGE = "lege"
    PERMISJON = "permisjon"
    ANNET = "annet"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    Reason.SYKDOM: "sykdom",
    Reason.LEGE: "lege/tannlege",
    Reason.PERMISJON: "innvilget permisjon",
    Reason.ANNET: "annet",
}


@dataclass(frozen=True, slots=True)
class Foresatt:
    navn: str
    telefon: str = ""
    epost: str = ""


@dataclass(frozen=True, slots=True)
class Student:
    id: str
    fornavn: str
    etternavn: str
    klasse: str
    foresatte: tuple[Foresatt, ...] = ()

    @property
    def navn(self) -> str:
        return f"{self.fornavn} {self.etternavn}"

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.etternavn.casefold(), self.fornavn.casefold())


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    navn: str
    rolle: Role
    klasser: tuple[str, ...] = ()
    brukernavn: str = ""

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.navn.replace("-", " ").split() if part).upper()


@dataclass(frozen=True, slots=True)
class Slot:
    """One period in a class's weekly timetable (weekday 1 = Monday)."""

    klasse: str
    ukedag: int
    time: int
    start: dt.time
    slutt: dt.time
    fag: str
    laerer: str

    @property
    def minutes(self) -> int:
        return (self.slutt.hour * 60 + self.slutt.minute) - (
            self.start.hour * 60 + self.start.minute
        )


@dataclass(frozen=True, slots=True)
class Lesson:
    """A slot on a real school day."""

    dato: dt.date
    slot: Slot

    @property
    def klasse(self) -> str:
        return self.slot.klasse

    @property
    def time(self) -> int:
        return self.slot.time


@dataclass(frozen=True, slots=True)
class Mark:
    """What happened to one student in one lesson. Present is the default and not stored.

    `kind` is None for a present student with only a remark (e.g. *mangler utstyr*, Hole).
    `validity`/`reason` are a judgement on this very absence; None means "ask the meldinger".
    """

    elev: str
    kind: MarkType | None
    minutter: int | None = None
    merknad: str = ""
    validity: Validity | None = None
    reason: Reason | None = None

    @property
    def is_absence(self) -> bool:
        return self.kind is not None and self.kind.is_absence


@dataclass(frozen=True, slots=True)
class Registration:
    """The roll call of one lesson. A lesson without one is *ikke ført*."""

    klasse: str
    dato: dt.date
    time: int
    av: str
    tid: dt.datetime
    marks: tuple[Mark, ...] = ()

    def mark_for(self, elev: str) -> Mark | None:
        for mark in self.marks:
            if mark.elev == elev:
                return mark
        return None


@dataclass(frozen=True, slots=True)
class Melding:
    """A message from foresatte (or innvilget permisjon) covering a date range, inclusive."""

    id: str
    elev: str
    fra: dt.date
    til: dt.date
    reason: Reason
    validity: Validity = Validity.GYLDIG
    av: str = ""
    tid: dt.datetime | None = None

    def covers(self, dato: dt.date) -> bool:
        return self.fra <= dato <= self.til


@dataclass(frozen=True, slots=True)
class Holiday:
    navn: str
    fra: dt.date
    til: dt.date


@dataclass(frozen=True, slots=True)
class SchoolConfig:
    navn: str = "Skolen"
    profil: str = "strand"
    ferier: tuple[Holiday, ...] = ()
    elevmapper: str = ""
    demo: bool = False


@dataclass(frozen=True, slots=True)
class Roster:
    """Who is in the school and when they meet: students, staff and the weekly timetable."""

    students: tuple[Student, ...] = ()
    staff: tuple[Staff, ...] = ()
    timetable: tuple[Slot, ...] = ()
    _by_id: dict[str, Student] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({s.id: s for s in self.students})

    def student(self, elev_id: str) -> Student | None:
        return self._by_id.get(elev_id)

    def staff_member(self, ansatt_id: str) -> Staff | None:
        return next((s for s in self.staff if s.id == ansatt_id), None)

    def staff_by_username(self, brukernavn: str) -> Staff | None:
        wanted = brukernavn.casefold()
        return next((s for s in self.staff if s.brukernavn.casefold() == wanted), None)

    @property
    def classes(self) -> tuple[str, ...]:
        names = {s.klasse for s in self.students} | {s.klasse for s in self.timetable}
        return tuple(sorted(names, key=class_sort_key))

    def students_in(self, klasse: str) -> list[Student]:
        return sorted((s for s in self.students if s.klasse == klasse), key=lambda s: s.sort_key)

    def slots(self, klasse: str, ukedag: int) -> list[Slot]:
        return sorted(
            (s for s in self.timetable if s.klasse == klasse and s.ukedag == ukedag),
            key=lambda s: s.time,
        )

    def slot(self, klasse: str, ukedag: int, time: int) -> Slot | None:
        for s in self.timetable:
            if s.klasse == klasse and s.ukedag == ukedag and s.time == time:
                return s
        return None

    def kontaktlaerere(self, klasse: str) -> list[Staff]:
        return [s for s in self.staff if s.rolle is Role.KONTAKTLAERER and klasse in s.klasser]


def class_sort_key(klasse: str) -> tuple[int, str]:
    """8A < 9A < 10A: grade numerically, then the letters."""
    digits = "".join(ch for ch in klasse if ch.isdigit())
    return (int(digits) if digits else 0, klasse)


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact with home, logged by the kontaktlærer ("ringt foresatte", outcome, note)."""

    id: str
    elev: str
    tid: dt.datetime
    av: str
    hva: str = "ringt foresatte"
    utfall: str = ""
    notat: str = ""


CONTACT_KINDS = (
    "ringt foresatte",
    "melding til foresatte",
    "møte med foresatte",
    "samtale med elev",
)
CONTACT_OUTCOMES = ("snakket med foresatte", "ikke svar", "la igjen beskjed", "avtalt møte")
