"""`?`: the keys of the screen below that this person can use, in Norwegian, once each."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from fravaer_tui.screens.base import AppDialog

# Keys with no footer entry: (keys, what, the action whose refusal hides the line, or "").
EXTRA: dict[str, list[tuple[str, str, str]]] = {
    "RegisterScreen": [
        ("1–99", "til elev nummer (vises nederst; enter eller 1 s pause fullfører)", ""),
        ("/", "finn elev på navn eller elev-id", ""),
        ("↑ ↓ j k", "flytt", ""),
        ("enter", "på «Lagre»-raden: lagre", ""),
        ("u", "sett et lagret fravær som ugyldig (igjen: angre)", "ugyldig"),
    ],
    "LessonsScreen": [("↑ ↓ j k", "flytt", ""), ("← →", "forrige / neste skoledag", "")],
    "MorningScreen": [
        ("↑ ↓ j k", "flytt", ""),
        ("⇧⇥", "forrige del", ""),
        ("v", "vis eller skjul varsler som er fulgt opp", ""),
    ],
    "LeaderScreen": [("↑ ↓", "flytt", ""), ("⇧⇥", "forrige del", "")],
    "AuditScreen": [("tab", "mellom filteret og listen", "")],
}
ALWAYS = [
    ("ctrl+p", "kommandoer og skjermer"),
    ("ctrl+q", "avslutt (spør hvis noe ikke er lagret)"),
]


def help_lines(under: Screen) -> list[str]:
    lines: list[str] = []
    seen: set[str] = {"Hjelp"}
    active = under.active_bindings.values()
    for binding in [a.binding for a in active if a.enabled and a.binding.show]:
        if not binding.description or binding.description in seen:
            continue
        seen.add(binding.description)
        keys = under.app.get_key_display(binding)
        lines.append(f"  [b]{keys:<10}[/b] {binding.description}")
    refusal = getattr(under, "refusal", lambda action: None)
    for keys, text, action in EXTRA.get(type(under).__name__, []):
        if not action or refusal(action) is None:
            lines.append(f"  [b]{keys:<10}[/b] {text}")
    lines += [f"  [b]{keys:<10}[/b] {text}" for keys, text in ALWAYS]
    return lines


class HelpScreen(AppDialog[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Lukk", id="help_close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        lines = ["[b]Taster[/b]", "", *help_lines(self.under)]
        lines += [
            "",
            "⚠ foran et navn: eleven har passert en terskel for bekymringsfullt fravær.",
            "Trykk esc for å lukke.",
        ]
        with VerticalScroll(classes="dialog", id="help"):
            yield Static("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss()
