"""Text shared by several screens: marks, states and alert flags, readable without colour."""

from __future__ import annotations

from rich.text import Text

from fravaer_tui.domain.model import Mark, MarkType, Staff
from fravaer_tui.domain.rules import Alert
from fravaer_tui.domain.words import mark_words

ALERT_SYMBOL = "⚠"
# narrow symbols found in common terminal fonts (no emoji: their width varies)
SYMBOLS = {MarkType.FRAVAER: "✗", MarkType.SENT: "◷", MarkType.FORLOT: "↗"}


def mark_text(mark: Mark | None) -> str:
    """The mark in words, with a symbol: `✗ fravær`, `◷ for sent 10 min`, `↗ gikk`."""
    if mark is None or mark.kind is None:
        return "til stede"
    return f"{SYMBOLS[mark.kind]} {mark_words(mark)}"


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


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` cells with `…` (the whole text is shown where the cursor is)."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(0, width - 1)].rstrip() + "…"


def phone_text(telefon: str) -> str:
    return f"☎ {telefon}" if telefon else ""


def unbroken(text: str, style: str = "") -> Text:
    """A line that is cut at the edge, never wrapped (a phone number stays whole or goes)."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")
