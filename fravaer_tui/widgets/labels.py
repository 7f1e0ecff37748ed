"""Text shared by several screens: marks, states and alert flags, readable without colour."""

from __future__ import annotations

from rich.text import Text

from fravaer_tui.domain.model import Mark, MarkType, Staff
from fravaer_tui.domain.rules import Alert

ALERT_SYMBOL = "⚠"
# narrow symbols found in common terminal fonts (no emoji: their width varies)
SYMBOLS = {MarkType.FRAVAER: "✗", MarkType.SENT: "◷", MarkType.FORLOT: "↗"}


def mark_text(mark: Mark | None) -> str:
    """The mark in words, with a symbol: `✗ fravær`, `◷ sent 10 min`, `↗ gikk`."""
    if mark is None or mark.kind is None:
        return "til stede"
    if mark.kind is MarkType.SENT:
        return f"{SYMBOLS[mark.kind]} sent {mark.minutter} min"
    return f"{SYMBOLS[mark.kind]} {mark.kind.label}"


def short_mark(time: int, mark: Mark) -> str:
    """Earlier marks of the day, compact: `1.✗ 2.◷5`."""
    if mark.kind is None:
        return f"{time}.✎"
    if mark.kind is MarkType.SENT:
        return f"{time}.◷{mark.minutter}"
    return f"{time}.{SYMBOLS[mark.kind]}"


def flagged_name(name: str, alerts: list[Alert], warning_style: str) -> Text:
    """A student's name; flagged students get ⚠ and the warning colour (reads without colour)."""
    if not alerts:
        return Text(f"  {name}")
    return Text(f"{ALERT_SYMBOL} {name}", style=warning_style)


def alert_summary(alerts: list[Alert]) -> str:
    return ", ".join(a.tittel.lower() for a in alerts)


def initials(staff: Staff | None, fallback: str) -> str:
    return staff.initials if staff else fallback
