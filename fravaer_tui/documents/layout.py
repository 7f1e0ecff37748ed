"""Page, tables and labels shared by the forms and the year report, and the bytes of a
document (python-docx)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

OUTPUT_MODE = 0o600
TEMPLATE_MODE = 0o644
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
# Characters XML 1.0 cannot hold; lxml refuses them, so they are dropped from values.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
W_P, W_R, W_T, W_RPR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:rPr")
W_BR, W_CR, W_TAB = qn("w:br"), qn("w:cr"), qn("w:tab")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # keeps rebuilt templates byte-identical


CONFIDENTIAL = "Unntatt offentlighet, jf. offl. § 13, jf. fvl. § 13"

TEXT_WIDTH_CM = 17.0  # A4 with 2 cm margins
LABEL_FILL = "E7E6E6"
GUIDANCE_COLOUR = RGBColor(0x40, 0x40, 0x40)


# Styles by their id, as Word stores them. python-docx finds a style by its name by scanning
# every style in the file, twice: those lookups were a quarter of a year report's time.
TABLE_GRID, LIST_BULLET = "TableGrid", "ListBullet"


def heading(document: DocxDocument, text: str, level: int) -> Paragraph:
    """As `document.add_heading`, the same XML."""
    return styled(document.add_paragraph(text), f"Heading{level}")


def styled(paragraph: Paragraph, style_id: str) -> Paragraph:
    """`paragraph.style = <name>`, by the style's id."""
    paragraph._p.style = style_id
    return paragraph


def table(document: DocxDocument, rows: int, widths: Sequence[float]) -> Table:
    table = document.add_table(rows=rows, cols=len(widths))
    tbl = table._tbl
    tbl.tblStyle_val = TABLE_GRID
    table.autofit = False
    for column, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Cm(width)
    for row in tbl.tr_lst:  # each cell's width, row by row (python-docx's columns recount
        for cell, width in zip(row.tc_lst, widths, strict=True):  # every cell, each time)
            cell.width = Cm(width)
    return table


def label(cell: _Cell, text: str) -> None:
    cell.paragraphs[0].add_run(text).bold = True
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), LABEL_FILL)
    cell._tc.get_or_add_tcPr().append(shading)


def guidance(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.italic = True
    run.font.color.rgb = GUIDANCE_COLOUR


def min_height(row: _Row, cm: float) -> None:
    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def repeat_as_header(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def append_page_field(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def set_up_page(document: DocxDocument) -> Section:
    """A4, 2 cm margins, Calibri 11, bokmål, a right tab for header and footer."""
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    set_language(document, "nb-NO")
    for name in ("Header", "Footer"):
        tabs = document.styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    return section


def set_language(document: DocxDocument, tag: str) -> None:
    """Spelling and hyphenation in Word follow the document's language."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


def to_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def stable_zip(payload: bytes) -> bytes:
    """The same entries with fixed timestamps, so a rebuild does not change the bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(payload)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


def xml_safe(value: str) -> str:
    return NOT_XML.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
