"""The `[[trinn]]` tables: the follow-up steps, with their outcomes, tasks and services."""

from __future__ import annotations

from typing import Any

from fravaer_tui.domain.profiles.checks import _form_id, _list_text, _services, _Where
from fravaer_tui.domain.profiles.values import (
    FORM_NUMBERS,
    MAX_DEADLINE_DAYS,
    NAAR,
    ROLES,
    RULE_IDS,
    Outcome,
    StepDef,
    TaskDef,
)
from fravaer_tui.domain.validate import check_id, check_number, describe_value, visible

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
