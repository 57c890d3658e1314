"""Bulk invalidation from the terminal: the desk's criteria, a dry run by default."""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from undersigned.access import INVALIDATORS, access_campaign_as
from undersigned.signatures.models import Signature
from undersigned.verification import actions
from undersigned.verification.bulk import InvalidationCriteria


def aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise CommandError(f"give a time zone with {value!r}, e.g. {value}+00:00")
    return moment


class Command(BaseCommand):
    help = "Reject, with the reason 'invalidated in bulk', the standing signatures that match."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's slug")
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            help="username of an organizer or verifier of the campaign, for the audit trail",
        )
        parser.add_argument(
            "--from", dest="received_from", type=aware, help="received at or after (ISO 8601)"
        )
        parser.add_argument(
            "--to", dest="received_to", type=aware, help="received before (ISO 8601)"
        )
        parser.add_argument("--body-contains", default="")
        parser.add_argument("--region", default="", help="ISO 3166-2 code, e.g. RU-MOW")
        parser.add_argument("--client-hash", default="")
        parser.add_argument(
            "--state", action="append", default=[], choices=sorted(Signature.ACTIVE_STATES)
        )
        parser.add_argument("--held", choices=["yes", "no"])
        parser.add_argument("--note", default="")
        parser.add_argument("--batch-size", type=int)
        parser.add_argument(
            "--apply", action="store_true", help="really invalidate (default: count only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        try:
            campaign = access_campaign_as(
                actor or AnonymousUser(), options["campaign"], *INVALIDATORS
            )
        except Http404 as error:
            raise CommandError("no such campaign") from error
        except PermissionDenied as error:
            raise CommandError(
                "--as must name an organizer or verifier of this campaign"
            ) from error
        criteria = InvalidationCriteria(
            campaign=campaign,
            received_from=options["received_from"],
            received_to=options["received_to"],
            body_contains=options["body_contains"],
            region_code=options["region"],
            client_hash=options["client_hash"],
            states=tuple(options["state"]),
            held={"yes": True, "no": False}.get(options["held"] or ""),
        )
        if criteria.describe() == f"campaign={campaign.slug}":
            raise CommandError("give at least one criterion besides the campaign")
        matching = criteria.queryset().count()
        if not options["apply"]:
            self.stdout.write(
                f"{matching} signatures match ({criteria.describe()}). Add --apply to invalidate."
            )
            return
        done = actions.invalidate(
            criteria, actor=actor, batch_size=options["batch_size"], note=options["note"]
        )
        self.stdout.write(f"{done} signatures invalidated.")
