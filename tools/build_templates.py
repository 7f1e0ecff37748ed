"""Rebuild templates/*.docx (Strand's Vedlegg 1–4, Hole's Samarbeidsavtale and Pedagogisk
rapport) from the forms in fravaer_tui.documents.

Run from anywhere: .venv/bin/python tools/build_templates.py [FOLDER]
The build is deterministic: re-running it gives byte-identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fravaer_tui.documents.filling import placeholders  # noqa: E402
from fravaer_tui.documents.templates import build_templates  # noqa: E402


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else REPO / "templates"
    for path in build_templates(folder):
        print(f"{path}  ({len(placeholders(path))} felt)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
