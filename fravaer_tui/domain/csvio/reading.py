"""Reading a CSV file: bytes → text (UTF-8 or old Excel's Windows-1252) → header → records,
and the checker that collects every bad field of a file before raising them together."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from fravaer_tui.domain.csvheaders import HeaderMap
from fravaer_tui.domain.csvheaders import resolve as resolve_header
from fravaer_tui.domain.csvio.cells import _UTF8_BOM, unescape_cell
from fravaer_tui.domain.validate import decode_legacy_text, visible
from fravaer_tui.errors import InputError, InputErrors

T = TypeVar("T")
_SAVE_AS_UTF8 = "lagre filen på nytt i Excel med «Lagre som» → «CSV UTF-8 (kommadelt)»"


def decode_text(data: bytes | str, source: str) -> str:
    """UTF-8 (BOM or not), else plausible Windows-1252; anything else is an `InputErrors`."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _reject(
            source, None, None, f"dette er en Excel-arbeidsbok, ikke en CSV-fil; {_SAVE_AS_UTF8}"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _reject(
            source, None, None, f"filen er lagret som UTF-16 («Unicode-tekst»); {_SAVE_AS_UTF8}"
        )
    has_bom = data.startswith(_UTF8_BOM)
    body = data[len(_UTF8_BOM) :] if has_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = body[: exc.start].count(b"\n") + 1
        text = None if has_bom else decode_legacy_text(body)
        if text is None:
            raise _reject(
                source,
                bad_line,
                None,
                f"filen har tegn som ikke er UTF-8 og ser heller ikke ut som tekst fra eldre "
                f"Excel (Windows-1252); {_SAVE_AS_UTF8}",
            ) from None
    if "\x00" in text:
        raise _reject(
            source,
            None,
            None,
            f"filen ser ikke ut som tekst (inneholder NUL-tegn); {_SAVE_AS_UTF8}",
        )
    return text.removeprefix("\ufeff")


def _detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column_key(name: str) -> str:
    """Header names and coded values match case-insensitively, with æøå or ae/o/aa, _ or space."""
    key = name.strip().strip("\ufeff").casefold()
    for old, new in (("æ", "ae"), ("ø", "o"), ("å", "aa"), (" ", "_"), ("-", "_")):
        key = key.replace(old, new)
    return re.sub(r"_+", "_", key)


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def _read_table(
    data: bytes | str,
    source: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    kind: str = "",
    notes: list[str] | None = None,
) -> list[_Record]:
    """Decode, find the header and return the non-blank rows keyed by the known columns.

    With `kind`, header names other systems use are taken for ours (`csvheaders`); what was
    taken for what is added to `notes`."""
    text = decode_text(data, source)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise _reject(
            source,
            None,
            None,
            f"filen er tom; første linje skal være overskriftene {_quote_all(required)}",
        )
    delimiter = _detect_delimiter(first)
    sep = re.fullmatch(r'"?sep=([;,\t|])"?\s*', lines[0], re.IGNORECASE)
    if sep:
        # Excel honours and hides a first line "sep=;", so the header is still its line 1.
        delimiter = sep.group(1)
        rest = text[len(lines[0]) :]
        text = rest[2:] if rest.startswith("\r\n") else rest[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)

    header: list[str] | None = None
    header_map = HeaderMap([])
    header_line = 0
    records: list[_Record] = []
    errors: list[InputError] = []
    line = 0
    while True:
        line += 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(
                InputError(
                    source,
                    line,
                    None,
                    "linjen kan ikke leses som CSV (et felt er "
                    "altfor langt, eller et anførselstegn står feil)",
                )
            )
            break
        if not any(f.strip() for f in fields):
            continue
        if header is None:
            header, header_line = [_column_key(f) for f in fields], line
            if kind:
                header_map = resolve_header(kind, header, fields)
                header = header_map.header
                if notes is not None:
                    notes.extend(_shown(n) for n in header_map.notes)
            continue
        values = {}
        for name, value in zip(header, fields, strict=False):
            if name and name not in values:
                values[name] = unescape_cell(value.strip())
        records.append(_Record(line, header_map.derive(values)))

    if header is None:
        raise _reject(source, None, None, "filen er tom")
    header_errors: list[InputError] = []
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(h for h in header if h) or "ingen"
        what = "kolonnen" if len(missing) == 1 else "kolonnene"
        header_errors.append(
            InputError(
                source,
                header_line,
                None,
                f"mangler {what} {_quote_all(missing)} (fant: {found}; "
                f"påkrevde kolonner: {', '.join(required)})",
            )
        )
    for name in dict.fromkeys(header):
        if header.count(name) > 1 and name in (*required, *optional):
            header_errors.append(InputError(source, header_line, name, "kolonnen står to ganger"))
    errors = header_errors + errors
    if errors:
        raise InputErrors(source, errors)
    return records


def header_notes(data: bytes | str, source: str, kind: str) -> list[str]:
    """Which of the file's columns were taken for which of ours («Elevnummer» brukt som
    elev_id); empty when the file uses our names (or cannot be read: the import says why)."""
    notes: list[str] = []
    try:
        _read_table(data, source, (), kind=kind, notes=notes)
    except InputErrors:
        return []
    return notes


class _Checker:
    """Collects every problem in a file; `done()` raises them together (all-or-nothing)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[InputError] = []

    def fail(self, record: _Record, column: str | None, problem: str) -> None:
        # A message quotes the bad value: never let it carry a control character to a terminal
        self.errors.append(InputError(self.source, record.line, column, _shown(problem)))

    def required(self, record: _Record, column: str) -> str | None:
        value = record[column]
        if not value:
            self.fail(record, column, "mangler verdi")
            return None
        return value

    def parse(self, record: _Record, column: str, parser: Callable[[str], T]) -> T | None:
        """Run `parser` on the field; a ValueError's text becomes the error for that field."""
        try:
            return parser(record[column])
        except ValueError as exc:
            self.fail(record, column, str(exc))
            return None

    def done(self) -> None:
        if self.errors:
            raise InputErrors(self.source, self.errors)


def _reject(source: str, line: int | None, column: str | None, problem: str) -> InputErrors:
    return InputErrors(source, [InputError(source, line, column, _shown(problem))])


def _shown(problem: str) -> str:
    return visible(problem, limit=None)


def _quote_all(names: Iterable[str]) -> str:
    quoted = [f"«{n}»" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " og " + quoted[-1]
