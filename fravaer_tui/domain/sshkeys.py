"""SSH public keys and the lines of an OpenSSH `authorized_keys` file: parsed, checked, written.

Pure: no I/O. The line the app writes for a staff member (DESIGN, Trust):

    restrict,pty,command="<fravaer> --data <DIR> ssh <ANSATT_ID>" <type> <blob> <comment>

`restrict` turns off port, agent and X11 forwarding and ~/.ssh/rc; `pty` gives back the
terminal the app needs; `command=` fixes who the key's holder is, whatever they ask for.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from fravaer_tui.errors import InputError, UserError

# The environment variable that names the authorized_keys file the app manages.
ENV_VAR = "FRAVAER_AUTHORIZED_KEYS"

# Key types a staff member may bring, with the number of SSH strings in the decoded blob
# (RFC 4253 6.6, RFC 5656 3.1, RFC 8709 4, OpenSSH PROTOCOL.u2f). No DSA (OpenSSH dropped it)
# and no certificates (they need a cert-authority line, not a staff key).
KEY_FIELDS = {
    "ssh-ed25519": 2,
    "ssh-rsa": 3,
    "ecdsa-sha2-nistp256": 3,
    "ecdsa-sha2-nistp384": 3,
    "ecdsa-sha2-nistp521": 3,
    "sk-ssh-ed25519@openssh.com": 3,
    "sk-ecdsa-sha2-nistp256@openssh.com": 4,
}
KEY_TYPES = tuple(KEY_FIELDS)
MIN_RSA_BITS = 2048
MAX_COMMENT = 100

# Letters, digits, `.`, `_`, `-`, `@`; 1–64; not starting with `.` or `-` (never an option,
# never a hidden or parent folder).
SAFE_ID = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9._@-]{0,63}")

OPTIONS = "restrict,pty"
_OURS = re.compile(r'restrict,pty,command="([^"]*)" (\S+) (\S+)(?: (.*))?')
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


@dataclass(frozen=True, slots=True)
class PublicKey:
    type: str
    blob: str  # base64, as in the .pub file
    comment: str = ""

    @property
    def fingerprint(self) -> str:
        """As `ssh-keygen -l` shows it: SHA256 of the blob, base64 without padding."""
        digest = hashlib.sha256(base64.b64decode(self.blob)).digest()
        return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One line the app wrote: whose key it is, for which data folder, and the key."""

    ansatt_id: str
    data_dir: str
    key: PublicKey
    line: int  # 1-based, in the file as read


def shown(text: str, limit: int = 40) -> str:
    """Text from a file or a person, safe to print in a message (no terminal escapes)."""
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


def is_safe_id(text: str) -> bool:
    return SAFE_ID.fullmatch(text) is not None


def parse_public_key(text: str, source: str) -> PublicKey:
    """One public key as `ssh-keygen` writes it (`type blob comment`); nothing else."""
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    for number, line in lines:
        if "PRIVATE KEY" in line:
            raise InputError(
                source,
                number,
                None,
                "dette er en privat nøkkel. Den skal aldri deles eller sendes: bruk filen med "
                "samme navn som slutter på .pub.",
            )
        if line.startswith("---- BEGIN SSH2 PUBLIC KEY"):
            raise InputError(
                source,
                number,
                None,
                "nøkkelen er i SSH2-formatet (PuTTY). Gjør den om med `ssh-keygen -i -f FIL`, "
                "eller lagre den i OpenSSH-formatet («Public key for pasting into OpenSSH "
                "authorized_keys file») i PuTTYgen.",
            )
    if not lines:
        raise InputError(source, None, None, "filen inneholder ingen nøkkel.")
    if len(lines) > 1:
        raise InputError(
            source,
            lines[1][0],
            None,
            f"filen har {len(lines)} linjer; legg inn én offentlig nøkkel om gangen "
            "(filen som slutter på .pub).",
        )
    number, line = lines[0]
    line = line.rstrip("\r")  # a file saved on Windows
    parts = line.split()
    kind = parts[0]
    if kind not in KEY_FIELDS:
        if kind.endswith("-cert-v01@openssh.com"):
            problem = "et sertifikat kan ikke legges inn som nøkkel; bruk selve nøkkelen."
        elif any(part in KEY_FIELDS for part in parts[1:]) or "=" in kind or "," in kind:
            problem = (
                f"linjen har valg foran nøkkelen («{shown(kind)}»). Valgene settes av "
                "fravaer; legg inn bare nøkkelen: type, nøkkel og kommentar."
            )
        else:
            problem = f"ukjent nøkkeltype «{shown(kind)}» (kjente: {', '.join(KEY_TYPES)})."
        raise InputError(source, number, "type", problem)
    if len(parts) < 2:
        raise InputError(source, number, "nøkkel", "nøkkelen mangler etter typen.")
    blob = parts[1]
    problem = _blob_problem(kind, blob)
    if problem:
        raise InputError(source, number, "nøkkel", problem)
    raw = line.split(None, 2)[2] if len(parts) > 2 else ""
    bad = sorted({c for c in raw if c in '"\\' or not (c.isprintable() or c == "\t")})
    if bad:
        listed = ", ".join(repr(c) for c in bad)
        raise InputError(
            source, number, "kommentar", f"kommentaren har tegn som ikke tillates: {listed}."
        )
    comment = " ".join(raw.split())
    if len(comment) > MAX_COMMENT:
        raise InputError(
            source, number, "kommentar", f"kommentaren er lengre enn {MAX_COMMENT} tegn."
        )
    return PublicKey(kind, blob, comment)


def _blob_problem(kind: str, blob: str) -> str:
    """Why the base64 blob is not a `kind` key, or "" if it is one."""
    if not _BASE64.fullmatch(blob):
        return "nøkkelen er ikke base64 (er filen klippet eller endret?)."
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        return "nøkkelen er ikke gyldig base64 (er filen klippet eller endret?)."
    fields: list[bytes] = []
    at = 0
    while at < len(raw):
        if at + 4 > len(raw):
            return "nøkkelen er kuttet av."
        size = int.from_bytes(raw[at : at + 4], "big")
        at += 4
        if size > len(raw) - at:
            return "nøkkelen er kuttet av."
        fields.append(raw[at : at + size])
        at += size
    if not fields or fields[0] != kind.encode("ascii"):
        inner = fields[0][:40].decode("ascii", "replace") if fields else ""
        return f"nøkkelen er av typen «{inner}», ikke «{kind}» som står foran den."
    if len(fields) != KEY_FIELDS[kind]:
        return "nøkkelen har feil oppbygning for typen."
    if kind == "ssh-rsa":
        bits = int.from_bytes(fields[2], "big").bit_length()
        if bits < MIN_RSA_BITS:
            return (
                f"RSA-nøkkelen har bare {bits} bit (minst {MIN_RSA_BITS}). Lag en ny med "
                "`ssh-keygen -t ed25519`."
            )
    return ""


def forced_command(program: Sequence[str], data_dir: str, ansatt_id: str) -> str:
    """`<fravaer> --data <DIR> ssh <ANSATT_ID>`, quoted for the account's shell.

    sshd runs the command with `$SHELL -c`, and the line keeps it between double quotes:
    nothing may carry a `"`, a backslash or a control character, and the id is a safe id.
    """
    if not is_safe_id(ansatt_id):
        raise UserError(
            f"Ansatt-id-en «{shown(ansatt_id, 64)}» kan ikke brukes i en SSH-nøkkel: bare "
            "bokstaver a–z, sifre, punktum, _, - og @ (1–64 tegn, ikke først punktum eller -)."
        )
    for part in (*program, data_dir):
        if any(c in '"\\' or not c.isprintable() for c in part):
            raise UserError(
                f"Stien «{shown(part, 200)}» har tegn (anførselstegn, \\ eller linjeskift) som "
                "ikke kan stå i en SSH-nøkkel. Installer fravaer og legg datamappen i mapper "
                "uten slike tegn."
            )
    if not data_dir.startswith("/"):
        raise UserError(f"Datamappen må oppgis med full sti i en SSH-nøkkel, ikke «{data_dir}».")
    return " ".join(shlex.quote(p) for p in (*program, "--data", data_dir, "ssh", ansatt_id))


def key_line(command: str, key: PublicKey) -> str:
    tail = f" {key.comment}" if key.comment else ""
    return f'{OPTIONS},command="{command}" {key.type} {key.blob}{tail}'


def parse_entry(line: str, number: int) -> KeyEntry | None:
    """The line as one the app wrote, or None if it is some other line of the account."""
    match = _OURS.fullmatch(line.rstrip("\r"))
    if match is None:
        return None
    command, kind, blob, comment = match.groups()
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if len(argv) < 5 or argv[-4] != "--data" or argv[-2] != "ssh" or not is_safe_id(argv[-1]):
        return None
    return KeyEntry(argv[-1], argv[-3], PublicKey(kind, blob, comment or ""), number)


def holds_blob(line: str, blob: str) -> bool:
    """Whether a line of the file (ours or not) already carries this key."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and blob in stripped.split()
