"""The threshold check: which students have crossed the profile's rules on a given date.

Pure functions of the school's data and a check date (DESIGN, Threshold rules):
- windows end at the check date D, inclusive; "semester" is D's semester up to D;
  "N months" runs from D minus N calendar months, plus one day, to D;
- absence for one date = absent lessons ÷ the lessons the class *held* that day: its
  timetable version for that date, less lessons not held (avlyst) and lessons after a
  kortdag's last period, and any lesson that was registered all the same; a fully missed
  short day is 1 day;
- a day with nothing registered for the class is unknown: it counts for nothing and
  does not break a run; consecutive days count school days only;
- an alert's first date is the start of the unbroken stretch of days, ending at D, on
  which the rule held; `siste` is its newest incident, and a logged contact with
  foresatte on or after that incident makes it `fulgt_opp` (DESIGN, alert).

The package: `values` (alerts, evidence, figures), `validity` (the judgement or the melding
that decides an absence), `lessons` (lessons held, absence days), `student` (each rule for
one student) and `engine` (`check`, `data_start`). Import from here.
"""

from fravaer_tui.domain.rules.engine import check, data_start
from fravaer_tui.domain.rules.lessons import Lessons, day_fractions
from fravaer_tui.domain.rules.student import RULES
from fravaer_tui.domain.rules.validity import (
    effective_validity,
    melding_cover,
    melding_order,
    validity_of,
)
from fravaer_tui.domain.rules.values import (
    AAPEN,
    EPSILON,
    FULGT_OPP,
    Alert,
    CheckResult,
    Evidence,
    StudentFigures,
    follows_up,
)

__all__ = [
    "AAPEN",
    "EPSILON",
    "FULGT_OPP",
    "RULES",
    "Alert",
    "CheckResult",
    "Evidence",
    "Lessons",
    "StudentFigures",
    "check",
    "data_start",
    "day_fractions",
    "effective_validity",
    "follows_up",
    "melding_cover",
    "melding_order",
    "validity_of",
]
