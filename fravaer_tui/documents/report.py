"""The year-end absence report for one student, as .docx bytes (elevmappe and vitnemål)."""

from __future__ import annotations

import docx

from fravaer_tui.documents import layout
from fravaer_tui.domain.formats import format_date, format_number
from fravaer_tui.domain.yearreport import KANDIDAT_MERKNAD, YearReport

_REPORT_PERIODS = (("Høst", "host"), ("Vår", "var"), ("Skoleåret", "year"))
_REPORT_COLUMNS = (
    "Periode",
    "Hele dager",
    "Timer (60 min)",
    "Dager med delvis fravær",
    "Timer med fravær",
    "Sent",
    "Forlot",
    "Ikke førte timer",
)
_HOURS_NOTE = (
    "Hele dager er dager eleven var borte fra alle klassens timer. Timer er fraværet de andre "
    "dagene, regnet i enheter på 60 minutter etter timeplanens lengde; timer regnes aldri om "
    "til dager. «Timer med fravær» er antall undervisningstimer eleven hadde fravær i "
    "(fravær og forlot). Timer som aldri ble ført, regnes som til stede."
)


def year_report_bytes(report: YearReport, school_name: str) -> bytes:
    """One student's year-end absence report as .docx bytes."""
    document = docx.Document()
    props = document.core_properties
    props.title = f"Fraværsrapport {report.skoleaar}"
    props.author = props.last_modified_by = "fravaer-tui"
    section = layout.set_up_page(document)
    section.header.paragraphs[0].text = f"{layout.xml_safe(school_name)}\t{layout.CONFIDENTIAL}"
    footer = section.footer.paragraphs[0]
    footer.text = (
        f"Fraværsrapport {report.skoleaar} – {layout.xml_safe(report.navn)}, {report.klasse}"
    )
    footer.text += "\tSide "
    layout.append_page_field(footer)

    layout.heading(document, f"Fraværsrapport for skoleåret {report.skoleaar}", 1)
    facts = (
        ("Elev", report.navn),
        ("Elev-ID", report.elev),
        ("Klasse", report.klasse),
        ("Skole", school_name),
        ("Tall til og med", format_date(report.til)),
    )
    table = layout.table(document, rows=len(facts), widths=(6.0, layout.TEXT_WIDTH_CM - 6.0))
    for row, (label, value) in zip(table.rows, facts, strict=True):
        layout.label(row.cells[0], label)
        row.cells[1].paragraphs[0].text = layout.xml_safe(value)
    document.add_paragraph()

    layout.heading(document, "Fravær per semester og skoleår", 2)
    widths = (2.6, 1.7, 1.9, 2.1, 2.3, 2.1, 2.0, 2.3)
    table = layout.table(document, rows=len(_REPORT_PERIODS) + 1, widths=widths)
    for cell, text in zip(table.rows[0].cells, _REPORT_COLUMNS, strict=True):
        layout.label(cell, text)
    layout.repeat_as_header(table.rows[0])
    spring_started = report.til.month < 8
    for row, (label, attr) in zip(table.rows[1:], _REPORT_PERIODS, strict=True):
        figures = getattr(report, attr)
        if attr == "var" and not spring_started:
            cells = (label, *(["–"] * (len(_REPORT_COLUMNS) - 1)))
        else:
            cells = (
                label,
                str(figures.days),
                _hours(figures.minutes),
                str(figures.partial_days),
                f"{figures.lessons_absent} av {figures.lessons_held}",
                f"{figures.lates} ({figures.late_minutes} min)" if figures.lates else "0",
                str(figures.forlot),
                str(figures.lessons_not_registered),
            )
        for cell, text in zip(row.cells, cells, strict=True):
            cell.paragraphs[0].text = text
        if attr == "year":
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    layout.guidance(document.add_paragraph(), _HOURS_NOTE)

    layout.heading(document, "Oppfølging", 2)
    if report.steps:
        for step in report.steps:
            layout.styled(document.add_paragraph(layout.xml_safe(step)), layout.LIST_BULLET)
    else:
        document.add_paragraph("Ingen oppfølgingstrinn er ført dette skoleåret.")

    layout.heading(document, "Vitnemål", 2)
    if not report.vitnemal_applies:
        document.add_paragraph(
            f"Fravær føres på vitnemålet fra 8. trinn; det gjelder ikke klasse {report.klasse}."
        )
    else:
        document.add_paragraph(
            f"Fravær på vitnemålet for skoleåret uten søknad: {report.vitnemal_days} "
            f"{'dag' if report.vitnemal_days == 1 else 'dager'} og "
            f"{_hours(report.vitnemal_minutes)} timer (enkelttimer, 60 min)."
        )
        if report.candidates:
            document.add_paragraph(
                "Dager som kan strykes etter søknad (kandidater, må kontrolleres):"
            )
            table = layout.table(document, rows=len(report.candidates) + 1, widths=(3.0, 9.0, 5.0))
            for cell, text in zip(
                table.rows[0].cells, ("Dato", "Grunn", "Kan strykes"), strict=True
            ):
                layout.label(cell, text)
            layout.repeat_as_header(table.rows[0])
            for row, candidate in zip(table.rows[1:], report.candidates, strict=True):
                verdict = "ja" if candidate.deductible else "nei, over grensen på 10 dager"
                texts = (format_date(candidate.dato), candidate.grunn, verdict)
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.paragraphs[0].text = text
            document.add_paragraph()
            document.add_paragraph(
                f"Kan strykes etter søknad: {report.deductible_days} "
                f"{'dag' if report.deductible_days == 1 else 'dager'}. "
                f"Dager på vitnemålet om søknaden innvilges: {report.days_if_granted}."
            )
        else:
            document.add_paragraph("Ingen dager er kandidater til stryking.")
        layout.guidance(document.add_paragraph(), KANDIDAT_MERKNAD)
    return layout.to_bytes(document)


def _hours(minutes: int) -> str:
    """Minutes as 60-minute hours with a decimal comma and no trailing zeros: 7,5 and 3."""
    return format_number(minutes / 60)
