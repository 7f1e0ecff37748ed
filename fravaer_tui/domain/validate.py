"""What a value from outside may hold: ids, names, class names, free text and dates.

Pure. Each check returns the value (class names normalised) or raises ValueError with a
Norwegian message saying what is wrong; the caller says where (file, line, field, option).
Values are shown in messages with invisible and control characters spelled out, so a
message can never carry a terminal escape sequence or flip the text direction.

Decisions (docs/NOTES.md, «Input validation»):
- Ids (elev_id, ansatt_id, brukernavn, profile and step ids): 1–64 of ASCII letters,
  digits, `.`, `_`, `-` and `@`, not starting with `.` or `-`. They end up in file names,
  in the SSH forced command and in CSV cells.
- Class names become folder names: 1–32 letters (any alphabet, NFC), digits, `.`, `_`, `-`,
  not starting with `.` or `-`; so never `/`, `..`, a space or a control character.
- Names and free text: no control characters (C0, DEL, C1), no line or paragraph
  separators, no invisible format characters (bidi overrides, zero-width space, soft
  hyphen …) except the zero-width (non-)joiners some alphabets need inside words.
- Dates: 01.01.2000–31.12.2099. Nothing in a school's life is outside it, and inside it no
  date arithmetic the app does (windows, deadlines, school years) can overflow.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Iterable

DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
MAX_ID_LENGTH = 64
MAX_CLASS_LENGTH = 32
MAX_NAME_LENGTH = 100
MAX_TEXT_LENGTH = 2000

_ID = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9._@-]*")
_ZERO_WIDTH_JOINERS = frozenset("\u200c\u200d")  # needed inside words in Persian, Indic …
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def _bad_char(ch: str, allow: str = "") -> bool:
    if ch in allow or ch in _ZERO_WIDTH_JOINERS:
        return False
    return unicodedata.category(ch) in _BAD_CATEGORIES


def visible(text: str, limit: int | None = 80, allow: str = "") -> str:
    """`text` for a message: control and invisible characters as `<U+XXXX>`, long text cut.

    `allow` lists characters kept as they are (a message's own line breaks)."""
    cut = text if limit is None else text[:limit]
    shown = "".join(f"<U+{ord(ch):04X}>" if _bad_char(ch, allow) else ch for ch in cut)
    return shown + ("…" if len(cut) < len(text) else "")


# What must never reach a terminal as it is: C0 controls but tab, line feed and carriage
# return (CSV lines end in CR LF; ESC starts an escape sequence), DEL, C1 controls, and the
# bidi controls that reorder what is shown.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def terminal_safe(text: str) -> str:
    """`text` to print: characters that could drive or fool a terminal as `<U+XXXX>`."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _first_bad(text: str, allow: str = "") -> str | None:
    return next((ch for ch in text if _bad_char(ch, allow)), None)


def _bad_char_problem(text: str, ch: str, what: str) -> str:
    name = unicodedata.name(ch, "")
    named = f"U+{ord(ch):04X}" + (f" {name}" if name else "")
    return (
        f"«{visible(text)}»: {what} inneholder et usynlig kontrolltegn ({named}); "
        "skriv verdien på nytt uten det"
    )


def check_id(text: str, what: str = "en id") -> str:
    """An id from the safe set; `what` names it in the message («en elev-id»)."""
    if not text:
        raise ValueError("mangler verdi")
    if len(text) > MAX_ID_LENGTH or not _ID.fullmatch(text):
        raise ValueError(
            f"«{visible(text)}» kan ikke brukes som {what}: bruk 1–{MAX_ID_LENGTH} tegn av "
            "bokstavene a–z og A–Z (uten æøå), sifrene 0–9 og . _ - @, og ikke . eller - først"
        )
    return text


def check_class_name(text: str) -> str:
    """A class name, normalised (NFC): it becomes a folder name in the data and the elevmappe."""
    name = unicodedata.normalize("NFC", text)
    if not name:
        raise ValueError("mangler verdi")
    bad = _first_bad(name)
    if bad is not None:
        raise ValueError(_bad_char_problem(name, bad, "klassenavnet"))
    if (
        len(name) > MAX_CLASS_LENGTH
        or name[0] in ".-"
        or not all(ch.isalpha() or ch in "0123456789._-" for ch in name)
    ):
        raise ValueError(
            f"«{visible(name)}» kan ikke brukes som klassenavn: bruk 1–{MAX_CLASS_LENGTH} tegn "
            "av bokstaver, sifre og . _ -, og ikke . eller - først (f.eks. 8A eller 10B)"
        )
    return name


def check_name(text: str, what: str = "navnet", limit: int = MAX_NAME_LENGTH) -> str:
    """A person's (or the school's) name: one line of visible text."""
    if not text.strip():
        raise ValueError("mangler verdi")
    bad = _first_bad(text)
    if bad is not None:
        raise ValueError(_bad_char_problem(text, bad, what))
    if len(text) > limit:
        raise ValueError(f"«{visible(text)}»: {what} er lengre enn {limit} tegn")
    return text


def check_text(text: str, what: str = "teksten", limit: int = MAX_TEXT_LENGTH) -> str:
    """Free text (a description, an action): line breaks and tabs allowed, nothing else hidden."""
    bad = _first_bad(text, allow="\n\t")
    if bad is not None:
        raise ValueError(_bad_char_problem(text, bad, what))
    if len(text) > limit:
        raise ValueError(f"{what} er lengre enn {limit} tegn")
    return text


def as_sentence(text: str) -> str:
    """A check's message as a sentence of its own (a message from `check_text` has no
    full stop: it is also written after «fil, linje N, felt X:»)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def format_any_date(dato: dt.date) -> str:
    """dd.mm.yyyy for any year (strftime drops the zeros of years before 1000)."""
    return f"{dato.day:02d}.{dato.month:02d}.{dato.year:04d}"


def date_range_text() -> str:
    return f"{format_any_date(DATE_MIN)}–{format_any_date(DATE_MAX)}"


def check_date(dato: dt.date, text: str | None = None) -> dt.date:
    """A date inside 2000–2099; `text` is how it was written, for the message."""
    if not DATE_MIN <= dato <= DATE_MAX:
        shown = visible(text) if text is not None else format_any_date(dato)
        raise ValueError(f"«{shown}» er utenfor datoene programmet kan bruke ({date_range_text()})")
    return dato


def check_number(
    value: object, low: float, high: float, *, integer: bool = False, above_low: bool = False
) -> float:
    """A finite number (never a bool, NaN or infinity) in [low, high] (or (low, high])."""
    kinds = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        whole = "et helt tall" if integer else "et tall"
        raise ValueError(f"må være {whole}, ikke {describe_value(value)}")
    if not math.isfinite(value):
        raise ValueError(f"må være et endelig tall, ikke {describe_value(value)}")
    too_low = value <= low if above_low else value < low
    if too_low or value > high:
        bound = f"større enn {low:g}" if above_low else f"minst {low:g}"
        raise ValueError(f"må være {bound} og høyst {high:g} (fant {describe_value(value)})")
    return value


def describe_value(value: object) -> str:
    """A TOML value as the user wrote it, roughly: for «… ikke "abc"» in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{visible(value, 40)}"'
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**15 else f"{value:.3g}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return "en tabell"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return type(value).__name__


def unknown_key_problem(key: str, known: Iterable[str]) -> str:
    """«ukjent nøkkel «profill» (mente du «profil»?; kjente: …)»."""
    known = list(known)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"mente du «{close[0]}»? " if close else ""
    return f"ukjent nøkkel «{visible(key)}» ({hint}kjente nøkler: {', '.join(known)})"


# ---------------------------------------------------------------------------------------------
# TOML: where a key is, for messages (tomllib gives values without positions)

_ARRAY_HEADER = re.compile(r"\[\[\s*([\w.-]+)\s*\]\]\s*(?:#.*)?")
_TABLE_HEADER = re.compile(r"\[\s*([\w.-]+)\s*\]\s*(?:#.*)?")
_KEY = re.compile(r"([\w-]+)\s*=")


def toml_line(text: str, *path: str | int) -> int | None:
    """Best effort: the line (from 1) where `path` is set, or None when unsure.

    `path` is keys and array positions from 1: ("navn",), ("ferie", 2, "til"),
    ("regler", "hoyt_fravaer", "terskel"), ("trinn", 3). Plain tables and arrays of
    tables are found; dotted keys and inline tables are not.
    """
    table: tuple[str | int, ...] = ()
    counts: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if match := _ARRAY_HEADER.fullmatch(line):
            name = match[1]
            counts[name] = counts.get(name, 0) + 1
            table = (*name.split("."), counts[name])
        elif match := _TABLE_HEADER.fullmatch(line):
            table = tuple(match[1].split("."))
        elif match := _KEY.match(line):
            if (*table, match[1]) == path:
                return number
            continue
        else:
            continue
        if table == path:
            return number
    return None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


def toml_error_message(source: str, exc: ValueError) -> str:
    """A tomllib error in our words: «skole.toml, linje 3: ugyldig TOML (Invalid value)»."""
    detail = str(exc)
    match = _TOML_POSITION.search(detail)
    where = source
    if match and match[1]:
        where += f", linje {match[1]}, kolonne {match[2]}"
    elif match:
        where += ", på slutten av filen"
    detail = _TOML_POSITION.sub("", detail).strip()
    return (
        f"{where}: ugyldig TOML ({detail}). Sjekk anførselstegn rundt tekst, og datoer "
        "skrevet åååå-mm-dd."
    )


def decode_legacy_text(data: bytes) -> str | None:
    """Text that is not UTF-8 but plausibly Windows-1252 (old Excel, old Notepad), else None.

    Such text is mostly ASCII with some æøå and no control characters.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
        return None
    shown = [ch for ch in text if not ch.isspace()]
    foreign = sum(1 for ch in shown if ord(ch) > 127)
    if shown and foreign > 0.3 * len(shown):
        return None
    return text
