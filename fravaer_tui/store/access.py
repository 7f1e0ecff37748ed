"""Who may use the data folder: only the account that owns it (DESIGN, Trust)."""

from __future__ import annotations

import pwd
import stat
from pathlib import Path


def access_problem(root: Path, mode: int, owner: int, uid: int) -> str:
    """Why the account `uid` may not use the data folder `root` ("" if it may).

    The folder holds data on children: only the account that owns it (the service account
    on a school server, reached over SSH) may reach it. A folder shared by a group (the
    retired 2770 set-up) let a faglærer read every reason and case with `cat` and plant
    symlinks for a colleague's save (DESIGN, Known pitfalls).
    """
    mode = stat.S_IMODE(mode)
    if mode & (0o077 | stat.S_ISGID):
        who = "alle brukere" if mode & 0o007 else "en gruppe"
        return (
            f"Datamappen {root} kan nås av {who} på maskinen (rettigheter {mode:04o}). "
            "Personopplysninger om elever skal bare kunne leses av kontoen som eier dataene, "
            "og felles mappe for en gruppe støttes ikke lenger. La en tjenestekonto eie mappen "
            f"(`chown -R fravaer: {root} && chmod -R u=rwX,go=,g-s {root}`) og gi de ansatte "
            "tilgang med `fravaer keys add` (se README, «Skoleserver med tjenestekonto»). "
            f"Bare for deg selv: `chmod -R u=rwX,go=,g-s {root}`."
        )
    if owner != uid:
        name = _account(owner)
        where = f"Datamappen {root} eies av «{name}», men du kjører som «{_account(uid)}»."
        if uid == 0:  # the usual slip: files root wrote would lock the service account out
            how = (
                f"Alt i datamappen skal eies av samme konto: kjør som den (`sudo -u {name} "
                f"fravaer --data {root} …`)."
            )
        else:
            how = (
                f"Bare den kontoen bruker datamappen. Ansatte bruker programmet over SSH "
                f"(`ssh {name}@skoleserver`) med sin egen nøkkel."
            )
        return f"{where} {how} Se README, «Skoleserver med tjenestekonto»."
    return ""


def _account(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)
