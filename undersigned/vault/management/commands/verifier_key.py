"""Register, list and revoke verifiers' age public keys.

manage.py verifier_key add --campaign SLUG --label "Vera" age1…
manage.py verifier_key add --all-campaigns --label "Vera" age1…
manage.py verifier_key list [--campaign SLUG]
manage.py verifier_key revoke ID
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from undersigned.campaigns.models import Campaign, TransitionError
from undersigned.vault import actions
from undersigned.vault.models import VerifierKey


class Command(BaseCommand):
    help = "Manage the age public keys that signers' contacts are encrypted to."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="register a public key")
        scope = add.add_mutually_exclusive_group(required=True)
        scope.add_argument("--campaign", help="slug of the campaign the key verifies")
        scope.add_argument(
            "--all-campaigns", action="store_true", help="the key verifies every campaign"
        )
        add.add_argument("--label", required=True, help="whose key it is, e.g. the verifier's name")
        add.add_argument("public_key", help="the age public key, age1…")
        listing = sub.add_parser("list", help="list keys")
        listing.add_argument("--campaign", help="only the keys that apply to this campaign")
        revoke = sub.add_parser("revoke", help="stop encrypting to a key")
        revoke.add_argument("key_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['verb']}")(options)

    def _campaign(self, slug: str) -> Campaign:
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"no campaign {slug!r}")
        return campaign

    def handle_add(self, options: dict[str, Any]) -> None:
        campaign = None if options["all_campaigns"] else self._campaign(options["campaign"])
        try:
            key = actions.add_verifier_key(
                options["public_key"], options["label"], campaign=campaign
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"added key {key.pk}: {key}")

    def handle_list(self, options: dict[str, Any]) -> None:
        if options["campaign"]:
            keys = VerifierKey.objects.filter(
                pk__in=VerifierKey.active_for(self._campaign(options["campaign"]))
            )
        else:
            keys = VerifierKey.objects.select_related("campaign")
        for key in keys.select_related("campaign"):
            scope = key.campaign.slug if key.campaign else "all campaigns"
            state = "active" if key.is_active else f"revoked {key.revoked_at:%Y-%m-%d}"
            self.stdout.write(f"{key.pk}\t{key.label}\t{scope}\t{state}\t{key.public_key}")

    def handle_revoke(self, options: dict[str, Any]) -> None:
        key = VerifierKey.objects.filter(pk=options["key_id"]).first()
        if key is None:
            raise CommandError(f"no key {options['key_id']}")
        try:
            actions.revoke_verifier_key(key)
        except TransitionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"revoked key {key.pk}: {key}")
