"""A synthetic ungdomsskole (8.–10. trinn) with a school year of absence history, built from a seed.

Pure: no I/O and no clock; the caller passes `until` (today). Every name, phone number and
e-mail address is made up by combining common names at random: no real person's data.

The whole year is generated from the seed first and `until` only takes a snapshot of it, so
tomorrow's demo has exactly today's history plus one day (meldinger that had not arrived yet,
and judgements not yet made, appear when their time comes).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
import zlib
from dataclasses import dataclass, field

from fravaer_tui.domain.model import (
    Contact,
    Foresatt,
    Holiday,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Role,
    Roster,
    SchoolConfig,
    Slot,
    Staff,
    Student,
    Validity,
)
from fravaer_tui.domain.schoolcalendar import SchoolCalendar, school_year_bounds

SCHOOL_NAME = "Solbakken ungdomsskole (demo)"
EMAIL_DOMAIN = "example.com"  # reserved for examples (RFC 2606): never a real mailbox
CLASS_SIZE = 25
GRADES = (8, 9, 10)
REMARK_UTSTYR = "mangler utstyr"

PERIODS: dict[int, tuple[dt.time, dt.time]] = {
    1: (dt.time(8, 30), dt.time(9, 15)),
    2: (dt.time(9, 20), dt.time(10, 5)),
    3: (dt.time(10, 20), dt.time(11, 5)),
    4: (dt.time(11, 10), dt.time(11, 55)),
    5: (dt.time(12, 30), dt.time(13, 15)),
    6: (dt.time(13, 20), dt.time(14, 5)),
}
PERIODS_PER_DAY = {1: 6, 2: 6, 3: 6, 4: 6, 5: 5}

# Lessons a week per subject (29 in all); the doubles are taught as one two-period block.
SUBJECTS: tuple[tuple[str, int], ...] = (
    ("norsk", 4),
    ("matematikk", 4),
    ("engelsk", 3),
    ("naturfag", 3),
    ("samfunnsfag", 3),
    ("KRLE", 2),
    ("kroppsøving", 2),
    ("musikk", 1),
    ("kunst og håndverk", 2),
    ("mat og helse", 1),
    ("fremmedspråk", 2),
    ("valgfag", 2),
)
DOUBLES = ("kroppsøving", "kunst og håndverk", "valgfag")
KROPPSOVING = "kroppsøving"

# What else a newly hired faglærer can teach, so a school needs fewer of them.
_SECOND_SUBJECTS = {
    "norsk": ("engelsk", "KRLE"),
    "matematikk": ("naturfag",),
    "engelsk": ("fremmedspråk", "norsk"),
    "naturfag": ("matematikk", "mat og helse"),
    "samfunnsfag": ("KRLE", "norsk"),
    "KRLE": ("samfunnsfag",),
    "kroppsøving": ("valgfag", "naturfag"),
    "musikk": ("kunst og håndverk", "valgfag"),
    "kunst og håndverk": ("musikk", "valgfag"),
    "mat og helse": ("naturfag", "kroppsøving"),
    "fremmedspråk": ("engelsk",),
    "valgfag": ("kroppsøving", "musikk"),
}
_KONTAKT_EXTRA = ("engelsk", "samfunnsfag", "naturfag", "KRLE")
_KONTAKT_CAPACITY = 20
_FAGLAERER_CAPACITY = 24

_CHILD_NAMES = (
    "Jakob", "Emil", "Noah", "Oliver", "Filip", "William", "Lucas", "Liam", "Henrik", "Aksel",
    "Oskar", "Mathias", "Sander", "Jonas", "Elias", "Tobias", "Magnus", "Isak", "Håkon",
    "Jørgen", "Sølve", "Ådne", "Bjørn", "Øyvind", "Theodor", "Johannes", "Sebastian", "Adrian",
    "Mohammed", "Yusuf", "Amir", "Karl-Johan", "Ole-Martin", "Mikkel", "Even", "Vetle",
    "Torstein", "Eirik", "Nora", "Emma", "Ella", "Sofie", "Olivia", "Ada", "Frida", "Sara",
    "Ingrid", "Maja", "Leah", "Astrid", "Hedda", "Thea", "Tiril", "Vilde", "Ida", "Mari",
    "Selma", "Frøya", "Synnøve", "Åse", "Sigrid", "Solveig", "Kaja", "Amalie", "Julie", "Live",
    "Hanna", "Mia", "Fatima", "Amina", "Zainab", "Anne-Lise", "Mari-Ann", "Marte", "Guro",
    "Ronja", "Aurora", "Eline",
)  # fmt: skip
_ADULT_NAMES = (
    "Kari", "Ola", "Trine", "Geir", "Hege", "Morten", "Anne-Lise", "Hans-Petter", "Bjørn",
    "Åse", "Tone", "Espen", "Lene", "Kjetil", "Silje", "Øystein", "Marianne", "Terje", "Gro",
    "Rune", "Heidi", "Stian", "Ingunn", "Pål", "Bente", "Jørn", "Siv", "Arild", "Camilla",
    "Tor-Erik", "Randi", "Frode", "Nina", "Knut", "Elin", "Håvard", "Ragnhild", "Vegard",
    "Linn", "Svein", "Ahmed", "Leila", "Tomasz", "Agnieszka", "Huong", "Minh", "Sølvi", "Åsmund",
)  # fmt: skip
_SURNAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg", "Svendsen", "Eide",
    "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen", "Lie", "Rønning",
    "Sæther", "Økland", "Ødegård", "Aasen", "Sæbø", "Bråten", "Løvås", "Myhre", "Tveit", "Våge",
    "Nordmann", "Ali", "Khan", "Nguyen", "Hussain", "Kowalski", "Ahmadi", "Berg-Hansen",
    "Lie-Nilsen", "Haugen-Dahl",
)  # fmt: skip
# Rare on purpose, but always present: exports and sorting must cope with them.
_ODD_SURNAMES = ("O'Neill", "van der Berg", "de Souza", "D'Angelo", "von Hirsch")
_ODD_SHARE = 0.03

_ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


@dataclass(frozen=True, slots=True)
class DemoSchool:
    config: SchoolConfig
    roster: Roster
    registrations: tuple[Registration, ...]
    meldinger: tuple[Melding, ...]
    contacts: tuple[Contact, ...] = ()


def build_demo(
    students: int = 600,
    seed: int = 1,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DemoSchool:
    """A demo school of `students` students with history from the first school day to `until`.

    With `now` (a moment on `until`), `until` is registered only up to that moment, the way
    it is when the demo is built in the middle of a school day (issue 12, point 9): lessons
    that have not ended are not registered, and some that ended in the last hour are still
    waiting for their teacher. Meldinger come only if they had arrived by then."""
    if until is None:
        raise TypeError("build_demo() needs until= (the date the history runs up to, i.e. today)")
    if students < 1:
        raise ValueError("a demo school needs at least one student")
    rng = random.Random(seed)
    ferier = school_holidays(until)
    calendar = SchoolCalendar(ferier)
    year_start, year_end = school_year_bounds(until)
    year_days = list(calendar.school_days(year_start, year_end))

    classes = _class_names(students)
    student_list = _students(rng, students, classes)
    timetable, staff = _timetable_and_staff(rng, classes)
    roster = Roster(students=student_list, staff=staff, timetable=timetable)

    kontakt = {s.klasser[0]: s.id for s in staff if s.rolle is Role.KONTAKTLAERER}
    if now is not None and now.date() != until:
        raise ValueError("now must be a moment on the day `until`")
    history = _History(rng, year_days, until, timetable, kontakt, now)
    for student, habits in zip(student_list, _all_habits(rng, len(student_list)), strict=True):
        history.add_student(student, habits)
    registrations = history.registrations(classes, staff)
    config = SchoolConfig(navn=SCHOOL_NAME, profil="strand", ferier=ferier, demo=True)
    return DemoSchool(
        config=config,
        roster=roster,
        registrations=registrations,
        meldinger=history.meldinger(),
        contacts=history.contacts(student_list),
    )


# --- the school year -------------------------------------------------------------------------


def school_holidays(dato: dt.date) -> tuple[Holiday, ...]:
    """Typical holidays of the school year containing `dato` (public holidays: `holidays`)."""
    start, end = school_year_bounds(dato)
    year = start.year
    first_day = _weekday_on_or_after(dt.date(year, 8, 15), 0)
    january = _weekday_on_or_after(dt.date(year + 1, 1, 2), 0, any_weekday=True)
    easter = easter_sunday(year + 1)
    autumn_plan = dt.date.fromisocalendar(year, 46, 5)
    return (
        Holiday("Sommerferie", start, first_day - dt.timedelta(days=1)),
        Holiday(
            "Høstferie", dt.date.fromisocalendar(year, 40, 1), dt.date.fromisocalendar(year, 40, 5)
        ),
        Holiday("Planleggingsdag", autumn_plan, autumn_plan),
        Holiday("Juleferie", dt.date(year, 12, 21), dt.date(year + 1, 1, 1)),
        Holiday("Planleggingsdag", january, january),
        Holiday(
            "Vinterferie",
            dt.date.fromisocalendar(year + 1, 8, 1),
            dt.date.fromisocalendar(year + 1, 8, 5),
        ),
        Holiday("Påskeferie", easter - dt.timedelta(days=6), easter + dt.timedelta(days=1)),
        Holiday("Sommerferie", dt.date(year + 1, 6, 20), end),
    )


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _weekday_on_or_after(dato: dt.date, weekday: int, *, any_weekday: bool = False) -> dt.date:
    """The first `weekday` (0 = Monday) on or after `dato`; any Mon–Fri if `any_weekday`."""
    while (dato.weekday() >= 5) if any_weekday else (dato.weekday() != weekday):
        dato += dt.timedelta(days=1)
    return dato


# --- people ----------------------------------------------------------------------------------


def _class_names(students: int) -> tuple[str, ...]:
    """max(3, round(n/25)) classes spread evenly over 8.–10. trinn: 600 → 8A–8H, 9A–9H, 10A–10H;
    past 26 a trinn the names go on 8AA, 8AB …"""
    count = max(3, round(students / CLASS_SIZE))
    per_grade = [count // 3 + (i < count % 3) for i in range(3)]
    return tuple(
        f"{grade}{_letters(i)}"
        for grade, n in zip(GRADES, per_grade, strict=True)
        for i in range(n)
    )


def _letters(i: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 27 → AB … (a school of 3,000 has 40 classes a trinn)."""
    return chr(ord("A") + i) if i < 26 else _letters(i // 26 - 1) + chr(ord("A") + i % 26)


def _ascii(text: str) -> str:
    """`Ødegård` → `odegard`, `O'Neill` → `oneill`, `van der Berg` → `vanderberg`."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
    return "".join(ch for ch in folded.lower() if ch.isascii() and (ch.isalnum() or ch == "-"))


class _Unique:
    """Hands out `base`, `base2`, `base3`, ... so user names and e-mail addresses never clash."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{base}{n}"
        self.seen.add(candidate)
        return candidate


def _surname(rng: random.Random) -> str:
    return rng.choice(_ODD_SURNAMES) if rng.random() < _ODD_SHARE else rng.choice(_SURNAMES)


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        # Norwegian 8-digit numbers never start with 0, so no demo number can ring anyone.
        digits = "0" + "".join(rng.choice("0123456789") for _ in range(7))
        if digits not in used:
            used.add(digits)
            return f"{digits[:3]} {digits[3:5]} {digits[5:]}"


def _students(rng: random.Random, count: int, classes: tuple[str, ...]) -> tuple[Student, ...]:
    emails, phones = _Unique(), set[str]()
    names = [(rng.choice(_CHILD_NAMES), _surname(rng)) for _ in range(count)]
    # Every demo has the names that trip up exports, whatever the seed.
    showcase = [
        ("Frøya", None),
        ("Hans-Petter", None),
        (None, "O'Neill"),
        (None, "van der Berg"),
        (None, "Ødegård"),
    ]
    for index, (first, last) in zip(
        rng.sample(range(count), min(count, len(showcase))), showcase, strict=False
    ):
        names[index] = (first or names[index][0], last or names[index][1])
    result = []
    per_class, extra = divmod(count, len(classes))
    index = 0
    for class_index, klasse in enumerate(classes):
        for _ in range(per_class + (class_index < extra)):
            fornavn, etternavn = names[index]
            index += 1
            foresatte = _foresatte(rng, etternavn, emails, phones)
            result.append(Student(f"E{index:04d}", fornavn, etternavn, klasse, foresatte))
    return tuple(result)


def _foresatte(
    rng: random.Random, etternavn: str, emails: _Unique, phones: set[str]
) -> tuple[Foresatt, ...]:
    count = 1 if rng.random() < 0.25 else 2
    result = []
    for _ in range(count):
        fornavn = rng.choice(_ADULT_NAMES)
        surname = etternavn if rng.random() < 0.7 else _surname(rng)
        epost = emails(f"{_ascii(fornavn)}.{_ascii(surname)}") + "@" + EMAIL_DOMAIN
        result.append(Foresatt(f"{fornavn} {surname}", _phone(rng, phones), epost))
    return tuple(result)


# --- timetable and staff ---------------------------------------------------------------------


@dataclass(slots=True)
class _Teacher:
    id: str
    subjects: tuple[str, ...]
    capacity: int
    busy: set[tuple[int, int]] = field(default_factory=set)
    grades: set[str] = field(default_factory=set)

    @property
    def load(self) -> int:
        return len(self.busy)


def _week_plan(rng: random.Random) -> dict[tuple[int, int], str]:
    """One class's week: doubles on three different days, the rest spread over the days."""
    plan: dict[tuple[int, int], str] = {}
    for fag, day in zip(DOUBLES, rng.sample(range(1, 6), len(DOUBLES)), strict=True):
        period = rng.choice([p for p in (1, 3, 5) if p + 1 <= PERIODS_PER_DAY[day]])
        plan[(day, period)] = plan[(day, period + 1)] = fag
    cells = [(d, p) for d in range(1, 6) for p in range(1, PERIODS_PER_DAY[d] + 1)]
    for fag, count in sorted(SUBJECTS, key=lambda s: -s[1]):
        if fag in DOUBLES:
            continue
        days_used: set[int] = set()
        for _ in range(count):
            free = [c for c in cells if c not in plan]
            fresh = [c for c in free if c[0] not in days_used]
            cell = rng.choice(fresh or free)
            plan[cell] = fag
            days_used.add(cell[0])
    return plan


def _timetable_and_staff(
    rng: random.Random, classes: tuple[str, ...]
) -> tuple[tuple[Slot, ...], tuple[Staff, ...]]:
    """A timetable where every (class, subject) has one teacher, never booked twice at once."""
    usernames, full_names = _Unique(), set[str]()

    def person() -> tuple[str, str]:
        while True:
            fornavn, etternavn = rng.choice(_ADULT_NAMES), _surname(rng)
            if f"{fornavn} {etternavn}" not in full_names:
                full_names.add(f"{fornavn} {etternavn}")
                return f"{fornavn} {etternavn}", usernames(f"{_ascii(fornavn)}.{_ascii(etternavn)}")

    staff: list[Staff] = []

    def hire(rolle: Role, klasser: tuple[str, ...] = ()) -> Staff:
        navn, brukernavn = person()
        member = Staff(f"A{len(staff) + 1:03d}", navn, rolle, klasser, brukernavn)
        staff.append(member)
        return member

    hire(Role.REKTOR)
    for grade in GRADES:
        prefix = str(grade)
        hire(Role.AVDELINGSLEDER, tuple(k for k in classes if k[:-1] == prefix))

    plans = {klasse: _week_plan(rng) for klasse in classes}
    teachers: list[_Teacher] = []
    assigned: dict[tuple[str, int, int], str] = {}

    def give(teacher: _Teacher, klasse: str, cells: list[tuple[int, int]]) -> None:
        teacher.busy.update(cells)
        teacher.grades.add(klasse[:-1])
        for day, period in cells:
            assigned[(klasse, day, period)] = teacher.id

    for klasse in classes:
        member = hire(Role.KONTAKTLAERER, (klasse,))
        extra = rng.choice(_KONTAKT_EXTRA)
        teacher = _Teacher(member.id, ("norsk", "matematikk", extra), _KONTAKT_CAPACITY)
        teachers.append(teacher)
        own = [c for c, fag in sorted(plans[klasse].items()) if fag in ("norsk", "matematikk")]
        give(teacher, klasse, own)

    for fag, _count in sorted(SUBJECTS, key=lambda s: -s[1]):
        for klasse in classes:
            cells = [c for c, f in sorted(plans[klasse].items()) if f == fag]
            if all((klasse, *c) in assigned for c in cells):
                continue
            grade = klasse[:-1]
            candidates = [
                t
                for t in teachers
                if fag in t.subjects
                and t.load + len(cells) <= t.capacity
                and t.busy.isdisjoint(cells)
            ]
            if candidates:
                teacher = min(candidates, key=lambda t: (grade not in t.grades, -t.load, t.id))
            else:
                member = hire(Role.FAGLAERER)
                subjects = (fag, *_SECOND_SUBJECTS[fag])
                teacher = _Teacher(member.id, subjects, _FAGLAERER_CAPACITY)
                teachers.append(teacher)
            give(teacher, klasse, cells)

    timetable = tuple(
        Slot(klasse, day, period, *PERIODS[period], fag, assigned[(klasse, day, period)])
        for klasse in classes
        for (day, period), fag in sorted(plans[klasse].items())
    )
    return timetable, tuple(staff)


# --- absence history -------------------------------------------------------------------------

_NORMAL, _TAIL, _VERY_HIGH = "normal", "tail", "very_high"


@dataclass(frozen=True, slots=True)
class _Habits:
    """How one student tends to be absent; drawn once per student."""

    kind: str
    spell_start: float  # chance a sick spell starts on a free school day
    spell_weights: tuple[int, ...]  # lengths 1..5 school days
    no_melding: float  # share of spells foresatte never report
    single_day: float  # chance of a short absence (a lesson or two, or sent home) on a day
    single_kinds: tuple[float, float, float]  # lege, sent home sick, unexplained
    late_day: float
    late_first: float  # share of lates in the day's first lesson
    late_scale: float  # mean minutes late beyond the minimum
    forlot_day: float
    remark: float  # chance of *mangler utstyr* on a day with kroppsøving
    permisjon: bool
    trip: bool


def _habits(
    rng: random.Random,
    kind: str,
    chronic_late: bool,
    leaves: bool,
    remarks: bool,
    perm: bool,
    trip: bool,
) -> _Habits:
    if kind == _VERY_HIGH:
        rate, spell_share, weights = rng.uniform(0.30, 0.45), 0.75, (10, 15, 20, 25, 30)
        no_melding, kinds = 0.5, (0.1, 0.1, 0.8)
    elif kind == _TAIL:
        rate, spell_share, weights = rng.uniform(0.10, 0.25), 0.6, (30, 25, 20, 15, 10)
        no_melding, kinds = 0.25, (0.3, 0.2, 0.5)
    else:
        rate = min(0.05, max(0.004, rng.lognormvariate(math.log(0.02), 0.5)))
        spell_share, weights = 0.7, (40, 28, 17, 10, 5)
        no_melding, kinds = 0.08, (0.55, 0.35, 0.10)
    mean_length = sum(w * n for n, w in enumerate(weights, 1)) / sum(weights)
    return _Habits(
        kind=kind,
        spell_start=spell_share * rate / mean_length,
        spell_weights=weights,
        no_melding=no_melding,
        # A short absence takes about two of a day's ~5.8 lessons.
        single_day=min(0.8, (1 - spell_share) * rate * 5.8 / 2),
        single_kinds=kinds,
        late_day=rng.uniform(0.25, 0.4) if chronic_late else rng.uniform(0.005, 0.02),
        late_first=0.85 if chronic_late else 0.5,
        late_scale=7.0 if chronic_late else 4.0,
        forlot_day=rng.uniform(0.04, 0.08) if leaves else 0.0,
        remark=rng.uniform(0.2, 0.35) if remarks else 0.004,
        permisjon=perm,
        trip=trip,
    )


def _all_habits(rng: random.Random, count: int) -> list[_Habits]:
    """Fixed shares of each kind of student: every demo has a long tail, late-comers, ..."""

    def pick(share: float, least: int = 1) -> set[int]:
        return set(rng.sample(range(count), min(count, max(least, round(share * count)))))

    order = rng.sample(range(count), count)
    very_high = set(order[: max(1, round(0.004 * count))])
    tail = set(order[len(very_high) : len(very_high) + max(2, round(0.08 * count))])
    late, leaves, remarks = pick(0.015), pick(0.012), pick(0.03)
    permisjon, trip = pick(0.05), pick(0.015)
    return [
        _habits(
            rng,
            _VERY_HIGH if i in very_high else _TAIL if i in tail else _NORMAL,
            chronic_late=i in late,
            leaves=i in leaves,
            remarks=i in remarks,
            perm=i in permisjon,
            trip=i in trip,
        )
        for i in range(count)
    ]


def _at(dato: dt.date, rng: random.Random, earliest: dt.time, latest: dt.time) -> dt.datetime:
    """A random minute on `dato` between two times of day."""
    lo = earliest.hour * 60 + earliest.minute
    hi = latest.hour * 60 + latest.minute
    return dt.datetime.combine(dato, dt.time()) + dt.timedelta(minutes=rng.randint(lo, hi))


_SICK, _PERMISJON, _TRIP = 1, 2, 3


class _History:
    """The year's absence, generated student by student, then cut at `until`."""

    def __init__(
        self,
        rng: random.Random,
        days: list[dt.date],
        until: dt.date,
        timetable: tuple[Slot, ...],
        kontakt: dict[str, str],
        now: dt.datetime | None = None,
    ) -> None:
        self.rng = rng
        self.days = days
        self.until = until
        self.now = now
        self.until_end = now or dt.datetime.combine(until, dt.time.max)
        self.n_history = sum(1 for d in days if d <= until)
        self.weekdays = [d.isoweekday() for d in days]
        self.kontakt = kontakt
        self.week: dict[str, dict[int, list[Slot]]] = {}
        for slot in sorted(timetable, key=lambda s: (s.klasse, s.ukedag, s.time)):
            self.week.setdefault(slot.klasse, {}).setdefault(slot.ukedag, []).append(slot)
        self.marks: dict[tuple[str, int, int], list[Mark]] = {}
        self._meldinger: list[tuple[dt.datetime, str, dt.date, dt.date, Reason, Validity, str]] = []

    def add_student(self, student: Student, habits: _Habits) -> None:
        self._simulate(random.Random(self.rng.getrandbits(64)), student, habits)

    def _melding(
        self,
        tid: dt.datetime,
        student: Student,
        fra: dt.date,
        til: dt.date,
        reason: Reason,
        validity: Validity,
    ) -> None:
        """Keep a melding if it had arrived by the end of `until`; the kontaktlærer registers it."""
        if tid <= self.until_end:
            av = self.kontakt[student.klasse]
            self._meldinger.append((tid, student.id, fra, til, reason, validity, av))

    def _judged(self, rng: random.Random, di: int, share: float) -> Validity | None:
        """Some unexplained absences are judged ugyldig a few school days later; the rest wait."""
        if rng.random() >= share:
            return None
        judged_on = self.days[min(di + rng.randint(2, 10), len(self.days) - 1)]
        return Validity.UGYLDIG if judged_on <= self.until else None

    def _simulate(self, rng: random.Random, student: Student, h: _Habits) -> None:
        """Plan whole days away first (permisjon, trips, sick spells), then each other day."""
        plan = [0] * len(self.days)
        if h.permisjon:
            self._plan_permisjon(rng, student, plan)
        if h.trip:
            self._plan_trip(rng, student, plan)
        self._plan_spells(rng, student, h, plan)
        week, marks, klasse = self.week[student.klasse], self.marks, student.klasse
        absent = Mark(student.id, MarkType.FRAVAER)
        draw = rng.random
        for di, away in enumerate(plan):
            slots = week[self.weekdays[di]]
            if away:
                day = {slot.time: absent for slot in slots}
            else:
                chances = (draw(), draw(), draw(), draw())
                if (
                    chances[0] >= h.single_day
                    and chances[1] >= h.late_day
                    and chances[2] >= h.forlot_day
                    and chances[3] >= h.remark
                ):
                    continue  # the usual day: present in every lesson
                day = self._school_day(rng, student, h, di, slots, chances)
            if di < self.n_history:
                for time, mark in day.items():
                    marks.setdefault((klasse, di, time), []).append(mark)

    def _plan_permisjon(self, rng: random.Random, student: Student, plan: list[int]) -> None:
        """Innvilget permisjon, 2–5 school days, registered 5–10 school days ahead."""
        days = self.days
        if len(days) <= 25:
            return
        start, length = rng.randrange(10, len(days) - 5), rng.randint(2, 5)
        plan[start : start + length] = [_PERMISJON] * length
        tid = _at(days[start - rng.randint(5, 10)], rng, dt.time(12, 0), dt.time(15, 30))
        fra, til = days[start], days[start + length - 1]
        self._melding(tid, student, fra, til, Reason.PERMISJON, Validity.GYLDIG)

    def _plan_trip(self, rng: random.Random, student: Student, plan: list[int]) -> None:
        """A family trip without permisjon: foresatte tell the school, which finds it ugyldig."""
        days = self.days
        if len(days) <= 25:
            return
        start, length = rng.randrange(5, len(days) - 4), rng.randint(2, 4)
        tid = _at(days[start], rng, dt.time(7, 30), dt.time(8, 30))
        if any(plan[start : start + length]):
            return
        plan[start : start + length] = [_TRIP] * length
        fra, til = days[start], days[start + length - 1]
        self._melding(tid, student, fra, til, Reason.ANNET, Validity.UGYLDIG)

    def _plan_spells(
        self, rng: random.Random, student: Student, h: _Habits, plan: list[int]
    ) -> None:
        """Sick spells of whole school days; most reported the first morning, some late or never."""
        days, n = self.days, len(self.days)
        lengths = range(1, len(h.spell_weights) + 1)
        di = 0
        while di < n:
            if plan[di] or rng.random() >= h.spell_start:
                di += 1
                continue
            length = rng.choices(lengths, h.spell_weights)[0]
            end = di
            while end < min(n, di + length) and not plan[end]:
                plan[end] = _SICK
                end += 1
            u = rng.random()
            on_time = _at(days[di], rng, dt.time(7, 30), dt.time(9, 0))
            late = _at(days[min(di + rng.randint(1, 2), n - 1)], rng, dt.time(8, 0), dt.time(14, 0))
            if u >= h.no_melding:
                # A late melding leaves the spell ikke meldt until it arrives.
                tid = on_time if u >= h.no_melding + 0.15 else late
                self._melding(tid, student, days[di], days[end - 1], Reason.SYKDOM, Validity.GYLDIG)
            di = end

    def _school_day(
        self,
        rng: random.Random,
        student: Student,
        h: _Habits,
        di: int,
        slots: list[Slot],
        chances: tuple[float, float, float, float],
    ) -> dict[int, Mark]:
        """A day at school: maybe a short absence, a late arrival, leaving, a remark."""
        elev, dato = student.id, self.days[di]
        day: dict[int, Mark] = {}
        if chances[0] < h.single_day:
            u = rng.random()
            first = rng.randrange(len(slots))
            count = rng.choice((1, 1, 2))
            lege, home = h.single_kinds[0], h.single_kinds[0] + h.single_kinds[1]
            if u < lege:
                for slot in slots[first : first + count]:
                    day[slot.time] = Mark(elev, MarkType.FRAVAER)
                if rng.random() < 0.5:
                    tid = _at(dato - dt.timedelta(days=1), rng, dt.time(18, 0), dt.time(21, 0))
                else:
                    tid = _at(dato, rng, dt.time(7, 0), dt.time(8, 15))
                self._melding(tid, student, dato, dato, Reason.LEGE, Validity.GYLDIG)
            elif u < home:
                # Sent home sick: absent from the lesson the school called home and on.
                first = max(1, first)
                for slot in slots[first:]:
                    day[slot.time] = Mark(elev, MarkType.FRAVAER)
                called = dt.datetime.combine(dato, slots[first].start)
                tid = called + dt.timedelta(minutes=rng.randint(0, 30))
                self._melding(tid, student, dato, dato, Reason.SYKDOM, Validity.GYLDIG)
            else:
                validity = self._judged(rng, di, 0.5)
                for slot in slots[first : first + count]:
                    day[slot.time] = Mark(elev, MarkType.FRAVAER, validity=validity)
        if chances[1] < h.late_day:
            slot = slots[0] if rng.random() < h.late_first else rng.choice(slots)
            minutter = min(25, 2 + int(rng.expovariate(1 / h.late_scale)))
            if slot.time not in day:
                day[slot.time] = Mark(elev, MarkType.SENT, minutter=minutter)
        if chances[2] < h.forlot_day:
            slot = rng.choice(slots[2:])
            validity = self._judged(rng, di, 0.6)
            if slot.time not in day:
                day[slot.time] = Mark(elev, MarkType.FORLOT, validity=validity)
        if chances[3] < h.remark:
            for slot in slots:
                if slot.fag == KROPPSOVING and slot.time not in day:
                    day[slot.time] = Mark(elev, None, merknad=REMARK_UTSTYR)
        return day

    def registrations(
        self, classes: tuple[str, ...], staff: tuple[Staff, ...]
    ) -> tuple[Registration, ...]:
        """Every lesson up to `until` is registered, except ~1.5 %, mostly by a few teachers."""
        rng = random.Random(self.rng.getrandbits(64))
        teachers = sorted(s.id for s in staff if not s.rolle.is_ledelse)
        weekly: dict[str, int] = dict.fromkeys(teachers, 0)
        for by_day in self.week.values():
            for slots in by_day.values():
                for slot in slots:
                    weekly[slot.laerer] += 1
        sloppy = rng.sample(teachers, max(1, round(len(teachers) * 0.08)))
        total = sum(weekly.values())
        sloppy_share = min(0.35, 0.012 * total / max(1, sum(weekly[t] for t in sloppy)))
        miss = {t: (sloppy_share if t in sloppy else 0.002) for t in teachers}

        result = []
        draw = rng.random
        for di in range(self.n_history):
            dato, weekday = self.days[di], self.weekdays[di]
            for klasse in classes:
                for slot in self.week[klasse][weekday]:
                    skipped = draw() < miss[slot.laerer]
                    minutes = 1 + int(draw() * 6)
                    if skipped or self._not_yet(dato, slot, draw()):
                        continue
                    tid = dt.datetime.combine(dato, slot.start) + dt.timedelta(minutes=minutes)
                    marks = tuple(self.marks.get((klasse, di, slot.time), ()))
                    result.append(Registration(klasse, dato, slot.time, slot.laerer, tid, marks))
        return tuple(result)

    FOLLOWED_UP = 0.85  # the share of absence spells the kontaktlærer follows up with a call
    OPEN_DAYS = 2  # spells that ended this few school days ago may not be followed up yet

    def contacts(self, students: tuple[Student, ...]) -> tuple[Contact, ...]:
        """The kontaktlærer's calls home: after most spells of absence, the same school day or
        the next, so the morning overview shows old alerts followed up and the newest open.
        Each call is drawn from its own seed (student and day), so a later demo keeps them."""
        absent: dict[str, set[int]] = {}
        for (_, di, _), marks in self.marks.items():
            for m in marks:
                if m.kind is not None:
                    absent.setdefault(m.elev, set()).add(di)
        found = []
        for student in students:
            days = sorted(absent.get(student.id, ()))
            spells = [d for i, d in enumerate(days) if i + 1 == len(days) or days[i + 1] > d + 1]
            for last in spells:
                rng = random.Random(zlib.crc32(f"{student.id}|{last}".encode()))
                on = last + rng.randint(0, 1)
                if rng.random() >= self.FOLLOWED_UP or on >= self.n_history - self.OPEN_DAYS:
                    continue
                tid = _at(self.days[on], rng, dt.time(8, 0), dt.time(15, 30))
                if tid > self.until_end:
                    continue
                found.append(
                    Contact(
                        f"K{tid:%Y%m%d%H%M}-{student.id}",
                        student.id,
                        tid,
                        self.kontakt[student.klasse],
                        "ringt foresatte",
                        "snakket med foresatte",
                    )
                )
        return tuple(sorted(found, key=lambda c: (c.tid, c.elev)))

    WAITING = dt.timedelta(hours=1)  # lessons that ended this recently may still wait

    def _not_yet(self, dato: dt.date, slot: Slot, chance: float) -> bool:
        """On the day the demo is built: not ended yet, or ended lately and still waiting for
        the teacher (every other such lesson)."""
        if self.now is None or dato != self.now.date():
            return False
        ended = dt.datetime.combine(dato, slot.slutt)
        return ended > self.now or (self.now - ended < self.WAITING and chance < 0.5)

    def meldinger(self) -> tuple[Melding, ...]:
        ordered = sorted(self._meldinger, key=lambda m: (m[0], m[1], m[2]))
        return tuple(
            Melding(f"M{i:05d}", elev, fra, til, reason, validity, av, tid)
            for i, (tid, elev, fra, til, reason, validity, av) in enumerate(ordered, 1)
        )
