"""`fravaer bench`'s parts on the small demo school: each figure it times still runs.

The timings themselves are not asserted (timed tests are flaky here); what is checked is that
every operation the bench times works end to end, so the bench cannot break unseen (it did
once: a Vedlegg export began logging reads, and the bench's session had no clock).
"""

from __future__ import annotations

from pathlib import Path

from fravaer_tui.application.checker import shared_check
from fravaer_tui.application.school import open_school
from fravaer_tui.bench import _vedlegg
from tests.conftest import DEMO_UNTIL


def test_the_vedlegg_figure_exports_a_real_file(demo_dir: Path, tmp_path: Path) -> None:
    school = open_school(demo_dir)  # as the bench opens it: no clock of the store's own
    result = shared_check(school, DEMO_UNTIL).result
    seconds = _vedlegg(school, result, DEMO_UNTIL, tmp_path / "eksport")
    files = list((tmp_path / "eksport").rglob("*.docx"))
    assert seconds > 0 and files, "Vedlegg 1 was not written"
