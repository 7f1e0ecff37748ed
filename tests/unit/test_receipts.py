"""Receipts to foresatte (issue 13, point 2).

Strand, Melding av fravær b: «Foresatte skal levere skriftlig melding til skolen ved alle
typer fravær»; c: «Skolen har ansvar for å gi tilbakemelding til foresatte om at melding er
mottatt (f.eks. gjennom transponder)». A melding records how it came; its receipt text is
ready to paste; the receipt is marked given (how, when, by whom); the morning overview lists
meldinger without one; «legeattest mottatt» — never a diagnosis.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from fravaer_tui.application.school import open_school
from fravaer_tui.application.session import AccessDenied, Session
from fravaer_tui.domain import receipts
from fravaer_tui.domain.model import Melding, Reason, Student, Validity
from fravaer_tui.errors import UserError
from fravaer_tui.store import Store
from tests.unit.routine_kit import run

D = dt.date
NOW = dt.datetime(2026, 11, 20, 15, 0)
OLA = Student("e1", "Ola", "Nordmann", "8A")


def melding(**kw) -> Melding:
    base = {"id": "m1", "elev": "e1", "fra": D(2026, 11, 20), "til": D(2026, 11, 20)}
    base |= {"reason": Reason.SYKDOM, "kanal": "skriftlig", "kvittering_skyldes": True}
    return Melding(**(base | kw))


def test_the_receipt_text_says_what_came_and_never_why() -> None:
    text = receipts.receipt_text(melding(), OLA, "Strand skole", "Kari Lærer, kontaktlærer 8A")
    assert text.splitlines() == [
        "Hei!",
        "Strand skole har mottatt meldingen om fravær for Ola fredag 20.11.2026.",
        "Hilsen Kari Lærer, kontaktlærer 8A",
    ]
    assert "sykdom" not in text.casefold()  # a messaging system is no place for health data
    several = receipts.receipt_text(
        melding(til=D(2026, 11, 24), legeattest=True, kanal="muntlig", reason=Reason.LEGE),
        OLA,
        "Strand skole",
        "K",
    )
    assert "for Ola 20.11.2026–24.11.2026." in several
    assert "Legeattesten er mottatt." in several
    assert "skolen trenger skriftlig melding ved alle typer fravær" in several  # muntlig
    assert "lege" not in several.replace("Legeattesten", "").casefold()
    invalid = receipts.receipt_text(melding(validity=Validity.UGYLDIG), OLA, "S", "K")
    assert "ført som ugyldig fravær" in invalid
    leave = receipts.receipt_text(melding(reason=Reason.PERMISJON), OLA, "S", "K")
    assert "S har registrert permisjon for Ola fredag 20.11.2026." in leave


def test_giving_a_receipt_once() -> None:
    given = receipts.give(melding(), "sms", NOW, "A005")
    assert given.kvittering.hvordan == "sms" and given.kvittering.tid == NOW
    assert not given.venter_kvittering and melding().venter_kvittering
    with pytest.raises(ValueError, match=r"allerede gitt \(20\.11\.2026, på SMS\)"):
        receipts.give(given, "epost", NOW, "A005")
    with pytest.raises(ValueError, match="ukjent måte «brevdue»"):
        receipts.parse_how("brevdue")
    assert receipts.parse_how("E-post") == "epost"
    with pytest.raises(ValueError, match="ukjent kanal «fax» \\(bruk skriftlig eller muntlig\\)"):
        receipts.parse_kanal("fax")
    assert not receipts.owes_receipt(Reason.PERMISJON) and receipts.owes_receipt(Reason.ANNET)
    attested = receipts.with_legeattest(melding())
    assert attested.legeattest
    with pytest.raises(ValueError, match="allerede ført som mottatt"):
        receipts.with_legeattest(attested)


def test_through_the_one_door_and_into_the_morning_overview(demo_dir: Path) -> None:
    school = open_school(demo_dir)
    kontakt = Session(school, school.roster.staff_member("A005"))  # 8A
    # the demo's meldinger are from before receipts: none is owed
    assert kontakt.pending_receipts(D(2026, 11, 20)) == []
    saved = kontakt.add_melding(
        "E0021", D(2026, 11, 19), D(2026, 11, 20), Reason.SYKDOM, Validity.GYLDIG, NOW,
        kanal="Skriftlig",
    )  # fmt: skip
    assert (saved.kanal, saved.kvittering_skyldes, saved.kvittering) == ("skriftlig", True, None)
    # the TUI's call, without kanal: the receipt is owed all the same
    day = D(2026, 11, 20)
    a_minute_on = NOW + dt.timedelta(minutes=1)  # the list is in the order they came
    tui = kontakt.add_melding("E0022", day, day, Reason.ANNET, Validity.GYLDIG, a_minute_on)
    leave = kontakt.add_melding(
        "E0023", D(2026, 11, 23), D(2026, 11, 24), Reason.PERMISJON, Validity.GYLDIG, NOW
    )
    assert tui.kanal == "" and tui.venter_kvittering and not leave.venter_kvittering
    pending = kontakt.pending_receipts(D(2026, 11, 20))
    assert [(p.melding.id, p.klasse, p.siden) for p in pending] == [
        (saved.id, "8A", D(2026, 11, 20)),
        (tui.id, "8A", D(2026, 11, 20)),
    ]
    [block] = kontakt.morning(D(2026, 11, 20))
    assert [p.melding.id for p in block.kvitteringer] == [saved.id, tui.id]

    text = kontakt.receipt_text("E0021", saved.id, D(2026, 11, 20))
    assert "har mottatt meldingen om fravær for Guro 19.11.2026–20.11.2026" in text
    assert text.endswith("Hilsen Håvard Rønning, kontaktlærer 8A")
    later = dt.datetime(2026, 11, 21, 9, 30)
    given = kontakt.give_receipt("E0021", saved.id, "meldingssystem", later)
    assert (given.kvittering.hvordan, given.kvittering.tid, given.kvittering.av) == (
        "meldingssystem",
        later,
        "A005",
    )
    assert [p.melding.id for p in kontakt.pending_receipts(D(2026, 11, 21))] == [tui.id]
    with pytest.raises(UserError, match="allerede gitt"):
        kontakt.give_receipt("E0021", saved.id, "sms", later)
    with pytest.raises(UserError, match="fram i tid"):
        kontakt.give_receipt("E0022", tui.id, "sms", later, D(2026, 11, 22))
    attested = kontakt.set_legeattest("E0021", saved.id, later)
    assert attested.legeattest and attested.kvittering == given.kvittering

    log = [e for e in Store(demo_dir).log.read() if e.get("melding") == saved.id]
    assert [e["hva"] for e in log] == ["melding_endret", "melding_endret"]
    assert log[0]["for"].get("kvittering") is None
    assert log[0]["etter"]["kvittering"]["hvordan"] == "meldingssystem"
    assert log[1]["etter"]["legeattest"] is True

    for who in ("A008", "A007"):  # a faglærer; another class's kontaktlærer
        other = Session(school, school.roster.staff_member(who))
        with pytest.raises(AccessDenied):
            other.receipt_text("E0021", saved.id, D(2026, 11, 20))
        with pytest.raises(AccessDenied):
            other.give_receipt("E0022", tui.id, "sms", later)
    with pytest.raises(UserError, match="har ingen melding «M0»"):
        kontakt.give_receipt("E0021", "M0", "sms", later)


def test_a_melding_across_the_summer_gets_its_receipt_in_both_years(demo_dir: Path) -> None:
    school = open_school(demo_dir)
    rektor = Session(school, school.roster.staff_member("A001"))
    now = dt.datetime(2027, 6, 15, 10, 0)
    fra, til = D(2027, 6, 14), D(2027, 8, 20)
    saved = rektor.add_melding("E0021", fra, til, Reason.SYKDOM, Validity.GYLDIG, now)
    rektor.give_receipt("E0021", saved.id, "epost", now)
    store = Store(demo_dir)
    for year in ("2026-2027", "2027-2028"):
        stored = store.load_file(store.meldinger_path(year, "8A")).meldinger
        [piece] = [m for m in stored if m.id == saved.id]
        assert piece.kvittering is not None and piece.kvittering.hvordan == "epost"


def test_melding_and_receipt_from_the_cli(demo_dir: Path, capsys) -> None:
    now = "2026-11-20 15:00"
    code, out, err = run(
        capsys, demo_dir, now, "melding", "add", "--student", "E0021", "--from", "2026-11-20",
        "--reason", "sykdom", "--kanal", "muntlig", user="A005",
    )  # fmt: skip
    assert code == 0, err
    assert "Kvittering til foresatte (lim inn i meldingssystemet):" in out
    assert "har mottatt meldingen om fravær for Guro fredag 20.11.2026." in out
    assert "skolen trenger skriftlig melding" in out
    melding_id = out.split("Melding ført: ")[1].split()[0]
    code, out, _ = run(capsys, demo_dir, now, "receipt", "pending", "--json", user="A005")
    assert [(p["elev_id"], p["melding_id"], p["registrert"]) for p in json.loads(out)] == [
        ("E0021", melding_id, "2026-11-20")
    ]
    code, out, _ = run(
        capsys, demo_dir, now, "melding", "attest", "--student", "E0021", "--id", melding_id,
        user="A005",
    )  # fmt: skip
    assert code == 0 and "Legeattest mottatt er ført" in out
    code, out, _ = run(
        capsys, demo_dir, now, "receipt", "show", "--student", "E0021", "--id", melding_id,
        user="A005",
    )  # fmt: skip
    assert "Legeattesten er mottatt." in out
    code, out, _ = run(
        capsys, demo_dir, now, "receipt", "give", "--student", "E0021", "--id", melding_id,
        "--how", "sms", user="A005",
    )  # fmt: skip
    assert code == 0 and "Kvittering gitt på SMS 20.11.2026 av A005" in out
    code, out, _ = run(capsys, demo_dir, now, "receipt", "pending", user="A005")
    assert "ingen" in out
    code, out, _ = run(
        capsys, demo_dir, now, "melding", "list", "--student", "E0021", "--json", user="A005"
    )
    [mine] = [m for m in json.loads(out) if m["id"] == melding_id]
    assert mine["kanal"] == "muntlig" and mine["legeattest"] is True
    assert mine["kvittering"]["hvordan"] == "sms" and mine["venter_kvittering"] is False
    code, _, err = run(
        capsys, demo_dir, now, "receipt", "give", "--student", "E0021", "--id", melding_id,
        "--how", "brevdue", user="A005",
    )  # fmt: skip
    assert code == 1 and "ukjent måte «brevdue»" in err
    with pytest.raises(SystemExit) as usage:  # --kanal is required
        run(
            capsys, demo_dir, now, "melding", "add", "--student", "E0021", "--from",
            "2026-11-20", "--reason", "sykdom", user="A005",
        )  # fmt: skip
    assert usage.value.code == 2
    code, _, err = run(capsys, demo_dir, now, "receipt", "pending", "--class", "9A", user="A005")
    assert code == 1 and "har ikke tilgang til meldinger i 9A" in err
