"""Reading a profile: a built-in one by name, or a school's own TOML file (the one place
that reads a profile file)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from fravaer_tui.domain.profiles.document import parse_profile
from fravaer_tui.domain.profiles.values import BUILTIN, Profile, ProfileError
from fravaer_tui.domain.validate import decode_legacy_text, toml_error_message, visible


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
