"""The samtykke register (issue 13, point 1): values and rules, the one door, the CLI, and
the warnings on the steps that bring a service in.

Seeds: «Husk å innhente informert samtykke dersom helsesykepleier skal delta» (Strand,
Kontaktlærers ansvar c), «(husk samtykke)» (Ledelsens ansvar b, c), «Husk samtykke fra
elev/foresatte til å koble på andre tjenester» (BTI a), «avklare og hente inn tillatelse
til samarbeid med skolehelsetjenesten og eller PPT» (Hole), «OBS! De forskjellige
instansene skal innhente muntlig og/eller skriftlig samtykke fra foresatte og eventuelt
elev for å kunne dele opplysninger vedrørende eleven» (Hole).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from fravaer_tui.application.school import open_school
from fravaer_tui.application.session import AccessDenied, Session
from fravaer_tui.domain import consent
from fravaer_tui.domain.consent import GivenBy, Service
from fravaer_tui.errors import UserError
from fravaer_tui.store import Store
from tests.conftest import clock
from tests.unit.routine_kit import run, use_profile

D = dt.date
NOW = dt.datetime(2026, 11, 20, 15, 0)


def make(**kw) -> consent.Samtykke:
    args = {"consent_id": "c1", "elev": "e1", "tjeneste": Service.PPT}
    args |= {"gitt_av": GivenBy.FORESATT, "dato": D(2026, 10, 1)}
    args.update(kw)
    return consent.new_consent(**args)


# --- values and rules ----------------------------------------------------------------------


def test_on_file_from_the_day_given_until_the_day_withdrawn() -> None:
    given = make()
    assert not given.on_file(D(2026, 9, 30))
    assert given.on_file(D(2026, 10, 1))
    withdrawn = consent.withdraw(given, D(2026, 11, 2), "A005")
    assert withdrawn.on_file(D(2026, 11, 1))
    assert not withdrawn.on_file(D(2026, 11, 2))  # withdrawn that day: no longer
    assert withdrawn.trukket_av == "A005"
    with pytest.raises(ValueError, match=r"allerede trukket \(02\.11\.2026\)"):
        consent.withdraw(withdrawn, D(2026, 11, 3), "A005")
    with pytest.raises(ValueError, match="før det ble gitt"):
        consent.withdraw(given, D(2026, 9, 1), "A005")


def test_the_newest_consent_on_file_counts() -> None:
    old = consent.withdraw(make(consent_id="a", dato=D(2026, 9, 1)), D(2026, 10, 1), "x")
    new = make(consent_id="b", dato=D(2026, 10, 5))
    other = make(consent_id="c", tjeneste=Service.BUP)
    found = [old, new, other]
    assert consent.consent_for(found, "e1", Service.PPT, D(2026, 9, 15)) is old
    assert consent.consent_for(found, "e1", Service.PPT, D(2026, 10, 2)) is None  # the gap
    assert consent.consent_for(found, "e1", Service.PPT, D(2026, 10, 5)) is new
    assert consent.consent_for(found, "e2", Service.PPT, D(2026, 10, 5)) is None
    wanted = [Service.PPT, Service.HELSESYKEPLEIER, Service.PPT]
    statuses = consent.statuses(wanted, found, "e1", D(2026, 10, 5))
    assert [(s.tjeneste, s.on_file) for s in statuses] == [
        (Service.PPT, True),
        (Service.HELSESYKEPLEIER, False),
    ]
    assert consent.missing_warning(statuses) == (
        "Mangler samtykke for helsesykepleier (skolehelsetjenesten): husk samtykke før "
        "opplysninger om eleven deles (fravaer consent add)."
    )
    assert consent.missing_warning(statuses[:1]) == ""


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("helsesykepleier", Service.HELSESYKEPLEIER),
        ("skolehelsetjenesten", Service.HELSESYKEPLEIER),  # Hole's word
        ("PPT", Service.PPT),
        ("PP-tjenesten", Service.PPT),
        ("Familiens hus", Service.FAMILIENS_HUS),
        ("barneverntjenesten", Service.BARNEVERN),
        ("BUP", Service.BUP),
        ("fastlege", Service.FASTLEGE),
    ],
)
def test_services_by_the_seeds_words(text: str, service: Service) -> None:
    assert consent.parse_service(text) is service


def test_what_a_consent_may_hold() -> None:
    with pytest.raises(ValueError, match="ukjent tjeneste «psykolog»"):
        consent.parse_service("psykolog")
    with pytest.raises(ValueError, match="Skriv navnet på tjenesten"):
        make(tjeneste=Service.ANNET)
    assert make(tjeneste=Service.ANNET, annen="Oppvekstteam").tjeneste_navn == "Oppvekstteam"
    with pytest.raises(ValueError, match="bare for «annet»"):
        make(annen="Oppvekstteam")
    with pytest.raises(ValueError, match="omfanget inneholder et usynlig kontrolltegn"):
        make(omfang="fravær\x1b[2J")
    with pytest.raises(ValueError, match="omfanget er lengre enn 200 tegn"):
        make(omfang="x" * 201)
    with pytest.raises(ValueError, match="navnet på den som ga samtykket"):
        make(navn="Kari\u202e")
    assert make(omfang="  fravær \n og tiltak ").omfang == "fravær og tiltak"


def test_documents_list_consents_without_names_when_asked() -> None:
    given = make(navn="Kari Nordmann", omfang="fravær og tiltak")
    gone = consent.withdraw(make(consent_id="c2", tjeneste=Service.BUP), D(2026, 11, 1), "x")
    text = consent.document_lines([gone, given], D(2026, 11, 20))
    assert text.splitlines() == [
        "PPT: gitt 01.10.2026 av foresatt (Kari Nordmann), gjelder fravær og tiltak",
        "BUP: gitt 01.10.2026 av foresatt – trukket 01.11.2026",
    ]
    assert "Kari" not in consent.document_lines([given], D(2026, 11, 20), names=False)
    assert consent.document_lines([], D(2026, 11, 20)) == "Ingen samtykker er registrert."


# --- through the one door -------------------------------------------------------------------


def test_only_kontaktlaerer_and_ledelsen_see_and_record_consents(demo_dir: Path) -> None:
    school = open_school(demo_dir, clock=clock)
    staff = {s.id: s for s in school.roster.staff}
    kontakt = Session(school, staff["A005"])  # 8A's kontaktlærer
    given = kontakt.add_consent(
        "E0021", Service.HELSESYKEPLEIER, GivenBy.FORESATT, D(2026, 11, 18), NOW,
        omfang="delta i kartleggingssamtalen", navn="Kari Haugen",
    )  # fmt: skip
    assert given.av == "A005" and given.tid == NOW
    assert [c.id for c in kontakt.consents("E0021", D(2026, 11, 20))] == [given.id]
    assert kontakt.consents("E0021", D(2026, 11, 17)) == []  # not given yet then
    rektor = Session(school, staff["A001"])
    assert [c.id for c in rektor.consents("E0021", D(2026, 11, 20))] == [given.id]
    for who in ("A008", "A007"):  # a faglærer; 10A's kontaktlærer
        other = Session(school, staff[who])
        with pytest.raises(AccessDenied, match="bare klassens kontaktlærer og ledelsen"):
            other.consents("E0021", D(2026, 11, 20))
        with pytest.raises(AccessDenied):
            other.add_consent("E0021", Service.PPT, GivenBy.FORESATT, D(2026, 11, 20), NOW)
        with pytest.raises(AccessDenied):
            other.withdraw_consent("E0021", given.id, D(2026, 11, 20), NOW)
    with pytest.raises(UserError, match="fram i tid"):
        kontakt.add_consent("E0021", Service.PPT, GivenBy.FORESATT, D(2026, 11, 21), NOW)

    withdrawn = kontakt.withdraw_consent("E0021", given.id, D(2026, 11, 20), NOW)
    assert withdrawn.trukket == D(2026, 11, 20)
    with pytest.raises(UserError, match="allerede trukket"):
        kontakt.withdraw_consent("E0021", given.id, D(2026, 11, 20), NOW)
    with pytest.raises(UserError, match="har ikke noe samtykke «C0»"):
        kontakt.withdraw_consent("E0021", "C0", D(2026, 11, 20), NOW)

    log = Store(demo_dir).log.read()
    changes = [e for e in log if e.get("samtykke") == given.id]
    assert [e["hva"] for e in changes] == ["samtykke", "samtykke_endret"]
    assert changes[0]["for"] is None and changes[0]["etter"]["tjeneste"] == "helsesykepleier"
    assert changes[1]["for"]["trukket"] is None and changes[1]["etter"]["trukket"] == "2026-11-20"
    reads = [e for e in log if e.get("hva") == "innsyn" and e.get("gjelder") == "samtykke"]
    assert {(e["av"], e["elev"]) for e in reads} == {("A005", "E0021"), ("A001", "E0021")}


def test_a_consent_carries_over_into_the_next_school_year(demo_dir: Path) -> None:
    school = open_school(demo_dir, clock=clock)
    kontakt = Session(school, school.roster.staff_member("A005"))
    given = kontakt.add_consent("E0021", Service.PPT, GivenBy.FORESATT, D(2026, 11, 2), NOW)
    stored = Store(demo_dir).load_consents("2026-2027", "8A")
    assert [c.id for c in stored] == [given.id]
    later = Session(school, school.roster.staff_member("A001"))
    assert [c.id for c in later.consents("E0021", D(2027, 9, 1))] == [given.id]  # last year's
    assert later.consents("E0021", D(2028, 9, 1)) == []  # two years on: gathered anew
    found = later.consent_statuses("E0021", [Service.PPT], D(2027, 9, 1))
    assert found[0].on_file


# --- the CLI ------------------------------------------------------------------------------------


def test_consent_add_list_withdraw(demo_dir: Path, capsys) -> None:
    now = "2026-11-20 15:00"
    code, out, err = run(
        capsys, demo_dir, now, "consent", "add", "--student", "E0021", "--service",
        "skolehelsetjenesten", "--given-by", "foresatt", "--name", "Kari Haugen",
        "--date", "2026-11-18", "--scope", "delta i kartleggingssamtalen", user="A005",
    )  # fmt: skip
    assert code == 0, err
    assert "helsesykepleier (skolehelsetjenesten): gitt 18.11.2026 av foresatt (Kari Haugen)" in out
    code, out, _ = run(
        capsys, demo_dir, now, "consent", "list", "--student", "E0021", "--json", user="A005"
    )
    [shown] = json.loads(out)
    assert shown.keys() == {
        "id", "tjeneste", "tjeneste_navn", "gitt_av", "navn", "dato", "omfang", "trukket",
        "paa_plass",
    }  # fmt: skip
    assert (shown["tjeneste"], shown["dato"], shown["paa_plass"]) == (
        "helsesykepleier",
        "2026-11-18",
        True,
    )
    code, out, _ = run(
        capsys, demo_dir, now, "consent", "withdraw", "--student", "E0021", "--id", shown["id"],
        user="A005",
    )  # fmt: skip
    assert code == 0 and "trukket fra 20.11.2026" in out
    code, out, _ = run(capsys, demo_dir, now, "consent", "list", "--student", "E0021", user="A005")
    assert "– trukket 20.11.2026" in out


@pytest.mark.parametrize(
    ("argv", "user", "message"),
    [
        (
            ["add", "--student", "E0021", "--service", "psykolog", "--given-by", "foresatt"],
            "A005",
            "--service: ukjent tjeneste «psykolog»",
        ),  # fmt: skip
        (
            ["add", "--student", "E0021", "--service", "ppt", "--given-by", "mor"],
            "A005",
            "--given-by: ukjent «gitt av» «mor» (bruk foresatt eller elev)",
        ),  # fmt: skip
        (
            [
                "add",
                "--student",
                "E0021",
                "--service",
                "ppt",
                "--given-by",
                "elev",
                "--scope",
                "a\x07b",
            ],
            "A005",
            "omfanget inneholder et usynlig kontrolltegn",
        ),  # fmt: skip
        (["list", "--student", "E0021"], "A008", "har ikke tilgang til samtykkene i 8A"),
        (["list", "--student", "E9999"], "A005", "Ukjent elev «E9999»"),
        (
            ["withdraw", "--student", "E0021", "--id", "C1"],
            "A005",
            "har ikke noe samtykke «C1»",
        ),  # fmt: skip
    ],
)
def test_consent_errors_in_norwegian(demo_dir, capsys, argv, user, message) -> None:
    code, _, err = run(capsys, demo_dir, "2026-11-20 15:00", "consent", *argv, user=user)
    assert code == 1 and message in err


# --- the warnings on the steps ------------------------------------------------------------------


def test_a_hole_step_that_brings_in_ppt_warns_until_consent_is_on_file(
    demo_dir: Path, capsys
) -> None:
    """Hole, aktiv oppfølging: «PPT kontaktes»; «hente inn tillatelse til samarbeid»."""
    use_profile(demo_dir, "hole")
    now = "2026-11-20 15:00"
    run(capsys, demo_dir, now, "case", "open", "--student", "E0021", user="A005")
    walk = [
        ("2026-11-20", ["--outcome", "bekymring"]),
        ("2026-11-20", []),
        ("2026-11-20", []),
        ("2026-11-20", []),
        ("2026-11-20", ["--outcome", "aktiv_oppfolging"]),
    ]
    for done, extra in walk:
        code, _, err = run(
            capsys, demo_dir, now, "case", "step", "--student", "E0021", "--date", done, *extra,
            user="A005",
        )  # fmt: skip
        assert code == 0, err
    code, out, _ = run(capsys, demo_dir, now, "case", "show", "--student", "E0021", user="A005")
    assert "▶ 6 Aktiv oppfølging: PPT kontaktet" in out
    assert "samtykke for PPT: MANGLER – husk samtykke" in out
    assert "Advarsel: Mangler samtykke for PPT" in out
    # recording the step without it: done, but warned
    code, out, err = run(
        capsys, demo_dir, now, "case", "step", "--student", "E0021", "--date", "2026-11-20",
        user="A008",
    )  # fmt: skip
    assert code == 1 and "bare klassens kontaktlærer og ledelsen" in err  # a faglærer
    code, out, err = run(
        capsys, demo_dir, now, "case", "step", "--student", "E0021", "--date", "2026-11-20",
    )  # fmt: skip
    assert code == 0 and "samtykke for PPT: MANGLER" in out
    assert "Advarsel: Mangler samtykke for PPT" in err
    code, _, _ = run(
        capsys, demo_dir, now, "consent", "add", "--student", "E0021", "--service", "ppt",
        "--given-by", "foresatt",
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, demo_dir, now, "case", "show", "--student", "E0021", "--json")
    shown = json.loads(out)
    ppt = next(t for t in shown["trinn"] if t["id"] == "ppt_kontaktet")
    assert ppt["samtykke"][0]["paa_plass"] and ppt["samtykke"][0]["gitt"] == "2026-11-20"
    # a meeting names who took part and the services it brought in
    code, out, err = run(
        capsys, demo_dir, now, "case", "step", "--student", "E0021", "--date", "2026-11-20",
        "--participant", "Kari Haugen (mor)", "--participant", "Per Pedersen, PPT",
        "--service", "ppt", "--service", "fastlege",
    )  # fmt: skip
    assert code == 0
    assert "samtykke for PPT: på plass (gitt 20.11.2026 av foresatt)" in out
    assert "Advarsel: Mangler samtykke for fastlege" in err
    code, out, _ = run(capsys, demo_dir, now, "case", "show", "--student", "E0021", "--json")
    meeting = next(t for t in json.loads(out)["trinn"] if t["id"] == "samarbeidsmote")
    assert meeting["deltakere"] == ["Kari Haugen (mor)", "Per Pedersen, PPT"]
    assert meeting["tjenester"] == ["ppt", "fastlege"]
    assert [(c["tjeneste"], c["paa_plass"]) for c in meeting["samtykke"]] == [
        ("ppt", True),
        ("fastlege", False),
    ]
