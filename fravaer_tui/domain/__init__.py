"""The domain: the school's words, the calendar, the rules and the follow-up routine.

Pure functions of data and a date: no I/O, no clock, no textual, tinydb or docx.
"""
