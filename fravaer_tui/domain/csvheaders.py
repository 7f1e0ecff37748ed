"""Header names Norwegian student systems and Excel lists use, taken for our columns.

Issue 12, point 8: «the student and staff importers accept the header names Norwegian
student systems and Excel lists use (Fornavn, Etternavn, "Etternavn, Fornavn", Klasse/
Klassenavn/Basisgruppe, Elevnummer, Foresatt, Mobil, E-post …) and say which column they
took for what». Names are compared as `csvio` compares them (case, æøå/ae-o-aa, space,
dash and underscore folded). Our own names always win over an alias; an alias never
replaces a column that is there. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Values = dict[str, str]

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "students": {
        "elev_id": ("elevnummer", "elevnr", "elev_nr", "elevid", "elev_id_nr", "id"),
        "fornavn": ("elevens_fornavn", "fornavn_elev"),
        "etternavn": ("elevens_etternavn", "etternavn_elev"),
        "klasse": ("klassenavn", "basisgruppe", "klasse_gruppe", "gruppe", "hovedgruppe"),
        "foresatt_navn": (
            "foresatt",
            "foresatte",
            "foresatt_1",
            "foresatt1",
            "foresatt_1_navn",
            "foresatt1_navn",
            "foresattnavn",
            "kontaktperson",
        ),
        "foresatt_telefon": (
            "mobil",
            "mobilnummer",
            "telefon",
            "tlf",
            "foresatt_mobil",
            "foresatt_tlf",
            "foresatt_1_mobil",
            "foresatt1_mobil",
            "foresatt_1_telefon",
            "foresatt1_telefon",
        ),
        "foresatt_epost": (
            "e_post",
            "epost",
            "e_mail",
            "email",
            "foresatt_e_post",
            "foresatt_1_e_post",
            "foresatt1_e_post",
            "foresatt_1_epost",
        ),
    },
    "staff": {
        "ansatt_id": ("ansattnummer", "ansattnr", "ansatt_nr", "ansattid", "id"),
        "navn": ("fullt_navn", "ansatt", "ansattnavn"),
        "rolle": ("stilling", "funksjon"),
        "klasser": ("klasse", "kontaktklasse", "kontaktklasser", "basisgruppe", "basisgrupper"),
        "brukernavn": ("bruker", "brukerid", "bruker_id", "pålogging", "palogging", "login"),
    },
    "timetable": {
        "klasse": ("klassenavn", "basisgruppe", "gruppe"),
        "ukedag": ("dag",),
        "time": ("okt", "periode", "time_nr"),
        "start": ("fra", "starttid", "fra_kl"),
        "slutt": ("til", "sluttid", "til_kl"),
        "fag": ("emne", "fagnavn"),
        "laerer": ("larer", "laerer_id", "larer_id", "ansatt", "ansatt_id"),
    },
    "absences": {
        "elev_id": ("elevnummer", "elevnr", "elevid"),
        "type": ("fravaerstype", "fravarstype"),
        "aarsak": ("arsak", "grunn"),
    },
}


def _split_last_first(text: str) -> tuple[str, str]:
    """«Nordmann, Ola» → (Ola, Nordmann)."""
    last, _, first = text.partition(",")
    return first.strip(), last.strip()


def _split_full(text: str) -> tuple[str, str]:
    """«Ola Kristian Nordmann» → (Ola Kristian, Nordmann): the last word is the surname."""
    first, _, last = text.strip().rpartition(" ")
    return first.strip(), last.strip()


# Columns holding a whole name, split into fornavn and etternavn (students).
WHOLE_NAMES: dict[str, tuple[Callable[[str], tuple[str, str]], str]] = {
    "etternavn,_fornavn": (_split_last_first, "delt ved kommaet"),
    "etternavn_fornavn": (_split_last_first, "delt ved kommaet"),
    "navn": (_split_full, "siste ord er etternavnet"),
    "elevnavn": (_split_full, "siste ord er etternavnet"),
    "elev": (_split_full, "siste ord er etternavnet"),
    "fullt_navn": (_split_full, "siste ord er etternavnet"),
}


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """What the header becomes: our names in place of aliases, and how rows change."""

    header: list[str]
    notes: list[str] = field(default_factory=list)
    whole_name: str = ""  # a column to split into fornavn and etternavn
    join_names: bool = False  # staff: fornavn + etternavn make navn

    def derive(self, values: Values) -> Values:
        if self.whole_name and self.whole_name in values:
            split, _ = WHOLE_NAMES[self.whole_name]
            first, last = split(values[self.whole_name])
            values = {**values, "fornavn": first, "etternavn": last}
        if self.join_names:
            navn = " ".join(
                x for x in (values.get("fornavn", ""), values.get("etternavn", "")) if x
            )
            values = {**values, "navn": navn}
        return values


def resolve(kind: str, keys: list[str], shown: list[str]) -> HeaderMap:
    """`keys`: the header as csvio folds it; `shown`: as written in the file (for the notes)."""
    aliases = ALIASES.get(kind, {})
    header = list(keys)
    notes: list[str] = []
    for ours, theirs in aliases.items():
        if ours in header:
            continue
        for i, key in enumerate(header):
            if key in theirs:
                notes.append(f"«{shown[i].strip()}» brukt som {ours}")
                header[i] = ours
                break
    whole_name = ""
    join_names = False
    if kind == "students" and not {"fornavn", "etternavn"} <= set(header):
        for i, key in enumerate(header):
            if key in WHOLE_NAMES:
                whole_name = key
                notes.append(
                    f"«{shown[i].strip()}» delt i fornavn og etternavn ({WHOLE_NAMES[key][1]})"
                )
                header += [c for c in ("fornavn", "etternavn") if c not in header]
                break
    if kind == "staff" and "navn" not in header and {"fornavn", "etternavn"} <= set(header):
        join_names = True
        notes.append("«fornavn» og «etternavn» satt sammen til navn")
        header.append("navn")
    return HeaderMap(header, notes, whole_name, join_names)
