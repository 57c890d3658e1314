"""Share channels of a campaign.

share_channel add <slug> <code> <label> --as <organizer>
share_channel list <slug>
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from undersigned.access import access_campaign_as
from undersigned.campaigns.models import Campaign, StaffRole
from undersigned.sharing.actions import create_share_channel
from undersigned.sharing.models import ShareChannel


class Command(BaseCommand):
    help = "Create share channels of a campaign and show what came through each."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="create a channel")
        add.add_argument("slug")
        add.add_argument("code", help="what links carry as ?via=CODE")
        add.add_argument("label", help='what organizers call it, e.g. "deputies\' chat"')
        add.add_argument(
            "--as", dest="username", required=True, help="an organizer of the campaign"
        )
        listing = sub.add_parser("list", help="channels and their counts")
        listing.add_argument("slug")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["slug"]).first()
        if campaign is None:
            raise CommandError("no such campaign")
        if options["verb"] == "add":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError("no such user")
            try:
                access_campaign_as(user, campaign.slug, StaffRole.ORGANIZER)
            except Exception as denied:
                raise CommandError("only an organizer of the campaign may add channels") from denied
            try:
                channel = create_share_channel(
                    campaign, options["code"], options["label"], actor=user
                )
            except ValidationError as invalid:
                raise CommandError("; ".join(invalid.messages)) from invalid
            self.stdout.write(f"/c/{campaign.slug}/{channel.link_query()}")
            return
        for channel in ShareChannel.objects.filter(campaign=campaign):
            self.stdout.write(
                f"{channel.code}\t{channel.label}\t"
                f"visits {channel.visits}\tsignatures {channel.signatures}"
            )
