"""Parsed data files kept between reads, re-read only when a save replaced them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fravaer_tui.store.codec import YearData

if TYPE_CHECKING:
    from fravaer_tui.store.store import Store


class FileCache:
    """Parsed data files, re-read only when a file was replaced (new inode or mtime).

    Saves replace files atomically, so a changed file always has a new inode: the
    background checker re-reads the one month file a save touched, not the year.
    """

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple[int, int, int], YearData]] = {}

    def __contains__(self, path: Path) -> bool:
        """Whether `path` was read through this cache (and is kept, whatever its version)."""
        return path in self._files

    def load(self, store: Store, path: Path) -> YearData:
        try:
            st = path.stat()
        except FileNotFoundError:
            self._files.pop(path, None)
            return YearData((), ())
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        known = self._files.get(path)
        if known is not None and known[0] == key:
            return known[1]
        data = store.load_file(path)
        self._files[path] = (key, data)
        return data
