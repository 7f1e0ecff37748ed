"""The demo's people: classes of 8.–10. trinn, students and their foresatte, with names,
phone numbers and e-mail addresses made up from common names (no real person's data)."""

from __future__ import annotations

import random
import unicodedata

from fravaer_tui.domain.model import Foresatt, Student

EMAIL_DOMAIN = "example.com"  # reserved for examples (RFC 2606): never a real mailbox
CLASS_SIZE = 25
GRADES = (8, 9, 10)

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
