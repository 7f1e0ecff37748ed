"""The `[[gjennomgang]]` tables: the regular reviews the routine asks for."""

from __future__ import annotations

from typing import Any

from fravaer_tui.domain.profiles.checks import _list_text, _Where
from fravaer_tui.domain.profiles.values import (
    REVIEW_FIGURES,
    REVIEW_FREQUENCIES,
    REVIEW_SCOPES,
    REVIEW_WHO,
    ReviewDef,
)
from fravaer_tui.domain.validate import check_id, describe_value

_REVIEW_KEYS = ("id", "tittel", "hvem", "hyppighet", "omfang", "dekker", "beskrivelse")


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
