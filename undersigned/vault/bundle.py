"""The text inside an exported contacts bundle: readable by people, parsed by `decrypt.py`."""

from dataclasses import dataclass
from datetime import datetime

from undersigned.signatures.models import Signature
from undersigned.vault.decrypt import FIELDS

INTRO = """\
Each contact below is itself age-encrypted to the verifier keys the campaign had when it
was sent. To read one, copy its block (from BEGIN to END) into a file and run
    age -d -i key.txt contact.age
To read them all at once into a CSV table, run
    python -m undersigned.vault.decrypt --identity key.txt bundle.age > contacts.csv
Keep both files on this machine only; delete them when the verification is done.
"""


@dataclass(frozen=True)
class Entry:
    fields: dict[str, str]
    armored_contact: str


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def entry_for(signature: Signature, armored_contact: bytes) -> Entry:
    fields = {
        "signature": str(signature.pk),
        "handle": signature.handle,
        "state": signature.state,
        "held": "yes" if signature.held else "no",
        "received": signature.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": signature.full_name,
        "office": signature.office,
        "body": signature.body,
        "municipality": signature.municipality,
        "region": signature.region or signature.region_code,
    }
    return Entry(
        {name: _one_line(fields[name]) for name in FIELDS}, armored_contact.decode("ascii")
    )


def render(campaign_slug: str, exported_at: datetime, entries: list[Entry]) -> str:
    lines = [
        "undersigned contacts bundle",
        f"campaign: {campaign_slug}",
        f"exported: {exported_at:%Y-%m-%dT%H:%M:%SZ}",
        f"contacts: {len(entries)}",
        "",
        INTRO,
    ]
    for entry in entries:
        lines.extend(f"{name}: {value}" for name, value in entry.fields.items())
        lines.append(entry.armored_contact.rstrip("\n"))
        lines.append("")
    return "\n".join(lines)
