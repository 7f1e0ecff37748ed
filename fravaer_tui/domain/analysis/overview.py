"""Ledelsen's overview: absence percentage and students per rule, per class and for the
whole school, from the check's result."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from fravaer_tui.domain.model import Roster, class_sort_key
from fravaer_tui.domain.rules import CheckResult

HELE_SKOLEN = "Hele skolen"


@dataclass(frozen=True, slots=True)
class ClassFigures:
    """A class (or the whole school): students, absence percentage, students per rule."""

    klasse: str
    elever: int
    prosent: float
    over_regel: dict[str, int]

    def andel(self, regel: str) -> float:
        """Share 0..1 of the students with an alert for `regel`."""
        return self.over_regel.get(regel, 0) / self.elever if self.elever else 0.0


def _figures(
    klasse: str, students: list[str], result: CheckResult, over: dict[str, set[str]]
) -> ClassFigures:
    held = absent = 0
    for elev in students:
        figures = result.figures.get(elev)
        if figures is not None:
            held += figures.held_lessons
            absent += figures.absent_lessons
    return ClassFigures(
        klasse=klasse,
        elever=len(students),
        prosent=100.0 * absent / held if held else 0.0,
        over_regel={regel: len(elever) for regel, elever in over.items()},
    )


def _rule_ids(result: CheckResult, regler: Iterable[str]) -> list[str]:
    """The rules asked for, then any other rule with an alert, in order of appearance."""
    ids = list(dict.fromkeys(regler))
    for alert in result.alerts:
        if alert.regel not in ids:
            ids.append(alert.regel)
    return ids


def class_figures(
    roster: Roster, result: CheckResult, regler: Iterable[str] = ()
) -> list[ClassFigures]:
    """Per class with students, in class order: absence percentage of held lessons in the
    semester (from the check's figures) and students with an alert per rule. Every class
    has a count for each rule in `regler` (the profile's) and each rule with an alert."""
    rule_ids = _rule_ids(result, regler)
    by_class: dict[str, list[str]] = defaultdict(list)
    klasse_of: dict[str, str] = {}
    for student in roster.students:
        by_class[student.klasse].append(student.id)
        klasse_of[student.id] = student.klasse
    over: dict[str, dict[str, set[str]]] = {
        klasse: {regel: set() for regel in rule_ids} for klasse in by_class
    }
    for alert in result.alerts:
        klasse = klasse_of.get(alert.elev)
        if klasse is not None:
            over[klasse][alert.regel].add(alert.elev)
    return [
        _figures(klasse, by_class[klasse], result, over[klasse])
        for klasse in sorted(by_class, key=class_sort_key)
    ]


def school_figures(roster: Roster, result: CheckResult, regler: Iterable[str] = ()) -> ClassFigures:
    """The same figures for the whole school (`klasse` "Hele skolen")."""
    students = [s.id for s in roster.students]
    known = set(students)
    over: dict[str, set[str]] = {regel: set() for regel in _rule_ids(result, regler)}
    for alert in result.alerts:
        if alert.elev in known:
            over[alert.regel].add(alert.elev)
    return _figures(HELE_SKOLEN, students, result, over)
