"""What the SSH tests share: OpenSSH's own tools, a real (not demo) school, keys."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import copy_school

SSHD = "/usr/sbin/sshd"
HOW = (
    "OpenSSH is missing here: run .ci/run (it installs openssh-server and openssh-client "
    "with apt-get), or `apt-get install openssh-server openssh-client`."
)


def tool(name: str) -> str:
    """The path of an OpenSSH program; a missing one fails the test (never skips it)."""
    found = SSHD if name == "sshd" else shutil.which(name)
    if found is None or not os.access(found, os.X_OK):
        pytest.fail(f"{name}: {HOW}", pytrace=False)
    return found


def keygen(path: Path, kind: str = "ed25519", bits: int | None = None, comment: str = "") -> Path:
    """A new key pair with ssh-keygen; returns the public key's path."""
    size = ["-b", str(bits)] if bits else []
    subprocess.run(
        [tool("ssh-keygen"), "-q", "-t", kind, *size, "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path.with_name(path.name + ".pub")


def fingerprint(pub: Path) -> str:
    """As ssh-keygen itself reports it."""
    out = subprocess.run(
        [tool("ssh-keygen"), "-l", "-E", "sha256", "-f", str(pub)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()[1]


def random_ed25519(comment: str = "") -> bytes:
    """A well-formed ed25519 public key line (random point bytes), for bulk tests."""
    kind = b"ssh-ed25519"
    blob = len(kind).to_bytes(4, "big") + kind + (32).to_bytes(4, "big") + os.urandom(32)
    return b"ssh-ed25519 " + base64.b64encode(blob) + (b" " + comment.encode() if comment else b"")


def real_school(template: Path, folder: Path) -> Path:
    """A copy of the demo school that is not a demo (`demo = true` taken out): identity
    rules for a real school apply."""
    copy_school(template, folder)
    config = folder / "skole.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("demo = true\n", ""), encoding="utf-8")
    folder.chmod(0o700)
    return folder
