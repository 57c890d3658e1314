"""age identities for tests, made and used with pyrage (the library the product encrypts
with), written in age-keygen's file format; `age-tool` tests open them with Debian's age."""

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pyrage

AGE = shutil.which("age") or "/usr/bin/age"
AGE_KEYGEN = shutil.which("age-keygen") or "/usr/bin/age-keygen"


def make_identity(directory: Path, name: str = "key") -> tuple[Path, str]:
    """An identity file as age-keygen writes it, and its public key."""
    identity = pyrage.x25519.Identity.generate()
    public = str(identity.to_public())
    path = directory / f"{name}.txt"
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    path.write_text(f"# created: {created}\n# public key: {public}\n{identity}\n")
    path.chmod(0o600)
    return path, public


def read_identity(path: Path) -> pyrage.x25519.Identity:
    line = next(x for x in path.read_text().splitlines() if x.startswith("AGE-SECRET-KEY-"))
    return pyrage.x25519.Identity.from_str(line)


def age_decrypt(identity: Path, data: bytes) -> bytes:
    """Decrypt as a verifier would on their own machine (armored or binary age files)."""
    return bytes(pyrage.decrypt(data, [read_identity(identity)]))


def age_tool_decrypt(identity: Path, data: bytes) -> subprocess.CompletedProcess[bytes]:
    """Decrypt with Debian's `age`, the tool docs/verifier.md tells verifiers to use."""
    return subprocess.run([AGE, "-d", "-i", str(identity)], input=data, capture_output=True)
