"""Issue 13 in the overviews: receipts owed and reviews due as rows, and a review's figures
in words (pure view builders, beside `morning.py` and `leaders.py`).

A review that was missed week after week (Strand's weekly meeting, from the start of the
school year) is one row: its oldest overdue period, and how many more have passed since
(as `fravaer review list` groups them); a period that is due but not late is a row of its
own. Recording from a row records that row's period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fravaer_tui.application.morning import MorningRow
from fravaer_tui.application.receipts import PendingReceipt
from fravaer_tui.application.reviews import ReviewFigures
from fravaer_tui.domain.model import Roster
from fravaer_tui.domain.profiles import Profile
from fravaer_tui.domain.receipts import KANALER
from fravaer_tui.domain.reviews import Occurrence
from fravaer_tui.domain.schoolcalendar import format_date, format_number, format_percent
from fravaer_tui.domain.words import count, date_range, rule_title, student_name

if TYPE_CHECKING:
    from fravaer_tui.application.session import Session

RECEIPTS = "kvittering"
REVIEWS = "gjennomgang"


@dataclass(frozen=True, slots=True)
class ReviewDue:
    """A review period due (or overdue) on an overview, with the figures it needs."""

    occurrence: Occurrence
    figures: ReviewFigures | None
    more_overdue: int = 0  # overdue periods of the same review after this one

    @property
    def key(self) -> str:
        o = self.occurrence
        return f"{REVIEWS}|{o.review.id}|{o.omfang}|{o.period.fra.isoformat()}"


def group_due(due: list[Occurrence], dato: dt.date) -> list[tuple[Occurrence, int]]:
    """Each review and scope: its oldest overdue period with the count of the later
    overdue ones, then each period due but not late."""
    groups: dict[tuple[str, str], list[Occurrence]] = {}
    for o in due:
        groups.setdefault((o.review.id, o.omfang), []).append(o)
    out: list[tuple[Occurrence, int]] = []
    for found in groups.values():
        found = sorted(found, key=lambda o: o.period.fra)
        late = [o for o in found if o.overdue(dato)]
        if late:
            out.append((late[0], len(late) - 1))
        out += [(o, 0) for o in found if not o.overdue(dato)]
    # «8» before «10»: a trinn or a class by its length, then its text
    return sorted(
        out,
        key=lambda p: (
            not p[0].overdue(dato),
            p[0].period.frist,
            p[0].review.id,
            len(p[0].omfang),
            p[0].omfang,
        ),
    )


def period_text(o: Occurrence) -> str:
    """«uke 47 (16.11.2026–22.11.2026)» for a weekly review, else the dates."""
    dates = date_range(o.period.fra, o.period.til)
    if o.review.hyppighet == "ukentlig":
        return f"uke {o.period.fra.isocalendar().week} ({dates})"
    return dates


def figures_summary(f: ReviewFigures | None, roster: Roster) -> str:
    """The figures in one line, for the row."""
    if f is None:
        return ""
    parts = []
    if f.elever:
        held = sum(s.totals.held for s in f.elever)
        absent = sum(s.totals.absent for s in f.elever)
        share = 100 * absent / held if held else 0.0
        parts.append(f"fravær i klassen {format_percent(share)}")
        top = max(f.elever, key=lambda s: s.totals.prosent)
        if top.totals.absent:
            parts.append(f"mest: {top.student.fornavn} {format_percent(top.totals.prosent)}")
    if f.klasser:
        top = sorted(f.klasser, key=lambda c: -c.prosent)[:3]
        parts.append(
            "høyest fravær: " + ", ".join(f"{c.klasse} {format_percent(c.prosent)}" for c in top)
        )
    dekker = f.occurrence.review.dekker
    if "meldinger_ledelsen" in dekker:
        parts.append(f"vedlegg 3 mottatt: {len(f.meldinger)}")
    if "saker" in dekker:
        parts.append(f"åpne saker: {len(f.saker)} · forfalte trinn: {len(f.forfalt)}")
    return " · ".join(parts)


def review_rows(items: list[ReviewDue], roster: Roster, today: dt.date) -> list[MorningRow]:
    """The section «Gjennomganger som forfaller»: a heading, then a row per review due."""
    rows = [MorningRow(f"heading|{REVIEWS}", "heading", f"Gjennomganger ({len(items)})")]
    for item in items:
        o = item.occurrence
        late = o.overdue(today)
        when = "FORFALT" if late else ("i dag" if o.period.frist == today else "")
        more = f", og {count(item.more_overdue, 'perioder')} til" if item.more_overdue else ""
        frist = f"frist {format_date(o.period.frist)}" + (f" ({when}{more})" if when else "")
        summary = figures_summary(item.figures, roster)
        rows.append(
            MorningRow(
                item.key,
                REVIEWS,
                f"  {'⚠ ' if late else ''}{o.scope_text}",
                f"{o.review.tittel}, {period_text(o)} – {frist}"
                + (f" · {summary}" if summary else ""),
                dato=o.period.fra,
                warn=late,
            )
        )
    if not items:
        rows.append(MorningRow(f"tom|{REVIEWS}", "tom", "", "ingen gjennomganger forfaller"))
    return rows


def receipt_key(p: PendingReceipt) -> str:
    return f"{RECEIPTS}|{p.melding.elev}|{p.melding.id}"


def receipt_rows(pending: list[PendingReceipt], roster: Roster, several: bool) -> list[MorningRow]:
    """The section «Meldinger uten kvittering»: oldest first, a key gives the receipt."""
    title = f"Meldinger uten kvittering til foresatte ({len(pending)})"
    rows = [MorningRow(f"heading|{RECEIPTS}", "heading", title)]
    for p in pending:
        m = p.melding
        name = student_name(roster, m.elev, surname_first=True)
        how = f", {KANALER.get(m.kanal, m.kanal)}" if m.kanal else ""
        since = f" – ført {format_date(p.siden)}" if p.siden else ""
        rows.append(
            MorningRow(
                receipt_key(p),
                RECEIPTS,
                f"  {p.klasse} {name}" if several else f"  {name}",
                f"{date_range(m.fra, m.til)} {m.reason.label}{how}{since}",
                elev=m.elev,
                dato=m.fra,
            )
        )
    if not pending:
        rows.append(MorningRow(f"tom|{RECEIPTS}", "tom", "", "alle meldinger har fått kvittering"))
    return rows


def insert_before(rows: list[MorningRow], heading: str, section: list[MorningRow]) -> None:
    """Put `section` before the heading `heading|…` (at the end if there is none)."""
    at = next((i for i, r in enumerate(rows) if r.key == f"heading|{heading}"), len(rows))
    rows[at:at] = section


def _times(n: int) -> str:
    return count(n, "ganger")


def figures_lines(f: ReviewFigures, roster: Roster, profile: Profile) -> list[str]:
    """What the review needs on the table, in words (names, not ids)."""
    o = f.occurrence
    lines = [
        f"{o.review.tittel} – {o.scope_text}, {period_text(o)} (tall til og med "
        f"{format_date(f.til)}); frist {format_date(o.period.frist)}",
    ]
    if f.elever:
        lines.append("Fraværet i perioden, elev for elev:")
        for s in sorted(f.elever, key=lambda s: -s.totals.prosent):
            t = s.totals
            line = (
                f"  {s.student.etternavn}, {s.student.fornavn}: {count(t.days, 'dager')}, "
                f"{t.absent} av {t.held} timer ({format_percent(t.prosent)})"
            )
            if t.lates:
                line += f", for sent {_times(t.lates)}"
            if s.utstyr:
                line += f", mangler utstyr {_times(s.utstyr)}"
            lines.append(line)
    if f.klasser:
        lines.append("Fraværet i semesteret, klasse for klasse (elever over tersklene):")
        for c in f.klasser:
            over = ", ".join(
                f"{rule_title(profile, k).lower()} {n}" for k, n in c.over_regel.items() if n
            )
            lines.append(
                f"  {c.klasse}: {count(c.elever, 'elever')}, "
                f"{format_number(c.prosent, 1)} % fravær" + (f"; {over}" if over else "")
            )
    dekker = o.review.dekker
    if "meldinger_ledelsen" in dekker:
        lines.append(f"Meldinger til ledelsen (vedlegg 3) i perioden: {len(f.meldinger)}")
        for case, dato in f.meldinger:
            name = student_name(roster, case.elev, surname_first=True)
            lines.append(f"  {format_date(dato)} {case.klasse} {name}")
    if "saker" in dekker:
        lines.append(f"Åpne saker: {len(f.saker)}; forfalte trinn: {len(f.forfalt)}")
        for d in f.forfalt:
            name = student_name(roster, d.case.elev, surname_first=True)
            lines.append(f"  {d.case.klasse} {name}: {d.step.tittel}, frist {format_date(d.frist)}")
    return lines


def reviews_listed(due: list[Occurrence], dato: dt.date) -> list[ReviewDue]:
    """The rows' reviews before their figures are read (shown at once)."""
    return [ReviewDue(o, None, more) for o, more in group_due(due, dato)]


def reviews_due(session: Session, due: list[Occurrence], dato: dt.date) -> list[ReviewDue]:
    """The rows' reviews with their figures (reads the store and checks the periods' last
    days, about a second at 600 students: call it from a worker after the rows are shown)."""
    return [
        ReviewDue(o, session.review_figures(o.review, o.omfang, dato, period=o.period.fra), more)
        for o, more in group_due(due, dato)
    ]
