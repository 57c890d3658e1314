"""Import signatures received elsewhere (Telegram, e-mail, paper) into a campaign's queue."""

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.http import Http404
from django.urls import reverse

from undersigned.access import IMPORTERS, access_campaign_as
from undersigned.signatures.imports import (
    IMPORT_CHANNELS,
    CannotImport,
    check_campaign,
    import_received_signatures,
)
from undersigned.signatures.received import (
    ReadFile,
    UnreadableFile,
    mark_duplicates,
    read_received,
)


def describe(read: ReadFile) -> list[str]:
    """How each line was read, one line each, for the preview."""
    lines = []
    for row in read.rows:
        if row.problem:
            lines.append(f"line {row.line}: unreadable ({row.problem}): {row.text}")
            continue
        claims = row.claims
        if claims is None:
            continue
        fields = (
            f"name: {claims.full_name} | office: {claims.office or '-'} | "
            f"council: {claims.body or claims.municipality or '-'} | "
            f"region: {claims.region_code or claims.region or '-'} | {row.publication}"
            + (f" | contact ({row.contact[0]}, to be encrypted)" if row.contact else "")
        )
        if row.duplicate_of == 0:
            lines.append(f"line {row.line}: duplicate of a signature already in the campaign")
        elif row.duplicate_of is not None:
            lines.append(f"line {row.line}: duplicate of line {row.duplicate_of}")
        elif row.doubtful:
            verdict = "included" if row.included else f"left out (--include {row.line} to import)"
            lines.append(f"line {row.line}: not a signature? {verdict}: {row.text}")
        else:
            lines.append(f"line {row.line}: {fields}")
    return lines


def write_receipts(path: Path, lines: list[str]) -> None:
    """Write the receipt links to a new file only its owner can read: each link is a
    signer's secret, beside their name."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


class Command(BaseCommand):
    help = (
        "Import signatures received elsewhere from a CSV or XLSX file, or a text file with one "
        "claim a line. Shows how each line was read; imports only with --confirm."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--channel", required=True, choices=IMPORT_CHANNELS)
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            help="username of an organizer or verifier of the campaign, for the audit trail",
        )
        parser.add_argument("--confirm", action="store_true", help="import (else preview only)")
        parser.add_argument(
            "--include",
            type=int,
            action="append",
            default=[],
            metavar="LINE",
            help="import this line although nothing in it reads like a name (repeatable)",
        )
        parser.add_argument(
            "--receipts",
            type=Path,
            help="write the signers' receipt links to this new file (else to standard output)",
        )

    @no_translations  # the command speaks English throughout
    def handle(self, *args: Any, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        try:
            campaign = access_campaign_as(actor or AnonymousUser(), options["slug"], *IMPORTERS)
        except Http404 as error:
            raise CommandError(f"no campaign {options['slug']!r}") from error
        except PermissionDenied as error:
            raise CommandError(
                "--as must name an organizer or verifier of this campaign"
            ) from error
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        receipts: Path | None = options["receipts"]
        if receipts is not None and receipts.exists():
            raise CommandError(f"{receipts} exists: receipt links are written once, to a new file")
        try:
            check_campaign(campaign)
            read = mark_duplicates(read_received(path.read_bytes(), path.name), campaign)
            read.include(options["include"])
        except (UnreadableFile, CannotImport) as error:
            raise CommandError(f"nothing imported: {error}") from error
        for line in describe(read):
            self.stdout.write(line)
        summary = (
            f"{len(read.importable)} to import, {len(read.duplicates)} duplicates, "
            f"{len(read.unreadable)} unreadable"
        )
        if read.doubtful:
            summary += f", {len(read.doubtful)} left out as not a signature"
        if not options["confirm"]:
            self.stdout.write(f"{summary}. Nothing imported: run again with --confirm.")
            return
        try:
            imported = import_received_signatures(
                campaign, read, channel=options["channel"], actor=actor
            )
        except CannotImport as error:
            raise CommandError(f"nothing imported: {error}") from error
        names = {row.line: row.claims.full_name for row in read.rows if row.claims is not None}
        links = [
            f"line {item.line}: {names.get(item.line, '')}: "
            f"{settings.SITE_URL}{reverse('receipt', args=[item.token])}"
            for item in imported
        ]
        if receipts is not None:
            write_receipts(receipts, links)
        else:
            self.stdout.write(
                "Receipt links (shown once, not stored; send each back to its signer):"
            )
            for link in links:
                self.stdout.write(link)
        self.stdout.write(self.style.SUCCESS(f"{len(imported)} signatures imported ({summary})."))
