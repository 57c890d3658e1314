"""Import claims that arrived elsewhere (Telegram messages, e-mail, paper) into a campaign's
queue: each row is checked by the signing form and signed through `submit_signature`, as a
signature from the web, the bot or the API is.

    manage.py import_signatures SLUG claims.csv --as USERNAME [--publication anonymous]

Columns: full_name, office, body, municipality, region (a name or an ISO 3166-2 code).
Rows the form refuses are reported with their line number and reason; the others are
imported. Imported signatures are received and checked like any other; their senders
chose nothing, so they are counted but not named unless `--publication` says otherwise.
"""

import csv
import io
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from undersigned.audit.actions import record
from undersigned.campaigns.models import Campaign, StaffRole
from undersigned.officials.importer import decode
from undersigned.officials.regions import find_region_code
from undersigned.signatures.forms import SignForm
from undersigned.signatures.models import Signature
from undersigned.signatures.signing import Outcome, submit_signature

COLUMNS = ("full_name", "office", "body", "municipality", "region")
IMPORTERS = {StaffRole.ORGANIZER, StaffRole.VERIFIER}


def read_rows(path: Path) -> list[dict[str, str]]:
    text = decode(path.read_bytes())
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = {(name or "").strip().casefold() for name in reader.fieldnames or []}
    if "full_name" not in header:
        raise CommandError("the file needs a full_name column")
    return [
        {
            (key or "").strip().casefold(): value
            for key, value in row.items()
            if isinstance(value, str)
        }
        for row in reader
    ]


class Command(BaseCommand):
    help = "Import claims collected elsewhere into a campaign's verification queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's slug")
        parser.add_argument("path", type=Path, help="CSV (UTF-8 or Windows-1251)")
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            help="username of an organizer or verifier of the campaign, for the audit trail",
        )
        parser.add_argument(
            "--publication",
            choices=[Signature.ANONYMOUS, Signature.NAMED],
            default=Signature.ANONYMOUS,
            help="how the imported signers appear (default: counted but not named)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError("no such campaign")
        actor = get_user_model().objects.filter(username=options["actor"], is_active=True).first()
        if (
            actor is None
            or not StaffRole.objects.filter(
                user=actor, campaign=campaign, role__in=IMPORTERS
            ).exists()
        ):
            raise CommandError("--as must name an organizer or verifier of this campaign")
        if not campaign.accepts_signatures:
            raise CommandError("this campaign takes no signatures now")
        language = campaign.original_language
        imported = 0
        for line, row in enumerate(read_rows(options["path"]), start=2):
            data = {name: row.get(name, "") for name in COLUMNS}
            data["region"] = find_region_code(data["region"]) or data["region"]
            data["publication"] = options["publication"]
            form = SignForm(data, campaign=campaign, language=language)
            if not form.is_valid():
                reasons = "; ".join(
                    f"{name}: {' '.join(map(str, messages))}"
                    for name, messages in form.errors.items()
                )
                self.stderr.write(f"line {line}: {reasons}")
                continue
            submitted = submit_signature(
                campaign, form.submission(language), channel=Signature.IMPORT, sender=None
            )
            if submitted.outcome != Outcome.SIGNED:
                raise CommandError(f"line {line}: the campaign stopped taking signatures")
            imported += 1
        record(
            "signatures.imported",
            campaign,
            actor=actor,
            campaign=campaign,
            note=f"{imported} from {options['path'].name}",
        )
        self.stdout.write(f"{imported} signatures imported into the queue.")
