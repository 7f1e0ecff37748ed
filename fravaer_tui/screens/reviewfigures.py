"""The reviews due on an overview get their figures in a second, slower load (issue 13):
the rows show at once, the figures fill in when they come. Shared by the morning overview
and ledelsens oversikt."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import work
from textual.worker import get_current_worker

from fravaer_tui.application.routine_rows import reviews_due
from fravaer_tui.domain.reviews import Occurrence
from fravaer_tui.messages import FiguresLoaded


class LoadsReviewFigures:
    """For a `DataScreen` with `session`, `dato`, `_generation`, `reviews` and `_rebuild`:
    `_figures(due, generation)` loads them; a reload meanwhile (a newer generation) wins."""

    session: Any
    dato: dt.date
    reviews: list
    _generation: int

    @work(thread=True, exclusive=True, exit_on_error=False, group="figures")
    def _figures(self, due: list[Occurrence], generation: int) -> None:
        items = reviews_due(self.session, due, self.dato)
        if not get_current_worker().is_cancelled:
            self.post_message(FiguresLoaded(items, generation))  # type: ignore[attr-defined]

    def on_figures_loaded(self, message: FiguresLoaded) -> None:
        if message.generation == self._generation:
            self.reviews = message.items
            self._rebuild()  # type: ignore[attr-defined]
