"""The school's words as values: students, staff, timetable, registrations, marks, meldinger.

Pure data, no I/O and no clock. Dates are `datetime.date`; the caller passes "today".
~400 lines: the school's vocabulary in one place (the enums, the people, the roster and
its indexes, the marks), which every layer imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

# The timetable's values live in `timetable`, and are importable from here as before.
from fravaer_tui.domain.timetable import CancelledLesson as CancelledLesson
from fravaer_tui.domain.timetable import Kortdag as Kortdag
from fravaer_tui.domain.timetable import Lesson as Lesson
from fravaer_tui.domain.timetable import Slot as Slot
from fravaer_tui.domain.timetable import TimetableIndex as TimetableIndex
from fravaer_tui.domain.timetable import TimetableVersion as TimetableVersion


class Role(StrEnum):
    FAGLAERER = "faglaerer"
    KONTAKTLAERER = "kontaktlaerer"
    AVDELINGSLEDER = "avdelingsleder"
    REKTOR = "rektor"
    DRIFT = "drift"  # the IT operator: imports, backups, keys; no access to children's data
    # Strand, Registrering av fravær c: «Miljøpersonell melder fravær til kontaktlærer».
    MILJOPERSONALE = "miljopersonale"

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
    Role.MILJOPERSONALE: "miljøpersonale",
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


class Remark(StrEnum):
    """Coded remarks on a mark, the ones a rule counts. Other remarks may be typed in the
    register, but only these are a value the app knows (and the absence CSV carries)."""

    # Hole: «Det må også undersøkes om utstyr (f.eks. gymtøy) til stadighet mangler».
    MANGLER_UTSTYR = "mangler utstyr"

    @property
    def code(self) -> str:
        """The value in a CSV file, as the other coded values there: `mangler_utstyr`."""
        return self.value.replace(" ", "_")


def remark_code(text: str) -> Remark | None:
    """The coded remark `text` stands for (any case, `_` or spaces), or None."""
    key = " ".join(text.replace("_", " ").split()).casefold()
    return next((r for r in Remark if r.value == key), None)


def normalized_remark(text: str) -> str:
    """A remark as stored: a coded one in its one spelling, any other trimmed."""
    coded = remark_code(text)
    return coded.value if coded is not None else text.strip()


@dataclass(frozen=True, slots=True)
class Foresatt:
    navn: str
    telefon: str = ""
    epost: str = ""


@dataclass(frozen=True, slots=True)
class Student:
    """`klasse` is the class in the newest school year imported; `klasser` keeps the class
    of every school year known, as (skoleår, klasse) pairs (DESIGN: classes change every
    August, a student's class is kept per school year)."""

    id: str
    fornavn: str
    etternavn: str
    klasse: str
    foresatte: tuple[Foresatt, ...] = ()
    klasser: tuple[tuple[str, str], ...] = ()

    @property
    def navn(self) -> str:
        return f"{self.fornavn} {self.etternavn}"

    def klasse_i(self, skoleaar: str) -> str:
        """The class in school year `skoleaar` (e.g. "2026-2027"); the current one if unknown."""
        for year, klasse in self.klasser:
            if year == skoleaar:
                return klasse
        return self.klasse

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
class Kvittering:
    """The receipt to foresatte that a melding came (Strand, Melding av fravær c: «Skolen
    har ansvar for å gi tilbakemelding til foresatte om at melding er mottatt»): how it was
    given (`domain.receipts.HOW`), when and by whom (staff id)."""

    hvordan: str
    tid: dt.datetime
    av: str


@dataclass(frozen=True, slots=True)
class Melding:
    """A message from foresatte (or innvilget permisjon) covering a date range, inclusive.

    Issue 13: `kanal` is how it came, «skriftlig» or «muntlig» ("" = not recorded, from
    before); `legeattest` is «legeattest mottatt» — never a diagnosis; `kvittering` the
    receipt given to foresatte, owed when `kvittering_skyldes` (meldinger registered since)."""

    id: str
    elev: str
    fra: dt.date
    til: dt.date
    reason: Reason
    validity: Validity = Validity.GYLDIG
    av: str = ""
    tid: dt.datetime | None = None
    kanal: str = ""
    legeattest: bool = False
    kvittering: Kvittering | None = None
    kvittering_skyldes: bool = False

    def covers(self, dato: dt.date) -> bool:
        return self.fra <= dato <= self.til

    @property
    def venter_kvittering(self) -> bool:
        """A receipt is owed and not given yet (the morning overview lists these)."""
        return self.kvittering_skyldes and self.kvittering is None


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
    kortdager: tuple[Kortdag, ...] = ()


@dataclass(frozen=True, slots=True)
class Roster:
    """Who is in the school and when they meet: students, staff and the weekly timetable.

    `versions` are the timetable's versions, each valid from its `fra` until the next one
    (DESIGN, Timetables change). A roster made with `timetable` only has one version valid
    from the beginning of time (data from before versions existed); `timetable` is the
    newest version's slots, for the callers that want "the timetable" without a date.
    """

    students: tuple[Student, ...] = ()
    staff: tuple[Staff, ...] = ()
    timetable: tuple[Slot, ...] = ()
    versions: tuple[TimetableVersion, ...] = ()
    _by_id: dict[str, Student] = field(default_factory=dict, compare=False, repr=False)
    _cache: dict[str, TimetableIndex] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _taught: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _in_year: dict[str, dict[str, tuple[Student, ...]]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _classes: list[tuple[str, ...]] = field(
        default_factory=list, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self._by_id.update({s.id: s for s in self.students})
        versions = tuple(sorted(self.versions, key=lambda v: v.fra))
        if not versions and self.timetable:
            versions = (TimetableVersion(dt.date.min, tuple(self.timetable)),)
        object.__setattr__(self, "versions", versions)
        if versions and not self.timetable:
            object.__setattr__(self, "timetable", versions[-1].slots)

    @property
    def timetable_index(self) -> TimetableIndex:
        """The one index of the timetable's versions, built on first use and kept."""
        index = self._cache.get("timetable")
        if index is None:
            index = self._cache["timetable"] = TimetableIndex(self.versions)
        return index

    def version_on(self, dato: dt.date) -> TimetableVersion | None:
        """The timetable version valid on `dato` (None before the first one)."""
        return self.timetable_index.version_on(dato)

    def slots_on(self, klasse: str, dato: dt.date) -> list[Slot]:
        """The class's lessons on `dato` by the timetable version valid that day."""
        return list(self.timetable_index.periods_on(klasse, dato).values())

    def slot_on(self, klasse: str, dato: dt.date, time: int) -> Slot | None:
        return self.timetable_index.slot_on(klasse, dato, time)

    def lesson_minutes(self, klasse: str, dato: dt.date, time: int) -> int:
        """How long a lesson is on `dato` (`timetable`'s one rule for a lesson's length)."""
        return self.timetable_index.lesson_minutes(klasse, dato, time)

    def classes_taught_by(self, ansatt_id: str) -> frozenset[str]:
        """The classes a teacher has lessons with in `timetable`, by teacher, built on
        first use and kept (asked for every class each time a session checks)."""
        if not self._taught:
            taught: dict[str, set[str]] = {}
            for slot in self.timetable:
                taught.setdefault(slot.laerer, set()).add(slot.klasse)
            self._taught.update({t: frozenset(k) for t, k in taught.items()})
        return self._taught.get(ansatt_id, frozenset())

    def students_in_year(self, klasse: str, skoleaar: str) -> list[Student]:
        """The students whose class in school year `skoleaar` is `klasse` (the year's classes
        are made on first use and kept: every save asks, and the school has 600 students)."""
        classes = self._in_year.get(skoleaar)
        if classes is None:
            grouped: dict[str, list[Student]] = {}
            for student in sorted(self.students, key=lambda s: s.sort_key):
                grouped.setdefault(student.klasse_i(skoleaar), []).append(student)
            classes = self._in_year[skoleaar] = {k: tuple(v) for k, v in grouped.items()}
        return list(classes.get(klasse, ()))

    def student(self, elev_id: str) -> Student | None:
        return self._by_id.get(elev_id)

    def staff_member(self, ansatt_id: str) -> Staff | None:
        return next((s for s in self.staff if s.id == ansatt_id), None)

    def staff_by_username(self, brukernavn: str) -> Staff | None:
        wanted = brukernavn.casefold()
        return next((s for s in self.staff if s.brukernavn.casefold() == wanted), None)

    @property
    def classes(self) -> tuple[str, ...]:
        """The school's classes in order (made on first use and kept: every save asks)."""
        if not self._classes:
            names = {s.klasse for s in self.students} | {s.klasse for s in self.timetable}
            self._classes.append(tuple(sorted(names, key=class_sort_key)))
        return self._classes[0]

    def students_in(self, klasse: str) -> list[Student]:
        return sorted((s for s in self.students if s.klasse == klasse), key=lambda s: s.sort_key)

    def slots(self, klasse: str, ukedag: int) -> list[Slot]:
        """The class's periods on a weekday in the newest version (no date: prefer `slots_on`)."""
        return list(self.timetable_index.newest_periods(klasse, ukedag).values())

    def slot(self, klasse: str, ukedag: int, time: int) -> Slot | None:
        """A period in the newest version (no date: prefer `slot_on`)."""
        return self.timetable_index.newest_periods(klasse, ukedag).get(time)

    def kontaktlaerere(self, klasse: str) -> list[Staff]:
        return [s for s in self.staff if s.rolle is Role.KONTAKTLAERER and klasse in s.klasser]


def class_sort_key(klasse: str) -> tuple[int, str]:
    """8A < 9A < 10A: grade numerically, then the letters."""
    digits = "".join(ch for ch in klasse if ch.isdigit())
    return (int(digits) if digits else 0, klasse)


def trinn_of(klasse: str) -> str:
    """The trinn (grade) of a class: «8A» → «8»; "" when the name has no digits."""
    digits = "".join(ch for ch in klasse if ch.isdigit())
    return str(int(digits)) if digits else ""


class Contact(NamedTuple):
    """A contact with home, logged by the kontaktlærer ("ringt foresatte", outcome, note).
    A named tuple: every check reads the year's contact log (5,000 calls in the demo's
    600-student year), and a frozen dataclass took three times as long to make."""

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
