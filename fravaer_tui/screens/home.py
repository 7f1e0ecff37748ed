"""The first screen until the registration screen lands: today's state at a glance."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fravaer_tui.schoolcalendar import format_date


class HomeScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        app = self.app
        school = app.school  # type: ignore[attr-defined]
        user = app.user  # type: ignore[attr-defined]
        today = app.now.date()  # type: ignore[attr-defined]
        yield Header()
        yield Static(
            f"[b]{school.config.navn}[/b]\n\n"
            f"Innlogget: {user.navn} ({user.rolle.label})\n"
            f"Dato: {format_date(today)}\n"
            f"Regelprofil: {school.profile.navn}\n"
            f"{len(school.roster.students)} elever i {len(school.roster.classes)} klasser\n\n"
            "Registreringsskjermen kommer her. Inntil videre: bruk `fravaer register` "
            "og `fravaer check` fra kommandolinjen.\n\n"
            "Trykk ctrl+q for å avslutte.",
            id="home",
        )
        yield Footer()
