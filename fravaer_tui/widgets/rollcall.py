"""The roll call's table: one row a student, keyed by the student's id, and a save row.

Rows are changed cell by cell (`update_cell`), so the cursor never moves by itself. Long
names and states are shortened to the terminal's width; the whole row is in words on the
line under the table for the row the cursor is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable

from fravaer_tui.widgets.labels import shorten

SAVE_ROW = "__save__"
COLUMNS = ("nr", "elev", "mark", "state", "earlier")


@dataclass(frozen=True, slots=True)
class RollRow:
    """One student's row, in words."""

    nr: int
    elev: str
    name: str
    flagged: bool
    mark: str
    state: str  # validity and remark: "meldt: sykdom · mangler utstyr"
    earlier: str  # the day's other marks: "1.✗ 2.◷5"


@dataclass(frozen=True, slots=True)
class Widths:
    name: int
    mark: int
    state: int
    earlier: int

    @classmethod
    def for_width(cls, width: int) -> Widths:
        """Column widths that fit `width` cells (every column has one cell of padding a side
        and the table a scrollbar of two)."""
        room = max(40, width) - 2 - 2 * len(COLUMNS) - 3 - 2  # nr, and ⚠ before the name
        earlier = 10 if width < 100 else 16
        mark = 17
        name = max(16, min(28, room * 3 // 10))
        return cls(name, mark, max(8, room - earlier - mark - name), earlier)


class RollCallTable(DataTable):
    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.widths = Widths.for_width(80)
        self.width_for = 0
        self.warning_style = "bold yellow"
        self._shown: dict[str, tuple[object, ...]] = {}  # each row's cells, as on screen

    def setup(self, width: int, warning_style: str) -> None:
        self.width_for = width
        self.widths = w = Widths.for_width(width)
        self.warning_style = warning_style
        self.clear(columns=True)
        self.add_column("Nr", key="nr", width=3)
        self.add_column("Elev", key="elev", width=w.name + 2)
        self.add_column("Føring", key="mark", width=w.mark)
        self.add_column("Meldt · merknad", key="state", width=w.state)
        self.add_column("I dag", key="earlier", width=w.earlier)

    def _cells(self, row: RollRow) -> tuple[object, ...]:
        name = shorten(row.name, self.widths.name)
        shown = Text(f"⚠ {name}", style=self.warning_style) if row.flagged else Text(f"  {name}")
        return (
            str(row.nr),
            shown,
            shorten(row.mark, self.widths.mark),
            shorten(row.state, self.widths.state),
            shorten(row.earlier, self.widths.earlier),
        )

    def fill(self, rows: list[RollRow]) -> None:
        """All rows at once (first show, or a new width); the cursor stays on its row."""
        at = self.cursor_row
        self.clear()
        self._shown = {}
        for row in rows:
            self._shown[row.elev] = cells = self._cells(row)
            self.add_row(*cells, key=row.elev)
        self.add_row("", Text("▶ Lagre føringen"), "enter · ctrl+s", "", "", key=SAVE_ROW)
        self.move_cursor(row=max(0, min(at, self.row_count - 1)))
        self._measure_now()

    def _measure_now(self) -> None:
        """Work the table's size out now. Textual's DataTable does it when it next idles,
        after the frame that shows the new rows, and then draws every cell again (its
        caches are keyed by an update count that the measuring moves on): the roll call
        drawn twice at every start. A DataTable without these internals (another Textual)
        measures as before."""
        if getattr(self, "_require_update_dimensions", False) and hasattr(self, "_new_rows"):
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def put(self, row: RollRow) -> None:
        """A row as it is now; cells that show the same are left alone. (Any changed cell
        makes the table draw every row again: the check arriving after the first frame, with
        the flags already right, changes nothing.)"""
        cells = self._cells(row)
        shown = self._shown.get(row.elev)
        for column, value, before in zip(COLUMNS, cells, shown or cells, strict=True):
            if shown is None or value != before:
                self.update_cell(row.elev, column, value)
        self._shown[row.elev] = cells
