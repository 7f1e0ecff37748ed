"""Rule profiles: the municipality's thresholds and follow-up steps, as TOML data.

`strand` (default) and `hole` ship with the package; a school may point to its own file.
Parsing is pure; `load_profile` is the one place that reads a profile file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fravaer_tui.domain.consent import Service
from fravaer_tui.domain.validate import (
    check_id,
    check_name,
    check_number,
    check_text,
    decode_legacy_text,
    describe_value,
    toml_error_message,
    toml_line,
    unknown_key_problem,
    visible,
)
from fravaer_tui.errors import UserError

RULE_IDS = (
    "ugyldig_fravaer",
    "hoyt_fravaer",
    "forsentkomming",
    "forlater_skolen",
    "sammenhengende_uten_melding",
    "langvarig_kjent_aarsak",  # Hole, rutinepunkt 3 (issue 13)
    "mangler_utstyr",  # Hole: «om utstyr (f.eks. gymtøy) til stadighet mangler»
)
BUILTIN = ("strand", "hole")
ROLES = ("kontaktlaerer", "ledelse", "faglaerer")
NAAR = ("innen", "etter")  # a step's deadline: done by then, or happens after then


@dataclass(frozen=True, slots=True)
class RuleDef:
    id: str
    tittel: str
    beskrivelse: str
    maaneder: int | None  # None = the check date's semester
    terskel: float
    enhet: str
    tiltak: str
    permisjon_teller: bool = True
    # Hole, rutinepunkt 4: the action when innvilget permisjon alone reaches the threshold
    permisjon_tiltak: str = ""

    @property
    def vindu_tekst(self) -> str:
        if self.maaneder is None:
            return "semesteret"
        return "1 måned" if self.maaneder == 1 else f"{self.maaneder} måneder"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step decides (Hole's evaluation: løst, ny_plan, aktiv_oppfolging) and the
    step it leads to (`neste`, "" = no further step)."""

    id: str
    tittel: str
    neste: str = ""


@dataclass(frozen=True, slots=True)
class TaskDef:
    """A tracked item beside a step (issue 13), due from the step's start: Strand's
    «Elev og foresatte tilbys også innen 14 dager samtale med helsesykepleier» (Ledelsens
    ansvar d), «Fraværet drøftes med helsesykepleier» (b), «saksbehandler ved PPT ...
    varslet» (c). `samtykke`: the services it brings in (consent shown and warned)."""

    id: str
    tittel: str
    frist_dager: int | None = None
    samtykke: tuple[Service, ...] = ()
    utfall: tuple[Outcome, ...] = ()
    beskrivelse: str = ""

    def outcome(self, text: str) -> Outcome | None:
        wanted = _fold(text)
        return next((o for o in self.utfall if _fold(o.id) == wanted), None)


@dataclass(frozen=True, slots=True)
class StepDef:
    id: str
    tittel: str
    hvem: str
    etter: str
    frist_dager: int | None
    vedlegg: tuple[str, ...]  # the forms of the step: "1"–"4" (Strand) or a form's name
    beskrivelse: str
    naar: str = "innen"  # "innen": must be done by the deadline; "etter": takes place then
    frist_uker: int | None = None  # school weeks: the 5N-th school day after the start
    krever: str = ""  # a rule id: no deadline unless it holds; it counts from the later date
    utfall: tuple[Outcome, ...] = ()
    samtykke: tuple[Service, ...] = ()  # the services the step brings in («husk samtykke»)
    oppgaver: tuple[TaskDef, ...] = ()  # tracked items that run beside the step

    def outcome(self, text: str) -> Outcome | None:
        """The outcome named `text` (`lost` is taken for `løst`)."""
        wanted = _fold(text)
        return next((o for o in self.utfall if _fold(o.id) == wanted), None)


def _fold(text: str) -> str:
    return text.strip().casefold().replace("ø", "o").replace("æ", "ae").replace("å", "a")


@dataclass(frozen=True, slots=True)
class ReviewDef:
    """A regular review (issue 13): who holds it, how often, what it covers.

    Strand, Ledelsens ansvar a: «Avdelingsledere og rektor drøfter ukentlige meldinger»;
    Hole: «Månedlig gjennomgang av fravær ved kontaktlærer», «To ganger pr semester –
    gjennomgang av fravær på trinn/teamtid med avdelingsleder», «To ganger pr semester –
    ledelsen gjennomgår skolens samlede fravær»."""

    id: str
    tittel: str
    hvem: str  # "kontaktlaerer" | "ledelse"
    hyppighet: str  # "ukentlig" | "maanedlig" | "to_ganger_semester"
    omfang: str  # "klasse" | "trinn" | "skole"
    dekker: tuple[str, ...]  # the figures it needs: REVIEW_FIGURES
    beskrivelse: str = ""


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    navn: str
    rules: tuple[RuleDef, ...]
    steps: tuple[StepDef, ...]
    skjema: tuple[str, ...] = ("1", "2", "3", "4")  # the forms the profile uses
    gjennomganger: tuple[ReviewDef, ...] = ()

    def rule(self, rule_id: str) -> RuleDef | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def step(self, step_id: str) -> StepDef | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def review(self, review_id: str) -> ReviewDef | None:
        return next((r for r in self.gjennomganger if r.id == review_id), None)


class ProfileError(UserError):
    pass


FORM_NUMBERS = (1, 2, 3, 4)  # Strand's vedlegg the app can fill in (templates/vedlegg1–4)
# Every form the app can fill in (documents/forms.py has each): Strand's Vedlegg 1–4 by
# number, Hole's by name (issue 13).
FORM_IDS = ("1", "2", "3", "4", "samarbeidsavtale", "pedagogisk_rapport")
REVIEW_WHO = ("kontaktlaerer", "ledelse")
REVIEW_FREQUENCIES = ("ukentlig", "maanedlig", "to_ganger_semester")
REVIEW_SCOPES = ("klasse", "trinn", "skole")
# What a review looks at: the absence of its scope in its period; the Vedlegg 3 reports
# (meldinger til ledelsen) received in it; open cases and overdue steps.
REVIEW_FIGURES = ("fravaer", "meldinger_ledelsen", "saker")
MAX_WINDOW_MONTHS = 12  # a school year; longer windows reach into years the app does not keep
MAX_THRESHOLD = 1000  # a school year has ~190 days and ~1,100 lessons
MAX_DEADLINE_DAYS = 365

_TOP_KEYS = ("id", "navn", "regler", "trinn", "skjema", "gjennomgang")
_RULE_KEYS = (
    "tittel",
    "beskrivelse",
    "vindu",
    "terskel",
    "enhet",
    "tiltak",
    "permisjon_teller",
    "permisjon_tiltak",
)
_STEP_KEYS = (
    "id",
    "tittel",
    "hvem",
    "etter",
    "frist_dager",
    "frist_uker",
    "krever",
    "utfall",
    "vedlegg",
    "beskrivelse",
    "naar",
    "samtykke",
    "oppgaver",
)
_TASK_KEYS = ("id", "tittel", "frist_dager", "samtykke", "utfall", "beskrivelse")
_REVIEW_KEYS = ("id", "tittel", "hvem", "hyppighet", "omfang", "dekker", "beskrivelse")
_WINDOW = re.compile(r"^\s*([0-9]+)\s*(måned|måneder|maaned|maaneder|mnd)\s*$", re.IGNORECASE)


class _Where:
    """Where in a profile file a problem is: «egen.toml, linje 12, [regler.hoyt_fravaer]»."""

    def __init__(self, source: str, text: str, path: tuple[str | int, ...], label: str) -> None:
        self.source, self.text, self.path, self.label = source, text, path, label

    def error(self, problem: str, key: str | None = None) -> ProfileError:
        line = toml_line(self.text, *self.path, key) if self.text and key else None
        if line is None and self.text and self.path:
            line = toml_line(self.text, *self.path)  # at least the table's header
        where = self.source + (f", linje {line}" if line else "")
        where += f", {self.label}" if self.label else ""
        end = "" if problem.endswith((".", "?", "!")) else "."
        return ProfileError(f"{where}: {problem}{end}")

    def text_value(self, spec: dict[str, Any], key: str, default: str, *, free: bool) -> str:
        value = spec.get(key, default)
        if not isinstance(value, str):
            raise self.error(
                f"{key} må være tekst i anførselstegn, ikke {describe_value(value)}", key
            )
        if not value:
            return value
        try:
            return check_text(value, key) if free else check_name(value, key, limit=200)
        except ValueError as exc:
            raise self.error(str(exc), key) from None

    def unknown_keys(self, spec: dict[str, Any], known: tuple[str, ...]) -> None:
        for key in spec:
            if key not in known:
                raise self.error(unknown_key_problem(key, known), key)


def _window(value: Any, where: _Where) -> int | None:
    if value == "semester":
        return None
    match = _WINDOW.match(value) if isinstance(value, str) else None
    if not match:
        raise where.error(
            f"vindu må være «semester» eller «N måneder» (fant {describe_value(value)})", "vindu"
        )
    months = int(match.group(1))
    if not 1 <= months <= MAX_WINDOW_MONTHS:
        raise where.error(
            f"vindu må være fra 1 til {MAX_WINDOW_MONTHS} måneder (fant {months})", "vindu"
        )
    return months


def parse_profile(doc: dict[str, Any], source: str, text: str = "") -> Profile:
    """Build a Profile from a parsed TOML document; errors name the file, line and key.

    Every value's type and range is checked (issue 9): a threshold is a finite number, a
    window 1–12 months, a deadline 0–365 days, forms only those the app can fill in, and
    keys the app does not know are refused rather than silently ignored (a misspelt
    `permisjon_teller` would otherwise change who gets an alert). `text` is the file's
    text, used only to put line numbers in messages.
    """
    top = _Where(source, text, (), "")
    top.unknown_keys(doc, _TOP_KEYS)
    profile_id = doc.get("id")
    if not isinstance(profile_id, str) or not profile_id:
        raise top.error("mangler «id» (kort navn på profilen)", "id")
    try:
        check_id(profile_id, "id for en profil")
    except ValueError as exc:
        raise top.error(str(exc)) from None
    navn = top.text_value(doc, "navn", profile_id, free=False)
    regler = doc.get("regler", {})
    if not isinstance(regler, dict) or not regler:
        raise top.error("mangler tabellen [regler.…] med minst én regel")
    unknown = sorted(set(regler) - set(RULE_IDS))
    if unknown:
        raise top.error(
            f"ukjent regel «{visible(unknown[0])}». Kjente regler: {', '.join(RULE_IDS)}"
        )
    rules = [
        _rule(rule_id, regler[rule_id], source, text) for rule_id in RULE_IDS if rule_id in regler
    ]
    _check_langvarig(rules, regler, source, text)
    trinn = doc.get("trinn", [])
    if not isinstance(trinn, list) or not all(isinstance(t, dict) for t in trinn):
        raise top.error(
            "trinn skrives som tabeller, [[trinn]] med id, tittel, … under, "
            f"ikke {describe_value(trinn)}"
        )
    skjema = _forms(doc.get("skjema", list(FORM_NUMBERS)), top)
    steps: list[StepDef] = []
    for i, spec in enumerate(trinn, start=1):
        where = _Where(source, text, ("trinn", i), f"trinn nr. {i}")
        steps.append(_step(spec, where, steps, skjema))
    known_steps = {s.id for s in steps}
    for i, step in enumerate(steps, start=1):
        for outcome in step.utfall:
            if outcome.neste and outcome.neste not in known_steps:
                where = _Where(source, text, ("trinn", i), f"trinn nr. {i}")
                raise where.error(
                    f"utfall «{outcome.id}» peker på ukjent trinn «{visible(outcome.neste)}»",
                    "utfall",
                )
    reviews = _reviews(doc.get("gjennomgang", []), source, text)
    return Profile(
        id=profile_id,
        navn=navn,
        rules=tuple(rules),
        steps=tuple(steps),
        skjema=skjema,
        gjennomganger=reviews,
    )


def _form_id(value: Any) -> str | None:
    """A form as the profile names it: 1–4 (Strand's vedlegg) or a form's name."""
    if type(value) is int and value in FORM_NUMBERS:
        return str(value)
    if isinstance(value, str) and value in FORM_IDS:
        return value
    return None


def _forms(value: Any, where: _Where) -> tuple[str, ...]:
    """`skjema`: the forms the profile uses (issue 13: «A profile names the forms it uses;
    Hole schools are not offered Strand's»)."""
    ids = [_form_id(v) for v in value] if isinstance(value, list) else [None]
    if None in ids or len(set(ids)) != len(ids):
        raise where.error(
            "skjema må være en liste med ulike skjemaer programmet fyller ut: "
            f"{', '.join(FORM_IDS)} (tallene uten anførselstegn); fant {_list_text(value)}",
            "skjema",
        )
    return tuple(i for i in ids if i is not None)


def _services(value: Any, where: _Where, key: str = "samtykke") -> tuple[Service, ...]:
    """A list of services that need consent: helsesykepleier, ppt, …"""
    known = ", ".join(s.value for s in Service)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(
            f"{key} må være en liste med tjenester ({known}), ikke {describe_value(value)}", key
        )
    found = []
    for v in value:
        service = next((s for s in Service if s.value == v), None)
        if service is None:
            raise where.error(f"{key}: ukjent tjeneste «{visible(v)}» (kjente: {known})", key)
        found.append(service)
    return tuple(dict.fromkeys(found))


def _tasks(value: Any, where: _Where) -> tuple[TaskDef, ...]:
    """`oppgaver = [{ id, tittel, frist_dager, samtykke, utfall, beskrivelse }]`."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise where.error(
            "oppgaver må være en liste av { id, tittel, frist_dager, samtykke, utfall }, "
            f"ikke {describe_value(value)}",
            "oppgaver",
        )
    found: list[TaskDef] = []
    for item in value:
        task_id = item.get("id")
        if not isinstance(task_id, str) or not task_id:
            raise where.error("hver oppgave må ha en «id» (tekst)", "oppgaver")
        try:
            check_id(task_id, "id for en oppgave")
        except ValueError as exc:
            raise where.error(str(exc), "oppgaver") from None
        unknown = sorted(set(item) - set(_TASK_KEYS))
        if unknown:
            raise where.error(
                f"oppgave «{task_id}» har ukjent nøkkel «{visible(unknown[0])}» "
                f"(kjente: {', '.join(_TASK_KEYS)})",
                "oppgaver",
            )
        if any(t.id == task_id for t in found):
            raise where.error(f"oppgave «{task_id}» står to ganger", "oppgaver")
        frist = item.get("frist_dager")
        if frist is not None:
            try:
                check_number(frist, 0, MAX_DEADLINE_DAYS, integer=True)
            except ValueError as exc:
                raise where.error(f"oppgave «{task_id}»: frist_dager {exc}", "oppgaver") from None
        found.append(
            TaskDef(
                id=task_id,
                tittel=where.text_value(item, "tittel", task_id, free=False),
                frist_dager=frist,
                samtykke=_services(item.get("samtykke", []), where, "oppgaver"),
                utfall=_outcomes(item.get("utfall", []), where),
                beskrivelse=where.text_value(item, "beskrivelse", "", free=True),
            )
        )
    return tuple(found)


def _reviews(value: Any, source: str, text: str) -> tuple[ReviewDef, ...]:
    """`[[gjennomgang]]` tables: the regular reviews the routine asks for."""
    top = _Where(source, text, (), "")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise top.error(
            "gjennomgang skrives som tabeller, [[gjennomgang]] med id, tittel, hvem, "
            f"hyppighet, omfang og dekker under, ikke {describe_value(value)}"
        )
    found: list[ReviewDef] = []
    for i, spec in enumerate(value, start=1):
        where = _Where(source, text, ("gjennomgang", i), f"gjennomgang nr. {i}")
        where.unknown_keys(spec, _REVIEW_KEYS)
        review_id = spec.get("id")
        if not isinstance(review_id, str) or not review_id:
            raise where.error("mangler «id»", "id")
        try:
            check_id(review_id, "id for en gjennomgang")
        except ValueError as exc:
            raise where.error(str(exc), "id") from None
        if any(r.id == review_id for r in found):
            raise where.error(f"id «{review_id}» er brukt før", "id")
        choices = {"hvem": REVIEW_WHO, "hyppighet": REVIEW_FREQUENCIES, "omfang": REVIEW_SCOPES}
        chosen: dict[str, str] = {}
        for key, allowed in choices.items():
            value_ = spec.get(key)
            if value_ not in allowed:
                raise where.error(
                    f"{key} må være en av {', '.join(allowed)} (fant {describe_value(value_)})",
                    key,
                )
            chosen[key] = str(value_)
        dekker = spec.get("dekker", ["fravaer"])
        if (
            not isinstance(dekker, list)
            or not dekker
            or not all(d in REVIEW_FIGURES for d in dekker)
        ):
            raise where.error(
                f"dekker må være en liste blant {', '.join(REVIEW_FIGURES)}; fant "
                f"{_list_text(dekker)}",
                "dekker",
            )
        found.append(
            ReviewDef(
                id=review_id,
                tittel=where.text_value(spec, "tittel", review_id, free=False),
                hvem=chosen["hvem"],
                hyppighet=chosen["hyppighet"],
                omfang=chosen["omfang"],
                dekker=tuple(dict.fromkeys(dekker)),
                beskrivelse=where.text_value(spec, "beskrivelse", "", free=True),
            )
        )
    return tuple(found)


def _rule(rule_id: str, spec: Any, source: str, text: str) -> RuleDef:
    where = _Where(source, text, ("regler", rule_id), f"[regler.{rule_id}]")
    if not isinstance(spec, dict):
        raise where.error(
            f"regelen skrives som en tabell [regler.{rule_id}], ikke {describe_value(spec)}"
        )
    where.unknown_keys(spec, _RULE_KEYS)
    if "terskel" not in spec:
        raise where.error("mangler terskel (et tall større enn 0)", None)
    try:
        terskel = check_number(spec["terskel"], 0, MAX_THRESHOLD, above_low=True)
    except ValueError as exc:
        raise where.error(f"terskel {exc}", "terskel") from None
    permisjon = spec.get("permisjon_teller", True)
    if not isinstance(permisjon, bool):
        raise where.error(
            f"permisjon_teller må være true eller false, ikke {describe_value(permisjon)}",
            "permisjon_teller",
        )
    return RuleDef(
        id=rule_id,
        tittel=where.text_value(spec, "tittel", rule_id, free=False),
        beskrivelse=where.text_value(spec, "beskrivelse", "", free=True),
        maaneder=_window(spec.get("vindu", "semester"), where),
        terskel=float(terskel),
        enhet=where.text_value(spec, "enhet", "", free=False),
        tiltak=where.text_value(spec, "tiltak", "", free=True),
        permisjon_teller=permisjon,
        permisjon_tiltak=where.text_value(spec, "permisjon_tiltak", "", free=True),
    )


def _check_langvarig(rules: list[RuleDef], regler: dict[str, Any], source: str, text: str) -> None:
    """`langvarig_kjent_aarsak` is `hoyt_fravaer` held for N months with more than `terskel`
    % of the days with a known reason: it needs that rule, a window in months, a share."""
    rule = next((r for r in rules if r.id == "langvarig_kjent_aarsak"), None)
    if rule is None:
        return
    where = _Where(source, text, ("regler", rule.id), f"[regler.{rule.id}]")
    if "hoyt_fravaer" not in regler:
        raise where.error(
            "langvarig_kjent_aarsak bygger på hoyt_fravaer (høyt fravær som har vart i N "
            "måneder); legg til [regler.hoyt_fravaer]"
        )
    if rule.maaneder is None:
        raise where.error(
            "vindu er hvor lenge høyt fravær har vart uten opphold, i måneder (f.eks. "
            "«3 måneder»), ikke semesteret",
            "vindu",
        )
    if rule.terskel >= 100:
        raise where.error(
            "terskel er andelen fraværsdager med kjent årsak i prosent, og regelen slår til "
            f"når andelen er over den: bruk et tall under 100 (fant {rule.terskel:g})",
            "terskel",
        )


def _step(
    spec: dict[str, Any],
    where: _Where,
    earlier: list[StepDef],
    skjema: tuple[str, ...] = tuple(str(n) for n in FORM_NUMBERS),
) -> StepDef:
    where.unknown_keys(spec, _STEP_KEYS)
    step_id, etter = spec.get("id"), spec.get("etter", "varsel")
    if not isinstance(step_id, str) or not step_id:
        raise where.error("mangler «id»", "id")
    try:
        check_id(step_id, "id for et trinn")
    except ValueError as exc:
        raise where.error(str(exc), "id") from None
    known = ["varsel", *(s.id for s in earlier)]
    if step_id in known:
        raise where.error(f"id «{step_id}» er brukt før; hvert trinn trenger sin egen id", "id")
    if etter not in known:
        shown = visible(etter) if isinstance(etter, str) else describe_value(etter)
        raise where.error(
            f"«etter» peker på ukjent trinn «{shown}» (kjente: {', '.join(known)})", "etter"
        )
    frist = spec.get("frist_dager")
    if frist is not None:
        try:
            check_number(frist, 0, MAX_DEADLINE_DAYS, integer=True)
        except ValueError as exc:
            raise where.error(f"frist_dager {exc}", "frist_dager") from None
    hvem = spec.get("hvem", "kontaktlaerer")
    if hvem not in ROLES:
        raise where.error(
            f"hvem må være en av {', '.join(ROLES)} (fant {describe_value(hvem)})", "hvem"
        )
    naar = spec.get("naar", "innen")
    if naar not in NAAR:
        raise where.error(
            f"naar må være «innen» eller «etter» (fant {describe_value(naar)})", "naar"
        )
    vedlegg = spec.get("vedlegg", [])
    forms = [_form_id(v) for v in vedlegg] if isinstance(vedlegg, list) else [None]
    if None in forms or len(set(forms)) != len(forms):
        raise where.error(
            f"vedlegg må være en liste med ulike skjemaer blant {', '.join(skjema)} "
            f"(skjemaene profilen bruker), f.eks. [{', '.join(skjema[:2])}]; fant "
            f"{_list_text(vedlegg)}",
            "vedlegg",
        )
    outside = [f for f in forms if f not in skjema]
    if outside:
        raise where.error(
            f"vedlegg «{outside[0]}» er ikke blant skjemaene profilen bruker "
            f"(skjema = {', '.join(skjema)})",
            "vedlegg",
        )
    uker = spec.get("frist_uker")
    if uker is not None:
        try:
            check_number(uker, 0, MAX_DEADLINE_DAYS // 7, integer=True)
        except ValueError as exc:
            raise where.error(f"frist_uker {exc}", "frist_uker") from None
    krever = spec.get("krever", "")
    if krever and krever not in RULE_IDS:
        shown = visible(krever) if isinstance(krever, str) else describe_value(krever)
        raise where.error(
            f"krever «{shown}» er ingen kjent regel (kjente: {', '.join(RULE_IDS)})", "krever"
        )
    return StepDef(
        id=step_id,
        tittel=where.text_value(spec, "tittel", step_id, free=False),
        hvem=hvem,
        etter=etter,
        frist_dager=frist,
        vedlegg=tuple(f for f in forms if f is not None),
        beskrivelse=where.text_value(spec, "beskrivelse", "", free=True),
        naar=naar,
        frist_uker=uker,
        krever=str(krever),
        utfall=_outcomes(spec.get("utfall", []), where),
        samtykke=_services(spec.get("samtykke", []), where),
        oppgaver=_tasks(spec.get("oppgaver", []), where),
    )


def _outcomes(value: Any, where: _Where) -> tuple[Outcome, ...]:
    """What a step decides: a list of { id, tittel, neste } (Hole's evaluation)."""
    if not isinstance(value, list):
        raise where.error(
            f"utfall må være en liste av {{ id, tittel, neste }}, ikke {describe_value(value)}",
            "utfall",
        )
    found = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise where.error("hvert utfall må ha en «id» (tekst)", "utfall")
        unknown = set(item) - {"id", "tittel", "neste"}
        if unknown:
            raise where.error(
                f"utfall «{visible(item['id'])}» har ukjent nøkkel "
                f"«{visible(sorted(unknown)[0])}» (kjente: id, tittel, neste)",
                "utfall",
            )
        tittel, neste = item.get("tittel", item["id"]), item.get("neste", "")
        if not isinstance(tittel, str) or not isinstance(neste, str):
            raise where.error("tittel og neste i et utfall skrives som tekst", "utfall")
        found.append(Outcome(item["id"], tittel, neste))
    return tuple(found)


def _list_text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(describe_value(v) for v in value) + "]"
    return describe_value(value)


def load_profile(spec: str, base: Path | None = None) -> Profile:
    """`strand`, `hole`, or a path to a TOML file (relative paths from `base`)."""
    if spec in BUILTIN:
        source = f"{spec}.toml"
        text = (
            resources.files("fravaer_tui.domain.builtin_profiles")
            .joinpath(source)
            .read_text("utf-8")
        )
    else:
        path = Path(spec).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        source = str(path)
        text = _read_profile(path, spec)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(toml_error_message(source, exc)) from None
    return parse_profile(doc, source, text)


def _read_profile(path: Path, spec: str) -> str:
    """The file's text: UTF-8, or Windows-1252 from an old editor (as skole.toml)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(
            f"Fant ikke regelprofilen «{visible(spec)}». Bruk strand, hole eller stien til en "
            "TOML-fil."
        ) from None
    except IsADirectoryError:
        raise ProfileError(
            f"Regelprofilen {path} er en mappe; oppgi stien til en TOML-fil."
        ) from None
    except PermissionError:
        raise ProfileError(f"Har ikke lesetilgang til regelprofilen {path}.") from None
    except OSError as exc:
        raise ProfileError(
            f"Kunne ikke lese regelprofilen {path}: {exc.strerror or exc}."
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        legacy = decode_legacy_text(raw)
        if legacy is None:
            line = raw[: exc.start].count(b"\n") + 1
            raise ProfileError(
                f"{path}, linje {line}: filen har tegn som verken er UTF-8 eller "
                "Windows-1252. Lagre den på nytt som UTF-8."
            ) from None
        text = legacy
    return text.removeprefix("\ufeff")
