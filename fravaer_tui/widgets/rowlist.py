"""A list of rows in sections (the morning and the leaders' overview): headings, a name, and
what to do in full (it wraps). The cursor stays on the same row when the list is rebuilt."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from fravaer_tui.application.morning import MorningRow
from fravaer_tui.widgets.labels import unbroken

NAME_WIDTH = 30
NO_WRAP = ("ikke_meldt",)  # rows with a phone number: cut at the edge, never wrapped


class RowList(DataTable):
    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", show_header=False)
        self.view_rows: list[MorningRow] = []
        self.width_for = 0

    def show_rows(self, rows: list[MorningRow], width: int, heading: str, warning: str) -> None:
        current = self.current
        at = self.cursor_row
        self.width_for = width
        self.view_rows = rows
        self.clear(columns=True)
        name_width = min(NAME_WIDTH, max(18, width // 3))
        self.add_column("Elev", key="elev", width=name_width)
        self.add_column("Hva", key="hva", width=max(20, width - name_width - 6))
        for row in rows:
            if row.kind == "heading":
                cells = (Text("─" * name_width, style=heading), Text(row.left, style=heading))
            else:
                left = Text(row.left, style=warning if row.warn else "")
                left.truncate(name_width, overflow="ellipsis")
                # an empty cell measures two lines high in Textual 8's auto height: one space
                right = unbroken(row.right) if row.kind in NO_WRAP else Text(row.right or " ")
                cells = (left, right)
            self.add_row(*cells, key=row.key, height=None)
        keys = [r.key for r in rows]
        if current is None:  # the first time: on the first thing to do, not a heading
            at = next((i for i, r in enumerate(rows) if r.kind != "heading"), 0)
        index = keys.index(current.key) if current is not None and current.key in keys else at
        if keys:
            self.move_cursor(row=max(0, min(index, len(keys) - 1)))

    def jump_section(self, step: int) -> None:
        """To the first row of the next (step 1) or this/previous (step -1) section."""
        starts = [i + 1 for i, r in enumerate(self.view_rows) if r.kind == "heading"]
        starts = [i for i in starts if i < len(self.view_rows)]
        if not starts:
            return
        row = self.cursor_row
        if step > 0:
            target = next((i for i in starts if i > row), starts[0])
        else:
            target = next((i for i in reversed(starts) if i < row), starts[-1])
        self.move_cursor(row=target)

    @property
    def current(self) -> MorningRow | None:
        row = self.cursor_row
        return self.view_rows[row] if 0 <= row < len(self.view_rows) else None

    def detail(self) -> Text:
        """The row under the cursor, whole, for the line under the list."""
        row = self.current
        if row is None or row.kind in ("heading", "tom"):
            return Text("")
        text = row.left.strip() + (f" · {row.right}" if row.right else "")
        return unbroken(text)
