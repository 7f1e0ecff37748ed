"""What every screen shares: the typed app, one loading pattern and one way to say a failure.

`DataScreen` runs `fetch()` in a thread worker whenever the screen is shown (also after a
dialog on top closes), posts a `Loaded` message, and `show()` puts the data on screen on
the UI thread. A worker that fails is said in Norwegian, never hidden (STYLE, Textual
habits). Keys that do not apply to the person are hidden from the footer and the help, and
say why when pressed (`refusal`); the footer follows each load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from textual import getters, on, work
from textual.actions import parse as parse_action
from textual.events import Key, ScreenResume
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea
from textual.worker import Worker, WorkerState, get_current_worker

from fravaer_tui.app import FravaerApp
from fravaer_tui.domain.model import Staff
from fravaer_tui.errors import UserError
from fravaer_tui.messages import Loaded

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.application.session import Session

T = TypeVar("T")
R = TypeVar("R")


def failure_text(error: BaseException | None) -> str:
    """The one text for a failed worker: our own message, or what went wrong unforeseen."""
    if isinstance(error, UserError):
        return error.message
    return f"Uventet feil: {error!r}. Ingenting mer er endret; prøv igjen eller si fra."


class Door:
    """The school, the person and the session, typed, for screens and dialogs."""

    app = getters.app(FravaerApp)

    @property
    def session(self) -> Session:
        session = self.app.session
        assert session is not None, "screens open once someone is at the keyboard"
        return session

    @property
    def school(self) -> School:
        return self.app.school

    @property
    def user(self) -> Staff:
        return self.session.user


class AppScreen(Door, Screen[None]):
    """A full screen: worker failures are said; refused keys say why."""

    _resumed_before = False

    def _on_screen_resume(self, event: ScreenResume) -> None:
        """Runs before Textual's own handler (handlers are called down the class order).
        A screen's first resume comes right after its mount, where every node's styles
        were worked out: Textual would work them out again for the whole screen (a
        tenth of a start's CSS work). Later resumes are left as Textual has them."""
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False

    def refusal(self, action: str) -> str | None:
        """Why `action` does not apply to this person here (None: it does)."""
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.refusal(action) is None

    def on_key(self, event: Key) -> None:
        """A key hidden by `refusal` (the screen's or the app's) says why, not nothing."""
        if isinstance(self.focused, Input | TextArea):
            return
        for owner in (self, self.app):
            for binding in owner._bindings.key_to_bindings.get(event.key, ()):
                _, name, _ = parse_action(binding.action)
                why = owner.refusal(name)
                if why is None:
                    return  # the key does something here
                event.stop()
                self.notify(why, severity="warning", timeout=6, markup=False)
                return

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.failed(event.worker)

    def failed(self, worker: Worker) -> None:
        self.notify(failure_text(worker.error), severity="error", timeout=20, markup=False)


class DataScreen(AppScreen, Generic[T]):
    """A screen that shows stored data: `fetch()` off the UI thread, `show()` on it."""

    def __init__(self) -> None:
        super().__init__()
        self._generation = 0
        self.loaded = False
        self._preloaded: tuple[T] | None = None

    def fetch(self) -> T:
        """Read what the screen shows (runs in a thread: no widgets here)."""
        raise NotImplementedError

    def show(self, data: T) -> None:
        """Put fetched data on screen (UI thread)."""
        raise NotImplementedError

    @on(ScreenResume)
    def _resumed(self) -> None:
        self.load()

    def preload(self) -> None:
        """Fetch now, on the UI thread, before the screen is shown: for the app's first
        screen, which has nothing to show until its data is there. Its first frame then
        shows the data, where a worker's data would come with a second layout and paint
        (in every session of the morning rush). A fetch that fails here is left to the
        worker, which fetches again and says why, as every load does."""
        try:
            self._preloaded = (self.fetch(),)
        except Exception:  # noqa: BLE001 - said by the worker's fetch (`failed`)
            self._preloaded = None

    def load(self) -> None:
        self._generation += 1
        if self._preloaded is not None:
            (data,), self._preloaded = self._preloaded, None
            self._loaded(Loaded(data, self._generation))
            return
        self._fetch(self._generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _fetch(self, generation: int) -> None:
        data = self.fetch()
        if not get_current_worker().is_cancelled:  # a newer load won
            self.post_message(Loaded(data, generation))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        if message.generation == self._generation:
            self.show(message.data)
            self.loaded = True
            self.refresh_bindings()  # keys refused by the new data leave the footer
            self.app.first_screen_shown()

    def failed(self, worker: Worker) -> None:
        super().failed(worker)
        self.app.first_screen_shown()  # a first screen that could not load holds nothing back


class AppDialog(Door, ModalScreen[R], Generic[R]):
    """A typed dialog (`ModalScreen[R]`), closed with `dismiss(value)`."""
