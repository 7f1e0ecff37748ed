"""`?`: the keys of the screen below, in Norwegian, with the tricks that have no binding."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

EXTRA = {
    "RegisterScreen": [
        ("1–99", "hopp til elev nummer (skriv tallet)"),
        ("/", "finn elev på navn"),
        ("↑ ↓ j k", "flytt"),
        ("enter", "på «Lagre»-raden: lagre"),
        ("u", "vurder fraværet som ugyldig (kontaktlærer)"),
    ],
    "LessonsScreen": [("↑ ↓ j k", "flytt"), ("← →", "forrige / neste skoledag")],
    "MorningScreen": [("↑ ↓ j k", "flytt"), ("enter", "åpne eleven på raden")],
}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Lukk", id="help_close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        lines = ["[b]Taster[/b]", ""]
        seen: set[str] = set()
        active = self.under.active_bindings.values()
        for binding in [a.binding for a in active if a.enabled and a.binding.show]:
            if not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            keys = binding.key_display or binding.key.replace(",", " / ")
            lines.append(f"  [b]{keys:<14}[/b] {binding.description}")
        for keys, text in EXTRA.get(type(self.under).__name__, []):
            lines.append(f"  [b]{keys:<14}[/b] {text}")
        lines += [
            "",
            "  [b]ctrl+p        [/b] kommandoer og skjermer",
            "  [b]?             [/b] denne hjelpen",
            "  [b]ctrl+q        [/b] avslutt",
            "",
            "⚠ foran et navn: eleven har passert en terskel for bekymringsfullt fravær.",
            "Trykk esc for å lukke.",
        ]
        with VerticalScroll(classes="dialog", id="help"):
            yield Static("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss()
