"""Who is asking: the person fixed by the SSH forced command, or the OS login.

DESIGN, Trust: identity comes from the forced command (`fravaer ssh ANSATT_ID`) or the OS
login matched to the staff list's `brukernavn`; `--user` and `--now` only on a demo school.
A person who is not on the staff list is refused everything, except the first imports into
a school that has no staff yet, and `demo`. On the demo school (synthetic data) the command
line acts as its rektor when the login is not on its staff list.
"""

from __future__ import annotations

import getpass

from fravaer_tui.application.school import School
from fravaer_tui.domain.model import Role, Staff
from fravaer_tui.errors import AccessDenied


def os_login() -> str:
    return getpass.getuser()


def identify(
    school: School,
    *,
    identity: str | None = None,
    user: str | None = None,
    login: str | None = None,
) -> Staff:
    """The staff member at the keyboard, or AccessDenied saying why not."""
    roster = school.roster
    if identity is not None:
        staff = roster.staff_member(identity)
        if staff is None:
            raise AccessDenied(
                f"Nøkkelen din gjelder ansatt-id «{identity}», som ikke står i ansattlisten. "
                "Be rektor eller drift om å rydde i nøklene (fravaer keys list)."
            )
        if (
            user is not None
            and roster.staff_member(user) != staff
            and (roster.staff_by_username(user) != staff)
        ):
            raise AccessDenied(
                f"Du er logget inn som {staff.navn} ({staff.id}); --user kan ikke velge en annen."
            )
        return staff
    login = login if login is not None else os_login()
    if user is not None and not school.config.demo:
        raise AccessDenied(
            f"--user kan bare brukes på demoskolen. På en ekte skole er du den du er logget inn "
            f"som («{login}»)."
        )
    wanted = user or login
    staff = roster.staff_member(wanted) or roster.staff_by_username(wanted)
    if staff is None and user is None and school.config.demo:
        # Trying the demo from the command line: its rektor, unless --user names another.
        staff = next((s for s in roster.staff if s.rolle is Role.REKTOR), None)
    if staff is None:
        how = "" if user else f" (innlogget som «{login}»)"
        raise AccessDenied(
            f"Fant ingen ansatt med id eller brukernavn «{wanted}»{how}. Bare de som står i "
            "ansattlisten, har tilgang. Be rektor eller drift legge brukernavnet inn i "
            "ansattlisten (kolonnen brukernavn)."
        )
    return staff


def bootstrapping(school: School) -> bool:
    """A school with no staff yet: its first imports are made by the folder's owner."""
    return not school.roster.staff
