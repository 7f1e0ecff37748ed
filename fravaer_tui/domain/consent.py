"""Samtykke: which service the family has let the school share information with, and when.

«Husk samtykke» stands beside nearly every step that brings in someone outside the school:
helsesykepleier (Strand, Kontaktlærers ansvar c; Ledelsens ansvar b), PPT (Ledelsens
ansvar c; Hole, aktiv oppfølging), the other services of the BTI model (Strand, BTI a) and
Hole's «hente inn tillatelse til samarbeid med skolehelsetjenesten og eller PPT»; Hole:
«OBS! De forskjellige instansene skal innhente muntlig og/eller skriftlig samtykke fra
foresatte og eventuelt elev for å kunne dele opplysninger vedrørende eleven».

Pure: values and rules, no I/O and no clock (every function takes the date). A consent is
on file from the day it was given until the day it is withdrawn (that day not included).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.validate import check_name, check_text

MAX_SCOPE = 200  # «scope in a few words»


class Service(StrEnum):
    """The services a consent is for (issue 13: «helsesykepleier, PPT, BUP, barnevern,
    familiens hus, fastlege, other»)."""

    HELSESYKEPLEIER = "helsesykepleier"
    PPT = "ppt"
    BUP = "bup"
    BARNEVERN = "barnevern"
    FAMILIENS_HUS = "familiens_hus"
    FASTLEGE = "fastlege"
    ANNET = "annet"

    @property
    def label(self) -> str:
        return SERVICE_LABELS[self]


SERVICE_LABELS = {
    Service.HELSESYKEPLEIER: "helsesykepleier (skolehelsetjenesten)",
    Service.PPT: "PPT",
    Service.BUP: "BUP",
    Service.BARNEVERN: "barneverntjenesten",
    Service.FAMILIENS_HUS: "Familiens hus",
    Service.FASTLEGE: "fastlege",
    Service.ANNET: "annen tjeneste",
}

# Other words for the same service, as the seeds write them (Hole: «skolehelsetjenesten»,
# «PP-tjenesten», «Barnevern»; Strand: «barneverntjenesten»).
_ALIASES = {
    "skolehelsetjenesten": Service.HELSESYKEPLEIER,
    "skolehelsetjeneste": Service.HELSESYKEPLEIER,
    "helsesoster": Service.HELSESYKEPLEIER,
    "pp_tjenesten": Service.PPT,
    "pp_tjeneste": Service.PPT,
    "barneverntjenesten": Service.BARNEVERN,
    "barnevernet": Service.BARNEVERN,
    "familiens_hus": Service.FAMILIENS_HUS,
    "annen": Service.ANNET,
    "andre": Service.ANNET,
}


def _key(text: str) -> str:
    key = text.strip().casefold()
    for old, new in (("æ", "ae"), ("ø", "o"), ("å", "aa"), (" ", "_"), ("-", "_")):
        key = key.replace(old, new)
    return re.sub(r"_+", "_", key)


def parse_service(text: str) -> Service:
    """A service by its code or one of the seeds' words; ValueError in Norwegian."""
    key = _key(text)
    found = next((s for s in Service if s.value == key), None) or _ALIASES.get(key)
    if found is None:
        raise ValueError(f"ukjent tjeneste «{text}» (bruk {', '.join(s.value for s in Service)})")
    return found


class GivenBy(StrEnum):
    """Who gave it: a foresatt, or the student where old enough (Hole: «Barn over 16 år må
    samtykke til henvisning til BUP»). The app has no birth dates: the school judges."""

    FORESATT = "foresatt"
    ELEV = "elev"


def parse_given_by(text: str) -> GivenBy:
    key = _key(text)
    found = next((g for g in GivenBy if g.value == key), None)
    if found is None:
        raise ValueError(f"ukjent «gitt av» «{text}» (bruk foresatt eller elev)")
    return found


@dataclass(frozen=True, slots=True)
class Samtykke:
    """One consent: for which service, given by whom and when, what it covers, and the
    day it was withdrawn (None while it holds)."""

    id: str
    elev: str
    tjeneste: Service
    gitt_av: GivenBy
    dato: dt.date
    omfang: str = ""  # what may be shared, in a few words
    annen: str = ""  # the service's name when `tjeneste` is annet (e.g. «Oppvekstteam»)
    navn: str = ""  # the name of the foresatt who gave it (never put into Vedlegg 3)
    av: str = ""  # staff id who recorded it
    tid: dt.datetime | None = None
    trukket: dt.date | None = None
    trukket_av: str = ""

    def on_file(self, dato: dt.date) -> bool:
        return self.dato <= dato and (self.trukket is None or dato < self.trukket)

    @property
    def tjeneste_navn(self) -> str:
        return self.annen if self.tjeneste is Service.ANNET and self.annen else self.tjeneste.label


def new_consent(
    consent_id: str,
    elev: str,
    tjeneste: Service,
    gitt_av: GivenBy,
    dato: dt.date,
    *,
    omfang: str = "",
    annen: str = "",
    navn: str = "",
    av: str = "",
    tid: dt.datetime | None = None,
) -> Samtykke:
    """A checked consent; ValueError (Norwegian, naming the field) for what cannot be kept."""
    omfang = " ".join(omfang.split())
    check_text(omfang, "omfanget", limit=MAX_SCOPE)
    annen = annen.strip()
    if tjeneste is Service.ANNET:
        if not annen:
            raise ValueError("Skriv navnet på tjenesten når den er «annet» (f.eks. Oppvekstteam).")
        check_name(annen, "navnet på tjenesten")
    elif annen:
        raise ValueError(f"Navn på tjenesten skrives bare for «annet», ikke for {tjeneste.value}.")
    navn = navn.strip()
    if navn:
        check_name(navn, "navnet på den som ga samtykket")
    return Samtykke(consent_id, elev, tjeneste, gitt_av, dato, omfang, annen, navn, av, tid)


def withdraw(consent: Samtykke, dato: dt.date, av: str) -> Samtykke:
    """The consent withdrawn from `dato` on; ValueError if that cannot be."""
    if consent.trukket is not None:
        raise ValueError(
            f"Samtykket for {consent.tjeneste_navn} er allerede trukket "
            f"({format_date(consent.trukket)})."
        )
    if dato < consent.dato:
        raise ValueError(
            f"Et samtykke kan ikke trekkes {format_date(dato)}, før det ble gitt "
            f"({format_date(consent.dato)})."
        )
    return replace(consent, trukket=dato, trukket_av=av)


def consent_for(
    consents: Iterable[Samtykke], elev: str, tjeneste: Service, dato: dt.date
) -> Samtykke | None:
    """The newest consent for the service that is on file at `dato`, or None."""
    found = [c for c in consents if c.elev == elev and c.tjeneste is tjeneste and c.on_file(dato)]
    return max(found, key=lambda c: (c.dato, c.id), default=None)


@dataclass(frozen=True, slots=True)
class ConsentStatus:
    """Whether the consent a step (or a task) needs for one service is on file."""

    tjeneste: Service
    samtykke: Samtykke | None

    @property
    def on_file(self) -> bool:
        return self.samtykke is not None

    def text(self) -> str:
        if self.samtykke is None:
            return f"samtykke for {self.tjeneste.label}: MANGLER – husk samtykke"
        c = self.samtykke
        return (
            f"samtykke for {self.tjeneste.label}: på plass (gitt {format_date(c.dato)} "
            f"av {c.gitt_av.value})"
        )


def statuses(
    services: Sequence[Service], consents: Iterable[Samtykke], elev: str, dato: dt.date
) -> list[ConsentStatus]:
    """One status per service (in order, once each)."""
    found = list(consents)
    return [ConsentStatus(s, consent_for(found, elev, s, dato)) for s in dict.fromkeys(services)]


def missing_warning(found: Sequence[ConsentStatus]) -> str:
    """«Mangler samtykke for PPT: husk samtykke før opplysninger deles.» or ""."""
    missing = [s.tjeneste.label for s in found if not s.on_file]
    if not missing:
        return ""
    names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " og " + missing[-1]
    return (
        f"Mangler samtykke for {names}: husk samtykke før opplysninger om eleven deles "
        "(fravaer consent add)."
    )


def document_lines(consents: Iterable[Samtykke], dato: dt.date, *, names: bool = True) -> str:
    """The consents for a document, one a line: the service, given by whom and when, what
    it covers, and withdrawn ones as withdrawn. `names=False` leaves out who gave it by
    name (Vedlegg 3 carries initials only)."""
    lines = []
    for c in sorted(consents, key=lambda c: (c.dato, c.id)):
        if c.dato > dato:
            continue
        who = c.gitt_av.value + (f" ({c.navn})" if names and c.navn else "")
        line = f"{c.tjeneste_navn}: gitt {format_date(c.dato)} av {who}"
        if c.omfang:
            line += f", gjelder {c.omfang}"
        if c.trukket is not None and c.trukket <= dato:
            line += f" – trukket {format_date(c.trukket)}"
        lines.append(line)
    return "\n".join(lines) if lines else "Ingen samtykker er registrert."
