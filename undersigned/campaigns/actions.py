"""Changes to campaigns: each in a transaction, each recorded in the audit trail."""

from typing import Any

from django.db import transaction

from undersigned.audit.actions import record
from undersigned.campaigns.downloads import withdraw_name_lists
from undersigned.campaigns.models import Campaign, CampaignText, StaffRole, TransitionError
from undersigned.campaigns.page_cache import invalidate_campaign, names_removed


def create_campaign(
    *, organizer: Any, slug: str, texts: list[dict[str, Any]], **fields: Any
) -> Campaign:
    """A draft campaign with its texts; the first text given is the original."""
    with transaction.atomic():
        campaign = Campaign(slug=slug, **fields)
        campaign.full_clean()
        campaign.save()
        for index, text in enumerate(texts):
            CampaignText.objects.create(campaign=campaign, is_original=index == 0, **text)
        if organizer is not None:
            StaffRole.objects.create(user=organizer, campaign=campaign, role=StaffRole.ORGANIZER)
        record("campaign.created", campaign, actor=organizer, campaign=campaign)
    return campaign


def _transition(campaign: Campaign, action: str, actor: Any) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        getattr(campaign, action)()
        campaign.save(update_fields=["state", "opened_at", "closed_at"])
        record(f"campaign.{action}", campaign, actor=actor, campaign=campaign)
        transaction.on_commit(lambda: invalidate_campaign(campaign))
    return campaign


def open_campaign(campaign: Campaign, *, actor: Any) -> Campaign:
    return _transition(campaign, "open", actor)


def close_campaign(campaign: Campaign, *, actor: Any) -> Campaign:
    return _transition(campaign, "close", actor)


def archive_campaign(campaign: Campaign, *, actor: Any) -> Campaign:
    return _transition(campaign, "archive", actor)


def set_names_hidden(campaign: Campaign, hidden: bool, *, actor: Any) -> Campaign:
    """The organizer hides every name of the campaign (or shows them again as each signer
    chose). Hiding reaches every copy at once: the cached pages and the page files go
    stale, and the name lists already written for download are withdrawn in the same step
    (the next export run writes them without names)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign.names_hidden = hidden
        campaign.save(update_fields=["names_hidden"])
        record(
            "campaign.names_hidden" if hidden else "campaign.names_shown",
            campaign,
            actor=actor,
            campaign=campaign,
        )
        transaction.on_commit(lambda: names_removed(campaign))
    if hidden:
        withdraw_name_lists(campaign.slug)
    return campaign


def grant_role(campaign: Campaign, user: Any, role: str, *, actor: Any) -> StaffRole:
    with transaction.atomic():
        staff_role, _ = StaffRole.objects.get_or_create(campaign=campaign, user=user, role=role)
        record(
            "campaign.role_granted",
            campaign,
            actor=actor,
            campaign=campaign,
            note=f"{role} to user {user.pk}",
        )
    return staff_role


def revoke_role(campaign: Campaign, user: Any, role: str, *, actor: Any) -> bool:
    """Take a role away; a campaign always keeps at least one organizer."""
    with transaction.atomic():
        holders = list(StaffRole.objects.select_for_update().filter(campaign=campaign, role=role))
        if role == StaffRole.ORGANIZER and all(r.user_id == user.pk for r in holders):
            raise TransitionError("a campaign keeps at least one organizer")
        deleted, _ = StaffRole.objects.filter(campaign=campaign, role=role, user=user).delete()
        if deleted:
            record(
                "campaign.role_revoked",
                campaign,
                actor=actor,
                campaign=campaign,
                note=f"{role} from user {user.pk}",
            )
    return bool(deleted)


def set_campaign_text(
    campaign: Campaign, language: str, *, actor: Any, **fields: Any
) -> CampaignText:
    """Write the text in one language (the original or a translation) of a draft campaign."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != Campaign.DRAFT:
            raise TransitionError(f"campaign {campaign.slug}: texts change only while a draft")
        text, created = CampaignText.objects.update_or_create(
            campaign=campaign, language=language, defaults=fields
        )
        record(
            "campaign.text_added" if created else "campaign.text_changed",
            campaign,
            actor=actor,
            campaign=campaign,
            note=language,
        )
    return text


def set_closing_date(campaign: Campaign, closes_at: Any, *, actor: Any) -> Campaign:
    """Set, change or clear (None) the time after which the campaign takes no signature."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state not in (Campaign.DRAFT, Campaign.OPEN):
            raise TransitionError(f"campaign {campaign.slug}: closed, no closing date to set")
        campaign.closes_at = closes_at
        campaign.save(update_fields=["closes_at"])
        record(
            "campaign.closing_date_set" if closes_at else "campaign.closing_date_cleared",
            campaign,
            actor=actor,
            campaign=campaign,
            note=closes_at.isoformat() if closes_at else "",
        )
        transaction.on_commit(lambda: invalidate_campaign(campaign))
    return campaign


def set_region_counts_published(campaign: Campaign, published: bool, *, actor: Any) -> Campaign:
    """Publish counts by region or not. Decided while a draft: a hidden signer sealed under
    one choice keeps their region or not for good."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != Campaign.DRAFT:
            raise TransitionError(f"campaign {campaign.slug}: region counts fixed once open")
        campaign.publish_region_counts = published
        campaign.save(update_fields=["publish_region_counts"])
        record(
            "campaign.region_counts_published" if published else "campaign.region_counts_hidden",
            campaign,
            actor=actor,
            campaign=campaign,
        )
    return campaign
