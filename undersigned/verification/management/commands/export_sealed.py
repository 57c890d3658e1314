"""Write a campaign's sealed bundle, encrypted to its verifiers' keys.

    manage.py export_sealed --campaign SLUG OUT.age

Open it on a verifier's machine with
`python -m undersigned.vault.decrypt --identity key.txt OUT.age` for a CSV.
"""

from undersigned.campaigns.models import Campaign
from undersigned.verification.management.commands import export_contacts
from undersigned.verification.sealed import export_sealed


class Command(export_contacts.Command):
    help = "Export a campaign's sealed signatures as one age file for its verifiers."
    example = "sealed.age"

    def export(self, campaign: Campaign) -> bytes:
        return export_sealed(campaign)
