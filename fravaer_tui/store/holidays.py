"""Public holidays, worked out once: a cache in <data>/.cache/ (never worth an error)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from fravaer_tui.errors import StoreError
from fravaer_tui.store import files
from fravaer_tui.store.files import encode, write_atomic


class HolidaysMixin:
    """Mixed into `Store`, which gives it the folder and its file mode."""

    root: Path
    file_mode: int
    ensure_dir: Callable[[Path], None]

    @property
    def holiday_cache_path(self) -> Path:
        return self.root / ".cache" / "helligdager.json"

    def load_public_holidays(self) -> dict[int, frozenset[dt.date]]:
        """Public holidays per year as the `holidays` package gave them earlier (a cache;
        anything unreadable is ignored and worked out again)."""
        try:
            doc = json.loads(files.read_bytes(self.holiday_cache_path))
            return {
                int(year): frozenset(dt.date.fromisoformat(d) for d in dates)
                for year, dates in doc.items()
            }
        except (OSError, ValueError, TypeError, AttributeError, StoreError):
            return {}

    def save_public_holidays(self, years: dict[int, frozenset[dt.date]]) -> None:
        doc = {str(y): sorted(d.isoformat() for d in dates) for y, dates in sorted(years.items())}
        with contextlib.suppress(OSError, StoreError):  # only a cache: never worth an error
            self.ensure_dir(self.holiday_cache_path.parent)
            write_atomic(self.holiday_cache_path, encode(doc), self.file_mode)
