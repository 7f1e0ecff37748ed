"""The synthetic demo school, written into an empty folder (or over an earlier demo)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from fravaer_tui.application.school import School, open_school
from fravaer_tui.domain.model import Contact, Melding, Registration
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.errors import UserError
from fravaer_tui.store import Store
from fravaer_tui.store.codec import CONTACTS, contact_doc


def write_demo(
    data_dir: Path | str,
    students: int,
    seed: int,
    until: dt.date,
    now: dt.datetime | None = None,
) -> School:
    """Build the synthetic demo school into `data_dir`; never over a real school's data.

    The store gets no clock, so no daily backup is taken while building: a half-built demo
    is nothing to restore (and a snapshot named after the wall clock made the tests depend
    on the day they ran)."""
    store = Store(data_dir)
    if store.exists():
        if not store.load_config().demo:
            raise UserError(
                f"{store.root} inneholder en ekte skole. Demoskolen lages bare i en tom mappe "
                "eller over en tidligere demoskole."
            )
    elif store.root.is_dir() and any(p.name not in (".gitkeep",) for p in store.root.iterdir()):
        raise UserError(
            f"{store.root} er ikke tom. Demoskolen lages bare i en tom mappe (eller over en "
            "tidligere demoskole), så ingen data blir overskrevet."
        )
    if students < 1:
        raise UserError("--students må være minst 1.")
    from fravaer_tui.domain.demo import build_demo

    demo = build_demo(students=students, seed=seed, until=until, now=now)  # before anything goes
    if store.exists():  # an earlier demo school: its data goes, the new one is written
        for year in store.years():
            shutil.rmtree(store.root / year)
        for leftover in (store.roster_path, store.root / "audit"):
            if leftover.is_dir():
                shutil.rmtree(leftover)
            elif leftover.exists():
                leftover.unlink()
    store.write_config(demo.config)
    store.write_roster(
        students=demo.roster.students, staff=demo.roster.staff, timetable=demo.roster.timetable
    )
    klasse_of = {s.id: s.klasse for s in demo.roster.students}
    regs: dict[Path, list[Registration]] = {}
    for reg in demo.registrations:
        regs.setdefault(store.lesson_path(reg.klasse, reg.dato), []).append(reg)
    for path, part_regs in regs.items():
        with store.transaction(path) as (part,):
            part.put_registrations(part_regs)
    meldinger: dict[Path, list[Melding]] = {}
    for m in demo.meldinger:
        path = store.meldinger_path(school_year_name(m.fra), klasse_of[m.elev])
        meldinger.setdefault(path, []).append(m)
    for path, part_meldinger in meldinger.items():
        with store.transaction(path) as (part,):
            part.add_meldinger(part_meldinger)
    contacts: dict[Path, list[Contact]] = {}
    for c in demo.contacts:
        path = store.cases_path(school_year_name(c.tid.date()), klasse_of[c.elev])
        contacts.setdefault(path, []).append(c)
    for path, part_contacts in contacts.items():
        with store.transaction(path) as (part,):
            part.replace_table(CONTACTS, [contact_doc(c) for c in part_contacts])
    return open_school(data_dir)
