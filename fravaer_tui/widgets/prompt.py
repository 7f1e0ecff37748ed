"""The inline prompt under the roll call: one question (minutes late, a remark, a name),
answered with enter, left with esc; it never covers the table."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Key
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label


class InlinePrompt(Horizontal):
    @dataclass
    class Answered(Message):
        what: str
        text: str

    @dataclass
    class Cancelled(Message):
        what: str

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.what: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(id="inline-label")
        yield Input(id="inline-input")

    def on_mount(self) -> None:
        self.display = False

    @property
    def is_open(self) -> bool:
        return self.what is not None

    @property
    def value(self) -> str:
        return self.query_one(Input).value.strip()

    def ask(
        self,
        what: str,
        label: str,
        value: str = "",
        restrict: str | None = None,
        suggester: SuggestFromList | None = None,
    ) -> None:
        self.what = what
        self.query_one(Label).update(label)
        field = self.query_one(Input)
        field.restrict = restrict
        field.suggester = suggester
        field.value = value
        self.display = True
        field.focus()  # selects the offered value: typing replaces it, enter accepts it

    def warn(self, label: str) -> None:
        self.query_one(Label).update(label)
        self.app.bell()

    def close(self) -> None:
        self.what = None
        self.display = False

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.what is not None:
            self.post_message(self.Answered(self.what, self.value))

    def on_key(self, event: Key) -> None:
        if event.key == "escape" and self.what is not None:
            event.stop()
            event.prevent_default()
            what = self.what
            self.close()
            self.post_message(self.Cancelled(what))
