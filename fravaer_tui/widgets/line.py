"""A line of words under or over a table, drawn again only when its words change."""

from __future__ import annotations

from textual.widgets import Static


class Line(Static):
    """`Static` for plain words, whose `say` lets the same words go. A Static lays the
    whole screen out again on every update (its text may wrap to another height), and the
    roll call says its status and the row under the cursor after every key, every load and
    every check, mostly in the words already shown: in a morning rush, a layout and a paint
    in every session when its check arrives, for nothing."""

    _said: str | None = None

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        # Plain text, never markup: the words hold names («Ola [/b]» crashed the roll call)
        super().__init__(id=id, classes=classes, markup=False)

    def say(self, text: str) -> None:
        if text != self._said:
            self._said = text
            self.update(text)
