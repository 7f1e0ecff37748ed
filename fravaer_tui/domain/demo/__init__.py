"""A synthetic ungdomsskole (8.–10. trinn) with a school year of absence history, built from a seed.

Pure: no I/O and no clock; the caller passes `until` (today). Every name, phone number and
e-mail address is made up by combining common names at random: no real person's data.

The whole year is generated from the seed first and `until` only takes a snapshot of it, so
tomorrow's demo has exactly today's history plus one day (meldinger that had not arrived yet,
and judgements not yet made, appear when their time comes).

The package: `year` (holidays, Easter), `people` (classes, students, foresatte), `timetable`
(the week and its staff), `habits` (how each student tends to be absent), `history` (the
year's absence, cut at `until`) and `school` (`build_demo`). Import from here; the
underscore names are the package's own, shared between its modules.
"""

from fravaer_tui.domain.demo.history import REMARK_UTSTYR
from fravaer_tui.domain.demo.people import CLASS_SIZE, EMAIL_DOMAIN, GRADES
from fravaer_tui.domain.demo.school import SCHOOL_NAME, DemoSchool, build_demo
from fravaer_tui.domain.demo.timetable import (
    DOUBLES,
    KROPPSOVING,
    PERIODS,
    PERIODS_PER_DAY,
    SUBJECTS,
)
from fravaer_tui.domain.demo.year import easter_sunday, school_holidays

__all__ = [
    "CLASS_SIZE",
    "DOUBLES",
    "EMAIL_DOMAIN",
    "GRADES",
    "KROPPSOVING",
    "PERIODS",
    "PERIODS_PER_DAY",
    "REMARK_UTSTYR",
    "SCHOOL_NAME",
    "SUBJECTS",
    "DemoSchool",
    "build_demo",
    "easter_sunday",
    "school_holidays",
]
