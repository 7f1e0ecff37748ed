"""The follow-up's files: cases, the contact log and samtykke in the class's saker.json,
and the regular reviews in one file a school year."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fravaer_tui.domain.consent import Samtykke
from fravaer_tui.domain.followup import Case
from fravaer_tui.domain.model import Contact
from fravaer_tui.domain.reviews import ReviewRecord
from fravaer_tui.errors import CorruptFileError
from fravaer_tui.store import codec
from fravaer_tui.store.codec import CASES, CONSENTS, CONTACTS, REVIEWS
from fravaer_tui.store.transactions import Transaction


class FollowupMixin:
    """Mixed into `Store`, which gives it the folder, the class folders and transactions."""

    root: Path
    read_tables: Callable[[Path], dict[str, dict[str, Any]] | None]
    class_dir: Callable[[str, str], Path]
    transaction: Callable[..., contextlib.AbstractContextManager[Transaction]]

    # follow-up: cases and the contact log ------------------------------------

    def cases_path(self, skoleaar: str, klasse: str) -> Path:
        return self.class_dir(skoleaar, klasse) / "saker.json"

    def put_case(self, skoleaar: str, case: Case, user: str, now: dt.datetime) -> Case | None:
        """Insert or replace a case (by id); returns the version it replaced. Audited."""
        return self.update_case(skoleaar, case.klasse, case.id, lambda _: case, user, now)[1]

    def update_case(
        self,
        skoleaar: str,
        klasse: str,
        case_id: str,
        change: Callable[[Case | None], Case],
        user: str,
        now: dt.datetime,
    ) -> tuple[Case, Case | None]:
        """Change a case as it is stored *now*: `change(current)` runs inside the lock, so
        two staff changing one case at once both keep their change. Audited."""
        with self.transaction(self.cases_path(skoleaar, klasse)) as tx:
            (part,) = tx
            table = part.db.table(CASES)
            found = [d for d in table.all() if d["id"] == case_id]
            old = codec.case(found[0]) if found else None
            case = change(old)
            if found:
                table.remove(doc_ids=[found[0].doc_id])
            table.insert(codec.case_doc(case))
            planned = {
                "hva": "sak" if old is None else "sak_endret",
                "av": user,
                "elev": case.elev,
                "sak": case.id,
                "for": codec.case_doc(old) if old else None,
                "etter": codec.case_doc(case),
            }
            tx.audit([planned], now)
        return case, old

    def add_contact(self, skoleaar: str, klasse: str, contact: Contact, now: dt.datetime) -> None:
        planned = [
            {
                "hva": "kontakt",
                "av": contact.av,
                "elev": contact.elev,
                "etter": codec.contact_doc(contact),
            }
        ]
        with self.transaction(self.cases_path(skoleaar, klasse)) as tx:
            (part,) = tx
            part.db.table(CONTACTS).insert(codec.contact_doc(contact))
            tx.audit(planned, now)

    def load_cases(self, skoleaar: str, klasse: str | None = None) -> list[Case]:
        """The cases of one class (or all classes) in a school year."""
        return self._followup(skoleaar, klasse, CASES, codec.case)

    def load_contacts(self, skoleaar: str, klasse: str | None = None) -> list[Contact]:
        """The contact log of one class (or all classes) in a school year."""
        return self._followup(skoleaar, klasse, CONTACTS, codec.contact)

    def _followup(
        self, skoleaar: str, klasse: str | None, table: str, decode: Callable[[Any], Any]
    ) -> list[Any]:
        """One table of the classes' saker.json, decoded. Cases and contacts share the file
        but are read apart: every check reads the contacts (5,000 in the demo's year), and
        the leaders' overview the cases, and neither needs the other decoded."""
        folder = self.root / skoleaar
        if klasse is not None:
            paths = [self.cases_path(skoleaar, klasse)]
        else:
            paths = sorted(folder.glob("*/saker.json")) if folder.is_dir() else []
        found: list[Any] = []
        for path in paths:
            data = self.read_tables(path) or {}
            try:
                found.extend(decode(d) for d in data.get(table, {}).values())
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise CorruptFileError(path, f"ugyldig post: {exc}") from None
        return found

    # samtykke (issue 13): in the class's saker.json, like the cases ----------------

    def update_consent(
        self,
        skoleaar: str,
        klasse: str,
        consent_id: str,
        change: Callable[[Samtykke | None], Samtykke],
        user: str,
        now: dt.datetime,
    ) -> tuple[Samtykke, Samtykke | None]:
        """Add a consent, or change one as stored now (`change` runs inside the lock);
        audited with before and after."""
        with self.transaction(self.cases_path(skoleaar, klasse)) as tx:
            (part,) = tx
            table = part.db.table(CONSENTS)
            found = [d for d in table.all() if d["id"] == consent_id]
            old = codec.consent(found[0]) if found else None
            new = change(old)
            if found:
                table.remove(doc_ids=[found[0].doc_id])
            table.insert(codec.consent_doc(new))
            planned = {
                "hva": "samtykke" if old is None else "samtykke_endret",
                "av": user,
                "elev": new.elev,
                "samtykke": new.id,
                "for": codec.consent_doc(old) if old else None,
                "etter": codec.consent_doc(new),
            }
            tx.audit([planned], now)
        return new, old

    def load_consents(self, skoleaar: str, klasse: str) -> list[Samtykke]:
        path = self.cases_path(skoleaar, klasse)
        data = self.read_tables(path) or {}
        try:
            return [codec.consent(d) for d in data.get(CONSENTS, {}).values()]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(path, f"ugyldig post: {exc}") from None

    # the regular reviews (issue 13): one file a school year ---------------------------

    def reviews_path(self, skoleaar: str) -> Path:
        return self.root / skoleaar / "gjennomganger.json"

    def add_review(self, skoleaar: str, record: ReviewRecord, user: str, now: dt.datetime) -> None:
        """Record a review held; audited (the notes and decisions, who and when)."""
        with self.transaction(self.reviews_path(skoleaar)) as tx:
            (part,) = tx
            part.db.table(REVIEWS).insert(codec.review_doc(record))
            tx.audit(
                [
                    {
                        "hva": "gjennomgang",
                        "av": user,
                        "gjennomgang": record.gjennomgang,
                        "etter": codec.review_doc(record),
                    }
                ],
                now,
            )

    def load_reviews(self, skoleaar: str) -> list[ReviewRecord]:
        path = self.reviews_path(skoleaar)
        data = self.read_tables(path) or {}
        try:
            return [codec.review(d) for d in data.get(REVIEWS, {}).values()]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(path, f"ugyldig post: {exc}") from None
