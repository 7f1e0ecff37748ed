"""Strand's BTI and Ledelsens ansvar as tracked parts of the case (issue 13, point 6).

- «Elev og foresatte tilbys også innen 14 dager samtale med helsesykepleier på skolen»
  (Ledelsens ansvar d): a tracked item with its own 14-day deadline, beside the meeting.
- «Fraværet drøftes med helsesykepleier ... (husk samtykke)» (b) and «saksbehandler ved
  PPT bør også ... bli varslet ... (husk samtykke)» (c): items with their consent.
- «evalueres sammen med de andre tjenestene på et samhandlingsmøte» (BTI b): a step with
  participants; «Det skal utpekes en stafettholder» (BTI c): who, from when.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from fravaer_tui.domain.followup import (
    close_case,
    due_tasks,
    open_case,
    record_step,
    record_task,
    set_stafettholder,
    task_states,
)
from fravaer_tui.domain.model import Holiday
from fravaer_tui.domain.profiles import load_profile
from fravaer_tui.domain.schoolcalendar import SchoolCalendar
from tests.unit.routine_kit import run

D = dt.date
STRAND = load_profile("strand")
OFFER = "Samtale med helsesykepleier tilbudt elev og foresatte"
CAL = SchoolCalendar((Holiday("Juleferie", D(2026, 12, 21), D(2027, 1, 1)),))


def new_case():
    day = D(2026, 11, 2)
    return open_case("e1", "8A", "ugyldig_fravaer", day, STRAND, day, "hb", "s")


def at_the_plan_meeting(melding: dt.date):
    case = new_case()
    for step_id, dato in (
        ("kontakt_hjem", D(2026, 11, 2)),
        ("kartleggingssamtale", D(2026, 11, 5)),
        ("melding_ledelsen", melding),
    ):
        case = record_step(case, STRAND, step_id, dato, "hb")
    return case


def test_no_tracked_items_before_their_step_is_reached() -> None:
    case = new_case()
    assert task_states(case, STRAND, CAL, D(2026, 11, 20)) == []
    with pytest.raises(ValueError, match="hører til «Møte og skolenærværsplan», som saken"):
        record_task(case, STRAND, "helsesykepleier_tilbud", D(2026, 11, 3), "al", "takket_ja")
    with pytest.raises(ValueError, match="Ukjent oppgave «kaffe»"):
        record_task(case, STRAND, "kaffe", D(2026, 11, 3), "al")


def test_the_helsesykepleier_offer_is_due_within_14_days_of_the_report() -> None:
    # Vedlegg 3 received Thu 10.12: 24.12 in juleferie → the offer is due Mon 04.01.2027,
    # the same day as the meeting («innkalle innen 14 dager»).
    case = at_the_plan_meeting(D(2026, 12, 10))
    states = {s.task.id: s for s in task_states(case, STRAND, CAL, D(2027, 1, 4))}
    assert list(states) == ["helsesykepleier_tilbud", "helsesykepleier_drofting", "ppt_varslet"]
    offer = states["helsesykepleier_tilbud"]
    assert (offer.frist, offer.overdue, offer.step.id) == (
        D(2027, 1, 4),
        False,
        "skolenaervaersplan",
    )
    assert states["ppt_varslet"].frist is None  # no deadline in the routine
    late = {s.task.id: s for s in task_states(case, STRAND, CAL, D(2027, 1, 5))}
    assert late["helsesykepleier_tilbud"].overdue
    due = due_tasks([case], STRAND, CAL, D(2027, 1, 5))
    assert [(d.task.id, d.frist, d.overdue) for d in due] == [
        ("helsesykepleier_tilbud", D(2027, 1, 4), True)
    ]
    assert [d.task.id for d in due_tasks([case], STRAND, CAL, D(2026, 12, 28), 7)] == [
        "helsesykepleier_tilbud"
    ]
    assert due_tasks([case], STRAND, CAL, D(2026, 12, 28)) == []  # not yet, no horizon

    with pytest.raises(ValueError, match="velg utfall, ett av takket_ja, takket_nei"):
        record_task(case, STRAND, "helsesykepleier_tilbud", D(2026, 12, 14), "al")
    case = record_task(
        case, STRAND, "helsesykepleier_tilbud", D(2026, 12, 14), "al", "takket_ja", "Tirsdager."
    )
    record = case.task_record("helsesykepleier_tilbud")
    assert (record.dato, record.utfall, record.notat) == (
        D(2026, 12, 14),
        "takket_ja",
        "Tirsdager.",
    )
    assert record.av == "al"
    assert due_tasks([case], STRAND, CAL, D(2027, 1, 5)) == []
    with pytest.raises(ValueError, match=r"allerede ført \(14\.12\.2026\)"):
        record_task(case, STRAND, "helsesykepleier_tilbud", D(2026, 12, 15), "al", "takket_nei")
    with pytest.raises(ValueError, match="har ikke noe utfall"):
        record_task(case, STRAND, "helsesykepleier_drofting", D(2026, 12, 15), "al", "ja")
    case = record_task(case, STRAND, "ppt_varslet", D(2026, 12, 15), "al", "ikke_aktuelt")
    with pytest.raises(ValueError, match="notatet inneholder et usynlig kontrolltegn"):
        record_task(case, STRAND, "helsesykepleier_drofting", D(2026, 12, 15), "al", "", "\x1b[2J")
    closed = close_case(case, D(2026, 12, 16), "al")
    with pytest.raises(ValueError, match="Saken er lukket"):
        record_task(closed, STRAND, "helsesykepleier_drofting", D(2026, 12, 16), "al")
    assert not any(s.overdue for s in task_states(closed, STRAND, CAL, D(2027, 6, 1)))


def test_the_stafettholder_who_and_from_when() -> None:
    case = at_the_plan_meeting(D(2026, 12, 10))
    assert case.stafettholder is None
    case = set_stafettholder(case, "  Eva Berg,  Familiens hus ", D(2027, 1, 13), "al")
    holder = case.stafettholder
    assert (holder.hvem, holder.fra) == ("Eva Berg, Familiens hus", D(2027, 1, 13))
    case = set_stafettholder(case, "Per Pedersen, PPT", D(2027, 2, 1), "al")
    assert [h.hvem for h in case.stafettholdere] == ["Eva Berg, Familiens hus", "Per Pedersen, PPT"]
    with pytest.raises(ValueError, match="før dagens stafettholder tok over"):
        set_stafettholder(case, "Ola", D(2027, 1, 20), "al")
    with pytest.raises(ValueError, match="Skriv hvem"):
        set_stafettholder(case, "  ", D(2027, 2, 2), "al")
    with pytest.raises(ValueError, match="stafettholderen inneholder et usynlig kontrolltegn"):
        set_stafettholder(case, "Eva\u202eBerg", D(2027, 2, 2), "al")


def test_the_bti_parts_through_the_cli(demo_dir: Path, capsys) -> None:
    """E0052 (10A, kontaktlærer A007, avdelingsleder A004) through Strand's staircase."""
    data = demo_dir

    def cli(now: str, *argv: str, user: str = "A007") -> tuple[int, str, str]:
        return run(capsys, data, f"{now} 15:00", *argv, user=user)

    assert cli("2026-11-12", "case", "open", "--student", "E0052")[0] == 0
    for done in ("2026-11-12", "2026-11-18", "2026-11-20"):
        code, out, err = cli(done, "case", "step", "--student", "E0052", "--date", done)
        assert code == 0, err
    # Vedlegg 3 received 20.11: the meeting and the offer within 14 days (Fri 04.12)
    assert f"Oppgave: {OFFER} (helsesykepleier_tilbud) – frist 04.12.2026" in out
    assert "Oppgave: Saksbehandler ved PPT varslet (ppt_varslet) – ingen fast frist" in out
    code, out, _ = cli("2026-12-07", "check", user="A004")
    assert f"{OFFER}, frist 04.12.2026 – FORFALT" in out
    code, out, err = cli(
        "2026-11-24", "case", "task", "--student", "E0052", "--task", "helsesykepleier_tilbud",
        "--date", "2026-11-24", "--outcome", "takket_ja", user="A004",
    )  # fmt: skip
    assert code == 0 and f"Ført: {OFFER} 24.11.2026: Takket ja." in out
    assert "samtykke for helsesykepleier (skolehelsetjenesten): MANGLER" in out
    assert "Advarsel: Mangler samtykke for helsesykepleier" in err
    code, _, err = cli(
        "2026-11-24", "case", "task", "--student", "E0052", "--task", "ppt_varslet", "--date",
        "2026-11-24", user="A004",
    )  # fmt: skip
    assert code == 1 and "velg utfall, ett av varslet, ikke_aktuelt" in err
    for done in ("2026-11-27", "2026-12-11", "2027-01-11", "2027-01-11"):
        code, out, err = cli(
            done, "case", "step", "--student", "E0052", "--date", done, user="A004"
        )
        assert code == 0, err
    code, out, _ = cli("2027-01-11", "case", "show", "--student", "E0052", user="A004")
    assert "Stafettholder: ikke utpekt ennå (BTI c)" in out
    code, out, err = cli(
        "2027-01-13", "case", "step", "--student", "E0052", "--date", "2027-01-13",
        "--participant", "Mor", "--participant", "Eva Berg, Familiens hus",
        "--service", "familiens_hus", user="A004",
    )  # fmt: skip
    assert code == 0 and "Ført: Samhandlingsmøte med tjenestene 13.01.2027." in out
    code, out, _ = cli(
        "2027-01-13", "case", "stafett", "--student", "E0052", "--who",
        "Eva Berg, Familiens hus", "--from", "2027-01-13", user="A004",
    )  # fmt: skip
    assert code == 0 and "Stafettholder for saken: Eva Berg, Familiens hus fra 13.01.2027." in out
    code, out, _ = cli("2027-01-13", "case", "show", "--student", "E0052", user="A004")
    assert "✓ 8 Samhandlingsmøte med tjenestene – 13.01.2027" in out
    assert "deltakere: Mor; Eva Berg, Familiens hus" in out
    assert "samtykke for Familiens hus: MANGLER – husk samtykke" in out
    assert f"oppgave: {OFFER} (helsesykepleier_tilbud) – gjort 24.11.2026: Takket ja" in out
    assert "Stafettholder: Eva Berg, Familiens hus fra 13.01.2027" in out
    code, out, _ = cli("2027-01-13", "case", "show", "--student", "E0052", "--json", user="A004")
    shown = json.loads(out)
    assert shown["stafettholder"] == {"hvem": "Eva Berg, Familiens hus", "fra": "2027-01-13"}
    assert [(t["id"], t["frist"], t["gjort"], t["utfall"]) for t in shown["oppgaver"]] == [
        ("helsesykepleier_tilbud", "2026-12-04", "2026-11-24", "takket_ja"),
        ("helsesykepleier_drofting", None, None, None),
        ("ppt_varslet", None, None, None),
    ]
    assert shown["oppgaver"][0]["samtykke"][0]["paa_plass"] is False
    # PPT notified «dersom eleven allerede er i kontakt med PPT»: not applicable, no consent
    code, out, err = cli(
        "2027-01-13", "case", "task", "--student", "E0052", "--task", "ppt_varslet", "--date",
        "2027-01-13", "--outcome", "ikke_aktuelt", user="A004",
    )  # fmt: skip
    assert code == 0 and "samtykke for PPT" not in out and "Advarsel" not in err
    code, out, _ = cli("2027-01-13", "case", "show", "--student", "E0052", "--json", user="A004")
    ppt = next(t for t in json.loads(out)["oppgaver"] if t["id"] == "ppt_varslet")
    assert (ppt["utfall"], ppt["samtykke"]) == ("ikke_aktuelt", [])
    plan = next(t for t in shown["trinn"] if t["id"] == "skolenaervaersplan")
    assert plan["oppgaver"] == ["helsesykepleier_tilbud", "helsesykepleier_drofting", "ppt_varslet"]
    assert plan["skjema"] == ["4"]
    code, _, err = cli(
        "2027-01-13", "case", "stafett", "--student", "E0052", "--who", "X", user="A008"
    )
    assert code == 1 and "har ikke tilgang til saker" in err
    # free text is checked like every other input: never an escape sequence stored
    code, _, err = cli(
        "2027-01-13", "case", "stafett", "--student", "E0052", "--who", "Ola\x1b[2J", user="A004"
    )
    assert code == 1 and "stafettholderen inneholder et usynlig kontrolltegn (U+001B)" in err
