"""The one place that decides who may reach what.

Views reach campaigns and signatures only through these helpers; each raises
Http404 for the public (never telling what exists) or PermissionDenied for staff.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from undersigned.campaigns.models import Campaign, StaffRole
from undersigned.signatures.models import Signature, hash_token


def access_public_campaign(slug: str) -> Campaign:
    """A campaign the public may read: published (open, closed or archived)."""
    campaign = (
        Campaign.objects.filter(slug=slug, state__in=Campaign.PUBLIC_STATES)
        .prefetch_related("texts")
        .first()
    )
    if campaign is None:
        raise Http404("no such campaign")
    return campaign


def access_signature_by_receipt(token: str) -> Signature:
    """The signature whose secret receipt token this is."""
    if not token or len(token) > 64:
        raise Http404("no such receipt")
    signature = (
        Signature.objects.select_related("campaign").filter(receipt_hash=hash_token(token)).first()
    )
    if signature is None:
        raise Http404("no such receipt")
    return signature


def staff_roles(user: Any, campaign: Campaign) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        StaffRole.objects.filter(user=user, campaign=campaign).values_list("role", flat=True)
    )


def access_campaign_as(user: Any, slug: str, *roles: str) -> Campaign:
    """A campaign on which `user` holds one of `roles`."""
    campaign = Campaign.objects.filter(slug=slug).prefetch_related("texts").first()
    if campaign is None:
        raise Http404("no such campaign")
    if not staff_roles(user, campaign) & set(roles):
        raise PermissionDenied("no role on this campaign")
    return campaign


def campaigns_for_staff(user: Any, *roles: str) -> Any:
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    return Campaign.objects.filter(staff_roles__user=user, staff_roles__role__in=roles).distinct()


def access_signature_as(user: Any, signature_id: int, *roles: str) -> Signature:
    """A signature of a campaign on which `user` holds one of `roles`."""
    signature = (
        Signature.objects.select_related("campaign", "official").filter(pk=signature_id).first()
    )
    if signature is None:
        raise Http404("no such signature")
    if not staff_roles(user, signature.campaign) & set(roles):
        raise PermissionDenied("no role on this campaign")
    return signature


# Who may do what on a campaign, by role: each use case's roles, whatever the channel (the
# desk, the API, a command).
STAFF_ROLES = (StaffRole.ORGANIZER, StaffRole.VERIFIER, StaffRole.SPOKESPERSON)
ORGANIZERS = (StaffRole.ORGANIZER,)
QUEUE_ROLES = (StaffRole.ORGANIZER, StaffRole.VERIFIER)  # read the queue of signatures
DECIDERS = (StaffRole.VERIFIER,)  # decide a signature
IMPORTERS = (StaffRole.ORGANIZER, StaffRole.VERIFIER)  # import signatures received elsewhere
INVALIDATORS = (StaffRole.ORGANIZER, StaffRole.VERIFIER)  # invalidate signatures in bulk
PUBLISHERS = (StaffRole.SPOKESPERSON, StaffRole.ORGANIZER)  # publish updates


def may_create_campaigns(user: Any) -> bool:
    """Organizers of any campaign, and accounts given the permission, may start new campaigns."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm("campaigns.add_campaign"):
        return True
    return StaffRole.objects.filter(user=user, role=StaffRole.ORGANIZER).exists()
