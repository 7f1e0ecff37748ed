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

from fravaer_tui.errors import UserError

RULE_IDS = (
    "ugyldig_fravaer",
    "hoyt_fravaer",
    "forsentkomming",
    "forlater_skolen",
    "sammenhengende_uten_melding",
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

    @property
    def vindu_tekst(self) -> str:
        if self.maaneder is None:
            return "semesteret"
        return "1 måned" if self.maaneder == 1 else f"{self.maaneder} måneder"


@dataclass(frozen=True, slots=True)
class StepDef:
    id: str
    tittel: str
    hvem: str
    etter: str
    frist_dager: int | None
    vedlegg: tuple[int, ...]
    beskrivelse: str
    naar: str = "innen"  # "innen": must be done by the deadline; "etter": takes place then


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    navn: str
    rules: tuple[RuleDef, ...]
    steps: tuple[StepDef, ...]

    def rule(self, rule_id: str) -> RuleDef | None:
        return next((r for r in self.rules if r.id == rule_id), None)


class ProfileError(UserError):
    pass


_WINDOW = re.compile(r"^\s*(\d+)\s*(måned|måneder|maaned|maaneder|mnd)\s*$", re.IGNORECASE)


def _window(value: Any, where: str) -> int | None:
    if value == "semester":
        return None
    match = _WINDOW.match(str(value))
    if not match or int(match.group(1)) < 1:
        raise ProfileError(f"{where}: vindu må være «semester» eller «N måneder» (fant «{value}»).")
    return int(match.group(1))


def parse_profile(doc: dict[str, Any], source: str) -> Profile:
    """Build a Profile from a parsed TOML document; errors name the file and the key."""
    profile_id = doc.get("id")
    if not isinstance(profile_id, str) or not profile_id:
        raise ProfileError(f"{source}: mangler «id» (kort navn på profilen).")
    regler = doc.get("regler", {})
    if not isinstance(regler, dict) or not regler:
        raise ProfileError(f"{source}: mangler tabellen [regler.…] med minst én regel.")
    rules = []
    for rule_id in RULE_IDS:  # the order the rules are shown in
        spec = regler.get(rule_id)
        if spec is None:
            continue
        where = f"{source}, [regler.{rule_id}]"
        terskel = spec.get("terskel")
        if isinstance(terskel, bool) or not isinstance(terskel, int | float) or terskel <= 0:
            raise ProfileError(f"{where}: terskel må være et tall større enn 0.")
        rules.append(
            RuleDef(
                id=rule_id,
                tittel=str(spec.get("tittel", rule_id)),
                beskrivelse=str(spec.get("beskrivelse", "")),
                maaneder=_window(spec.get("vindu", "semester"), where),
                terskel=float(terskel),
                enhet=str(spec.get("enhet", "")),
                tiltak=str(spec.get("tiltak", "")),
                permisjon_teller=bool(spec.get("permisjon_teller", True)),
            )
        )
    unknown = sorted(set(regler) - set(RULE_IDS))
    if unknown:
        raise ProfileError(
            f"{source}: ukjent regel «{unknown[0]}». Kjente regler: {', '.join(RULE_IDS)}."
        )
    steps = []
    known_steps = {"varsel"}
    for i, spec in enumerate(doc.get("trinn", []), start=1):
        where = f"{source}, trinn nr. {i}"
        step_id, etter = spec.get("id"), spec.get("etter", "varsel")
        if not isinstance(step_id, str) or not step_id:
            raise ProfileError(f"{where}: mangler «id».")
        if etter not in known_steps:
            raise ProfileError(f"{where}: «etter» peker på ukjent trinn «{etter}».")
        frist = spec.get("frist_dager")
        if frist is not None and (not isinstance(frist, int) or frist < 0):
            raise ProfileError(f"{where}: frist_dager må være et helt tall ≥ 0.")
        if spec.get("hvem", "kontaktlaerer") not in ROLES:
            raise ProfileError(f"{where}: hvem må være en av {', '.join(ROLES)}.")
        naar = spec.get("naar", "innen")
        if naar not in NAAR:
            raise ProfileError(f"{where}: naar må være «innen» eller «etter» (fant «{naar}»).")
        steps.append(
            StepDef(
                id=step_id,
                tittel=str(spec.get("tittel", step_id)),
                hvem=str(spec.get("hvem", "kontaktlaerer")),
                etter=etter,
                frist_dager=frist,
                vedlegg=tuple(int(v) for v in spec.get("vedlegg", [])),
                beskrivelse=str(spec.get("beskrivelse", "")),
                naar=naar,
            )
        )
        known_steps.add(step_id)
    return Profile(
        id=profile_id, navn=str(doc.get("navn", profile_id)), rules=tuple(rules), steps=tuple(steps)
    )


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
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ProfileError(
                f"Fant ikke regelprofilen «{spec}». Bruk strand, hole eller stien til en TOML-fil."
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"Kunne ikke lese regelprofilen {path}: {exc}.") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: ugyldig TOML ({exc}).") from None
    return parse_profile(doc, source)
