"""Fills the stack's database for the benchmark: an open citizen petition with N existing
signatures (COPY, in one transaction), its tallies built by the reconciliation.

Run by bench/load.py with the stack's environment: `python -m bench.seed <slug> <n>`.
"""

import io
import os
import random
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta

import django

from harness.client import FIRST, PATRONYMIC

SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
]


def seed(slug: str, count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "undersigned.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import NOT_PROVIDED, UniqueConstraint

    from undersigned.campaigns import actions as campaign_actions
    from undersigned.campaigns.models import Campaign
    from undersigned.officials.regions import regions_by_code
    from undersigned.signatures.counts import reconcile_counts
    from undersigned.signatures.models import Signature

    organizer, _ = get_user_model().objects.get_or_create(username="bench-organizer")
    campaign = campaign_actions.create_campaign(
        organizer=organizer,
        slug=slug,
        texts=[
            {"language": "ru", "title": "Петиция", "body": "Мы требуем. " * 40},
            {"language": "en", "title": "Petition", "body": "We demand. " * 40},
        ],
        eligibility=Campaign.ELIGIBLE_ANYONE,
        requires_verification=False,
    )
    campaign = campaign_actions.open_campaign(campaign, actor=organizer)
    # A verifier's key, as a real petition has: anonymous signers are sealed to it.
    from pyrage import x25519

    from undersigned.vault.models import VerifierKey

    VerifierKey.objects.create(
        campaign=campaign, public_key=str(x25519.Identity.generate().to_public()), label="bench"
    )
    codes = list(regions_by_code())
    rng = random.Random(7)
    started = time.monotonic()
    now = datetime.now(UTC)
    # Every column, with the model's own defaults, so columns other apps add are filled too.
    template = Signature(campaign=campaign, state=Signature.VERIFIED, channel=Signature.WEB)
    fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
    # A unique column's default is drawn for each row, whether the field or a constraint of
    # the model says it is unique.
    unique_alone = {
        c.fields[0]
        for c in Signature._meta.constraints
        if isinstance(c, UniqueConstraint) and len(c.fields) == 1 and c.condition is None
    }
    per_row_defaults = [
        f
        for f in fields
        if (f.unique or f.name in unique_alone) and f.has_default() and callable(f.default)
    ]
    columns = [f.column for f in fields]

    def copy_text(value: object) -> str:
        if value is None or value is NOT_PROVIDED:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    with connection.cursor() as cursor, cursor.connection.cursor() as raw:
        chunk = 100_000
        for offset in range(0, count, chunk):
            buffer = io.StringIO()
            for n in range(offset, min(offset + chunk, count)):
                when = now - timedelta(seconds=count - n)
                row = {f.attname: getattr(template, f.attname) for f in fields}
                row.update({f.attname: f.default() for f in per_row_defaults})
                row.update(
                    full_name=" ".join(
                        (rng.choice(SURNAMES), rng.choice(FIRST), rng.choice(PATRONYMIC), str(n))
                    ),
                    region_code=rng.choice(codes),
                    claims_key=secrets.token_hex(32),
                    publication=Signature.NAMED if n % 3 else Signature.ANONYMOUS,
                    created_at=when,
                    state_changed_at=when,
                    verified_at=when,
                )
                buffer.write("\t".join(copy_text(row[f.attname]) for f in fields) + "\n")
            buffer.seek(0)
            with raw.copy(
                f"COPY signatures_signature ({', '.join(columns)}) FROM STDIN"  # model's names
            ) as copy:
                copy.write(buffer.read())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE signatures_signature")
    reconcile_counts(campaign, wait=60)  # the running stack's count job may hold the lock
    print(f"seeded {count} signatures in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    seed(sys.argv[1], int(sys.argv[2]))
