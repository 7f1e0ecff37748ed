"""Starting the app: who may start it, and where it starts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fravaer_tui.app import run_app


def test_an_unknown_user_on_a_real_school_gets_a_message_not_the_app(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = demo_dir / "skole.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("demo = true", ""), "utf-8")
    code = run_app(demo_dir, None)
    assert code == 1
    err = capsys.readouterr().err
    assert "Fant ingen ansatt" in err and "ansattlisten" in err
    # --user cannot pick someone else, and --now cannot move the clock, on a real school
    assert run_app(demo_dir, "A001") == 1
    assert "--user kan bare brukes på demoskolen" in capsys.readouterr().err
    assert run_app(demo_dir, None, dt.datetime(2026, 11, 23, 9, 0)) == 1
    assert "--now kan bare brukes på demoskolen" in capsys.readouterr().err


def test_a_missing_school_gets_a_message(tmp_path: Path, capsys) -> None:
    assert run_app(tmp_path / "ingen", None) == 1
    assert "Fant ingen skole" in capsys.readouterr().err
