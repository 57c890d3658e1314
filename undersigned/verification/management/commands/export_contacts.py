"""Write a campaign's contacts bundle, encrypted to its verifiers' keys.

    manage.py export_contacts --campaign SLUG OUT.age

Open it on a verifier's machine with `age -d -i key.txt OUT.age`, or
`python -m undersigned.vault.decrypt --identity key.txt OUT.age` for a CSV.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from undersigned.campaigns.models import Campaign
from undersigned.vault.actions import NoVerifierKeys
from undersigned.verification.contacts import export_contacts


class Command(BaseCommand):
    help = "Export a campaign's encrypted contacts as one age file for its verifiers."
    example = "contacts.age"

    def export(self, campaign: Campaign) -> bytes:
        return export_contacts(campaign)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", required=True, help="campaign slug")
        parser.add_argument("output", type=Path, help=f"file to write, e.g. {self.example}")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"no campaign {options['campaign']!r}")
        try:
            data = self.export(campaign)
        except NoVerifierKeys as error:
            raise CommandError(
                "this campaign has no verifier key; add one with `manage.py verifier_key add`"
            ) from error
        output: Path = options["output"]
        output.write_bytes(data)
        output.chmod(0o600)
        self.stdout.write(f"wrote {output} ({len(data)} bytes)")
