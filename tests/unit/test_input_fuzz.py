"""Random registration input never gives a traceback: a UserError, or exactly what was asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fravaer_tui.application.lessons import registration_for, save_registration
from fravaer_tui.application.school import open_school
from fravaer_tui.cli import main
from fravaer_tui.domain.model import Mark, MarkType
from fravaer_tui.errors import UserError
from tests.conftest import copy_school

NOW = dt.datetime(2026, 11, 20, 12, 0)


@pytest.fixture(scope="module")
def school_dir(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "data"
    copy_school(demo_template, folder)
    return folder


ids = st.one_of(st.sampled_from(["E0001", "E0002", "E0030", "E0074"]), st.text(max_size=8))
marks = st.lists(
    st.builds(
        Mark,
        elev=ids,
        kind=st.sampled_from([MarkType.FRAVAER, MarkType.SENT, MarkType.FORLOT, None]),
        minutter=st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**6)),
        merknad=st.text(max_size=30),
    ),
    max_size=6,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    klasse=st.sampled_from(["8A", "9A", "10A", "11Z", ""]),
    dato=st.dates(min_value=dt.date(2026, 7, 1), max_value=dt.date(2027, 8, 31)),
    time=st.integers(min_value=-3, max_value=12),
    marks=marks,
)
def test_save_registration_never_crashes(school_dir, klasse, dato, time, marks) -> None:
    school = open_school(school_dir)
    try:
        saved, _ = save_registration(school, klasse, dato, time, marks, "A001", NOW)
    except UserError as error:
        assert error.message and "Traceback" not in error.message
        return
    stored = registration_for(school, klasse, dato, time)
    assert stored is not None
    assert {(m.elev, m.kind, m.minutter) for m in stored.marks} == {
        (m.elev, m.kind, m.minutter) for m in saved.marks
    }


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    args=st.lists(
        st.sampled_from(
            [
                "--class",
                "8A",
                "--date",
                "20.11.2026",
                "2026-02-30",
                "--period",
                "3",
                "x",
                "--absent",
                "E0001,E0002",
                "--late",
                "E0003:abc",
                "E0003:-5",
                "E0003:7",
                "--left",
                ",,",
                "--user",
                "A001",
                "nobody",
            ]
        ),
        max_size=12,
    )
)
def test_register_command_never_prints_a_traceback(school_dir, capsys, args) -> None:
    try:
        code = main(["--now", "2026-11-20 15:00", "--data", str(school_dir), "register", *args])
    except SystemExit as exit_info:  # usage errors: argparse's exit code 2
        code = exit_info.code
    err = capsys.readouterr().err
    assert code in (0, 1, 2)
    assert "Traceback" not in err


def _written(dato: dt.date, norwegian: bool) -> str:
    """As a user would type it, zero-padded for any year (strftime is not, below 1000)."""
    if norwegian:
        return f"{dato.day:02d}.{dato.month:02d}.{dato.year:04d}"
    return f"{dato.year:04d}-{dato.month:02d}-{dato.day:02d}"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    dato=st.one_of(
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
        st.dates(min_value=dt.date(1999, 12, 1), max_value=dt.date(2000, 1, 31)),
        st.dates(min_value=dt.date(2099, 12, 1), max_value=dt.date(2100, 1, 31)),
    ),
    norwegian=st.booleans(),
    where=st.sampled_from(["check --date", "audit --since", "--now"]),
)
def test_any_date_on_the_command_line_gives_an_answer_or_a_message(
    school_dir, capsys, dato, norwegian, where
) -> None:
    """Issue 9: 0001-01-01 and 9999-12-31 gave tracebacks; every date in 2000–2099 works."""
    text = _written(dato, norwegian)
    if where == "--now":
        argv = ["--now", f"{_written(dato, norwegian=False)} 10:00", "check"]
    else:
        command, option = where.split()
        argv = ["--now", "2026-11-20 15:00", command, option, text]
    try:
        code = main(["--data", str(school_dir), *argv])
    except SystemExit as exit_info:
        code = exit_info.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if dt.date(2000, 1, 1) <= dato <= dt.date(2099, 12, 31):
        assert code == 0, err
    else:
        assert code == 2 and "utenfor datoene programmet kan bruke" in err
