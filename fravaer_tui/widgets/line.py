"""A line of words under or over a table, drawn again only when its words change."""

from __future__ import annotations

from textual.widgets import Static


class Line(Static):
    """`Static` whose `say` lets the same words go. A Static lays the whole screen out
    again on every update (its text may wrap to another height), and the roll call says its
    status and the row under the cursor after every key, every load and every check, mostly
    in the words already shown: in a morning rush, a layout and a paint in every session
    when its check arrives, for nothing."""

    _said: str | None = None

    def say(self, text: str) -> None:
        if text != self._said:
            self._said = text
            self.update(text)
