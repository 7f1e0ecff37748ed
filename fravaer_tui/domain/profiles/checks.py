"""Where in a profile file a problem is («egen.toml, linje 12, [regler.hoyt_fravaer]»), and
the checks several tables share: forms, services, text values, unknown keys."""

from __future__ import annotations

from typing import Any

from fravaer_tui.domain.consent import Service
from fravaer_tui.domain.profiles.values import FORM_IDS, FORM_NUMBERS, ProfileError
from fravaer_tui.domain.validate import (
    check_name,
    check_text,
    describe_value,
    toml_line,
    unknown_key_problem,
    visible,
)


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


def _list_text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(describe_value(v) for v in value) + "]"
    return describe_value(value)
