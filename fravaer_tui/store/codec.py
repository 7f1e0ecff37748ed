"""Domain values <-> the JSON documents in the data files.

Over 400 lines on purpose: one pair (to document, from document) per stored value, side
by side, so a field added to one side is seen missing from the other; split by value, the
pairs would be in different files from the schema version they share."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from fravaer_tui.domain.consent import GivenBy, Samtykke, Service
from fravaer_tui.domain.followup import (
    Case,
    CaseEvent,
    CaseStatus,
    Effect,
    Stafettholder,
    StepRecord,
    TaskRecord,
    Tiltak,
)
from fravaer_tui.domain.model import (
    CancelledLesson,
    Contact,
    Foresatt,
    Kvittering,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Role,
    Slot,
    Staff,
    Student,
    TimetableVersion,
    Validity,
)
from fravaer_tui.domain.reviews import Beslutning, ReviewRecord

REGISTRATIONS = "registreringer"
MELDINGER = "meldinger"
CASES = "saker"
CONTACTS = "kontaktlogg"
STUDENTS = "elever"
STAFF = "ansatte"
TIMETABLE = "timeplan"  # the newest version's slots (what files before versions held)
TIMETABLE_VERSIONS = "timeplanversjoner"  # every version: {fra, timer: [slot, ...]}
CANCELLED = "avlyst"  # lessons not held, in the class's month file
CONSENTS = "samtykker"  # in the class's saker.json, beside the cases (issue 13)
REVIEWS = "gjennomganger"  # in <skoleår>/gjennomganger.json (issue 13)


@dataclass(frozen=True, slots=True)
class YearData:
    registrations: tuple[Registration, ...]
    meldinger: tuple[Melding, ...]
    cancelled: tuple[CancelledLesson, ...] = ()


def registration_doc(reg: Registration) -> dict[str, Any]:
    return {
        "klasse": reg.klasse,
        "dato": reg.dato.isoformat(),
        "time": reg.time,
        "av": reg.av,
        "tid": reg.tid.isoformat(timespec="seconds"),
        "marks": [mark_doc(m) for m in reg.marks],
    }


def mark_doc(mark: Mark) -> dict[str, Any]:
    doc: dict[str, Any] = {"elev": mark.elev, "type": mark.kind.value if mark.kind else None}
    if mark.minutter is not None:
        doc["min"] = mark.minutter
    if mark.merknad:
        doc["merknad"] = mark.merknad
    if mark.validity is not None:
        doc["gyldighet"] = mark.validity.value
    if mark.reason is not None:
        doc["aarsak"] = mark.reason.value
    return doc


def registration(doc: dict[str, Any]) -> Registration:
    return Registration(
        klasse=doc["klasse"],
        dato=dt.date.fromisoformat(doc["dato"]),
        time=doc["time"],
        av=doc["av"],
        tid=dt.datetime.fromisoformat(doc["tid"]),
        marks=tuple(
            Mark(
                elev=m["elev"],
                kind=MarkType(m["type"]) if m.get("type") else None,
                minutter=m.get("min"),
                merknad=m.get("merknad", ""),
                validity=Validity(m["gyldighet"]) if m.get("gyldighet") else None,
                reason=Reason(m["aarsak"]) if m.get("aarsak") else None,
            )
            for m in doc["marks"]
        ),
    )


def melding_doc(m: Melding) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": m.id,
        "elev": m.elev,
        "fra": m.fra.isoformat(),
        "til": m.til.isoformat(),
        "aarsak": m.reason.value,
        "gyldighet": m.validity.value,
        "av": m.av,
        "tid": m.tid.isoformat(timespec="seconds") if m.tid else None,
    }
    # issue 13; left out when unset, so meldinger from before read and write the same
    if m.kanal:
        doc["kanal"] = m.kanal
    if m.legeattest:
        doc["legeattest"] = True
    if m.kvittering_skyldes:
        doc["kvittering_skyldes"] = True
    if m.kvittering is not None:
        doc["kvittering"] = {
            "hvordan": m.kvittering.hvordan,
            "tid": m.kvittering.tid.isoformat(timespec="seconds"),
            "av": m.kvittering.av,
        }
    return doc


def melding(doc: dict[str, Any]) -> Melding:
    receipt = doc.get("kvittering")
    return Melding(
        id=doc["id"],
        elev=doc["elev"],
        fra=dt.date.fromisoformat(doc["fra"]),
        til=dt.date.fromisoformat(doc["til"]),
        reason=Reason(doc["aarsak"]),
        validity=Validity(doc["gyldighet"]),
        av=doc.get("av", ""),
        tid=dt.datetime.fromisoformat(doc["tid"]) if doc.get("tid") else None,
        kanal=doc.get("kanal", ""),
        legeattest=bool(doc.get("legeattest", False)),
        kvittering=Kvittering(
            receipt["hvordan"], dt.datetime.fromisoformat(receipt["tid"]), receipt.get("av", "")
        )
        if receipt
        else None,
        kvittering_skyldes=bool(doc.get("kvittering_skyldes", False)),
    )


def student_doc(s: Student) -> dict[str, Any]:
    return {
        "id": s.id,
        "fornavn": s.fornavn,
        "etternavn": s.etternavn,
        "klasse": s.klasse,
        "foresatte": [
            {"navn": f.navn, "telefon": f.telefon, "epost": f.epost} for f in s.foresatte
        ],
        "klasser": dict(s.klasser),
    }


def student(doc: dict[str, Any]) -> Student:
    """A student; files from before classes per school year have no `klasser`."""
    return Student(
        id=doc["id"],
        fornavn=doc["fornavn"],
        etternavn=doc["etternavn"],
        klasse=doc["klasse"],
        foresatte=tuple(Foresatt(**f) for f in doc.get("foresatte", [])),
        klasser=tuple(sorted((str(y), str(k)) for y, k in doc.get("klasser", {}).items())),
    )


def staff_doc(s: Staff) -> dict[str, Any]:
    return {
        "id": s.id,
        "navn": s.navn,
        "rolle": s.rolle.value,
        "klasser": list(s.klasser),
        "brukernavn": s.brukernavn,
    }


def staff(doc: dict[str, Any]) -> Staff:
    return Staff(
        id=doc["id"],
        navn=doc["navn"],
        rolle=Role(doc["rolle"]),
        klasser=tuple(doc.get("klasser", [])),
        brukernavn=doc.get("brukernavn", ""),
    )


def slot_doc(s: Slot) -> dict[str, Any]:
    return {
        "klasse": s.klasse,
        "ukedag": s.ukedag,
        "time": s.time,
        "start": s.start.strftime("%H:%M"),
        "slutt": s.slutt.strftime("%H:%M"),
        "fag": s.fag,
        "laerer": s.laerer,
    }


def slot(doc: dict[str, Any]) -> Slot:
    return Slot(
        klasse=doc["klasse"],
        ukedag=doc["ukedag"],
        time=doc["time"],
        start=dt.time.fromisoformat(doc["start"]),
        slutt=dt.time.fromisoformat(doc["slutt"]),
        fag=doc["fag"],
        laerer=doc["laerer"],
    )


def version_doc(v: TimetableVersion) -> dict[str, Any]:
    return {"fra": v.fra.isoformat(), "timer": [slot_doc(s) for s in v.slots]}


def version(doc: dict[str, Any]) -> TimetableVersion:
    return TimetableVersion(
        fra=dt.date.fromisoformat(doc["fra"]), slots=tuple(slot(s) for s in doc["timer"])
    )


def cancelled_doc(c: CancelledLesson) -> dict[str, Any]:
    return {
        "klasse": c.klasse,
        "dato": c.dato.isoformat(),
        "time": c.time,
        "av": c.av,
        "tid": c.tid.isoformat(timespec="seconds") if c.tid else None,
    }


def cancelled(doc: dict[str, Any]) -> CancelledLesson:
    return CancelledLesson(
        klasse=doc["klasse"],
        dato=dt.date.fromisoformat(doc["dato"]),
        time=doc["time"],
        av=doc.get("av", ""),
        tid=dt.datetime.fromisoformat(doc["tid"]) if doc.get("tid") else None,
    )


def date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def effect_doc(e: Effect | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "for_fra": e.for_fra.isoformat(),
        "for_til": e.for_til.isoformat(),
        "etter_fra": e.etter_fra.isoformat(),
        "etter_til": e.etter_til.isoformat(),
        "for_prosent": e.for_prosent,
        "etter_prosent": e.etter_prosent,
        "for_dager": e.for_dager,
        "etter_dager": e.etter_dager,
    }


def effect(doc: dict[str, Any] | None) -> Effect | None:
    if not doc:
        return None
    return Effect(
        for_fra=dt.date.fromisoformat(doc["for_fra"]),
        for_til=dt.date.fromisoformat(doc["for_til"]),
        etter_fra=dt.date.fromisoformat(doc["etter_fra"]),
        etter_til=dt.date.fromisoformat(doc["etter_til"]),
        for_prosent=doc["for_prosent"],
        etter_prosent=doc["etter_prosent"],
        for_dager=doc["for_dager"],
        etter_dager=doc["etter_dager"],
    )


def case_doc(c: Case) -> dict[str, Any]:
    return {
        "id": c.id,
        "elev": c.elev,
        "klasse": c.klasse,
        "profil": c.profil,
        "regel": c.regel,
        "varsel_dato": c.varsel_dato.isoformat(),
        "opprettet": c.opprettet.isoformat(),
        "av": c.av,
        "status": c.status.value,
        "steps": [
            {
                "step": r.step,
                "dato": r.dato.isoformat(),
                "av": r.av,
                "notat": r.notat,
                "effect": effect_doc(r.effect),
                "utfall": r.utfall,
                **({"deltakere": list(r.deltakere)} if r.deltakere else {}),
                **({"tjenester": [t.value for t in r.tjenester]} if r.tjenester else {}),
            }
            for r in c.steps
        ],
        "tiltak": [
            {
                "id": t.id,
                "hva": t.hva,
                "hvem": t.hvem,
                "fra": t.fra.isoformat(),
                "uker": t.uker,
                "fra_vedlegg5": t.fra_vedlegg5,
            }
            for t in c.tiltak
        ],
        "events": [
            {"hva": e.hva, "dato": e.dato.isoformat(), "av": e.av, "notat": e.notat}
            for e in c.events
        ],
        "svar": [list(pair) for pair in c.svar],
        "felt": [list(pair) for pair in c.felt],
        "stafettholdere": [
            {"hvem": h.hvem, "fra": h.fra.isoformat(), "av": h.av} for h in c.stafettholdere
        ],
        "oppgaver": [
            {
                "oppgave": t.oppgave,
                "dato": t.dato.isoformat(),
                "av": t.av,
                "utfall": t.utfall,
                "notat": t.notat,
            }
            for t in c.oppgaver
        ],
    }


def case(doc: dict[str, Any]) -> Case:
    return Case(
        id=doc["id"],
        elev=doc["elev"],
        klasse=doc["klasse"],
        profil=doc["profil"],
        regel=doc["regel"],
        varsel_dato=dt.date.fromisoformat(doc["varsel_dato"]),
        opprettet=dt.date.fromisoformat(doc["opprettet"]),
        av=doc["av"],
        status=CaseStatus(doc["status"]),
        steps=tuple(
            StepRecord(
                step=r["step"],
                dato=dt.date.fromisoformat(r["dato"]),
                av=r["av"],
                notat=r.get("notat", ""),
                effect=effect(r.get("effect")),
                utfall=r.get("utfall", ""),
                deltakere=tuple(r.get("deltakere", [])),
                tjenester=tuple(Service(t) for t in r.get("tjenester", [])),
            )
            for r in doc.get("steps", [])
        ),
        tiltak=tuple(
            Tiltak(
                id=t["id"],
                hva=t["hva"],
                hvem=t["hvem"],
                fra=dt.date.fromisoformat(t["fra"]),
                uker=t["uker"],
                fra_vedlegg5=t.get("fra_vedlegg5", False),
            )
            for t in doc.get("tiltak", [])
        ),
        events=tuple(
            CaseEvent(
                hva=e["hva"],
                dato=dt.date.fromisoformat(e["dato"]),
                av=e["av"],
                notat=e.get("notat", ""),
            )
            for e in doc.get("events", [])
        ),
        svar=tuple((k, v) for k, v in doc.get("svar", [])),
        felt=tuple((k, v) for k, v in doc.get("felt", [])),
        stafettholdere=tuple(
            Stafettholder(h["hvem"], dt.date.fromisoformat(h["fra"]), h.get("av", ""))
            for h in doc.get("stafettholdere", [])
        ),
        oppgaver=tuple(
            TaskRecord(
                oppgave=t["oppgave"],
                dato=dt.date.fromisoformat(t["dato"]),
                av=t.get("av", ""),
                utfall=t.get("utfall", ""),
                notat=t.get("notat", ""),
            )
            for t in doc.get("oppgaver", [])
        ),
    )


def contact_doc(c: Contact) -> dict[str, Any]:
    return {
        "id": c.id,
        "elev": c.elev,
        "tid": c.tid.isoformat(timespec="seconds"),
        "av": c.av,
        "hva": c.hva,
        "utfall": c.utfall,
        "notat": c.notat,
    }


def contact(doc: dict[str, Any]) -> Contact:
    return Contact(
        id=doc["id"],
        elev=doc["elev"],
        tid=dt.datetime.fromisoformat(doc["tid"]),
        av=doc["av"],
        hva=doc.get("hva", ""),
        utfall=doc.get("utfall", ""),
        notat=doc.get("notat", ""),
    )


def registration_key(dato: dt.date, time: int) -> int:
    """A lesson's document id in its class file: one registration per (date, period)."""
    return dato.toordinal() * 100 + time


_SAFE_NAME = re.compile(r"[^0-9A-Za-zÆØÅæøå_-]")


def safe_file_name(name: str) -> str:
    """A class name as a file name: `8A` stays, anything odd is hex-escaped."""
    cleaned = _SAFE_NAME.sub(lambda m: f"~{ord(m.group()):06x}", name)
    return cleaned or "~"


def consent_doc(c: Samtykke) -> dict[str, Any]:
    return {
        "id": c.id,
        "elev": c.elev,
        "tjeneste": c.tjeneste.value,
        "gitt_av": c.gitt_av.value,
        "dato": c.dato.isoformat(),
        "omfang": c.omfang,
        "annen": c.annen,
        "navn": c.navn,
        "av": c.av,
        "tid": c.tid.isoformat(timespec="seconds") if c.tid else None,
        "trukket": c.trukket.isoformat() if c.trukket else None,
        "trukket_av": c.trukket_av,
    }


def consent(doc: dict[str, Any]) -> Samtykke:
    return Samtykke(
        id=doc["id"],
        elev=doc["elev"],
        tjeneste=Service(doc["tjeneste"]),
        gitt_av=GivenBy(doc["gitt_av"]),
        dato=dt.date.fromisoformat(doc["dato"]),
        omfang=doc.get("omfang", ""),
        annen=doc.get("annen", ""),
        navn=doc.get("navn", ""),
        av=doc.get("av", ""),
        tid=dt.datetime.fromisoformat(doc["tid"]) if doc.get("tid") else None,
        trukket=date(doc.get("trukket")),
        trukket_av=doc.get("trukket_av", ""),
    )


def review_doc(r: ReviewRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "gjennomgang": r.gjennomgang,
        "omfang": r.omfang,
        "fra": r.fra.isoformat(),
        "til": r.til.isoformat(),
        "dato": r.dato.isoformat(),
        "av": r.av,
        "deltakere": list(r.deltakere),
        "notat": r.notat,
        "beslutninger": [{"hva": b.hva, "hvem": b.hvem} for b in r.beslutninger],
        "tid": r.tid.isoformat(timespec="seconds") if r.tid else None,
    }


def review(doc: dict[str, Any]) -> ReviewRecord:
    return ReviewRecord(
        id=doc["id"],
        gjennomgang=doc["gjennomgang"],
        omfang=doc.get("omfang", ""),
        fra=dt.date.fromisoformat(doc["fra"]),
        til=dt.date.fromisoformat(doc["til"]),
        dato=dt.date.fromisoformat(doc["dato"]),
        av=doc.get("av", ""),
        deltakere=tuple(doc.get("deltakere", [])),
        notat=doc.get("notat", ""),
        beslutninger=tuple(Beslutning(b["hva"], b["hvem"]) for b in doc.get("beslutninger", [])),
        tid=dt.datetime.fromisoformat(doc["tid"]) if doc.get("tid") else None,
    )
