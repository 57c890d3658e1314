"""The text inside an exported contacts bundle: readable by people, parsed by `decrypt.py`."""

from dataclasses import dataclass
from datetime import datetime

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
