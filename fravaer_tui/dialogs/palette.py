"""The command palette in Norwegian: Textual's own «No matches found» becomes «Ingen treff»."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option


class NorwegianPalette(CommandPalette):
    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8's method with our words (it is the only English text the palette shows).
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text("Ingen treff", style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
