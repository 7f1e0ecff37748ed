"""Field parsers: one cell's text → a value, or a ValueError whose Norwegian text becomes the
error for that field (ids, names, classes, periods, weekdays, times, dates, coded values)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from fravaer_tui.domain.csvio.reading import T, _column_key
from fravaer_tui.domain.formats import WEEKDAYS
from fravaer_tui.domain.model import MarkType, Reason, Remark, Role, Validity
from fravaer_tui.domain.schoolcalendar import parse_date
from fravaer_tui.domain.validate import check_class_name, check_id, check_name

MAX_PERIOD = 20

WEEKDAY_NAMES = WEEKDAYS

_ASCII_DIGITS = re.compile(r"[0-9]{1,6}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NORWEGIAN_DATE = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}")
_CLOCK = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})(?::([0-9]{2}))?")
_CLASS_SEPARATORS = re.compile(r"[\s,|]+")
_PHONE = re.compile(r"\+?[0-9 ()./-]+")

_WEEKDAYS = {
    **{str(n): n for n in range(1, 8)},
    **{name: n for n, name in enumerate(("mandag", "tirsdag", "onsdag", "torsdag", "fredag"), 1)},
    **{"lordag": 6, "sondag": 7},
    **{name: n for n, name in enumerate(("man", "tir", "ons", "tor", "fre", "lor", "son"), 1)},
    **{name: n for n, name in enumerate(("ma", "ti", "on", "to", "fr", "lo", "so"), 1)},
    "tors": 4,
}
_ROLES = {
    "faglaerer": Role.FAGLAERER,
    "kontaktlaerer": Role.KONTAKTLAERER,
    "avdelingsleder": Role.AVDELINGSLEDER,
    "rektor": Role.REKTOR,
    "drift": Role.DRIFT,
    "miljopersonale": Role.MILJOPERSONALE,
    "miljopersonell": Role.MILJOPERSONALE,  # Strand, Registrering av fravær c
}
_KINDS = {"fravaer": MarkType.FRAVAER, "sent": MarkType.SENT, "forlot": MarkType.FORLOT}
_VALIDITIES = {
    "gyldig": Validity.GYLDIG,
    "ugyldig": Validity.UGYLDIG,
    "ikke_meldt": Validity.IKKE_MELDT,
}
_REASONS = {
    "sykdom": Reason.SYKDOM,
    "syk": Reason.SYKDOM,
    "lege": Reason.LEGE,
    "tannlege": Reason.LEGE,
    "lege/tannlege": Reason.LEGE,
    "permisjon": Reason.PERMISJON,
    "innvilget_permisjon": Reason.PERMISJON,
    "annet": Reason.ANNET,
    "annet_gyldig": Reason.ANNET,
}
_REMARKS = {r.code: r for r in Remark}


def _class_name(text: str) -> str:
    name = "".join(text.split())
    if not name:
        raise ValueError("mangler verdi")
    if "," in name or "|" in name:
        raise ValueError(f"«{text}»: et klassenavn kan ikke inneholde komma eller |")
    return check_class_name(name)


def _class_list(text: str) -> tuple[str, ...]:
    """A staff member's classes: separated by space, comma or |, or none."""
    names = (check_class_name(c) for c in _CLASS_SEPARATORS.split(text) if c)
    return tuple(dict.fromkeys(names))


def _id(what: str) -> Callable[[str], str]:
    return lambda text: check_id(text, what)


def _name(what: str, required: bool = True) -> Callable[[str], str]:
    def parse(text: str) -> str:
        return check_name(text, what) if text or required else text

    return parse


def _period(text: str) -> int:
    if not _ASCII_DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_PERIOD:
        raise ValueError(f"«{text}» er ikke et timenummer (et helt tall fra 1 til {MAX_PERIOD})")
    return int(text)


def _weekday(text: str) -> int:
    day = _WEEKDAYS.get(_column_key(text).rstrip("."))
    if day is None:
        raise ValueError(f"«{text}» er ikke en ukedag (bruk 1–5, man–fre eller mandag–fredag)")
    if day > 5:
        raise ValueError(f"{WEEKDAY_NAMES[day - 1]} er ikke en skoledag (bruk 1–5 eller man–fre)")
    return day


def _clock(text: str) -> dt.time:
    match = _CLOCK.fullmatch(text)
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour < 24 and minute < 60 and second == 0:
            return dt.time(hour, minute)
    raise ValueError(f"«{text}» er ikke et klokkeslett (bruk TT:MM, f.eks. 08:15)")


def _date(text: str) -> dt.date:
    # Prefilter: parse_date would let huge numbers through to an OverflowError.
    if not (_ISO_DATE.fullmatch(text) or _NORWEGIAN_DATE.fullmatch(text)):
        raise ValueError(f"«{text}» er ikke en gyldig dato (bruk dd.mm.åååå eller åååå-mm-dd)")
    return parse_date(text)


def _coded(text: str, table: Mapping[str, T], what: str, allowed: str) -> T:
    value = table.get(_column_key(text))
    if value is None:
        raise ValueError(f"ukjent {what} «{text}» (bruk {allowed})")
    return value


def _role(text: str) -> Role:
    return _coded(
        text,
        _ROLES,
        "rolle",
        "faglaerer, kontaktlaerer, avdelingsleder, rektor, drift eller miljopersonale",
    )


def _kind(text: str) -> MarkType:
    return _coded(text, _KINDS, "type", "fravaer, sent eller forlot")


def _remark(text: str) -> Remark | None:
    if not text:
        return None
    allowed = ", ".join(r.code for r in Remark)
    return _coded(text, _REMARKS, "merknad", f"{allowed} eller tomt felt")


def _validity(text: str) -> Validity | None:
    if not text:
        return None
    return _coded(text, _VALIDITIES, "gyldighet", "gyldig, ugyldig, ikke_meldt eller tomt felt")


def _reason(text: str) -> Reason | None:
    if not text:
        return None
    return _coded(text, _REASONS, "årsak", "sykdom, lege, permisjon, annet eller tomt felt")


def _minutes(text: str) -> int | None:
    """A whole number of minutes; whether it fits the lesson is `domain.marks`' rule."""
    if not text:
        return None
    if not _ASCII_DIGITS.fullmatch(text):
        raise ValueError(f"«{text}» er ikke et gyldig antall minutter (et helt tall)")
    return int(text)


def _phone(text: str) -> str:
    if text and not (_PHONE.fullmatch(text) and any(ch.isdigit() for ch in text)):
        raise ValueError(f"«{text}» er ikke et telefonnummer")
    return text


def _email(text: str) -> str:
    local, at, domain = text.partition("@")
    if text and not (
        at
        and local
        and domain
        and len(text) <= 254
        and not any(ch.isspace() or not ch.isprintable() for ch in text)
    ):
        raise ValueError(f"«{text}» er ikke en e-postadresse")
    return text


def _username(text: str) -> str:
    if not text:
        raise ValueError("mangler verdi")
    if any(ch.isspace() for ch in text):
        raise ValueError(f"«{text}»: et brukernavn kan ikke inneholde mellomrom")
    return check_id(text, "brukernavn")
