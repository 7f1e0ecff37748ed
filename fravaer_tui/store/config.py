"""skole.toml: the school's settings, edited by hand."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable
from typing import Any

from fravaer_tui.domain.model import Holiday, Kortdag, SchoolConfig
from fravaer_tui.domain.validate import (
    check_date,
    check_name,
    check_number,
    date_range_text,
    decode_legacy_text,
    describe_value,
    format_any_date,
    toml_error_message,
    toml_line,
    unknown_key_problem,
)
from fravaer_tui.errors import StoreError

CONFIG_FILE = "skole.toml"
MAX_FERIE_DAYS = 100  # the longest real one, sommerferie with planning days, is ~60

_TOP_KEYS = ("navn", "profil", "elevmapper", "demo", "ferie", "kortdag")
_FERIE_KEYS = ("navn", "fra", "til")
_KORTDAG_KEYS = ("dato", "siste_time")

_Path = tuple[str | int, ...]  # ("ferie", 2, "til"): a key, an array's n-th table, its key
_Fail = Callable[[_Path, str], StoreError]


def parse_config(raw: bytes, source: str) -> SchoolConfig:
    """skole.toml's bytes → the settings; every problem a StoreError naming file, line, key.

    TOML is UTF-8, but a file saved by old Notepad or Excel is Windows-1252: read that too
    (as the CSV import does) rather than refuse a school over «Ålesund». The app writes
    the file back as UTF-8.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        legacy = decode_legacy_text(raw)
        if legacy is None:
            line = raw[: exc.start].count(b"\n") + 1
            raise StoreError(
                f"{source}, linje {line}: filen har tegn som verken er UTF-8 eller "
                "Windows-1252. Lagre den på nytt som UTF-8 (i Notisblokk: «Lagre som» → "
                "Koding: UTF-8)."
            ) from None
        text = legacy
    text = text.removeprefix("\ufeff")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(toml_error_message(source, exc)) from None
    check_config(doc, source, text)
    return config_from_toml(doc, source)


def check_config(doc: dict[str, Any], source: str, text: str = "") -> None:
    """Types and ranges of every key in skole.toml (issue 9); unknown keys are refused.

    A misspelt key (`profill = "hole"`) would otherwise silently leave the school on the
    wrong rules: better a clear message at start than wrong alerts.
    """

    def fail(path: _Path, problem: str) -> StoreError:
        where = source
        line = toml_line(text, *path) if text else None
        if line is not None:
            where += f", linje {line}"
        if len(path) == 3:  # a key in the n-th table of an array: ("ferie", 2, "til")
            where += f", {path[0]} nr. {path[1]}"
        if isinstance(path[-1], str):
            where += f", felt «{path[-1]}»"
        end = "" if problem.endswith((".", "?", "!")) else "."
        return StoreError(f"{where}: {problem}{end}")

    for key in doc:
        if key not in _TOP_KEYS:
            raise fail((key,), unknown_key_problem(key, _TOP_KEYS))
    for key, what, required in (
        ("navn", "navnet", True),
        ("profil", "profilen", True),
        ("elevmapper", "stien", False),
    ):
        if key not in doc:
            continue
        value = doc[key]
        if not isinstance(value, str):
            raise fail((key,), f"må være tekst i anførselstegn, ikke {describe_value(value)}")
        if value or required:
            _check(fail, (key,), lambda v=value, w=what: check_name(v, w, limit=1000))
    if "demo" in doc and not isinstance(doc["demo"], bool):
        raise fail(("demo",), f"må være true eller false, ikke {describe_value(doc['demo'])}")
    for table, keys in (("ferie", _FERIE_KEYS), ("kortdag", _KORTDAG_KEYS)):
        items = doc.get(table, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise fail(
                (table,),
                f"skrives som tabeller, [[{table}]] med {', '.join(keys)} under, "
                f"ikke {describe_value(items)}",
            )
        for i, item in enumerate(items, start=1):
            for key in item:
                if key not in keys:
                    raise fail((table, i, key), unknown_key_problem(key, keys))
            for key in keys:
                if key not in item and not (table == "ferie" and key == "navn"):
                    raise fail((table, i), f"{table} nr. {i} mangler «{key}»")
            if table == "ferie":
                _check_ferie(fail, i, item)
            else:
                _check_day(fail, ("kortdag", i, "dato"), item["dato"])
                _check(
                    fail,
                    ("kortdag", i, "siste_time"),
                    lambda v=item["siste_time"]: check_number(v, 1, 20, integer=True),
                )


def _check(fail: _Fail, path: _Path, check: Callable[[], object]) -> None:
    try:
        check()
    except ValueError as exc:
        raise fail(path, str(exc)) from None


def _check_day(fail: _Fail, path: _Path, value: object) -> dt.date:
    # tomllib reads 2026-10-01T08:00 as a datetime, which is also a date: not a day
    if type(value) is not dt.date:
        raise fail(
            path,
            f"må være en dato skrevet åååå-mm-dd uten anførselstegn, ikke {describe_value(value)}",
        )
    try:
        return check_date(value)
    except ValueError:
        raise fail(
            path,
            f"{format_any_date(value)} er utenfor datoene programmet kan bruke "
            f"({date_range_text()})",
        ) from None


def _check_ferie(fail: _Fail, i: int, item: dict[str, Any]) -> None:
    if "navn" in item:
        navn = item["navn"]
        if not isinstance(navn, str):
            raise fail(("ferie", i, "navn"), f"må være tekst, ikke {describe_value(navn)}")
        _check(fail, ("ferie", i, "navn"), lambda: check_name(navn, "navnet"))
    fra = _check_day(fail, ("ferie", i, "fra"), item["fra"])
    til = _check_day(fail, ("ferie", i, "til"), item["til"])
    if til < fra:
        raise fail(
            ("ferie", i, "til"), f"til ({format_any_date(til)}) er før fra ({format_any_date(fra)})"
        )
    if (til - fra).days + 1 > MAX_FERIE_DAYS:
        raise fail(
            ("ferie", i, "til"),
            f"ferien er {(til - fra).days + 1} dager lang ({format_any_date(fra)}–"
            f"{format_any_date(til)}); en ferie kan være høyst {MAX_FERIE_DAYS} dager. "
            "Er årstallet riktig?",
        )


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
