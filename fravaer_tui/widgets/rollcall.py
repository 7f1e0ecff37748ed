"""The roll call's table: one row a student, keyed by the student's id, and a save row.

Rows are changed cell by cell (`update_cell`), so the cursor never moves by itself. Long
names and states are shortened to the terminal's width; the whole row is in words on the
line under the table for the row the cursor is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.widgets import DataTable

from fravaer_tui.widgets.labels import shorten

SAVE_ROW = "__save__"
# Cells drawn by any roll call of this process, by everything that decides how one looks:
# what it says (with its styles), where it is (row and column, which its segments carry for
# the mouse), its width, the row's style, the cursor and hover, focus, and the theme. The
# session server's warm-up draws a roll call, so every session forked from it finds the row
# numbers, the empty cells, the headers and the common marks drawn: a quarter of the first
# frame's CPU was drawing them again.
DRAWN: LRUCache[tuple, list[list[Segment]]] = LRUCache(4096)
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

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        key = self._drawn_key(row_index, column_index, base_style, width, cursor, hover)
        lines = DRAWN.get(key) if key is not None else None
        if lines is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            if key is not None:
                DRAWN[key] = lines
        return lines

    def _drawn_key(
        self, row: int, column: int, base: Style, width: int, cursor: bool, hover: bool
    ) -> tuple | None:
        """What decides how a cell is drawn; None for cells not kept (a row label, a row
        whose height is worked out from its cells)."""
        if column < 0:
            return None
        if row >= 0:
            row_key = self._row_locations.get_key(row)
            meta = self.rows.get(row_key) if row_key is not None else None
            if meta is None or meta.auto_height or meta.height != 1:
                return None
        cells = self._get_row_renderables(row).cells
        if column >= len(cells) or not isinstance(cells[column], Text):
            return None
        cell: Text = cells[column]
        look = (cell.plain, tuple(cell.spans), cell.style, cell.justify, cell.overflow)
        look += (cell.no_wrap, cell.end)
        where = (row, column, width, base, cursor, hover, self._pseudo_class_state)
        table = (self._show_hover_cursor, self.show_cursor, self.cursor_type, self.cell_padding)
        table += (self.fixed_rows, self.fixed_columns, self.header_height)
        table += (self.cursor_foreground_priority, self.cursor_background_priority)
        return (look, where, table, self.app.current_theme.name)

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
