"""skole.toml: the school's settings, edited by hand."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fravaer_tui.domain.model import Holiday, Kortdag, SchoolConfig
from fravaer_tui.errors import StoreError

CONFIG_FILE = "skole.toml"


def config_from_toml(doc: dict[str, Any], source: str) -> SchoolConfig:
    ferier = []
    for i, item in enumerate(doc.get("ferie", []), start=1):
        try:
            fra, til = item["fra"], item["til"]
            if not isinstance(fra, dt.date) or not isinstance(til, dt.date) or til < fra:
                raise ValueError
            ferier.append(Holiday(str(item.get("navn", "Ferie")), fra, til))
        except (KeyError, TypeError, ValueError):
            raise StoreError(
                f"{source}: ferie nr. {i} må ha navn, fra og til som datoer (åååå-mm-dd), "
                "og til kan ikke være før fra."
            ) from None
    return SchoolConfig(
        navn=str(doc.get("navn", "Skolen")),
        profil=str(doc.get("profil", "strand")),
        ferier=tuple(ferier),
        elevmapper=str(doc.get("elevmapper", "")),
        demo=bool(doc.get("demo", False)),
        kortdager=_kortdager(doc, source),
    )


def _kortdager(doc: dict[str, Any], source: str) -> tuple[Kortdag, ...]:
    """`[[kortdag]] dato, siste_time`: every class's day ends after that period."""
    found: dict[dt.date, Kortdag] = {}
    items = doc.get("kortdag", [])
    if not isinstance(items, list):
        raise StoreError(f"{source}: kortdag må skrives som [[kortdag]] med dato og siste_time.")
    for i, item in enumerate(items, start=1):
        dato = item.get("dato") if isinstance(item, dict) else None
        siste = item.get("siste_time") if isinstance(item, dict) else None
        if (
            not isinstance(dato, dt.date)
            or isinstance(dato, dt.datetime)
            or isinstance(siste, bool)
            or not isinstance(siste, int)
            or not 0 <= siste <= 20
        ):
            raise StoreError(
                f"{source}: kortdag nr. {i} må ha dato (åååå-mm-dd) og siste_time "
                "(den siste timen som holdes, et helt tall fra 0 til 20)."
            )
        if dato in found:
            raise StoreError(f"{source}: kortdag nr. {i}: {dato:%d.%m.%Y} står der to ganger.")
        found[dato] = Kortdag(dato, siste)
    return tuple(sorted(found.values(), key=lambda k: k.dato))


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def config_to_toml(config: SchoolConfig) -> str:
    lines = [
        "# Innstillinger for skolen i fravaer-tui. Filen kan redigeres for hånd.",
        f"navn = {_toml_str(config.navn)}",
        "# Regelprofil: strand, hole eller stien til en egen TOML-fil",
        f"profil = {_toml_str(config.profil)}",
        "# Rot for elevmappene (tom = <data>/elevmapper)",
        f"elevmapper = {_toml_str(config.elevmapper)}",
    ]
    if config.demo:
        lines.append("demo = true")
    lines.append("")
    lines.append("# Skolens egne ferier og fridager (offentlige helligdager kommer av seg selv)")
    for ferie in config.ferier:
        lines += [
            "[[ferie]]",
            f"navn = {_toml_str(ferie.navn)}",
            f"fra = {ferie.fra.isoformat()}",
            f"til = {ferie.til.isoformat()}",
            "",
        ]
    if config.kortdager:
        lines.append("# Kortdager: alle klasser slutter etter siste_time den dagen")
    for kortdag in config.kortdager:
        lines += [
            "[[kortdag]]",
            f"dato = {kortdag.dato.isoformat()}",
            f"siste_time = {kortdag.siste_time}",
            "",
        ]
    return "\n".join(lines) + "\n"
