"""A start costs what its first screen needs (issue 10, points 6 and 8): the TUI's first
screens load no Word library, and the command line's parser loads no application layer.

Each is checked in a fresh Python (the test process has imported everything by now).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]

FIRST_SCREENS = """
import asyncio, datetime as dt, json, sys
from fravaer_tui.app import FravaerApp
from fravaer_tui.application.school import open_school
from fravaer_tui.domain.model import Role

school = open_school(sys.argv[1])
monday = dt.date(2026, 11, 23)
lesson = school.roster.slots_on(school.roster.classes[0], monday)[0]
teacher = school.roster.staff_member(lesson.laerer)
kontakt = school.roster.kontaktlaerere(school.roster.classes[0])[0]
rektor = next(s for s in school.roster.staff if s.rolle is Role.REKTOR)
starts = [
    (teacher, dt.datetime.combine(monday, lesson.start) + dt.timedelta(minutes=2)),
    (kontakt, dt.datetime.combine(monday, dt.time(7, 30))),
    (rektor, dt.datetime.combine(monday, dt.time(12, 0))),
]
screens = []

async def start(user, now):
    app = FravaerApp(school, user, clock=lambda: now, check_interval=None)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.alerts is None:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        screens.append(type(app.screen).__name__)

for user, now in starts:
    asyncio.run(start(user, now))
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"docx", "lxml"})
print(json.dumps({"screens": screens, "loaded": loaded}))
"""

PARSER = """
import json, sys
from fravaer_tui.cli import build_parser
build_parser()
layers = ("fravaer_tui.application", "fravaer_tui.store")  # documents.forms: pure words
heavy = ("textual", "docx", "lxml")
print(json.dumps(sorted(
    m for m in sys.modules if m.startswith(layers) or m.split(".")[0] in heavy
)))
"""


def python(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_first_screens_load_no_word_library(demo_dir: Path) -> None:
    found = json.loads(python(FIRST_SCREENS, str(demo_dir)))
    assert found["screens"] == ["RegisterScreen", "MorningScreen", "LessonsScreen"]
    assert found["loaded"] == []


def test_the_command_lines_parser_loads_no_application_layer() -> None:
    """--help, a usage error and the SSH forced command's refusals are answered before any
    command's dependencies are imported."""
    assert json.loads(python(PARSER)) == []


ONE_COMMAND = """
import json, sys
from fravaer_tui.cli import parser_for
parser_for(sys.argv[1:]).parse_args(sys.argv[1:])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("fravaer_tui.cli."))))
"""


def test_a_command_line_builds_only_its_own_commands_parser() -> None:
    """`fravaer keys list` loads the keys command, not the follow-up routine's, the session
    server's or the other fourteen; a value that spells a command is not taken for one."""
    assert json.loads(python(ONE_COMMAND, "--data", "case", "keys", "list")) == [
        "fravaer_tui.cli.common",
        "fravaer_tui.cli.keys",
    ]
    assert json.loads(python(ONE_COMMAND, "--user", "A1", "backup", "--list")) == [
        "fravaer_tui.cli.admin",
        "fravaer_tui.cli.common",
    ]


def test_an_abbreviated_option_before_the_command_still_finds_it() -> None:
    """argparse takes `--dat` for `--data`: its value («case») is not the command."""
    assert json.loads(python(ONE_COMMAND, "--dat", "case", "--use", "A1", "keys", "list")) == [
        "fravaer_tui.cli.common",
        "fravaer_tui.cli.keys",
    ]


def test_the_options_taking_a_value_are_those_the_parser_has() -> None:
    """`TAKES_VALUE` is how a command line's command is found before the parser is built;
    an option added to the parser and not there would make its value look like a command."""
    from fravaer_tui.cli import TAKES_VALUE, build_parser

    parser = build_parser()
    takes = {
        option
        for action in parser._actions
        if action.option_strings and action.nargs != 0
        for option in action.option_strings
    }
    assert takes == set(TAKES_VALUE)


CLIENT = """
import sys
import fravaer_tui.entry, fravaer_tui.connect
heavy = ("json", "re", "enum", "socket", "selectors", "signal", "contextlib", "subprocess")
print(",".join(m for m in heavy if m in sys.modules))
"""


def test_a_forced_logins_client_loads_only_what_python_has() -> None:
    """The forced command hands its terminal to the session server (`connect`): forty of
    them start in the same second in a morning rush, each paying for what it imports. It
    loads no json, socket, signal or contextlib layer (nor the re and enum they load)."""
    assert python(CLIENT).strip() == ""


PRELOAD = """
import sys
from pathlib import Path
from fravaer_tui.cli.serve import _preload
_preload(Path(sys.argv[1]))
print(",".join(sorted(m for m in sys.modules if m.startswith("fravaer_tui.cli."))))
"""


def test_the_session_server_builds_only_the_forced_commands_parser(demo_dir: Path) -> None:
    """The server loads what its sessions need before the first login of a rush is forked:
    the forced command's parser (`ssh`), not every command's (0.1 s more of that wait)."""
    loaded = python(PRELOAD, str(demo_dir)).strip().split(",")
    assert loaded == [
        f"fravaer_tui.cli.{m}" for m in ("common", "serve", "sessionserver", "ssh", "startgate")
    ]
