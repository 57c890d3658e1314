"""Real age identities for tests, made with Debian's `age-keygen`."""

import subprocess
from pathlib import Path

AGE = "/usr/bin/age"
AGE_KEYGEN = "/usr/bin/age-keygen"


def make_identity(directory: Path, name: str = "key") -> tuple[Path, str]:
    """An identity file written by age-keygen, and its public key."""
    path = directory / f"{name}.txt"
    result = subprocess.run(
        [AGE_KEYGEN, "-o", str(path)], capture_output=True, text=True, check=True
    )
    public = result.stderr.strip().removeprefix("Public key: ")
    assert public.startswith("age1"), result.stderr
    return path, public


def age_decrypt(identity: Path, data: bytes) -> bytes:
    """Decrypt with the standard age tool, as a verifier would on their own machine."""
    result = subprocess.run(
        [AGE, "-d", "-i", str(identity)], input=data, capture_output=True, check=True
    )
    return result.stdout
