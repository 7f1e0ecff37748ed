"""The reviews due on an overview get their figures in a second, slower load (issue 13):
the rows show at once, the figures fill in when they come. Shared by the morning overview
and ledelsens oversikt, with the keys both lists have: a review opened from its row, a
jump between sections, and the rows laid out again for a new terminal width."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import work
from textual.worker import get_current_worker

from fravaer_tui.application.routine_rows import reviews_due
from fravaer_tui.domain.reviews import Occurrence
from fravaer_tui.messages import FiguresLoaded
from fravaer_tui.widgets.rowlist import RowList


class LoadsReviewFigures:
    """For a `DataScreen` with a `RowList`, `session`, `dato`, `_generation`, `reviews` and
    `_rebuild`: `_figures(due, generation)` loads them; a reload meanwhile (a newer
    generation) wins."""

    session: Any
    dato: dt.date
    reviews: list
    _generation: int
    app: Any
    loaded: bool
    query_one: Any
    notify: Any

    @work(thread=True, exclusive=True, exit_on_error=False, group="figures")
    def _figures(self, due: list[Occurrence], generation: int) -> None:
        items = reviews_due(self.session, due, self.dato)
        if not get_current_worker().is_cancelled:
            self.post_message(FiguresLoaded(items, generation))  # type: ignore[attr-defined]

    def on_figures_loaded(self, message: FiguresLoaded) -> None:
        if message.generation == self._generation:
            self.reviews = message.items
            self._rebuild()  # type: ignore[attr-defined]

    def action_review(self) -> None:
        row = self.query_one(RowList).current
        item = next((r for r in self.reviews if row and r.key == row.key), None)
        if item is None:
            self.notify(
                "Velg en gjennomgang under «Gjennomganger» (⇥ flytter mellom delene).",
                severity="warning",
            )
            return
        from fravaer_tui.dialogs.review import ReviewDialog

        self.app.push_screen(ReviewDialog(item))

    def on_resize(self) -> None:
        """A new terminal size: the rows are laid out again, the cursor stays."""
        if self.loaded and self.query_one(RowList).width_for != self.app.size.width:
            self._rebuild()  # type: ignore[attr-defined]

    def action_section(self, step: int) -> None:
        self.query_one(RowList).jump_section(step)
