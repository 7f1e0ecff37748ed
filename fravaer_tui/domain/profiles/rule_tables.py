"""The `[regler.…]` tables: one rule each, with its window, threshold and action."""

from __future__ import annotations

import re
from typing import Any

from fravaer_tui.domain.profiles.checks import _Where
from fravaer_tui.domain.profiles.values import MAX_THRESHOLD, MAX_WINDOW_MONTHS, RuleDef
from fravaer_tui.domain.validate import check_number, describe_value

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
_WINDOW = re.compile(r"^\s*([0-9]+)\s*(måned|måneder|maaned|maaneder|mnd)\s*$", re.IGNORECASE)


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
