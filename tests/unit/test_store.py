"""The store on real files in a temp folder: round trips, the per-month layout, private
modes, schema and corruption checks, locks, stale temp files, concurrent writers and
kill -9 (DESIGN, Quality bars and Known pitfalls; docs/NOTES.md, Store). Other processes
are real processes running `store_writer.py`."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import signal
import stat
from pathlib import Path
from typing import NoReturn

import pytest
from tinydb import TinyDB

from fravaer_tui.domain.model import (
    CancelledLesson,
    Foresatt,
    Holiday,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Role,
    SchoolConfig,
    Slot,
    Staff,
    Student,
    Validity,
)
from fravaer_tui.errors import (
    CorruptFileError,
    LessonConflict,
    LockTimeoutError,
    NewerSchemaError,
    StoreError,
)
from fravaer_tui.store import Store, YearData
from fravaer_tui.store.codec import safe_file_name
from fravaer_tui.store.files import file_lock, read_tables
from fravaer_tui.store.partitions import NaiveStore
from tests.forked import Forked
from tests.unit import store_writer

writer = store_writer

YEAR = writer.YEAR
NOW = dt.datetime(2026, 11, 20, 8, 15)
DAY = dt.date(2026, 11, 20)
OCTOBER = dt.date(2026, 10, 30)
JUNE = dt.date(2027, 6, 14)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(root: Path) -> Store:
    return Store(root)


def reg(klasse: str, dato: dt.date, time: int, av: str = "kari", *marks: Mark) -> Registration:
    return Registration(klasse, dato, time, av, dt.datetime.combine(dato, dt.time(8, 5)), marks)


def melding(melding_id: str, elev: str = "e1", dato: dt.date = DAY) -> Melding:
    return Melding(melding_id, elev, dato, dato, Reason.SYKDOM, av="kari", tid=NOW)


def lessons(data: YearData) -> set[tuple[dt.date, int]]:
    return {(r.dato, r.time) for r in data.registrations}


def file_lessons(path: Path) -> set[tuple[dt.date, int]]:
    """The lessons stored in one file, read straight from its tables."""
    data = read_tables(path)
    assert data is not None, path
    return {(dt.date.fromisoformat(d["dato"]), d["time"]) for d in data["registreringer"].values()}


def snapshot(path: Path) -> tuple[bytes, int, int]:
    """What a write would change: the bytes, the mtime and the inode (a rename makes a new one)."""
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, st.st_ino


def save(store: Store, *regs: Registration) -> None:
    for r in regs:
        with store.lesson_partition(r.klasse, r.dato) as part:
            part.put_registration(r)


def spawn(*args: object, stdin: bool = True) -> Forked:
    """store_writer.py's `main` in a process of its own (forked: no Python start to pay)."""
    return Forked(store_writer.main, args, stdin=stdin)


def expect_line(proc: Forked, wanted: str) -> None:
    line = proc.stdout.readline()
    if line != wanted + "\n":
        proc.kill()
        proc.wait()
        pytest.fail(f"store_writer said {line!r}, not {wanted!r}; stderr:\n{proc.stderr.read()}")


def saved_numbers(text: str) -> list[int]:
    numbers = []
    for line in text.splitlines():
        word, n = line.split()
        assert word == "saved", line
        numbers.append(int(n))
    return numbers


def temp_files(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp")) if folder.is_dir() else []


# ---------------------------------------------------------------------------
# Round trips


def test_config_round_trip_with_ferier(store: Store) -> None:
    config = SchoolConfig(
        navn='Strandaskolen «nord» "A" \\ æøå',
        profil="hole",
        ferier=(
            Holiday("Høstferie", dt.date(2026, 10, 5), dt.date(2026, 10, 9)),
            Holiday("Planleggingsdag", dt.date(2026, 11, 13), dt.date(2026, 11, 13)),
        ),
        elevmapper="/srv/elevmapper/strand",
        demo=True,
    )
    assert not store.exists()
    store.write_config(config)
    assert store.exists()
    assert store.load_config() == config

    store.write_config(SchoolConfig())
    assert store.load_config() == SchoolConfig()


def test_missing_or_bad_config_is_explained(store: Store) -> None:
    with pytest.raises(StoreError, match="Fant ingen skole") as err:
        store.load_config()
    assert str(store.root) in str(err.value)

    store.write_config(SchoolConfig())
    store.config_path.write_text('navn = "Uten slutt\n', encoding="utf-8")
    with pytest.raises(StoreError, match="ugyldig TOML") as err:
        store.load_config()
    assert str(store.config_path) in str(err.value)

    store.config_path.write_text(
        "[[ferie]]\nnavn = 'Høst'\nfra = 2026-10-05\ntil = 2026-10-09\n"
        "[[ferie]]\nnavn = 'Baklengs'\nfra = 2026-12-20\ntil = 2026-12-01\n",
        encoding="utf-8",
    )
    with pytest.raises(StoreError, match="ferie nr. 2") as err:
        store.load_config()
    assert str(store.config_path) in str(err.value)


def test_roster_round_trip_and_partial_replace(store: Store) -> None:
    students = [
        Student(
            "e1", "Ola", "Nordmann", "8A", (Foresatt("Kari Nordmann", "+47 900 00 000", "k@x.no"),)
        ),
        Student("e2", "Åse", "Øvrebø", "8A"),
        Student("e3", "Per", "Hansen", "9B", (Foresatt("Mor"), Foresatt("Far", "41234567"))),
    ]
    staff = [
        Staff("a1", "Kari Lærer", Role.KONTAKTLAERER, ("8A",), "kari"),
        Staff("a2", "Rektor Rask", Role.REKTOR),
    ]
    timetable = [
        Slot("8A", 1, 1, dt.time(8, 30), dt.time(9, 15), "Norsk", "a1"),
        Slot("8A", 1, 2, dt.time(9, 25), dt.time(10, 10), "Matematikk", "a1"),
    ]
    assert store.load_roster().students == ()

    store.write_roster(students=students, staff=staff, timetable=timetable)
    roster = store.load_roster()
    assert roster.students == tuple(students)
    assert roster.staff == tuple(staff)
    assert roster.timetable == tuple(timetable)
    assert roster.student("e3") == students[2]

    new_staff = [Staff("a3", "Vikar Vik", Role.FAGLAERER, ("8A", "9B"), "vik")]
    store.write_roster(staff=new_staff)
    roster = store.load_roster()
    assert roster.staff == tuple(new_staff)
    assert roster.students == tuple(students)
    assert roster.timetable == tuple(timetable)


def test_registrations_round_trip_and_replace_returns_old(store: Store) -> None:
    marks = (
        Mark("e1", MarkType.FRAVAER),
        Mark("e2", MarkType.SENT, minutter=12, merknad="buss"),
        Mark("e3", MarkType.FORLOT, validity=Validity.UGYLDIG),
        Mark("e4", None, merknad="mangler utstyr"),
        Mark("e5", MarkType.FRAVAER, validity=Validity.GYLDIG, reason=Reason.LEGE),
    )
    first = reg("8A", DAY, 1, "kari", *marks)
    second = reg("8A", DAY, 2, "per")
    other = reg("9B", DAY, 1, "per", Mark("e9", MarkType.FRAVAER))

    with store.lesson_partition("8A", DAY) as part:
        assert part.path == store.root / YEAR / "8A" / "2026-11.json"
        assert part.created
        assert part.registration(DAY, 1) is None
        assert part.put_registration(first) is None
        assert part.put_registration(second) is None
    with store.lesson_partition("9B", DAY) as part:
        part.put_registration(other)

    assert set(store.load_class(YEAR, "8A").registrations) == {first, second}
    assert set(store.load_year(YEAR).registrations) == {first, second, other}
    assert store.years() == [YEAR]

    corrected = reg("8A", DAY, 1, "kari", Mark("e1", MarkType.SENT, minutter=5))
    with store.lesson_partition("8A", DAY) as part:
        assert not part.created
        assert part.registration(DAY, 1) == first
        assert part.put_registration(corrected) == first
    assert set(store.load_class(YEAR, "8A").registrations) == {corrected, second}


def test_a_roll_call_and_not_held_never_meet_in_one_lesson(store: Store) -> None:
    """DESIGN: «A lesson can be marked not held (avlyst)»; a lesson registered was held. The
    store refuses each inside the file's lock, where the other is written, so no check made
    before the lock can be overtaken, and a refusal leaves the file and the log untouched."""
    cancelled = CancelledLesson("8A", DAY, 2, "kari", NOW)
    assert store.set_not_held(cancelled, False, "kari", NOW) is None
    path = store.lesson_path("8A", DAY)
    before, entries = snapshot(path), len(store.log.read())

    with pytest.raises(LessonConflict, match=r"8A 20\.11\.2026 2\. time er merket som ikke"):
        store.save_registration(reg("8A", DAY, 2), NOW)
    store.save_registration(reg("8A", DAY, 1), NOW)  # the lesson before it was held
    after_save = snapshot(path)
    with pytest.raises(LessonConflict, match="en ført time er holdt"):
        store.set_not_held(CancelledLesson("8A", DAY, 1, "kari", NOW), False, "kari", NOW)

    assert snapshot(path) == after_save and after_save != before
    assert [e["hva"] for e in store.log.read()][entries:] == ["registrering"]
    assert lessons(store.load_class(YEAR, "8A")) == {(DAY, 1)}
    assert [c.time for c in store.load_file(path).cancelled] == [2]


def test_put_registrations_inserts_and_replaces_in_bulk(store: Store) -> None:
    with store.lesson_partition("8A", DAY) as part:
        part.put_registrations([reg("8A", DAY, t) for t in (1, 2)])
    again = [reg("8A", DAY, t, "vikar", Mark("e1", MarkType.FRAVAER)) for t in (2, 3)]
    with store.lesson_partition("8A", DAY) as part:
        part.put_registrations(again)
    assert set(store.load_class(YEAR, "8A").registrations) == {reg("8A", DAY, 1), *again}


def test_school_year_picks_the_folder_and_the_month_picks_the_file(store: Store) -> None:
    where = {
        dt.date(2026, 7, 31): "2025-2026/8A/2026-07.json",
        dt.date(2026, 8, 1): "2026-2027/8A/2026-08.json",
        dt.date(2026, 12, 31): "2026-2027/8A/2026-12.json",
        dt.date(2027, 1, 1): "2026-2027/8A/2027-01.json",
        dt.date(2027, 7, 31): "2026-2027/8A/2027-07.json",
        dt.date(2027, 8, 1): "2027-2028/8A/2027-08.json",
    }
    for dato, rel in where.items():
        assert store.lesson_path("8A", dato) == store.root / rel
    assert store.class_dir(YEAR, "8A") == store.root / YEAR / "8A"
    assert store.meldinger_path(YEAR, "8A") == store.root / YEAR / "8A" / "meldinger.json"

    save(store, *(reg("8A", dato, 1) for dato in where))
    assert store.years() == ["2025-2026", "2026-2027", "2027-2028"]
    assert sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*.json")) == (
        sorted(where.values())
    )
    for skoleaar in store.years():
        in_year = {(d, 1) for d, rel in where.items() if rel.startswith(skoleaar)}
        assert lessons(store.load_year(skoleaar)) == in_year
        assert lessons(store.load_class(skoleaar, "8A")) == in_year


def test_two_months_of_one_class_land_in_two_files_and_load_together(store: Store) -> None:
    october = reg("8A", OCTOBER, 8, "kari", Mark("e1", MarkType.FRAVAER))
    november = [reg("8A", dt.date(2026, 11, 2), 1), reg("8A", DAY, 1, "per")]
    other = reg("8B", DAY, 1)
    save(store, october, *november, other)

    folder = store.class_dir(YEAR, "8A")
    oct_file, nov_file = folder / "2026-10.json", folder / "2026-11.json"
    assert store.class_files(YEAR, "8A") == [oct_file, nov_file]
    assert store.class_files(YEAR) == [oct_file, nov_file, store.lesson_path("8B", DAY)]
    assert file_lessons(oct_file) == {(OCTOBER, 8)}
    assert file_lessons(nov_file) == {(r.dato, r.time) for r in november}

    class_8a = store.load_class(YEAR, "8A")
    assert sorted(class_8a.registrations, key=lambda r: r.dato) == [october, *november]
    assert class_8a.meldinger == ()
    assert set(store.load_year(YEAR).registrations) == {october, *november, other}

    with store.lesson_partition("8A", OCTOBER) as part:  # each month's file answers for itself
        assert part.path == oct_file
        assert part.registration(OCTOBER, 8) == october
        assert part.registration(DAY, 1) is None
    assert store.class_files(YEAR, "9C") == []
    assert store.load_class(YEAR, "9C") == YearData((), ())
    assert store.load_year("2030-2031") == YearData((), ())


def test_a_save_in_june_rewrites_only_junes_file(store: Store) -> None:
    save(
        store,
        reg("8A", dt.date(2026, 8, 20), 1),
        reg("8A", OCTOBER, 2),
        reg("8A", DAY, 3),
        reg("8A", JUNE, 1),
        reg("8B", JUNE, 1),
    )
    store.add_meldinger(YEAR, "8A", [melding("m1")], NOW)
    store.write_roster(students=[Student("e1", "Ola", "Nordmann", "8A")])
    june = store.lesson_path("8A", JUNE)
    log = store.root / "audit" / "2026-11.jsonl"
    files = store.class_files(YEAR)
    assert len(files) == 6
    # Every file but the lock files, whose holder line is rewritten by each transaction.
    before = {
        p: snapshot(p) for p in store.root.rglob("*") if p.is_file() and ".locks" not in p.parts
    }

    late = reg("8A", JUNE, 2, "per", Mark("e1", MarkType.SENT, minutter=4))
    assert store.save_registration(late, NOW) == (late, None)

    after = {
        p: snapshot(p) for p in store.root.rglob("*") if p.is_file() and ".locks" not in p.parts
    }
    assert after.keys() == before.keys()
    # the month file, the audit log and its head (entry count and newest hash)
    assert {p for p in before if after[p] != before[p]} == {june, log, log.with_name("hode.json")}
    assert file_lessons(june) == {(JUNE, 1), (JUNE, 2)}
    assert store.class_files(YEAR) == files
    assert late in store.load_class(YEAR, "8A").registrations


def test_odd_class_names_get_their_own_folder_inside_the_year(store: Store) -> None:
    escaped = {
        "8A": "8A",
        "10Å-ø_b": "10Å-ø_b",
        "": "~",
        "../8 A/B": "~00002e~00002e~00002f8~000020A~00002fB",
        "~": "~00007e",
        "~00002f": "~00007e00002f",
        "/": "~00002f",
        # A variable-length escape would give both of these "8~2f1".
        "8/1": "8~00002f1",
        "8\u02f1": "8~0002f1",
        "\U0010ffff": "~10ffff",
    }
    for klasse, folder_name in escaped.items():
        assert safe_file_name(klasse) == folder_name
        assert store.class_dir(YEAR, klasse) == store.root / YEAR / folder_name
        save(store, reg(klasse, DAY, 1))
        store.add_meldinger(YEAR, klasse, [melding(f"m-{klasse}", f"e-{klasse}")], NOW)

    assert sorted(p.name for p in (store.root / YEAR).iterdir()) == sorted(escaped.values())
    assert sorted(p.name for p in store.root.iterdir()) == [".locks", YEAR, "audit"]
    for klasse in escaped:
        files = store.class_files(YEAR, klasse)
        assert files == [store.lesson_path(klasse, DAY), store.meldinger_path(YEAR, klasse)]
        assert files[0].parent.parent == store.root / YEAR
        data = store.load_class(YEAR, klasse)
        assert data.registrations == (reg(klasse, DAY, 1),)
        assert data.meldinger == (melding(f"m-{klasse}", f"e-{klasse}"),)
    assert len(store.class_files(YEAR)) == 2 * len(escaped)


def test_transaction_over_several_files_writes_them_all(store: Store) -> None:
    a, b = store.lesson_path("8A", DAY), store.lesson_path("8B", DAY)
    a_oct, a_meld = store.lesson_path("8A", OCTOBER), store.meldinger_path(YEAR, "8A")
    with store.transaction(b, a_meld, a, a_oct) as (part_b, part_meld, part_a, part_oct):
        assert [p.path for p in (part_b, part_meld, part_a, part_oct)] == [b, a_meld, a, a_oct]
        part_a.put_registration(reg("8A", DAY, 1))
        part_b.put_registration(reg("8B", DAY, 1))
        part_oct.put_registration(reg("8A", OCTOBER, 1))
        part_meld.add_meldinger([melding("m1")])
    assert file_lessons(a) == {(DAY, 1)}
    assert file_lessons(a_oct) == {(OCTOBER, 1)}
    assert lessons(store.load_class(YEAR, "8A")) == {(DAY, 1), (OCTOBER, 1)}
    assert lessons(store.load_class(YEAR, "8B")) == {(DAY, 1)}
    assert store.load_class(YEAR, "8A").meldinger == (melding("m1"),)


def test_failed_block_writes_nothing_and_unchanged_block_does_not_rewrite(store: Store) -> None:
    path = store.lesson_path("8A", DAY)
    with pytest.raises(RuntimeError), store.lesson_partition("8A", DAY) as part:
        part.put_registration(reg("8A", DAY, 1))
        raise RuntimeError("avbrutt")
    assert not path.exists()
    assert store.class_files(YEAR) == []

    save(store, reg("8A", DAY, 1))
    before = snapshot(path)
    with pytest.raises(RuntimeError), store.lesson_partition("8A", DAY) as part:
        part.put_registration(reg("8A", DAY, 2))
        raise RuntimeError("avbrutt")
    with store.lesson_partition("8A", DAY) as part:
        assert part.registration(DAY, 1) == reg("8A", DAY, 1)
        assert part.registration(DAY, 2) is None
    assert snapshot(path) == before


def test_meldinger_add_and_remove(store: Store) -> None:
    syk = Melding("m1", "e1", DAY, DAY + dt.timedelta(days=2), Reason.SYKDOM, av="kari", tid=NOW)
    perm = Melding("m2", "e2", DAY, DAY, Reason.PERMISJON, Validity.GYLDIG)
    skulk = Melding("m3", "e1", DAY, DAY, Reason.ANNET, Validity.UGYLDIG, "per", NOW)
    with store.meldinger_partition(YEAR, "8A") as part:
        assert part.path == store.root / YEAR / "8A" / "meldinger.json"
        assert part.created
        part.add_meldinger([syk, perm])
    with store.meldinger_partition(YEAR, "8A") as part:
        assert not part.created
        part.add_meldinger([skulk])
        assert part.meldinger() == [syk, perm, skulk]
    assert store.load_class(YEAR, "8A").meldinger == (syk, perm, skulk)

    with store.meldinger_partition(YEAR, "8A") as part:
        assert part.remove_melding("m2") == perm
        assert part.remove_melding("finnes-ikke") is None
    assert store.load_class(YEAR, "8A").meldinger == (syk, skulk)
    assert store.load_year(YEAR).meldinger == (syk, skulk)


def test_meldinger_and_registrations_of_one_class_live_in_separate_files(store: Store) -> None:
    first = reg("8A", DAY, 1, "kari", Mark("e1", MarkType.FRAVAER))
    store.save_registration(first, NOW)
    lesson_file, meldinger_file = store.lesson_path("8A", DAY), store.meldinger_path(YEAR, "8A")
    assert not meldinger_file.exists()

    lesson_before = snapshot(lesson_file)
    store.add_meldinger(YEAR, "8A", [melding("m1"), melding("m2", "e2")], NOW)
    assert snapshot(lesson_file) == lesson_before

    meldinger_before = snapshot(meldinger_file)
    second = reg("8A", DAY, 2, "per")
    store.save_registration(second, NOW)
    assert snapshot(meldinger_file) == meldinger_before

    lesson_tables, meldinger_tables = read_tables(lesson_file), read_tables(meldinger_file)
    assert lesson_tables is not None and meldinger_tables is not None
    assert set(lesson_tables) == {"_meta", "registreringer"}
    assert set(meldinger_tables) == {"_meta", "meldinger"}
    assert [d["id"] for d in meldinger_tables["meldinger"].values()] == ["m1", "m2"]

    assert store.class_files(YEAR, "8A") == [lesson_file, meldinger_file]
    data = store.load_class(YEAR, "8A")
    assert set(data.registrations) == {first, second}
    assert data.meldinger == (melding("m1"), melding("m2", "e2"))
    assert store.load_year(YEAR) == data


def test_audit_append_and_read(store: Store) -> None:
    assert store.log.read() == []
    store.log.append([], NOW)
    assert not (store.root / "audit").exists()

    store.log.append(
        [{"hvem": "kari", "hva": "føring", "før": None, "etter": {"e1": "fravaer"}}], NOW
    )
    store.log.append([{"hvem": "per", "hva": "melding"}, {"hvem": "per", "hva": "sletting"}], NOW)
    store.log.append([{"hvem": "ola", "hva": "føring"}], dt.datetime(2026, 12, 1, 9, 0))
    assert store.log.read() == [
        {
            "tid": "2026-11-20T08:15:00",
            "hvem": "kari",
            "hva": "føring",
            "før": None,
            "etter": {"e1": "fravaer"},
        },
        {"tid": "2026-11-20T08:15:00", "hvem": "per", "hva": "melding"},
        {"tid": "2026-11-20T08:15:00", "hvem": "per", "hva": "sletting"},
        {"tid": "2026-12-01T09:00:00", "hvem": "ola", "hva": "føring"},
    ]
    assert sorted(p.name for p in (store.root / "audit").iterdir()) == [
        "2026-11.jsonl",
        "2026-12.jsonl",
        "hode.json",
    ]


def test_audit_line_cut_by_a_crash_does_not_swallow_the_next_entry(store: Store) -> None:
    store.log.append([{"hva": "først"}], NOW)
    log = store.root / "audit" / "2026-11.jsonl"
    with log.open("ab") as f:
        f.write(b'{"tid":"2026-11-20T08:15:00","hva":"halv')  # what a crash mid-append leaves
    store.log.append([{"hva": "etterpå"}], NOW)
    assert [e["hva"] for e in store.log.read()] == ["først", "etterpå"]


def test_a_torn_audit_head_is_taken_as_lost_and_the_chain_stays_whole(store: Store) -> None:
    """hode.json is rewritten in place (no temp file, no rename), sealed with the hash of its
    fields. A head a crash left half new and half old can be valid JSON that names the
    right file and size but the wrong newest hash: unsealed (tried), the next entry was
    chained to that hash and the log no longer verified. It fails its seal: counts as lost."""
    store.log.append([{"hva": "først"}], NOW)
    store.log.append([{"hva": "andre"}], NOW)
    head = store.root / "audit" / "hode.json"
    fields = json.loads(head.read_bytes())
    torn = fields["siste"][:32] + "0" * 32  # the new hash's first half, an old one's last
    head.write_bytes(head.read_bytes().replace(fields["siste"].encode(), torn.encode()))
    store.log.append([{"hva": "tredje"}], NOW)
    assert store.log.verify().ok and store.log.verify().entries == 3
    assert json.loads(head.read_bytes())["antall"] == 3  # and the head is whole again
    head.unlink()
    head.symlink_to(store.root / "elsewhere.json")  # a link planted at the head: not written
    store.log.append([{"hva": "fjerde"}], NOW)
    assert not (store.root / "elsewhere.json").exists() and store.log.verify().ok


def test_save_registration_merges_inside_the_lock_and_audits(store: Store) -> None:
    first = reg("8A", DAY, 1, "kari", Mark("e1", MarkType.FRAVAER))
    assert store.save_registration(first, NOW) == (first, None)

    seen: list[Registration | None] = []

    def merge(old: Registration | None, new: Registration) -> Registration:
        seen.append(old)
        return new

    second = reg("8A", DAY, 1, "per", Mark("e2", MarkType.SENT, minutter=3))
    assert store.save_registration(second, NOW, merge) == (second, first)
    assert seen == [first]
    october = reg("8A", OCTOBER, 1, "ola")
    assert store.save_registration(october, NOW, merge) == (october, None)
    assert seen == [first, None]  # the same period a month earlier is another lesson

    assert store.load_class(YEAR, "8A").registrations == (october, second)
    assert file_lessons(store.lesson_path("8A", OCTOBER)) == {(OCTOBER, 1)}
    changes = [(e["hva"], e["av"], e["dato"], e["time"]) for e in store.log.read()]
    assert changes == [
        ("registrering", "kari", "2026-11-20", 1),
        ("registrering_endret", "per", "2026-11-20", 1),
        ("registrering", "ola", "2026-10-30", 1),
    ]


def test_add_meldinger_is_audited(store: Store) -> None:
    store.add_meldinger(YEAR, "8A", [melding("m1")], NOW)
    assert store.class_files(YEAR) == [store.meldinger_path(YEAR, "8A")]
    assert store.load_class(YEAR, "8A").meldinger == (melding("m1"),)
    assert [(e["hva"], e["elev"]) for e in store.log.read()] == [("melding", "e1")]


def test_naive_store_reads_back_with_default_tinydb(tmp_path: Path) -> None:
    path = tmp_path / "alt.json"
    naive = NaiveStore(path)
    naive.fill([reg("8A", DAY, 1), reg("8B", DAY, 1, "per", Mark("e1", MarkType.FRAVAER))])
    naive.save(reg("8A", DAY, 2))
    with TinyDB(path) as db:
        docs = db.table("registreringer").all()
    assert [(d["klasse"], d["dato"], d["time"]) for d in docs] == [
        ("8A", "2026-11-20", 1),
        ("8B", "2026-11-20", 1),
        ("8A", "2026-11-20", 2),
    ]
    assert docs[1]["marks"] == [{"elev": "e1", "type": "fravaer"}]


# ---------------------------------------------------------------------------
# Private files


def _modes(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root.parent)): stat.S_IMODE(p.stat().st_mode)
        for p in [root, *root.rglob("*")]
    }


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask022", "umask000"])
def test_everything_created_is_private(root: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        store = Store(root)
        # A lesson first, so the data, year and class folders are made by the transaction.
        save(store, reg("8A", DAY, 1))
        store.add_meldinger(YEAR, "8A", [melding("m1")], NOW)
        store.write_roster(students=[Student("e1", "Ola", "Nordmann", "8A")])
        store.write_config(SchoolConfig())
    finally:
        os.umask(old)

    modes = _modes(root)
    dirs = {"data", f"data/{YEAR}", f"data/{YEAR}/8A", "data/.locks", "data/audit"}
    files = {
        "data/skole.toml",
        "data/skole.json",
        f"data/{YEAR}/8A/2026-11.json",
        f"data/{YEAR}/8A/meldinger.json",
        "data/audit/2026-11.jsonl",
        "data/audit/hode.json",
        f"data/.locks/{YEAR}__8A__2026-11.json.lock",
        f"data/.locks/{YEAR}__8A__meldinger.json.lock",
        "data/.locks/skole.json.lock",
        "data/.locks/skole.lock",
        "data/.locks/audit__logg.lock",
    }
    assert modes == {**dict.fromkeys(dirs, 0o700), **dict.fromkeys(files, 0o600)}


def test_a_file_opened_up_by_hand_is_private_again_after_a_save(store: Store) -> None:
    save(store, reg("8A", DAY, 1))
    store.add_meldinger(YEAR, "8A", [melding("m1")], NOW)
    paths = store.class_files(YEAR, "8A")
    for path in paths:
        path.chmod(0o644)
    save(store, reg("8A", DAY, 2))
    store.add_meldinger(YEAR, "8A", [melding("m2")], NOW)
    assert [stat.S_IMODE(p.stat().st_mode) for p in paths] == [0o600, 0o600]


# ---------------------------------------------------------------------------
# Files the store must not touch: newer schema, corrupt content


def _data_file(store: Store, kind: str, content: bytes) -> Path:
    path = store.lesson_path("8A", DAY) if kind == "lesson" else store.meldinger_path(YEAR, "8A")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _save_lesson(store: Store) -> None:
    save(store, reg("8A", DAY, 1))


def _save_melding(store: Store) -> None:
    with store.meldinger_partition(YEAR, "8A") as part:
        part.add_meldinger([melding("m1")])


def _save_roster(store: Store) -> None:
    store.write_roster(students=[Student("e1", "Ola", "Nordmann", "8A")])


def _refused_attempts(store: Store, kind: str, path: Path) -> list:
    if kind == "lesson":
        saves = [_save_lesson, lambda s: s.save_registration(reg("8A", DAY, 2), NOW)]
    else:
        saves = [_save_melding, lambda s: s.add_meldinger(YEAR, "8A", [melding("m2")], NOW)]
    return [
        (path, lambda: read_tables(path)),
        (path, lambda: store.load_class(YEAR, "8A")),
        (path, lambda: store.load_year(YEAR)),
        *((path, lambda f=f: f(store)) for f in saves),
        (store.roster_path, store.load_roster),
        (store.roster_path, lambda: _save_roster(store)),
    ]


def _other_files_of_the_class_still_take_saves(store: Store, kind: str) -> None:
    """A damaged file blocks only itself: its class's other files still take saves."""
    save(store, reg("8A", OCTOBER, 1))
    if kind == "lesson":
        _save_melding(store)
        assert read_tables(store.meldinger_path(YEAR, "8A")) is not None
    else:
        _save_lesson(store)
        assert file_lessons(store.lesson_path("8A", DAY)) == {(DAY, 1)}
    assert file_lessons(store.lesson_path("8A", OCTOBER)) == {(OCTOBER, 1)}
    assert not store.log.read()  # nothing refused got as far as the log


KINDS = ["lesson", "meldinger"]


@pytest.mark.parametrize("kind", KINDS)
def test_newer_schema_is_refused_and_left_alone(store: Store, kind: str) -> None:
    newer = {"_meta": {"1": {"schema": 99}}, "registreringer": {}, "meldinger": {}, "nytt": {}}
    path = _data_file(store, kind, json.dumps(newer).encode())
    store.roster_path.write_bytes(json.dumps(newer).encode())
    before = {p: snapshot(p) for p in (path, store.roster_path)}

    for named, attempt in _refused_attempts(store, kind, path):
        with pytest.raises(NewerSchemaError) as err:
            attempt()
        message = str(err.value)
        assert str(named) in message
        assert "nyere versjon av fravaer-tui" in message
        assert "dataformat 99" in message
        assert err.value.path == named
    _other_files_of_the_class_still_take_saves(store, kind)
    assert {p: snapshot(p) for p in before} == before


CORRUPT = {
    "truncated": b'{"_meta":{"1":{"schema":1}},"registreringer":{"7398592001":{"klasse":"8',
    "garbage": bytes(range(256)) * 4,
    "empty": b"",
    "list": b'[{"klasse": "8A"}]',
    "table_is_list": b'{"registreringer": [], "meldinger": []}',
    "schema_not_a_number": b'{"_meta": {"1": {"schema": "ny"}}}',
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_corrupt_file_is_named_and_never_written(store: Store, content: bytes, kind: str) -> None:
    path = _data_file(store, kind, content)
    store.roster_path.write_bytes(content)
    before = {p: snapshot(p) for p in (path, store.roster_path)}

    for named, attempt in _refused_attempts(store, kind, path):
        with pytest.raises(CorruptFileError) as err:
            attempt()
        assert f"Datafilen {named} er skadet og kan ikke leses" in str(err.value)
        assert "Filen er ikke endret" in str(err.value)
        assert err.value.path == named
    _other_files_of_the_class_still_take_saves(store, kind)
    assert {p: snapshot(p) for p in before} == before


BAD_RECORDS = {
    "lesson_missing_fields": ("lesson", b'{"registreringer": {"1": {"klasse": "8A"}}}'),
    "lesson_is_text": ("lesson", b'{"registreringer": {"1": "8A"}}'),
    "mark_is_number": (
        "lesson",
        b'{"registreringer": {"1": {"klasse": "8A", "dato": "2026-11-20", "time": 1, '
        b'"av": "kari", "tid": "2026-11-20T08:05:00", "marks": [7]}}}',
    ),
    "melding_missing_fields": ("meldinger", b'{"meldinger": {"1": {"id": "m1"}}}'),
    "melding_bad_date": (
        "meldinger",
        b'{"meldinger": {"1": {"id": "m1", "elev": "e1", "fra": "i morgen", '
        b'"til": "2026-11-20", "aarsak": "sykdom", "gyldighet": "gyldig"}}}',
    ),
}


@pytest.mark.parametrize(("kind", "content"), BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_record_with_missing_fields_is_reported_as_corrupt(
    store: Store, kind: str, content: bytes
) -> None:
    save(store, reg("8A", OCTOBER, 1))  # a good file first: the bad one must still be found
    path = _data_file(store, kind, content)
    for attempt in (lambda: store.load_class(YEAR, "8A"), lambda: store.load_year(YEAR)):
        with pytest.raises(CorruptFileError, match="ugyldig post") as err:
            attempt()
        assert str(path) in str(err.value)
        assert err.value.path == path


# ---------------------------------------------------------------------------
# Locks


def test_lock_held_by_another_process_times_out_in_norwegian(store: Store) -> None:
    _save_lesson(store)
    path = store.lesson_path("8A", DAY)
    stale = path.with_name(f".{path.name}.4242.tmp")
    before = snapshot(path)

    holder = spawn("hold", store.root, "8A", DAY.isoformat())
    try:
        expect_line(holder, "locked")
        stale.write_bytes(b'{"registreringer":{"1":{"kla')
        impatient = Store(store.root, lock_timeout=0.2)
        with (
            pytest.raises(LockTimeoutError) as err,
            impatient.lesson_partition("8A", DAY) as part,
        ):
            part.put_registration(reg("8A", DAY, 2))
        # The lock is per file: the class's other months and its meldinger are free.
        with impatient.lesson_partition("8A", OCTOBER) as part:
            part.put_registration(reg("8A", OCTOBER, 1))
        with impatient.meldinger_partition(YEAR, "8A") as part:
            part.add_meldinger([melding("m1")])
        # Only a transaction holding the file's lock may clear its temp files.
        assert stale.exists()
    finally:
        holder.communicate("slipp\n")
    assert holder.returncode == 0

    message = str(err.value)
    assert "en annen prosess har holdt låsen i over 0.2 sekunder" in message
    assert f"Låsen holdes av pid {holder.pid}" in message
    assert "Ingenting er lagret" in message
    assert snapshot(path) == before
    assert stale.exists()

    _save_lesson(store)  # released with the holder's transaction
    assert not stale.exists()
    with store.lesson_partition("8A", DAY) as part:
        part.put_registration(reg("8A", DAY, 2))
    assert lessons(store.load_class(YEAR, "8A")) == {(DAY, 1), (DAY, 2), (OCTOBER, 1)}
    assert store.load_class(YEAR, "8A").meldinger == (melding("m1"),)


def test_file_lock_excludes_a_second_holder_in_the_same_process(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    # flock belongs to the open file, not the process: two threads exclude each other too.
    with (
        file_lock(lock, 1.0),
        pytest.raises(LockTimeoutError, match="Fikk ikke skrive til"),
        file_lock(lock, 0.05),
    ):
        pass
    with file_lock(lock, 0.05):
        pass


# ---------------------------------------------------------------------------
# Many writers at once


def _run_writers(root: Path, jobs: list[tuple[str, list[str], int, int]]) -> list[list[int]]:
    """Start one process per job, let them all go at once, return what each saved."""
    procs = [
        spawn("batch", root, name, ",".join(files), first, count)
        for name, files, first, count in jobs
    ]
    for proc in procs:
        expect_line(proc, "ready")
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    saved = []
    for proc in procs:
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        saved.append(saved_numbers(out))
    return saved


def _writers_in_file_order(path: Path) -> list[str]:
    data = read_tables(path)
    assert data is not None
    return [doc["av"] for doc in data["registreringer"].values()]


def test_concurrent_writers_into_one_month_file_lose_nothing(root: Path) -> None:
    procs, each = 8, 25
    jobs = [(f"w{k}", ["8A"], k * each, each) for k in range(procs)]
    saved = _run_writers(root, jobs)

    assert saved == [list(range(k * each, (k + 1) * each)) for k in range(procs)]
    store = Store(root)
    want = {writer.lesson(n) for n in range(procs * each)}
    assert {d.month for d, _ in want} == {10}
    path = store.lesson_path("8A", writer.FIRST_DAY)
    assert store.class_files(YEAR) == [path]
    assert lessons(store.load_class(YEAR, "8A")) == want
    assert len(store.load_class(YEAR, "8A").registrations) == procs * each
    order = _writers_in_file_order(path)
    switches = sum(a != b for a, b in zip(order, order[1:], strict=False))
    assert switches > procs - 1, "the writers ran one after another, not at once"


def test_concurrent_writers_over_shared_and_own_files_lose_nothing(root: Path) -> None:
    # Each save is one transaction over the shared 8A and 8B month files, the writer's own
    # class and 8A's meldinger; half the writers list them the other way round, and the
    # store must not deadlock. The lessons run from 28 October into November, so the
    # shared classes get two month files each.
    procs, each, base = 6, 20, 27 * writer.PERIODS
    jobs = []
    for k in range(procs):
        files = ["8A", "8B", f"9{k}", "8A/meldinger"]
        jobs.append((f"w{k}", files if k % 2 else files[::-1], base + k * each, each))
    _run_writers(root, jobs)

    store = Store(root)
    numbers = range(base, base + procs * each)
    everything = {writer.lesson(n) for n in numbers}
    by_month = {m: {(d, t) for d, t in everything if d.month == m} for m in (10, 11)}
    assert all(by_month.values())
    for klasse in ("8A", "8B"):
        assert lessons(store.load_class(YEAR, klasse)) == everything
        month_files = [store.class_dir(YEAR, klasse) / f"2026-{m}.json" for m in by_month]
        for month, path in zip(by_month, month_files, strict=True):
            assert file_lessons(path) == by_month[month]
        extra = [store.meldinger_path(YEAR, klasse)] if klasse == "8A" else []
        assert store.class_files(YEAR, klasse) == month_files + extra
    for k in range(procs):
        own = store.load_class(YEAR, f"9{k}")
        mine = range(base + k * each, base + (k + 1) * each)
        assert lessons(own) == {writer.lesson(n) for n in mine}
        assert {r.av for r in own.registrations} == {f"w{k}"}
    assert len(store.load_year(YEAR).registrations) == 3 * procs * each

    meldinger = store.load_class(YEAR, "8A").meldinger
    want_ids = {
        f"w{k}-{n}" for k in range(procs) for n in range(base + k * each, base + (k + 1) * each)
    }
    assert sorted(m.id for m in meldinger) == sorted(want_ids)
    assert store.load_year(YEAR).meldinger == meldinger


# ---------------------------------------------------------------------------
# kill -9 and the temp files it leaves


class Writers:
    """`store_writer.py writers`: forks loop writers into 8A and reports what they do."""

    def __init__(self, root: Path) -> None:
        self.proc = spawn("writers", root, "8A")
        self.pid: int | None = None  # the running writer
        expect_line(self.proc, "ready")

    def start(self, first: int) -> None:
        self.proc.stdin.write(f"loop {first}\n")
        self.proc.stdin.flush()
        words = self._line()
        if words[0] != "child":
            self._fail(f"expected a new writer, got {words}")
        self.pid = int(words[1])

    def saved(self) -> int:
        words = self._line()
        if words[0] != "saved":
            self._fail(f"expected a save, got {words}")
        return int(words[1])

    def stop(self) -> list[int]:
        """SIGSTOP the writer wherever it is; return what it saved since the last look."""
        assert self.pid is not None
        os.kill(self.pid, signal.SIGSTOP)
        saved, _ = self._until("stopped")
        return saved

    def go_on(self) -> None:
        assert self.pid is not None
        os.kill(self.pid, signal.SIGCONT)

    def kill(self) -> int:
        """SIGKILL the (stopped) writer; return its exit code once it is gone."""
        assert self.pid is not None
        os.kill(self.pid, signal.SIGKILL)
        saved, (code,) = self._until("ended")
        assert saved == [], "a stopped writer saved something"
        self.pid = None
        return int(code)

    def close(self) -> tuple[int, str]:
        """End the helper (and a writer a failed test left running): exit code, stderr."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.pid = None
        _, err = self.proc.communicate("")
        return self.proc.returncode, err

    def _line(self) -> list[str]:
        line = self.proc.stdout.readline()
        if not line:
            self._fail("store_writer stopped talking")
        return line.split()

    def _until(self, event: str) -> tuple[list[int], list[str]]:
        saved = []
        while (words := self._line())[0] == "saved":
            saved.append(int(words[1]))
        if words[:2] != [event, str(self.pid)]:
            self._fail(f"expected {event} {self.pid}, got {words}")
        return saved, words[2:]

    def _fail(self, what: str) -> NoReturn:
        _, err = self.close()
        pytest.fail(f"{what}; stderr:\n{err}")


def _stop_mid_write(writers: Writers, folder: Path) -> tuple[list[int], list[str]]:
    """Stop the writer at a moment it has a temp file on disk: what it saved, the temp files."""
    saved: list[int] = []
    for _ in range(200_000):
        if temp_files(folder):
            saved += writers.stop()
            seen = temp_files(folder)
            if seen:
                return saved, seen
            writers.go_on()  # it renamed the file meanwhile
    pytest.fail("never caught the writer with a temp file on disk")


KILL_ROUNDS = 30


def test_kill_9_at_any_moment_never_corrupts_or_loses_a_save(root: Path) -> None:
    # Each round forks a writer, lets it save a few lessons, stops it (SIGSTOP) where it
    # is, looks, and kills it (SIGKILL). Every third round it is caught while a temp file
    # of its month file is on disk, so the kill surely leaves one; the other rounds stop
    # it at a random point. It starts on 30 October and crosses into November's file.
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    store = Store(root)
    folder = store.class_dir(YEAR, "8A")
    on_disk: set[tuple[dt.date, int]] = set()
    first = 29 * writer.PERIODS
    rounds_leaving_a_temp = 0
    writers = Writers(root)
    try:
        for round_no in range(KILL_ROUNDS):
            where = f"seed {seed}, round {round_no}"
            assert temp_files(folder) == [], where  # the last round's were cleared
            writers.start(first)
            for _ in range(rng.randint(1, 6)):
                assert writers.saved() == first, where
                on_disk.add(writer.lesson(first))
                first += 1
            if round_no % 3 == 2:
                rest, at_kill = _stop_mid_write(writers, folder)
            else:
                for _ in range(rng.randint(0, 300)):  # let it run on for a random while
                    temp_files(folder)
                rest = writers.stop()
                at_kill = temp_files(folder)
            pid = writers.pid
            assert writers.kill() == -signal.SIGKILL, where
            for n in rest:
                assert n == first, where
                on_disk.add(writer.lesson(n))
                first += 1

            in_flight = writer.lesson(first)
            in_flight_path = store.lesson_path("8A", in_flight[0])
            left = temp_files(folder)
            assert left == at_kill, where
            assert set(left) <= {f".{in_flight_path.name}.{pid}.tmp"}, where

            files = store.class_files(YEAR)
            assert all(read_tables(p) is not None for p in files), where
            found = lessons(store.load_class(YEAR, "8A"))
            assert on_disk <= found, f"{where}: lost {on_disk - found}"
            assert found - on_disk <= {in_flight}, where
            if left:
                assert in_flight not in found, where  # killed before the rename
            if in_flight in found:
                on_disk.add(in_flight)
            first += 1
            # Temp files left by a kill are never read as data.
            assert files == sorted({store.lesson_path("8A", d) for d, _ in found}), where
            assert lessons(store.load_year(YEAR)) == found, where

            next_store = Store(root, lock_timeout=1)
            if left:
                rounds_leaving_a_temp += 1
                stale = folder / left[0]
                assert stat.S_IMODE(stale.stat().st_mode) == 0o600, where
                stale_before = snapshot(stale)
                # Transactions on other files of the same folder leave it alone ...
                others = (store.meldinger_path(YEAR, "8A"), store.lesson_path("8A", JUNE))
                with next_store.transaction(*others):
                    pass
                assert snapshot(stale) == stale_before, where
            # ... the kernel dropped the killed writer's flock with it, so the next
            # transaction on its file gets the lock, and clears the temp file holding it.
            with next_store.lesson_partition("8A", in_flight[0]):
                pass
            assert temp_files(folder) == [], where
            assert lessons(store.load_class(YEAR, "8A")) == found, where
    finally:
        code, err = writers.close()
    assert code == 0, err

    assert rounds_leaving_a_temp >= KILL_ROUNDS // 3
    assert len(store.class_files(YEAR, "8A")) >= 2, "never crossed into the next month"


def test_stale_temp_files_are_cleared_only_by_their_own_files_transaction(store: Store) -> None:
    _save_lesson(store)
    _save_roster(store)
    folder = store.class_dir(YEAR, "8A")
    nov = store.lesson_path("8A", DAY)
    december = store.lesson_path("8A", dt.date(2026, 12, 1))
    half = b'{"registreringer":{"1":{"kla'

    def plant(*paths: Path) -> list[Path]:
        for p in paths:
            p.write_bytes(half)
        return list(paths)

    own = plant(folder / ".2026-11.json.4242.tmp", folder / ".2026-11.json.99999.tmp")
    of_december = plant(folder / ".2026-12.json.4242.tmp")  # its file does not exist yet
    of_meldinger = plant(folder / ".meldinger.json.4242.tmp")
    of_roster = plant(store.root / ".skole.json.4242.tmp")
    store.class_dir(YEAR, "8B").mkdir()
    bystanders = plant(
        folder / ".2026-10.json.4242.tmp",  # another month of the same class
        folder / ".2026-11.json.4242.tmp.bak",  # not a temp file of ours
        store.class_dir(YEAR, "8B") / ".2026-11.json.4242.tmp",  # same name, other class
        store.root / ".skole.toml.4242.tmp",  # skole.toml is not written in a transaction
    )
    planted = [*own, *of_december, *of_meldinger, *of_roster, *bystanders]

    # Readers never take temp files for data.
    assert store.class_files(YEAR) == [nov]
    assert lessons(store.load_year(YEAR)) == {(DAY, 1)}

    def remaining() -> list[Path]:
        return [p for p in planted if p.exists()]

    with store.lesson_partition("8A", DAY):  # even a transaction that writes nothing
        pass
    assert remaining() == [*of_december, *of_meldinger, *of_roster, *bystanders]
    save(store, reg("8A", dt.date(2026, 12, 1), 1))
    assert remaining() == [*of_meldinger, *of_roster, *bystanders]
    store.add_meldinger(YEAR, "8A", [melding("m1")], NOW)
    assert remaining() == [*of_roster, *bystanders]
    _save_roster(store)
    assert remaining() == bystanders
    assert all(p.read_bytes() == half for p in bystanders)

    assert store.class_files(YEAR) == [nov, december, store.meldinger_path(YEAR, "8A")]
    assert lessons(store.load_year(YEAR)) == {(DAY, 1), (dt.date(2026, 12, 1), 1)}


# ---------------------------------------------------------------------------
# Writes that fail (we run as root, where chmod does not stop a write; these faults do)


def test_failing_writes_say_so_and_leave_the_old_files(store: Store) -> None:
    # RLIMIT_FSIZE holds for root too: every write past the limit fails with EFBIG,
    # like a full disk would, in the middle of the temp file.
    limit = 4096
    _save_lesson(store)
    _save_melding(store)
    _save_roster(store)
    store.write_config(SchoolConfig(navn="Strandaskolen"))
    store.log.append([{"hva": "før"}], NOW)
    new_month = store.lesson_path("8A", dt.date(2026, 12, 1))
    files = {
        "lesson": store.lesson_path("8A", DAY),
        "new_month": new_month,
        "meldinger": store.meldinger_path(YEAR, "8A"),
        "roster": store.roster_path,
        "config": store.config_path,
        "audit": store.root / "audit" / "2026-11.jsonl",
    }
    before = {p: snapshot(p) for p in files.values() if p != new_month}

    proc = spawn("fsize", store.root, "8A", limit, stdin=False)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    results = {r["attempt"]: r for r in map(json.loads, out.splitlines())}

    assert results.keys() == files.keys()
    for name, result in results.items():
        assert result["error"] == "StoreError", (name, result)
        # the audit entry is written first, so the log may be the file that said no
        named = (str(files[name]), str(files["audit"]))
        assert any(path in result["message"] for path in named), result
        assert result["message"].startswith(("Kunne ikke lagre", "Kunne ikke skrive")), result
    # The audit log is appended in place: a failed append is cut off again, so its bytes
    # are the same but its mtime is not. The other files are replaced, never touched.
    log = files["audit"]
    assert log.read_bytes() == before.pop(log)[0]
    assert {p: snapshot(p) for p in before} == before
    assert not new_month.exists()
    assert store.class_files(YEAR) == [files["lesson"], files["meldinger"]]
    assert not list(store.root.rglob("*.tmp"))


def test_data_folder_that_cannot_be_made_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "fil"
    blocker.write_bytes(b"ikke en mappe")
    store = Store(blocker / "data")
    attempts = [
        lambda: _save_lesson(store),
        lambda: _save_melding(store),
        lambda: _save_roster(store),
        lambda: store.write_config(SchoolConfig()),
        lambda: store.log.append([{"hva": "x"}], NOW),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError, match="Kunne ikke lage mappen") as err:
            attempt()
        assert str(blocker) in str(err.value)
    assert blocker.read_bytes() == b"ikke en mappe"


def test_forty_staff_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    """08:30 on a Monday: 40 processes save their lessons at the same moment (issue 6)."""
    from fravaer_tui.application.demo import write_demo
    from fravaer_tui.application.school import open_school
    from fravaer_tui.bench import contended_saves

    folder = tmp_path / "skole"
    write_demo(folder, students=300, seed=5, until=dt.date(2026, 11, 20))
    school = open_school(folder)
    monday = dt.date(2026, 11, 23)
    timings = contended_saves(folder, school, monday, writers=40, saves_each=1)
    assert len(timings) == 40
    lessons = sorted(
        (s for s in school.roster.timetable if s.ukedag == 1), key=lambda s: (s.time, s.klasse)
    )[:40]
    assert len({(s.klasse, s.time) for s in lessons}) == 40
    saved = {
        (r.klasse, r.time): r
        for k in school.roster.classes
        for r in school.store.month_registrations(k, monday)
        if r.dato == monday
    }
    for slot in lessons:
        reg = saved[(slot.klasse, slot.time)]
        assert [m.elev for m in reg.marks] == [school.roster.students_in(slot.klasse)[0].id]
