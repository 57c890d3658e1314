"""Open a contacts bundle on a verifier's own machine: no server, no database, no Django.

    python -m undersigned.vault.decrypt --identity key.txt bundle.age > contacts.csv

(or copy this one file anywhere and run `python decrypt.py …`; it needs only `pyrage`).
The bundle is an age file; inside, each signature's contact is itself an age-armored block
encrypted to the verifier keys of its day. Both layers are opened with the same identity
file (made by `age-keygen`). Contacts this identity cannot open are marked so.
"""

import argparse
import csv
import sys
from pathlib import Path

import pyrage

# The record fields of a bundle, in order; the renderer on the server uses the same list.
FIELDS = (
    "signature",
    "handle",
    "state",
    "held",
    "received",
    "name",
    "office",
    "body",
    "municipality",
    "region",
)
ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
NOT_FOR_THIS_KEY = "(not encrypted to this key)"


def read_identities(path: Path) -> list[pyrage.x25519.Identity]:
    """The `AGE-SECRET-KEY-1…` lines of an identity file, as age-keygen writes it."""
    identities = [
        pyrage.x25519.Identity.from_str(line.strip())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("AGE-SECRET-KEY-")
    ]
    if not identities:
        raise SystemExit(f"{path}: no AGE-SECRET-KEY line found")
    return identities


def parse_bundle(text: str) -> list[dict[str, str]]:
    """The records of a decrypted bundle: their fields and their still-armored contact."""
    records: list[dict[str, str]] = []
    armor: list[str] | None = None
    for line in text.splitlines():
        if armor is not None:
            armor.append(line)
            if line.strip() == ARMOR_END:
                records[-1]["armored"] = "\n".join(armor) + "\n"
                armor = None
            continue
        if line.strip() == ARMOR_BEGIN and records:
            armor = [line.strip()]
            continue
        name, sep, value = line.partition(": ")
        if not sep:
            continue
        if name == "signature":
            records.append({"signature": value})
        elif records and name in FIELDS:
            records[-1][name] = value
    return records


def open_contact(armored: str, identities: list[pyrage.x25519.Identity]) -> tuple[str, str]:
    """(kind, contact) from one armored contact block."""
    try:
        plaintext = pyrage.decrypt(armored.encode(), identities).decode("utf-8")
    except pyrage.DecryptError:
        return "", NOT_FOR_THIS_KEY
    kind, _, value = plaintext.strip().partition(": ")
    return kind, value


def decrypt_bundle(data: bytes, identities: list[pyrage.x25519.Identity]) -> list[dict[str, str]]:
    text = pyrage.decrypt(data, identities).decode("utf-8")
    rows = []
    for record in parse_bundle(text):
        armored = record.pop("armored", "")
        kind, contact = open_contact(armored, identities) if armored else ("", "")
        rows.append(
            {
                **{name: record.get(name, "") for name in FIELDS},
                "contact_kind": kind,
                "contact": contact,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Decrypt an undersigned contacts bundle into CSV.")
    parser.add_argument(
        "--identity", "-i", type=Path, required=True, help="age identity file (from age-keygen)"
    )
    parser.add_argument("--output", "-o", type=Path, help="CSV file to write (default: stdout)")
    parser.add_argument("bundle", type=Path, help="the .age bundle exported by the server")
    args = parser.parse_args(argv)
    identities = read_identities(args.identity)
    try:
        rows = decrypt_bundle(args.bundle.read_bytes(), identities)
    except pyrage.DecryptError:
        print("This bundle was not encrypted to this identity.", file=sys.stderr)
        return 1
    columns = [*FIELDS, "contact_kind", "contact"]
    if args.output:
        with args.output.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
