"""The access helpers: every denial, with the outsider persona."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.base import PersonaTestCase, make_claims
from undersigned.access import (
    access_campaign_as,
    access_public_campaign,
    access_signature_as,
    access_signature_by_receipt,
    campaigns_for_staff,
)
from undersigned.campaigns.models import StaffRole


class AccessTest(PersonaTestCase):
    def test_public_campaign_hides_drafts(self) -> None:
        draft = self.make_campaign("draft", open_it=False)
        assert access_public_campaign(self.campaign.slug) == self.campaign
        with pytest.raises(Http404):
            access_public_campaign(draft.slug)
        with pytest.raises(Http404):
            access_public_campaign("missing")

    def test_receipt_by_token_only(self) -> None:
        signature, token = self.sign(make_claims(1))
        assert access_signature_by_receipt(token) == signature
        for wrong in ("", token[:-1], signature.receipt_hash or "", "x" * 100):
            with pytest.raises(Http404):
                access_signature_by_receipt(wrong)

    def test_staff_roles(self) -> None:
        assert (
            access_campaign_as(self.verifier, self.campaign.slug, StaffRole.VERIFIER)
            == self.campaign
        )
        with pytest.raises(PermissionDenied):
            access_campaign_as(self.spokesperson, self.campaign.slug, StaffRole.VERIFIER)

    def test_outsider_is_denied_everything(self) -> None:
        signature, _ = self.sign(make_claims(1))
        for role in (StaffRole.ORGANIZER, StaffRole.VERIFIER, StaffRole.SPOKESPERSON):
            with pytest.raises(PermissionDenied):
                access_campaign_as(self.outsider, self.campaign.slug, role)
            with pytest.raises(PermissionDenied):
                access_signature_as(self.outsider, signature.pk, role)
        assert not campaigns_for_staff(self.outsider, StaffRole.VERIFIER).exists()

    def test_anonymous_and_inactive_are_denied(self) -> None:
        with pytest.raises(PermissionDenied):
            access_campaign_as(AnonymousUser(), self.campaign.slug, StaffRole.VERIFIER)
        self.verifier.is_active = False
        self.verifier.save()
        with pytest.raises(PermissionDenied):
            access_campaign_as(self.verifier, self.campaign.slug, StaffRole.VERIFIER)

    def test_verifier_of_one_campaign_not_of_another(self) -> None:
        other = self.make_campaign("other")
        other.staff_roles.filter(user=self.verifier).delete()
        signature, _ = self.sign(make_claims(1), campaign=other)
        with pytest.raises(PermissionDenied):
            access_signature_as(self.verifier, signature.pk, StaffRole.VERIFIER)
        assert list(campaigns_for_staff(self.verifier, StaffRole.VERIFIER)) == [self.campaign]
