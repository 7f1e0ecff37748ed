"""CSV import and export of students, staff, timetable and absences: pure, bytes/str in, values out.

Files come from Excel as often as not: UTF-8 with or without BOM, or Windows-1252 from old
versions; `;` (Norwegian Excel) or `,` separated. Every problem becomes an `InputError` naming
the file, the line as Excel shows it (the header is line 1) and the field; all bad rows are
collected and raised together as `InputErrors`, so a file is imported whole or not at all.

Every CSV the app writes goes through `write_csv`, which makes it safe to open in a
spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
(OWASP, «CSV injection»), and the importers take that `'` off again, so an export
imports back to the same values.

The package: `cells` (safe cells, `write_csv`), `reading` (decoding, the header, records and
the checker that collects a file's errors), `fields` (one cell's text → a value), `roster`
(students, staff, timetable), `absences` (the absence file) and `registrations` (absence
rows ↔ registrations). Import from here; the underscore names are the package's own,
shared between its modules.
"""

from fravaer_tui.domain.csvio.absences import (
    ABSENCE_COLUMNS,
    ABSENCE_OPTIONAL_COLUMNS,
    AbsenceRow,
    format_absences_csv,
    parse_absences,
)
from fravaer_tui.domain.csvio.cells import (
    FORMULA_START,
    excel_bytes,
    safe_cell,
    unescape_cell,
    write_csv,
)
from fravaer_tui.domain.csvio.fields import MAX_PERIOD, WEEKDAY_NAMES
from fravaer_tui.domain.csvio.reading import T, decode_text, header_notes
from fravaer_tui.domain.csvio.registrations import (
    LessonKey,
    absences_to_registrations,
    registrations_to_rows,
)
from fravaer_tui.domain.csvio.roster import (
    STAFF_COLUMNS,
    STUDENT_COLUMNS,
    STUDENT_OPTIONAL_COLUMNS,
    TIMETABLE_COLUMNS,
    format_staff_csv,
    format_students_csv,
    format_timetable_csv,
    parse_staff,
    parse_students,
    parse_timetable,
)

__all__ = [
    "ABSENCE_COLUMNS",
    "ABSENCE_OPTIONAL_COLUMNS",
    "FORMULA_START",
    "MAX_PERIOD",
    "STAFF_COLUMNS",
    "STUDENT_COLUMNS",
    "STUDENT_OPTIONAL_COLUMNS",
    "TIMETABLE_COLUMNS",
    "WEEKDAY_NAMES",
    "AbsenceRow",
    "LessonKey",
    "T",
    "absences_to_registrations",
    "decode_text",
    "excel_bytes",
    "format_absences_csv",
    "format_staff_csv",
    "format_students_csv",
    "format_timetable_csv",
    "header_notes",
    "parse_absences",
    "parse_staff",
    "parse_students",
    "parse_timetable",
    "registrations_to_rows",
    "safe_cell",
    "unescape_cell",
    "write_csv",
]
