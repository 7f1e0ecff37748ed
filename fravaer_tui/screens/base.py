"""What every screen that loads in the background shares: a failed load is said, not hidden."""

from __future__ import annotations

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from fravaer_tui.errors import UserError


class LoadingScreen(Screen[None]):
    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            text = error.message if isinstance(error, UserError) else f"uventet feil: {error!r}"
            self.notify(text, severity="error", timeout=20)
