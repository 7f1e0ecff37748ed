"""The samtykke register through the one door (issue 13, point 1): the session's methods.

`Session` takes these in (`class Session(ConsentMixin, …)`); each method checks the pure
rule `access.may_handle_consents` first. Consents are stored per class per school year in
the class's `saker.json`, like cases; a consent holds until it is withdrawn, and the app
looks for it in the school year of the date asked and the one before (as it does for
open cases): older consents are gathered anew.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from fravaer_tui.domain import access, consent
from fravaer_tui.domain.consent import ConsentStatus, GivenBy, Samtykke, Service
from fravaer_tui.domain.schoolcalendar import format_date, school_year_bounds, school_year_name
from fravaer_tui.domain.validate import as_sentence
from fravaer_tui.errors import AccessDenied, UserError

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.domain.model import Staff, Student


class ConsentMixin:
    """Samtykke: read and written by the class's kontaktlærer and ledelsen only.

    Mixed into `Session`, which gives it `school`, `user`, `_student` and `log_read`."""

    school: School
    user: Staff
    _student: Callable[[str], Student]
    log_read: Callable[[str, str], None]

    def _require_consents(self, student: Student) -> None:
        if not access.may_handle_consents(self.user, student.klasse):
            raise AccessDenied(
                f"{self.user.navn} har ikke tilgang til samtykkene i {student.klasse}: bare "
                "klassens kontaktlærer og ledelsen har det."
            )

    def _consent_files(self, student: Student, dato: dt.date) -> list[tuple[str, str]]:
        """(school year, the student's class that year): the date's year and the one before."""
        this = school_year_name(dato)
        last = school_year_name(school_year_bounds(dato)[0] - dt.timedelta(days=1))
        return [(year, student.klasse_i(year)) for year in (last, this)]

    def _load_consents(self, student: Student, dato: dt.date) -> list[Samtykke]:
        found: list[Samtykke] = []
        for year, klasse in self._consent_files(student, dato):
            found += [
                c for c in self.school.store.load_consents(year, klasse) if c.elev == student.id
            ]
        return found

    def consents(self, elev: str, dato: dt.date) -> list[Samtykke]:
        """The student's consents given up to `dato`, newest first (withdrawn ones too)."""
        student = self._student(elev)
        self._require_consents(student)
        self.log_read(elev, "samtykke")
        found = [c for c in self._load_consents(student, dato) if c.dato <= dato]
        return sorted(found, key=lambda c: (c.dato, c.id), reverse=True)

    def consent_statuses(
        self, elev: str, services: Iterable[Service], dato: dt.date
    ) -> list[ConsentStatus]:
        """Whether a consent is on file at `dato` for each service (for a step's warning)."""
        student = self._student(elev)
        self._require_consents(student)
        return consent.statuses(list(services), self._load_consents(student, dato), elev, dato)

    def add_consent(
        self,
        elev: str,
        tjeneste: Service,
        gitt_av: GivenBy,
        dato: dt.date,
        now: dt.datetime,
        *,
        omfang: str = "",
        navn: str = "",
        annen: str = "",
    ) -> Samtykke:
        """Record a consent given on `dato` (today or earlier), in that school year's file."""
        student = self._student(elev)
        self._require_consents(student)
        if dato > now.date():
            raise UserError(
                f"{format_date(dato)} er fram i tid: et samtykke føres når det er gitt."
            )
        try:
            given = consent.new_consent(
                f"C{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:4]}",
                elev,
                tjeneste,
                gitt_av,
                dato,
                omfang=omfang,
                annen=annen,
                navn=navn,
                av=self.user.id,
                tid=now,
            )
        except ValueError as exc:
            raise UserError(as_sentence(str(exc))) from None
        year = school_year_name(dato)
        saved, _ = self.school.store.update_consent(
            year, student.klasse_i(year), given.id, lambda _: given, self.user.id, now
        )
        return saved

    def withdraw_consent(
        self, elev: str, consent_id: str, dato: dt.date, now: dt.datetime
    ) -> Samtykke:
        """The consent withdrawn from `dato` on (today or earlier), audited before/after."""
        student = self._student(elev)
        self._require_consents(student)
        if dato > now.date():
            raise UserError(
                f"{format_date(dato)} er fram i tid: et samtykke trekkes når det skjer."
            )
        who = self.user.id

        def change(current: Samtykke | None) -> Samtykke:
            if current is None:
                raise UserError(f"Fant ikke samtykket «{consent_id}».")
            try:
                return consent.withdraw(current, dato, who)
            except ValueError as exc:
                raise UserError(as_sentence(str(exc))) from None

        for year, klasse in reversed(self._consent_files(student, now.date())):
            stored = self.school.store.load_consents(year, klasse)
            if any(c.id == consent_id and c.elev == elev for c in stored):
                saved, _ = self.school.store.update_consent(
                    year, klasse, consent_id, change, who, now
                )
                return saved
        raise UserError(
            f"{student.navn} ({elev}) har ikke noe samtykke «{consent_id}» i dette eller "
            "forrige skoleår. Se samtykkene med fravaer consent list --student " + elev
        )
