"""skole.toml: the school's settings, edited by hand."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fravaer_tui.domain.model import Holiday, SchoolConfig
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
    )


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
    return "\n".join(lines) + "\n"
