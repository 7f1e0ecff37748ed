"""Drafts on disk: `<data>/utkast/<ansatt-id>/<klasse>__<åååå-mm-dd>__<time>.json`.

Private (files 0600, folders 0700), written with the store's atomic write and read without
following a link (`files`), so a kill at any moment leaves the old draft or the new one.
Not data: never in the audit log, never in a backup (`backups.NOT_BACKED_UP`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import Any

from fravaer_tui.domain.drafts import Draft
from fravaer_tui.domain.model import Registration
from fravaer_tui.errors import StoreError
from fravaer_tui.store import codec, files

DRAFT_DIR = "utkast"
_LOCK = threading.Lock()  # one writer at a time in this process: the temp file has our pid


class DraftStore:
    def __init__(self, root: Path, dir_mode: int = files.DIR_MODE) -> None:
        self.root = Path(root)
        self.dir_mode = dir_mode

    def folder(self, staff_id: str) -> Path:
        return self.root / DRAFT_DIR / codec.safe_file_name(staff_id)

    def path(self, staff_id: str, klasse: str, dato: dt.date, time: int) -> Path:
        name = f"{codec.safe_file_name(klasse)}__{dato.isoformat()}__{int(time)}.json"
        return self.folder(staff_id) / name

    def write(self, draft: Draft) -> None:
        path = self.path(draft.av, draft.klasse, draft.dato, draft.time)
        reg = Registration(draft.klasse, draft.dato, draft.time, draft.av, draft.tid, draft.marks)
        doc = codec.registration_doc(reg)
        doc["grunnlag"] = draft.grunnlag.isoformat(timespec="seconds") if draft.grunnlag else None
        with _LOCK:
            files.ensure_dir(self.root, path.parent, self.dir_mode)
            try:
                files.write_atomic(path, files.encode(doc))
            except OSError as exc:
                raise StoreError(
                    f"Kunne ikke lagre utkastet ({path}): {files.why(exc)}. Føringen står "
                    "fortsatt på skjermen; lagre den med ctrl+s."
                ) from None

    def read(self, staff_id: str, klasse: str, dato: dt.date, time: int) -> Draft | None:
        return self._read(self.path(staff_id, klasse, dato, time))

    def _read(self, path: Path) -> Draft | None:
        files.check_dirs(self.root, path)
        try:
            doc: dict[str, Any] = json.loads(files.read_bytes(path))
            reg = codec.registration(doc)
            grunnlag = doc.get("grunnlag")
            return Draft(
                reg.klasse,
                reg.dato,
                reg.time,
                reg.av,
                reg.tid,
                reg.marks,
                dt.datetime.fromisoformat(grunnlag) if grunnlag else None,
            )
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, AttributeError):
            # a draft cut short or damaged is worth nothing: it goes, the saved data is whole
            self._remove(path)
            return None

    def delete(self, staff_id: str, klasse: str, dato: dt.date, time: int) -> None:
        self._remove(self.path(staff_id, klasse, dato, time))

    def _remove(self, path: Path) -> None:
        with _LOCK, contextlib.suppress(FileNotFoundError):
            files.check_dirs(self.root, path)
            os.unlink(path)  # unlink never follows a link

    def all(self, staff_id: str) -> list[Draft]:
        folder = self.folder(staff_id)
        st = files.lstat(folder)
        if st is None:
            return []
        files.check_dirs(self.root, folder / "x")
        found = []
        for entry in sorted(os.listdir(folder)):
            if entry.endswith(".json") and not entry.startswith("."):
                draft = self._read(folder / entry)
                if draft is not None:
                    found.append(draft)
        return found
