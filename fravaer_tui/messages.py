"""The TUI's messages: small dataclasses posted by workers and widgets, handled on the UI thread.

A worker never touches a widget: it returns or posts one of these, and the screen or the
app that receives it owns the change on screen (STYLE, Textual habits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from fravaer_tui.domain.model import Registration
from fravaer_tui.domain.rules import Alert, CheckResult


@dataclass
class AlertsChanged(Message):
    """The checker finished: the full result and the crossings that are new since last run."""

    result: CheckResult
    new: list[Alert]


@dataclass
class Loaded(Message):
    """A screen's `fetch()` finished in its worker; `show()` gets `data` on the UI thread."""

    data: Any
    generation: int


@dataclass
class FiguresLoaded(Message):
    """The reviews due on an overview, now with their figures (a second, slower load)."""

    items: Any
    generation: int


@dataclass
class Done(Message):
    """A dialog's or a screen's write finished: `text` is said to the user."""

    text: str
    value: Any = None


@dataclass
class RollCallSaved(Message):
    """A roll call was saved; `sent` is what was sent (the teacher may have typed on)."""

    saved: Registration
    sent: dict[str, Any]
    leave: bool


@dataclass
class AbsenceJudged(Message):
    """A saved absence was judged (ugyldig, or the judgement cleared)."""

    elev: str
    saved: Registration
