"""Receipts to foresatte for their meldinger (issue 13, point 2).

Strand, Melding av fravær b–c: «Foresatte skal levere skriftlig melding til skolen ved
alle typer fravær» and «Skolen har ansvar for å gi tilbakemelding til foresatte om at
melding er mottatt (f.eks. gjennom transponder)»; Hole, lovverk: «Foresatte må levere
skriftlig melding til skolen hvis en elev er fraværende».

Pure: how a melding came, the receipt text ready to paste into the school's messaging
system, and marking it given. The text names the student's first name and the dates, never
the reason: a messaging system is not where health data goes, and foresatte know why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from fravaer_tui.domain.formats import format_date, weekday
from fravaer_tui.domain.model import Kvittering, Melding, Reason, Student, Validity

# How a melding came (Melding av fravær b).
KANALER = {"skriftlig": "skriftlig", "muntlig": "muntlig (telefon eller samtale)"}
# How the receipt was given.
HOW = {
    "meldingssystem": "i skolens meldingssystem",
    "sms": "på SMS",
    "epost": "på e-post",
    "telefon": "på telefon",
    "samtale": "muntlig i samtale",
}


def _key(text: str) -> str:
    key = text.strip().casefold().replace("-", "").replace(" ", "")
    return key.replace("ø", "o").replace("æ", "ae").replace("å", "a")


def parse_kanal(text: str) -> str:
    key = _key(text)
    if key not in KANALER:
        raise ValueError(f"ukjent kanal «{text}» (bruk {' eller '.join(KANALER)})")
    return key


def parse_how(text: str) -> str:
    key = _key(text)
    if key not in HOW:
        raise ValueError(f"ukjent måte «{text}» (bruk {', '.join(HOW)})")
    return key


def owes_receipt(reason: Reason) -> bool:
    """A receipt is owed for every melding about absence; innvilget permisjon is answered
    by the decision on the application, not by a receipt (Hole, rutinepunkt 4)."""
    return reason is not Reason.PERMISJON


def _days(fra: dt.date, til: dt.date) -> str:
    if fra == til:
        return f"{weekday(fra)} {format_date(fra)}"
    return f"{format_date(fra)}–{format_date(til)}"


def receipt_text(melding: Melding, student: Student, skole: str, fra_hvem: str) -> str:
    """The receipt for foresatte, ready to paste: received, for whom and which days;
    «legeattest mottatt» if so; for an oral melding the reminder that the school needs it
    in writing; signed by `fra_hvem` («Kari Lærer, kontaktlærer 8A»)."""
    days = _days(melding.fra, melding.til)
    if melding.reason is Reason.PERMISJON:
        lines = [f"{skole} har registrert permisjon for {student.fornavn} {days}."]
    else:
        lines = [f"{skole} har mottatt meldingen om fravær for {student.fornavn} {days}."]
    if melding.legeattest:
        lines.append("Legeattesten er mottatt.")
    if melding.validity is Validity.UGYLDIG:
        lines.append(
            "Fraværet er ført som ugyldig fravær. Ta kontakt med kontaktlæreren om dere har "
            "spørsmål."
        )
    if melding.kanal == "muntlig":
        lines.append(
            "Husk at skolen trenger skriftlig melding ved alle typer fravær; send den gjerne "
            "som svar på denne meldingen."
        )
    lines.append(f"Hilsen {fra_hvem}")
    return "\n".join(["Hei!", *lines])


def give(melding: Melding, hvordan: str, tid: dt.datetime, av: str) -> Melding:
    """The receipt marked given; ValueError if it already was."""
    if melding.kvittering is not None:
        given = melding.kvittering
        how = HOW.get(given.hvordan, given.hvordan)
        raise ValueError(
            f"Kvitteringen for meldingen {_days(melding.fra, melding.til)} er allerede gitt "
            f"({format_date(given.tid.date())}, {how})."
        )
    if hvordan not in HOW:
        raise ValueError(f"ukjent måte «{hvordan}» (bruk {', '.join(HOW)})")
    return replace(melding, kvittering=Kvittering(hvordan, tid, av))


def with_legeattest(melding: Melding) -> Melding:
    """«Legeattest mottatt»: that it came, nothing of what it says."""
    if melding.legeattest:
        raise ValueError("Legeattesten er allerede ført som mottatt for denne meldingen.")
    return replace(melding, legeattest=True)
