"""A profile's new keys of issue 13 are checked as strictly as the old ones: `skjema` (the
forms it uses), a step's `samtykke` and `oppgaver`, and `[[gjennomgang]]`; every message
names the file, the line and the table (docs/NOTES.md, «Input validation»)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fravaer_tui.domain.profiles import FORM_IDS, ProfileError, load_profile
from tests.unit.test_validation import profile_file

HOLE = Path(__file__).resolve().parents[2] / "fravaer_tui/domain/builtin_profiles/hole.toml"

ATTACKS = [
    ("skjema = [1, 2, 3, 4]", "skjema = [1, 5]", "", "skjema må være en liste med ulike skjemaer"),
    (
        "skjema = [1, 2, 3, 4]",
        'skjema = ["samarbeidsavtale"]',
        "trinn nr. 2",
        "vedlegg «1» er ikke blant skjemaene",
    ),
    (
        'oppgaver = [\n  { id = "helsesykepleier_tilbud"',
        'oppgaver = [\n  { id = "helsesykepleier tilbud"',
        "trinn nr. 4",
        "kan ikke brukes som id for en oppgave",
    ),
    (
        'frist_dager = 14, samtykke = ["helsesykepleier"]',
        'frist_dager = 14, samtykke = ["helsesøster"]',
        "trinn nr. 4",
        "ukjent tjeneste «helsesøster»",
    ),
    ("frist_dager = 14, samtykke", "frist_dager = -1, samtykke", "trinn nr. 4", "frist_dager"),
    (
        '{ id = "ppt_varslet", tittel',
        '{ id = "ppt_varslet", frist = 3, tittel',
        "trinn nr. 4",
        "ukjent nøkkel «frist»",
    ),
    (
        'hyppighet = "ukentlig"',
        'hyppighet = "daglig"',
        "gjennomgang nr. 1",
        "hyppighet må være en av ukentlig, maanedlig, to_ganger_semester",
    ),
    ('omfang = "skole"', 'omfang = "kommune"', "gjennomgang nr. 1", "omfang må være en av"),
    (
        'hvem = "ledelse"\nhyppighet',
        'hvem = "rektor"\nhyppighet',
        "gjennomgang nr. 1",
        "hvem må være en av kontaktlaerer, ledelse",
    ),
    (
        'dekker = ["meldinger_ledelsen", "saker"]',
        'dekker = ["alt"]',
        "gjennomgang nr. 1",
        "dekker må være en liste blant fravaer",
    ),
    (
        'id = "ukentlige_meldinger"',
        'id = "ukentlige_meldinger"\nhvor = "her"',
        "gjennomgang nr. 1",
        "ukjent nøkkel «hvor»",
    ),
]


@pytest.mark.parametrize(("old", "new", "where", "problem"), ATTACKS)
def test_new_keys_are_refused_with_file_line_and_table(
    tmp_path: Path, old: str, new: str, where: str, problem: str
) -> None:
    path, _ = profile_file(tmp_path, old, new)
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}, linje ") and problem in message
    assert where in message


def test_a_step_may_not_name_a_form_of_another_profile(tmp_path: Path) -> None:
    text = HOLE.read_text(encoding="utf-8").replace(
        'vedlegg = ["samarbeidsavtale"]', "vedlegg = [4]"
    )
    path = tmp_path / "hole-egen.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match="vedlegg «4» er ikke blant skjemaene profilen bruker"):
        load_profile(str(path))


def test_a_profile_without_skjema_uses_strands_forms(tmp_path: Path) -> None:
    path = tmp_path / "gammel.toml"
    path.write_text('id = "gammel"\n[regler.ugyldig_fravaer]\nterskel = 1\n', encoding="utf-8")
    assert load_profile(str(path)).skjema == ("1", "2", "3", "4")
    assert set(load_profile("hole").skjema) <= set(FORM_IDS)
