"""A whole profile document → a `Profile`; errors name the file, line and key."""

from __future__ import annotations

from typing import Any

from fravaer_tui.domain.profiles.checks import _forms, _Where
from fravaer_tui.domain.profiles.review_tables import _reviews
from fravaer_tui.domain.profiles.rule_tables import _check_langvarig, _rule
from fravaer_tui.domain.profiles.step_tables import _step
from fravaer_tui.domain.profiles.values import FORM_NUMBERS, RULE_IDS, Profile, StepDef
from fravaer_tui.domain.validate import check_id, describe_value, visible

_TOP_KEYS = ("id", "navn", "regler", "trinn", "skjema", "gjennomgang")


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
