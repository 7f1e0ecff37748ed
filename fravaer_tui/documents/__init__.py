"""Word documents: the only package that imports python-docx.

`forms` (the forms as data, no docx), `templates` (building them), `filling` (filling
any template, restyled or not), `report` (the year-end report) and `layout` (what they
share). Everything here turns data into bytes; the application layer decides where the
bytes are written.
"""
