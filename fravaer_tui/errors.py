"""Errors a user can cause or meet. Each carries a Norwegian message that says what and where."""

from __future__ import annotations


class UserError(Exception):
    """Shown to the user as it is (exit code 1 in the CLI), never as a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class StoreError(UserError):
    """Something about the data folder or its files."""


class CorruptFileError(StoreError):
    def __init__(self, path: object, detail: str = "", backup: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        where = (
            f"Nyeste sikkerhetskopi er {backup}: gjenopprett med `fravaer restore "
            f"{backup.rsplit('/', 1)[-1]}`, eller kontakt den som drifter fravaer-tui."
            if backup
            else "Hent den tilbake fra siste sikkerhetskopi, eller kontakt den som drifter "
            "fravaer-tui."
        )
        super().__init__(
            f"Datafilen {path} er skadet og kan ikke leses{extra}. Filen er ikke endret. {where}"
        )
        self.path = path


class NewerSchemaError(StoreError):
    def __init__(self, path: object, found: int, known: int) -> None:
        super().__init__(
            f"Datafilen {path} er laget av en nyere versjon av fravaer-tui "
            f"(dataformat {found}, denne versjonen kan {known}). "
            "Oppdater programmet (pip install -U fravaer-tui) før du åpner disse dataene."
        )
        self.path = path


class LockTimeoutError(StoreError):
    def __init__(self, path: object, seconds: float, holder: str = "") -> None:
        who = f" Låsen holdes av {holder}." if holder else ""
        super().__init__(
            f"Fikk ikke skrive til {path}: en annen prosess har holdt låsen i over "
            f"{seconds:g} sekunder.{who} Ingenting er lagret; prøv igjen om litt."
        )
        self.path = path


class LessonConflict(UserError):
    """A roll call and a «not held» mark for the same lesson, found inside the file's lock:
    a lesson registered was held, and a lesson marked not held gets no roll call. The
    application says it in its own words (`held`: the lesson is registered)."""

    def __init__(self, klasse: str, dato: str, time: int, held: bool) -> None:
        what = "er ført, og en ført time er holdt" if held else "er merket som ikke holdt"
        super().__init__(f"{klasse} {dato} {time}. time {what}. Ingenting er endret.")
        self.held = held


class AccessDenied(UserError):
    """The user's role does not give access to this (issue 4, «Who sees what»)."""


class InputError(UserError):
    """Bad input in a file the user gave us: names the file, the line and the field."""

    def __init__(self, source: str, line: int | None, field: str | None, problem: str) -> None:
        where = source
        if line is not None:
            where += f", linje {line}"
        if field:
            where += f", felt «{field}»"
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.line = line
        self.field = field
        self.problem = problem


class InputErrors(UserError):
    """Several bad rows; the whole file is rejected and nothing is stored."""

    def __init__(self, source: str, errors: list[InputError], limit: int = 20) -> None:
        shown = "\n".join(f"  {e.message}" for e in errors[:limit])
        more = f"\n  … og {len(errors) - limit} feil til" if len(errors) > limit else ""
        super().__init__(
            f"{source} ble avvist, ingenting er lagret ({len(errors)} feil):\n{shown}{more}"
        )
        self.errors = errors
