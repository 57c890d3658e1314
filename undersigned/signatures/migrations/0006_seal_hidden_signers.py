"""Seal the hidden signers decided before sealing existed (undersigned.signatures.sealing).

Each counted-but-not-named signer, and each conditional signer below their threshold,
whose signature is verified, rejected or withdrawn, gets the same ciphertext and
commitment a decision makes now; their claims, official, claims digest, decision notes
and audit notes go, and their times keep their day.
"""

import secrets
from datetime import UTC

from django.db import migrations
from django.db.models import Q

from undersigned.signatures.models import SEALED_PREFIX, day_of
from undersigned.vault.crypto import encrypt_to
from undersigned.vault.decrypt import REVEAL_FIELDS, commitment
from undersigned.signatures.sealing import SIGNER_EVENTS, sealed_plaintext

CHECKING = ("received", "matched")


def _official(official):
    if official is None:
        return None
    return {
        "id": official.pk,
        "source": official.source,
        "source_id": official.source_id,
        "full_name": official.full_name,
        "position": official.position,
        "body": official.body,
        "municipality": official.municipality,
        "region_code": official.region_code,
    }


def _evidence(decisions):
    return [
        {
            "at": d.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "kind": d.kind,
            "method": d.method,
            "reason": d.reason,
            "verifier": d.verifier.username if d.verifier_id else "",
            "official_id": d.official_id,
            "note": d.note,
            "link": d.link,
        }
        for d in decisions
    ]


def seal_decided(apps, schema_editor):
    Signature = apps.get_model("signatures", "Signature")
    Tally = apps.get_model("signatures", "Tally")
    CountChange = apps.get_model("signatures", "CountChange")
    VerifierKey = apps.get_model("vault", "VerifierKey")
    ContactCiphertext = apps.get_model("vault", "ContactCiphertext")
    Decision = apps.get_model("verification", "Decision")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    hidden = Q(publication="anonymous") | Q(publication="conditional", revealed_at__isnull=True)
    rows = (
        Signature.objects.filter(hidden, sealed__isnull=True)
        .exclude(state__in=CHECKING)
        .select_related("campaign", "official")
        .order_by("id")
    )
    verified_by_campaign = dict(
        Tally.objects.filter(key="all", state="verified").values_list("campaign_id", "n")
    )
    for signature in rows.iterator():
        campaign = signature.campaign
        if (
            signature.publication == "conditional"
            and signature.state == "verified"
            and (signature.reveal_threshold or 0) <= verified_by_campaign.get(campaign.pk, 0)
        ):
            continue  # named by the count job, not sealed
        keys = list(
            VerifierKey.objects.filter(
                Q(campaign=campaign) | Q(campaign__isnull=True), revoked_at__isnull=True
            )
            .order_by("id")
            .values_list("public_key", flat=True)
        )
        salt = secrets.token_hex(32) if signature.publication == "conditional" else ""
        decisions = Decision.objects.filter(signature=signature).select_related("verifier")
        values = {
            f.attname: getattr(signature, f.attname)
            for f in signature._meta.concrete_fields
            if f.attname != "sealed"
        }
        plaintext = sealed_plaintext(
            campaign_slug=campaign.slug,
            signature=values,
            official=_official(signature.official),
            evidence=_evidence(decisions.order_by("id")),
            salt=salt,
        )
        ciphertext = encrypt_to(keys, plaintext) if keys else b""
        promise = (
            commitment(salt, {name: values.get(name) or "" for name in REVEAL_FIELDS})
            if salt and keys
            else ""
        )
        counted = signature.merged_into_id is None and not signature.held
        old_region = signature.region_code
        region = old_region if campaign.publish_region_counts else ""
        if counted and region != old_region:
            created_on = signature.created_at.astimezone(UTC).date()
            verified_on = signature.verified_at.date() if signature.verified_at else None
            CountChange.objects.create(
                campaign=campaign,
                region_code=old_region,
                from_state=signature.state,
                to_state="",
                created_on=created_on,
                verified_on=verified_on,
            )
            CountChange.objects.create(
                campaign=campaign,
                region_code="",
                from_state="",
                to_state=signature.state,
                created_on=created_on,
                verified_on=verified_on,
            )
        Signature.objects.filter(pk=signature.pk).update(
            sealed=ciphertext,
            commitment=promise,
            full_name="",
            office="",
            body="",
            municipality="",
            region="",
            region_code=region,
            claims_key=f"{SEALED_PREFIX}{signature.handle}",
            official=None,
            match_score=None,
            client_hash="",
            created_at=day_of(signature.created_at),
            state_changed_at=day_of(signature.state_changed_at),
            verified_at=day_of(signature.verified_at) if signature.verified_at else None,
        )
        decisions.update(official=None, note="", link="")
        events = AuditEvent.objects.filter(
            object_type="signatures.signature", object_id=str(signature.pk)
        )
        events.update(note="")
        for event_id, at in events.filter(action__in=SIGNER_EVENTS).values_list("id", "at"):
            AuditEvent.objects.filter(pk=event_id).update(at=day_of(at))
        ContactCiphertext.objects.filter(signature=signature).update(
            created_at=day_of(signature.created_at)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("vault", "0001_verifier_keys_and_contacts"),
        ("signatures", "0005_sealed_signers"),
        ("verification", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(seal_decided, migrations.RunPython.noop)]
