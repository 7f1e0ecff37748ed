"""The follow-up case and its steps, on hand-built data with frozen dates (DESIGN, The follow-up
routine; issue 4, part 3).

The school year 2026-2027 with høstferie 28.09–02.10.2026 and juleferie 21.12.2026–01.01.2027;
public holidays come from the calendar (17.05.2027 is both Grunnlovsdag and 2. pinsedag).
Every deadline below is computed by hand from the rules in `followup`'s docstring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fravaer_tui.domain.followup import (
    VEDLEGG5_TILTAK,
    Case,
    CaseStatus,
    DueStep,
    Effect,
    StepState,
    Tiltak,
    add_tiltak,
    close_case,
    deadline,
    due_steps,
    effect_of,
    next_step,
    open_case,
    record_step,
    reopen_case,
    staircase,
    staircase_text,
)
from fravaer_tui.domain.model import Holiday, Mark, MarkType, Registration, Roster, Slot, Student
from fravaer_tui.domain.profiles import Profile, ProfileError, StepDef, load_profile, parse_profile
from fravaer_tui.domain.schoolcalendar import SchoolCalendar

D = dt.date
STRAND = load_profile("strand")
HOLE = load_profile("hole")
CAL = SchoolCalendar(
    (
        Holiday("Høstferie", D(2026, 9, 28), D(2026, 10, 2)),
        Holiday("Juleferie", D(2026, 12, 21), D(2027, 1, 1)),
    )
)
MONDAY = D(2026, 9, 21)
SEED = Path("/work/shared/seeds/strand_skolenaervaersplan.txt")


def new_case(
    profile: Profile = STRAND,
    varsel: dt.date = MONDAY,
    case_id: str = "s1",
    elev: str = "e1",
) -> Case:
    return open_case(elev, "9A", "ugyldig_fravaer", varsel, profile, varsel, "hb", case_id)


def step(profile: Profile, step_id: str) -> StepDef:
    return next(s for s in profile.steps if s.id == step_id)


def frist(
    case: Case, profile: Profile, step_id: str, held: dict[str, dt.date] | None = None
) -> dt.date | None:
    return deadline(case, step(profile, step_id), profile, CAL, held)


def walk(case: Case, profile: Profile, *done: tuple[str, dt.date]) -> Case:
    for step_id, dato in done:
        case = record_step(case, profile, step_id, dato, "hb")
    return case


# --- the calendar and the profiles the tests stand on --------------------------------------


def test_the_calendar_of_the_tests() -> None:
    assert not CAL.is_school_day(D(2026, 9, 28))  # høstferie
    assert not CAL.is_school_day(D(2026, 12, 21))  # juleferie
    assert not CAL.is_school_day(D(2027, 1, 1))
    assert CAL.is_school_day(D(2027, 1, 4))  # the Monday after juleferie
    assert D(2027, 1, 4).isoweekday() == 1
    assert not CAL.is_school_day(D(2027, 5, 17))


def test_strand_steps_match_the_routine() -> None:
    """Kontaktlærers ansvar a–d («innen 1 uke»), Ledelsens ansvar d («innen 14 dager»),
    Vedlegg 4 Evaluering («prøves ut i 2 uker før evaluering»), BTI-veilederen."""
    got = [
        (s.id, s.etter, s.frist_dager, s.frist_uker, s.naar, s.hvem, s.krever) for s in STRAND.steps
    ]
    assert got == [
        ("kontakt_hjem", "varsel", 0, None, "innen", "kontaktlaerer", ""),
        ("kartleggingssamtale", "kontakt_hjem", 7, None, "innen", "kontaktlaerer", "hoyt_fravaer"),
        ("melding_ledelsen", "kartleggingssamtale", None, None, "innen", "kontaktlaerer", ""),
        ("skolenaervaersplan", "melding_ledelsen", 14, None, "innen", "ledelse", ""),
        ("evaluering_1", "skolenaervaersplan", None, 2, "etter", "ledelse", ""),
        ("evaluering_2", "evaluering_1", None, 2, "etter", "ledelse", ""),
        ("bti", "evaluering_2", 0, None, "innen", "ledelse", ""),
        # issue 13, BTI b: «evalueres sammen med de andre tjenestene på et samhandlingsmøte»
        ("samhandlingsmote", "bti", None, None, "innen", "ledelse", ""),
    ]
    # Ledelsens ansvar b–d beside the plan meeting: the helsesykepleier offer «innen 14
    # dager», the talk with helsesykepleier and PPT notified, each with its consent.
    plan = step(STRAND, "skolenaervaersplan")
    tasks = [(t.id, t.frist_dager, [s.value for s in t.samtykke]) for t in plan.oppgaver]
    assert tasks == [
        ("helsesykepleier_tilbud", 14, ["helsesykepleier"]),
        ("helsesykepleier_drofting", None, ["helsesykepleier"]),
        ("ppt_varslet", None, ["ppt"]),
    ]


def test_hole_steps_match_the_routine() -> None:
    """The seed's table (issue 13): «Kontaktlærer ringer foresatte ... Hvis ikke bekymring,
    fortsett å følge opp ved nytt fravær. Hvis bekymring, gå til Kartlegging»; «Ledelsen
    informeres om at kontaktlærer tar kontakt hjem om fravær og om evt. møte»; «Møtet og
    kartleggingen skal munne ut i en samarbeidsavtale»; «Evaluering etter tre uker – Er
    problemet løst, gå tilbake til hverdagen ... vurdere å lage en ny treukersplan ... eller
    gå til Aktiv oppfølging tverrfaglig»; «PPT kontaktes», samarbeidsmøte, «Vurdere behov
    for legeerklæring», «Jevnlig evaluering»."""
    got = [(s.id, s.etter, s.frist_dager, s.frist_uker, s.naar, s.hvem) for s in HOLE.steps]
    assert got == [
        ("telefon_hjem", "varsel", 0, None, "innen", "kontaktlaerer"),
        ("ledelsen_informert", "telefon_hjem", 0, None, "innen", "kontaktlaerer"),
        ("kartleggingsmote", "ledelsen_informert", None, None, "innen", "kontaktlaerer"),
        ("samarbeidsavtale", "kartleggingsmote", 0, None, "innen", "kontaktlaerer"),
        ("evaluering", "samarbeidsavtale", None, 3, "etter", "kontaktlaerer"),
        ("ppt_kontaktet", "evaluering", None, None, "innen", "ledelse"),
        ("samarbeidsmote", "ppt_kontaktet", None, None, "innen", "ledelse"),
        ("legeerklaering_vurdert", "samarbeidsmote", None, None, "innen", "ledelse"),
        ("jevnlig_evaluering", "legeerklaering_vurdert", None, 3, "etter", "ledelse"),
    ]
    outcomes = {s.id: [(o.id, o.neste) for o in s.utfall] for s in HOLE.steps if s.utfall}
    assert outcomes == {
        "telefon_hjem": [("bekymring", "ledelsen_informert"), ("ikke_bekymring", "")],
        "evaluering": [
            ("løst", ""),
            ("ny_plan", "samarbeidsavtale"),
            ("aktiv_oppfolging", "ppt_kontaktet"),
        ],
        "jevnlig_evaluering": [("ny_evaluering", "jevnlig_evaluering"), ("avsluttet", "")],
    }
    assert [(s.id, [c.value for c in s.samtykke]) for s in HOLE.steps if s.samtykke] == [
        ("ppt_kontaktet", ["ppt"]),
        ("samarbeidsmote", ["ppt"]),
    ]
    assert HOLE.skjema == ("samarbeidsavtale", "pedagogisk_rapport")
    assert step(HOLE, "samarbeidsavtale").vedlegg == ("samarbeidsavtale",)
    assert step(HOLE, "ppt_kontaktet").vedlegg == ("pedagogisk_rapport",)


def test_naar_is_checked_when_a_profile_is_read() -> None:
    doc = {
        "id": "egen",
        "regler": {"ugyldig_fravaer": {"terskel": 1}},
        "trinn": [{"id": "ring", "frist_dager": 0, "naar": "snart"}],
    }
    with pytest.raises(ProfileError, match=r"egen\.toml, trinn nr\. 1: naar må være «innen»"):
        parse_profile(doc, "egen.toml")
    doc["trinn"] = [{"id": "ring", "frist_dager": 0}]
    assert parse_profile(doc, "egen.toml").steps[0].naar == "innen"


# --- walking a case through every step -----------------------------------------------------


HOYT = {"hoyt_fravaer": D(2026, 9, 18)}  # hoyt_fravaer first held on Fri 18.09.2026


def test_strand_case_through_every_step() -> None:
    case = new_case(STRAND, varsel=D(2026, 9, 21))  # the newest incident: a Monday
    assert case.status is CaseStatus.AAPEN and case.profil == "strand"
    assert [(e.hva, e.dato, e.av) for e in case.events] == [("opprettet", D(2026, 9, 21), "hb")]
    assert next_step(case, STRAND) == step(STRAND, "kontakt_hjem")

    # 1: «Elevens foresatte kontaktes umiddelbart»: the same day; a school day stays.
    assert frist(case, STRAND, "kontakt_hjem") == D(2026, 9, 21)
    assert frist(case, STRAND, "kartleggingssamtale") is None  # its base is not recorded yet
    case = record_step(case, STRAND, "kontakt_hjem", D(2026, 9, 21), "hb", "Ringte mor.")

    # 2: «Dersom en elev har høyt fravær og fraværsmønsteret vedvarer ... innen 1 uke»:
    # without hoyt_fravaer no deadline; with it, 7 days after the later of the contact
    # (21.09) and the day it first held (18.09): Mon 28.09 is in høstferie → Mon 05.10.
    assert frist(case, STRAND, "kartleggingssamtale") is None
    assert frist(case, STRAND, "kartleggingssamtale", HOYT) == D(2026, 10, 5)
    later = {"hoyt_fravaer": D(2026, 10, 7)}  # first held after the contact: from that day
    assert frist(case, STRAND, "kartleggingssamtale", later) == D(2026, 10, 14)
    case = record_step(case, STRAND, "kartleggingssamtale", D(2026, 10, 5), "hb")

    # 3: written report to ledelsen when tiltak have no effect: no deadline.
    assert next_step(case, STRAND) == step(STRAND, "melding_ledelsen")
    assert frist(case, STRAND, "melding_ledelsen") is None
    case = record_step(case, STRAND, "melding_ledelsen", D(2026, 10, 31), "hb")  # a Saturday

    # 4: «innkalle innen 14 dager»: Sat 14.11 → forward to Monday 16.11, never back.
    assert frist(case, STRAND, "skolenaervaersplan") == D(2026, 11, 16)
    [state] = [s for s in staircase(case, STRAND, CAL, D(2026, 11, 17)) if s.state == "neste"]
    assert state.step.id == "skolenaervaersplan" and state.overdue
    case = record_step(case, STRAND, "skolenaervaersplan", D(2026, 11, 16), "al")

    # 5: «Planen prøves ut i 2 uker før evaluering»: the 10th school day after 16.11 = 30.11.
    assert frist(case, STRAND, "evaluering_1") == D(2026, 11, 30)
    case = record_step(case, STRAND, "evaluering_1", D(2026, 12, 7), "al")

    # 6: «utprøving i nye to uker»: 10 school days after 07.12, juleferie not counted:
    # 08.12–18.12 is 9, the 10th is Mon 04.01.2027.
    assert frist(case, STRAND, "evaluering_2") == D(2027, 1, 4)
    case = record_step(case, STRAND, "evaluering_2", D(2027, 1, 4), "al")

    # 7: then to Oppvekstteam / BTI, the same day.
    assert frist(case, STRAND, "bti") == D(2027, 1, 4)
    case = record_step(case, STRAND, "bti", D(2027, 1, 6), "al", "Meldt til Oppvekstteam.")

    # 8: BTI b, the samhandlingsmøte with the services: no deadline in the routine.
    assert frist(case, STRAND, "samhandlingsmote") is None
    case = record_step(
        case,
        STRAND,
        "samhandlingsmote",
        D(2027, 1, 13),
        "al",
        deltakere=["Kari (foresatt)", "Per Hansen, PPT"],
        tjenester=["ppt", "familiens hus"],
    )
    assert case.steps[-1].deltakere == ("Kari (foresatt)", "Per Hansen, PPT")
    assert [t.value for t in case.steps[-1].tjenester] == ["ppt", "familiens_hus"]

    assert next_step(case, STRAND) is None
    assert [r.step for r in case.steps] == [s.id for s in STRAND.steps]
    assert [r.av for r in case.steps] == ["hb", "hb", "hb", "al", "al", "al", "al", "al"]
    assert case.steps[0].notat == "Ringte mor."
    assert due_steps([case], STRAND, CAL, D(2027, 6, 1), horizon_days=365) == []
    states = staircase(case, STRAND, CAL, D(2027, 1, 13), HOYT)
    assert [s.state for s in states] == ["utfort"] * 8
    assert [s.frist for s in states] == [
        D(2026, 9, 21),
        D(2026, 10, 5),
        None,
        D(2026, 11, 16),
        D(2026, 11, 30),
        D(2027, 1, 4),
        D(2027, 1, 4),
        None,
    ]
    with pytest.raises(ValueError, match="Alle trinnene i saken er ført"):
        record_step(case, STRAND, "bti", D(2027, 1, 14), "al")


def test_hole_case_through_every_step_with_a_new_three_week_plan() -> None:
    # The newest incident on a Saturday: the call is due the first school day after.
    case = new_case(HOLE, varsel=D(2026, 11, 7), case_id="h1")
    assert case.profil == "hole"
    assert frist(case, HOLE, "telefon_hjem") == D(2026, 11, 9)
    # «Hvis ikke bekymring, fortsett å følge opp ved nytt fravær. Hvis bekymring, gå til
    # Kartlegging»: the call decides.
    with pytest.raises(ValueError, match="avgjør et utfall: velg ett av bekymring, ikke_bekymring"):
        record_step(case, HOLE, "telefon_hjem", D(2026, 11, 9), "hb")
    case = record_step(case, HOLE, "telefon_hjem", D(2026, 11, 9), "hb", utfall="bekymring")

    # «Ledelsen informeres om at kontaktlærer tar kontakt hjem»: the same day as the call.
    assert next_step(case, HOLE) == step(HOLE, "ledelsen_informert")
    assert frist(case, HOLE, "ledelsen_informert") == D(2026, 11, 9)
    case = record_step(case, HOLE, "ledelsen_informert", D(2026, 11, 9), "hb")

    assert frist(case, HOLE, "kartleggingsmote") is None
    case = record_step(case, HOLE, "kartleggingsmote", D(2026, 11, 15), "hb")  # a Sunday
    # the samarbeidsavtale comes out of that meeting: the same day, moved to Monday 16.11
    assert frist(case, HOLE, "samarbeidsavtale") == D(2026, 11, 16)
    with pytest.raises(ValueError, match="har ikke noe utfall"):
        record_step(case, HOLE, "samarbeidsavtale", D(2026, 11, 16), "hb", utfall="løst")
    case = record_step(case, HOLE, "samarbeidsavtale", D(2026, 11, 16), "hb")

    # «Evaluering etter tre uker»: the 15th school day after Mon 16.11 = Mon 07.12.
    assert frist(case, HOLE, "evaluering") == D(2026, 12, 7)
    with pytest.raises(ValueError, match="avgjør et utfall: velg ett av løst, ny_plan"):
        record_step(case, HOLE, "evaluering", D(2026, 12, 7), "hb")
    with pytest.raises(ValueError, match="Ukjent utfall «kanskje»"):
        record_step(case, HOLE, "evaluering", D(2026, 12, 7), "hb", utfall="kanskje")

    # «ny treukersplan»: a new samarbeidsavtale the same day, evaluated three school weeks
    # later: juleferie not counted, the 15th school day after 07.12 is Mon 11.01.2027.
    case = record_step(case, HOLE, "evaluering", D(2026, 12, 7), "hb", utfall="ny_plan")
    assert case.steps[-1].utfall == "ny_plan"
    assert next_step(case, HOLE) == step(HOLE, "samarbeidsavtale")
    assert frist(case, HOLE, "samarbeidsavtale") == D(2026, 12, 7)
    case = record_step(case, HOLE, "samarbeidsavtale", D(2026, 12, 7), "hb")
    assert frist(case, HOLE, "evaluering") == D(2027, 1, 11)

    # At the second evaluation: «gå til Aktiv oppfølging tverrfaglig»: PPT kontaktes.
    case = record_step(case, HOLE, "evaluering", D(2027, 1, 11), "al", utfall="aktiv_oppfolging")
    assert next_step(case, HOLE) == step(HOLE, "ppt_kontaktet")
    assert frist(case, HOLE, "ppt_kontaktet") is None
    case = walk(
        case,
        HOLE,
        ("ppt_kontaktet", D(2027, 1, 12)),
        ("samarbeidsmote", D(2027, 1, 19)),
        ("legeerklaering_vurdert", D(2027, 1, 19)),
    )
    # «Jevnlig evaluering»: every third school week, until the case ends.
    assert frist(case, HOLE, "jevnlig_evaluering") == D(2027, 2, 9)
    case = record_step(
        case, HOLE, "jevnlig_evaluering", D(2027, 2, 9), "al", utfall="ny_evaluering"
    )
    assert frist(case, HOLE, "jevnlig_evaluering") == D(2027, 3, 2)
    case = record_step(case, HOLE, "jevnlig_evaluering", D(2027, 3, 2), "al", utfall="avsluttet")

    assert next_step(case, HOLE) is None
    assert [r.step for r in case.steps] == [
        "telefon_hjem",
        "ledelsen_informert",
        "kartleggingsmote",
        "samarbeidsavtale",
        "evaluering",
        "samarbeidsavtale",
        "evaluering",
        "ppt_kontaktet",
        "samarbeidsmote",
        "legeerklaering_vurdert",
        "jevnlig_evaluering",
        "jevnlig_evaluering",
    ]
    states = staircase(case, HOLE, CAL, D(2027, 3, 2))
    assert [s.frist for s in states] == [
        D(2026, 11, 9),
        D(2026, 11, 9),
        None,
        D(2026, 11, 16),
        D(2026, 12, 7),
        D(2026, 12, 7),
        D(2027, 1, 11),
        None,
        None,
        None,
        D(2027, 2, 9),
        D(2027, 3, 2),
    ]
    assert staircase_text(states)[4:7] == [
        "✓ 5 Evaluering etter tre uker – 07.12.2026 (hb): Ny treukersplan (ny samarbeidsavtale)",
        "✓ 6 Samarbeidsavtale med tiltak, ansvar og plan B – 07.12.2026 (hb)",
        "✓ 7 Evaluering etter tre uker – 11.01.2027 (al): Aktiv oppfølging, tverrfaglig",
    ]


def test_hole_no_concern_after_the_call_ends_the_routine() -> None:
    """«Hvis ikke bekymring, fortsett å følge opp ved nytt fravær»."""
    case = record_step(
        new_case(HOLE, varsel=D(2026, 11, 9)), HOLE, "telefon_hjem", D(2026, 11, 9), "hb",
        utfall="ikke_bekymring",
    )  # fmt: skip
    assert next_step(case, HOLE) is None
    assert due_steps([case], HOLE, CAL, D(2027, 6, 1), horizon_days=365) == []


def hole_to_evaluation(varsel: dt.date, meeting: dt.date) -> Case:
    case = new_case(HOLE, varsel=varsel)
    case = record_step(case, HOLE, "telefon_hjem", varsel, "hb", utfall="bekymring")
    return walk(
        case,
        HOLE,
        ("ledelsen_informert", varsel),
        ("kartleggingsmote", meeting),
        ("samarbeidsavtale", meeting),
    )


def test_hole_evaluation_solved_ends_the_routine() -> None:
    """«Er problemet løst, gå tilbake til hverdagen»: no further step, nothing due."""
    case = hole_to_evaluation(D(2026, 11, 9), D(2026, 11, 12))
    states = staircase(case, HOLE, CAL, D(2026, 11, 12))
    # Ahead: the evaluation only; what follows it is decided there.
    assert [(s.step.id, s.state) for s in states[4:]] == [("evaluering", "neste")]
    case = record_step(case, HOLE, "evaluering", D(2026, 12, 3), "hb", utfall="lost")
    assert case.steps[-1].utfall == "løst"  # `lost` is taken for `løst`
    assert next_step(case, HOLE) is None
    assert due_steps([case], HOLE, CAL, D(2027, 6, 1), horizon_days=365) == []


# --- where a deadline lands ----------------------------------------------------------------


def _one_step(dager: int | None, naar: str, uker: int | None = None) -> Profile:
    s = StepDef("s", "Trinn", "kontaktlaerer", "varsel", dager, (), "", naar, uker)
    return Profile("test", "Test", (), (s,))


@pytest.mark.parametrize(
    ("base", "dager", "expected"),
    [
        (D(2026, 9, 21), 0, D(2026, 9, 21)),  # «samme dag» on a school day stays
        (D(2026, 10, 10), 7, D(2026, 10, 19)),  # Sat 17.10 → Monday 19.10
        (D(2026, 9, 21), 7, D(2026, 10, 5)),  # Mon 28.09 in høstferie → after it, 05.10
        # Issue 11: contact Fri 25.09.2026, høstferie 28.09–02.10: «innen 1 uke» → 05.10.
        (D(2026, 9, 25), 7, D(2026, 10, 5)),
        (D(2026, 9, 26), 0, D(2026, 10, 5)),  # an incident on a Saturday → Monday after
        # Issue 11: contact Fri 18.12.2026: 25.12 → 04.01.2027, not 18.12 the same day.
        (D(2026, 12, 18), 7, D(2027, 1, 4)),
        # Issue 11: Vedlegg 3 received 10.12: «innen 14 dager» 24.12 → 04.01.2027, not 18.12.
        (D(2026, 12, 10), 14, D(2027, 1, 4)),
        # 17. mai 2027 (Grunnlovsdag, also 2. pinsedag) → Tuesday 18.05, not Friday 14.05.
        (D(2027, 5, 10), 7, D(2027, 5, 18)),
        # Kristi himmelfartsdag Thu 06.05.2027 → Friday 07.05.
        (D(2027, 4, 29), 7, D(2027, 5, 7)),
    ],
)
def test_innen_n_dager_counts_calendar_days_and_moves_forward(
    base: dt.date, dager: int, expected: dt.date
) -> None:
    """DESIGN: «a last day that is not a school day moves *forward* ... Never backwards»."""
    profile = _one_step(dager, "innen")
    case = new_case(profile, varsel=base)
    assert deadline(case, profile.steps[0], profile, CAL) == expected
    assert CAL.is_school_day(expected)
    assert expected >= base + dt.timedelta(days=dager)


PLANLEGGINGSDAG = SchoolCalendar(
    (
        Holiday("Planleggingsdag", D(2026, 11, 13), D(2026, 11, 13)),
        Holiday("Juleferie", D(2026, 12, 21), D(2027, 1, 1)),
        Holiday("Vinterferie", D(2027, 2, 22), D(2027, 2, 26)),
    )
)


@pytest.mark.parametrize(
    ("base", "uker", "expected"),
    [
        # Issue 11: a plan made Thu 12.11 with a planleggingsdag on 13.11 → evaluated 27.11
        # («Planen prøves ut i 2 uker før evaluering»: 10 school days, 13.11 not one).
        (D(2026, 11, 12), 2, D(2026, 11, 27)),
        # Issue 11: a plan made 11.12 is not evaluated on 04.01 after 6 school days:
        # juleferie inside the trial, the 10th school day is Fri 08.01.2027.
        (D(2026, 12, 11), 2, D(2027, 1, 8)),
        # Issue 11: a Hole meeting 12.02.2027 with vinterferie 22.–26.02: «Evaluering etter
        # tre uker» = 15 school days → 12.03.2027, not 05.03 after 10.
        (D(2027, 2, 12), 3, D(2027, 3, 12)),
        (D(2027, 5, 7), 2, D(2027, 5, 24)),  # 13.05 Kr. himmelfart, 17.05: two days more
        (D(2026, 12, 18), 0, D(2026, 12, 18)),
        (D(2026, 12, 19), 0, D(2027, 1, 4)),
    ],
)
def test_etter_n_uker_counts_school_weeks(base: dt.date, uker: int, expected: dt.date) -> None:
    """DESIGN: «N school weeks = the 5N-th school day after the start»."""
    profile = _one_step(None, "etter", uker)
    case = new_case(profile, varsel=base)
    assert deadline(case, profile.steps[0], profile, PLANLEGGINGSDAG) == expected
    school_days = list(PLANLEGGINGSDAG.school_days(base + dt.timedelta(days=1), expected))
    assert len(school_days) == 5 * uker or uker == 0


def test_no_deadline_without_frist_dager() -> None:
    s = StepDef("s", "Trinn", "kontaktlaerer", "varsel", None, (), "")
    profile = Profile("test", "Test", (), (s,))
    assert deadline(new_case(profile), s, profile, CAL) is None


# --- the order of steps, closing and reopening ----------------------------------------------


def test_steps_out_of_order_are_refused() -> None:
    case = new_case()
    with pytest.raises(ValueError, match="«Kartleggingssamtale med elev og foresatte» kan ikke"):
        record_step(case, STRAND, "kartleggingssamtale", D(2026, 9, 22), "hb")
    with pytest.raises(ValueError, match="føres før «Kontakt med foresatte» er ført"):
        record_step(case, STRAND, "bti", D(2026, 9, 22), "hb")
    with pytest.raises(ValueError, match="Ukjent trinn «ring_hjem»"):
        record_step(case, STRAND, "ring_hjem", D(2026, 9, 22), "hb")
    with pytest.raises(ValueError, match="følger regelprofilen «strand», ikke «hole»"):
        record_step(case, HOLE, "telefon_hjem", D(2026, 9, 22), "hb")
    case = record_step(case, STRAND, "kontakt_hjem", D(2026, 9, 22), "hb")
    with pytest.raises(ValueError, match=r"«Kontakt med foresatte» er allerede ført \(22\.09"):
        record_step(case, STRAND, "kontakt_hjem", D(2026, 9, 23), "hb")
    with pytest.raises(ValueError, match=r"21\.09\.2026 er før forrige trinn \(22\.09\.2026\)"):
        record_step(case, STRAND, "kartleggingssamtale", D(2026, 9, 21), "hb")
    # The same day as the step before is fine.
    case = record_step(case, STRAND, "kartleggingssamtale", D(2026, 9, 22), "hb")
    assert [r.step for r in case.steps] == ["kontakt_hjem", "kartleggingssamtale"]


def test_a_closed_case_refuses_steps_and_tiltak() -> None:
    case = walk(new_case(), STRAND, ("kontakt_hjem", D(2026, 9, 21)))
    closed = close_case(case, D(2026, 9, 22), "hb", "Fraværet er forklart.")
    assert closed.status is CaseStatus.LUKKET
    with pytest.raises(ValueError, match="Saken er lukket. Gjenåpne den for å føre trinn"):
        record_step(closed, STRAND, "kartleggingssamtale", D(2026, 9, 23), "hb")
    tiltak = Tiltak("t1", "Ha åpen og jevnlig dialog med foresatte", "hb", D(2026, 9, 23), 2)
    with pytest.raises(ValueError, match="Saken er lukket"):
        add_tiltak(closed, tiltak)
    with pytest.raises(ValueError, match="allerede lukket"):
        close_case(closed, D(2026, 9, 23), "hb")
    with pytest.raises(ValueError, match="ikke lukket"):
        reopen_case(case, D(2026, 9, 23), "hb")


def test_reopen_keeps_the_history() -> None:
    case = walk(new_case(), STRAND, ("kontakt_hjem", D(2026, 9, 21)))
    case = add_tiltak(case, Tiltak("t1", "Trygge foresatte", "hb", D(2026, 9, 21), 2, True))
    closed = close_case(case, D(2026, 9, 22), "hb", "Forklart.")
    reopened = reopen_case(closed, D(2026, 10, 12), "al", "Fraværet er tilbake.")
    assert reopened.status is CaseStatus.AAPEN
    assert reopened.steps == case.steps and reopened.tiltak == case.tiltak
    assert [(e.hva, e.dato, e.av, e.notat) for e in reopened.events] == [
        ("opprettet", D(2026, 9, 21), "hb", ""),
        ("lukket", D(2026, 9, 22), "hb", "Forklart."),
        ("gjenapnet", D(2026, 10, 12), "al", "Fraværet er tilbake."),
    ]
    # The staircase goes on where it stopped.
    assert next_step(reopened, STRAND) == step(STRAND, "kartleggingssamtale")
    again = record_step(reopened, STRAND, "kartleggingssamtale", D(2026, 10, 13), "hb")
    assert [r.step for r in again.steps] == ["kontakt_hjem", "kartleggingssamtale"]
    assert case.status is CaseStatus.AAPEN and len(case.events) == 1  # values never change


# --- what is due ---------------------------------------------------------------------------


def test_due_steps_overdue_first_then_by_frist() -> None:
    today = D(2026, 11, 16)  # a Monday
    a = walk(  # next: skolenaervaersplan, frist Sat 14.11 → Mon 16.11, due today
        new_case(varsel=D(2026, 9, 21), case_id="a", elev="ea"),
        STRAND,
        ("kontakt_hjem", D(2026, 9, 21)),
        ("kartleggingssamtale", D(2026, 9, 25)),
        ("melding_ledelsen", D(2026, 10, 31)),
    )
    b = new_case(varsel=today, case_id="b", elev="eb")  # kontakt_hjem due today
    c = walk(  # kartleggingssamtale due Thu 19.11, with hoyt_fravaer since 10.11
        new_case(varsel=D(2026, 11, 12), case_id="c", elev="ec"),
        STRAND,
        ("kontakt_hjem", D(2026, 11, 12)),
    )
    h = walk(  # the same, but without hoyt_fravaer: no deadline, never due
        new_case(varsel=D(2026, 11, 2), case_id="h", elev="eh"),
        STRAND,
        ("kontakt_hjem", D(2026, 11, 2)),
    )
    d = close_case(new_case(varsel=D(2026, 11, 2), case_id="d", elev="ed"), today, "hb")
    e = walk(  # next is melding_ledelsen: no deadline
        new_case(varsel=D(2026, 9, 21), case_id="e", elev="ee"),
        STRAND,
        ("kontakt_hjem", D(2026, 9, 21)),
        ("kartleggingssamtale", D(2026, 9, 25)),
    )
    f = new_case(HOLE, varsel=D(2026, 11, 2), case_id="f", elev="ef")  # another profile
    g = new_case(varsel=D(2026, 11, 10), case_id="g", elev="eg")  # kontakt_hjem overdue 10.11
    cases = [c, f, b, e, a, d, g, h]
    held = {"ec": {"hoyt_fravaer": D(2026, 11, 10)}}

    due = due_steps(cases, STRAND, CAL, today, held=held)
    assert [(x.case.id, x.step.id, x.frist, x.overdue) for x in due] == [
        ("g", "kontakt_hjem", D(2026, 11, 10), True),
        ("a", "skolenaervaersplan", D(2026, 11, 16), False),
        ("b", "kontakt_hjem", D(2026, 11, 16), False),
    ]
    assert all(isinstance(x, DueStep) for x in due)
    ahead = due_steps(cases, STRAND, CAL, today, horizon_days=3, held=held)
    assert [x.case.id for x in ahead] == ["g", "a", "b", "c"]
    assert "c" not in [x.case.id for x in due_steps(cases, STRAND, CAL, today, 3)]
    assert [x.case.id for x in due_steps(cases, HOLE, CAL, today)] == ["f"]


# --- the staircase -------------------------------------------------------------------------


def test_staircase_states_and_text() -> None:
    case = walk(new_case(varsel=D(2026, 11, 23)), STRAND, ("kontakt_hjem", D(2026, 11, 23)))
    held = {"hoyt_fravaer": D(2026, 11, 20)}
    states = staircase(case, STRAND, CAL, D(2026, 12, 1), held)
    assert all(isinstance(s, StepState) for s in states)
    assert [(s.step.id, s.state, s.overdue) for s in states] == [
        ("kontakt_hjem", "utfort", False),
        ("kartleggingssamtale", "neste", True),
        ("melding_ledelsen", "senere", False),
        ("skolenaervaersplan", "senere", False),
        ("evaluering_1", "senere", False),
        ("evaluering_2", "senere", False),
        ("bti", "senere", False),
        ("samhandlingsmote", "senere", False),
    ]
    assert states[0].record == case.steps[0]
    assert staircase_text(states, {"hb": "HB"}) == [
        "✓ 1 Kontakt med foresatte – 23.11.2026 (HB)",
        "▶ 2 Kartleggingssamtale med elev og foresatte – frist 30.11.2026 (forfalt)",
        "· 3 Skriftlig melding til ledelsen",
        "· 4 Møte og skolenærværsplan",
        "· 5 Evaluering av planen",
        "· 6 Ny evaluering",
        "· 7 Oppvekstteam / BTI nivå 2–3",
        "· 8 Samhandlingsmøte med tjenestene",
    ]
    # On the deadline itself it is not yet overdue; without names the staff id shows.
    on_time = staircase_text(staircase(case, STRAND, CAL, D(2026, 11, 30), held))
    assert on_time[:2] == [
        "✓ 1 Kontakt med foresatte – 23.11.2026 (hb)",
        "▶ 2 Kartleggingssamtale med elev og foresatte – frist 30.11.2026",
    ]


def test_staircase_text_late_steps_and_evaluations() -> None:
    case = walk(
        new_case(varsel=D(2026, 11, 20)),  # a Friday
        STRAND,
        ("kontakt_hjem", D(2026, 11, 23)),  # one school day late
        ("kartleggingssamtale", D(2026, 11, 27)),
        ("melding_ledelsen", D(2026, 11, 30)),
        ("skolenaervaersplan", D(2026, 12, 2)),
    )
    text = staircase_text(staircase(case, STRAND, CAL, D(2026, 12, 3)), {"hb": "HB"})
    assert text[0] == "✓ 1 Kontakt med foresatte – 23.11.2026 (HB, frist var 20.11.2026)"
    assert text[3] == "✓ 4 Møte og skolenærværsplan – 02.12.2026 (HB)"
    # 10 school days after Wed 02.12: 03.12–16.12.
    assert text[4] == "▶ 5 Evaluering av planen – planlagt 16.12.2026"
    assert text[5] == "· 6 Ny evaluering"


def test_a_closed_case_has_no_next_step_in_its_staircase() -> None:
    case = close_case(new_case(varsel=D(2026, 11, 2)), D(2026, 11, 3), "hb")
    states = staircase(case, STRAND, CAL, D(2026, 11, 20))
    assert {s.state for s in states} == {"senere"}
    assert not any(s.overdue for s in states)
    assert states[0].frist == D(2026, 11, 2)
    assert staircase_text(states)[0] == "· 1 Kontakt med foresatte – frist 02.11.2026"


# --- tiltak --------------------------------------------------------------------------------


def test_tiltak_til_and_adding() -> None:
    t = Tiltak("t1", VEDLEGG5_TILTAK[0][1][11], "kontaktlærer", D(2026, 10, 12), 2, True)
    assert t.til == D(2026, 10, 25)  # two whole weeks, Monday to Sunday
    assert Tiltak("t2", "Ring hver morgen", "hjem", D(2026, 10, 14), 1).til == D(2026, 10, 20)
    case = add_tiltak(new_case(), t)
    case = add_tiltak(case, Tiltak("t2", "Ring hver morgen", "hjem", D(2026, 10, 14), 1))
    assert [x.id for x in case.tiltak] == ["t1", "t2"]
    assert case.tiltak[0].fra_vedlegg5 and not case.tiltak[1].fra_vedlegg5
    with pytest.raises(ValueError, match="allerede et tiltak med id «t1»"):
        add_tiltak(case, Tiltak("t1", "Noe annet", "hb", D(2026, 10, 14), 1))
    with pytest.raises(ValueError, match="minst én uke"):
        add_tiltak(case, Tiltak("t3", "Noe", "hb", D(2026, 10, 14), 0))
    with pytest.raises(ValueError, match="Skriv hva tiltaket"):
        add_tiltak(case, Tiltak("t3", "  ", "hb", D(2026, 10, 14), 1))


def test_vedlegg5_is_the_whole_list() -> None:
    headings = [h for h, _ in VEDLEGG5_TILTAK]
    assert headings == [
        "Aktuelle tiltak knyttet til skolehverdagen",
        "Aktuelle tiltak knyttet til hjem-skole samarbeidet",
    ]
    assert [len(texts) for _, texts in VEDLEGG5_TILTAK] == [17, 6]
    texts = [t for _, ts in VEDLEGG5_TILTAK for t in ts]
    assert len(set(texts)) == len(texts)
    assert all(t == t.strip() and "  " not in t and "\n" not in t for t in texts)
    assert texts[0] == "Kartleggingssamtalene jf. vedlegg 1 og 2."
    assert texts[-1].startswith("Ved store utfordringer med å få elev på skolen")


@pytest.mark.skipif(not SEED.exists(), reason="the seed routine is not on this machine")
def test_vedlegg5_texts_are_the_seeds() -> None:
    text = SEED.read_text(encoding="utf-8")
    part = text[text.index("Tiltak for å øke skolenærværet") : text.index("Vedlegg 6:")]
    flat = " ".join(part.split())
    for heading, texts in VEDLEGG5_TILTAK:
        assert heading in flat
        for t in texts:
            assert f"• {t}" in flat
    assert flat.count("•") == sum(len(ts) for _, ts in VEDLEGG5_TILTAK)


# --- the effect of tiltak ------------------------------------------------------------------

ROSTER = Roster(
    students=(Student("e1", "Ola", "Nordmann", "9A"), Student("e2", "Kari", "Hansen", "9A")),
    timetable=tuple(
        Slot("9A", ukedag, time, dt.time(7 + time), dt.time(7 + time, 45), "norsk", "hb")
        for ukedag in range(1, 6)
        for time in range(1, 7)
    ),
)


def reg(dato: dt.date, time: int, *marks: Mark) -> Registration:
    return Registration("9A", dato, time, "hb", dt.datetime.combine(dato, dt.time(8)), marks)


def absent(elev: str = "e1", kind: MarkType = MarkType.FRAVAER) -> Mark:
    return Mark(elev, kind)


REGISTRATIONS = (
    reg(D(2026, 10, 2), 1, absent()),  # in høstferie: not a lesson, never counted
    reg(D(2026, 10, 4), 1, absent()),  # a Sunday, outside the window too
    reg(D(2026, 10, 6), 1, absent()),
    reg(D(2026, 10, 6), 2, absent()),
    reg(D(2026, 10, 7), 1, Mark("e1", MarkType.SENT, minutter=10)),  # late is not absent
    reg(D(2026, 10, 7), 2, absent("e2")),  # another student
    reg(D(2026, 10, 8), 3, absent(kind=MarkType.FORLOT)),  # forlot counts
    reg(D(2026, 10, 13), 1, absent("e2")),
    reg(D(2026, 10, 19), 1, absent()),  # after the after-window
)


def test_effect_before_and_after() -> None:
    effect = effect_of("e1", "9A", ROSTER, CAL, REGISTRATIONS, D(2026, 10, 12), 7)
    assert effect == Effect(
        for_fra=D(2026, 10, 5),
        for_til=D(2026, 10, 11),
        etter_fra=D(2026, 10, 12),
        etter_til=D(2026, 10, 18),
        for_prosent=10.0,  # 3 of 30 lessons
        etter_prosent=0.0,
        for_dager=0.5,  # 2/6 + 1/6
        etter_dager=0.0,
    )
    assert effect.endring == -10.0
    assert effect.sentence() == (
        "Fraværet gikk ned fra 10,0 % til 0,0 % av timene (før: 05.10–11.10, etter: 12.10–18.10)."
    )


def test_effect_after_window_is_cut_at_til() -> None:
    regs = (*REGISTRATIONS, reg(D(2026, 10, 13), 2, absent()))
    effect = effect_of("e1", "9A", ROSTER, CAL, regs, D(2026, 10, 12), 7, til=D(2026, 10, 14))
    assert (effect.etter_fra, effect.etter_til) == (D(2026, 10, 12), D(2026, 10, 14))
    assert effect.etter_prosent == 5.56  # 1 of 18 lessons
    assert effect.etter_dager == 0.17
    assert "gikk ned fra 10,0 % til 5,6 % av timene" in effect.sentence()
    # A later `til` than the window's end changes nothing.
    later = effect_of("e1", "9A", ROSTER, CAL, regs, D(2026, 10, 12), 7, til=D(2026, 12, 1))
    assert later.etter_til == D(2026, 10, 18)


def test_effect_counts_school_days_only() -> None:
    regs = (*REGISTRATIONS, *(reg(D(2026, 9, 21), t, absent()) for t in range(1, 7)))
    effect = effect_of("e1", "9A", ROSTER, CAL, regs, D(2026, 10, 5), 14)
    # Before: 21.09–04.10 holds høstferie, so only 21.–25.09 count: 6 of 30 lessons.
    assert (effect.for_fra, effect.for_til) == (D(2026, 9, 21), D(2026, 10, 4))
    assert (effect.for_prosent, effect.for_dager) == (20.0, 1.0)
    # After: 05.10–18.10, ten school days: 3 of 60 lessons.
    assert (effect.etter_prosent, effect.etter_dager) == (5.0, 0.5)
    assert effect.endring == -15.0


def test_effect_refuses_empty_windows() -> None:
    with pytest.raises(ValueError, match="minst én dag"):
        effect_of("e1", "9A", ROSTER, CAL, REGISTRATIONS, D(2026, 10, 12), 0)
    with pytest.raises(ValueError, match="etter sluttdatoen 11.10.2026"):
        effect_of("e1", "9A", ROSTER, CAL, REGISTRATIONS, D(2026, 10, 12), 7, til=D(2026, 10, 11))
    with pytest.raises(ValueError, match=r"9A har ingen timer 28\.12\.2026–03\.01\.2027"):
        effect_of("e1", "9A", ROSTER, CAL, REGISTRATIONS, D(2027, 1, 4), 7)


@pytest.mark.parametrize(
    ("before", "after", "sentence"),
    [
        (18.2, 6.1, "Fraværet gikk ned fra 18,2 % til 6,1 % av timene"),
        (6.1, 18.25, "Fraværet gikk opp fra 6,1 % til 18,3 % av timene"),
        (6.14, 6.06, "Fraværet var uendret, 6,1 % av timene"),
    ],
)
def test_effect_sentence(before: float, after: float, sentence: str) -> None:
    effect = Effect(
        D(2026, 10, 1), D(2026, 10, 14), D(2026, 10, 15), D(2026, 10, 28), before, after, 2.5, 0.8
    )
    assert effect.sentence() == f"{sentence} (før: 01.10–14.10, etter: 15.10–28.10)."


def test_effect_is_kept_on_the_step() -> None:
    effect = effect_of("e1", "9A", ROSTER, CAL, REGISTRATIONS, D(2026, 10, 12), 7)
    case = hole_to_evaluation(D(2026, 9, 21), D(2026, 10, 12))
    case = record_step(
        case, HOLE, "evaluering", D(2026, 11, 2), "hb", effect.sentence(), effect, "ny_plan"
    )
    assert case.steps[-1].effect == effect


# --- property: whatever staff do, the steps stay in the profile's order ----------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("step"), st.integers(0, 6), st.integers(-3, 20)),
        st.tuples(st.just("close"), st.just(0), st.integers(0, 5)),
        st.tuples(st.just("reopen"), st.just(0), st.integers(0, 5)),
        st.tuples(st.just("tiltak"), st.integers(0, 3), st.integers(0, 5)),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(profile=st.sampled_from([STRAND, HOLE]), ops=operations)
def test_random_operations_keep_steps_in_order(profile: Profile, ops: list) -> None:
    dato = D(2026, 9, 21)
    case = new_case(profile, varsel=dato)
    for n, (op, arg, days) in enumerate(ops):
        dato += dt.timedelta(days=days)
        try:
            if op == "step":
                ids = [s.id for s in profile.steps]
                outcomes = ("", "løst", "ny_plan", "aktiv_oppfolging", "bekymring", "ny_evaluering")
                utfall = outcomes[days % len(outcomes)]
                case = record_step(case, profile, ids[arg % len(ids)], dato, "hb", utfall=utfall)
            elif op == "close":
                case = close_case(case, dato, "hb")
            elif op == "reopen":
                case = reopen_case(case, dato, "hb")
            else:
                case = add_tiltak(case, Tiltak(f"t{n}", "Tiltak", "hb", dato, arg))
        except ValueError:
            pass
        for i, record in enumerate(case.steps):  # each record was the next step then
            before = replace(case, steps=case.steps[:i])
            assert next_step(before, profile).id == record.step  # type: ignore[union-attr]
        dates = [r.dato for r in case.steps]
        assert dates == sorted(dates)
        assert case.events[0].hva == "opprettet"
        last = case.events[-1].hva
        assert case.status is (CaseStatus.LUKKET if last == "lukket" else CaseStatus.AAPEN)
        states = staircase(case, profile, CAL, dato)
        nexts = [s for s in states if s.state == "neste"]
        complete = next_step(case, profile) is None
        assert len(nexts) == (0 if complete or case.status is CaseStatus.LUKKET else 1)
        assert all(s.state == "utfort" for s in states[: len(case.steps)])
        assert all(t.uker >= 1 for t in case.tiltak)
