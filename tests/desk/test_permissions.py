"""Every desk page and form, tried by people who may not use it: nothing is shown or changed."""

import tempfile
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.campaigns import actions as campaign_actions
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature
from undersigned.vault.actions import add_verifier_key
from undersigned.verification import actions


class DeskPermissionTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.signature, _ = self.sign(make_claims(1))
        self.rejected, _ = self.sign(make_claims(2))
        actions.reject(self.rejected, actor=self.verifier, reason=Signature.REJECT_OTHER)
        _, self.public_key = make_identity(Path(tempfile.mkdtemp()))
        self.key = add_verifier_key(self.public_key, "Vera", campaign=self.campaign)

    def campaign_pages(self, slug: str) -> list[str]:
        return [
            reverse("desk:campaign", args=[slug]),
            reverse("desk:queue", args=[slug]),
            reverse("desk:manage", args=[slug]),
            reverse("desk:invalidate", args=[slug]) + "?region=RU-MOW",
            reverse("desk:edit_text", args=[slug, "en"]),
            reverse("desk:close", args=[slug]),
            reverse("desk:verifier_keys", args=[slug]),
        ]

    def signature_pages(self, signature: Signature) -> list[str]:
        return [reverse("desk:signature", args=[signature.pk])]

    def organizer_posts(self, slug: str) -> list[tuple[str, dict[str, Any]]]:
        return [
            (reverse("desk:transition", args=[slug]), {"action": "close"}),
            (reverse("desk:names_hidden", args=[slug]), {"hidden": "yes"}),
            (reverse("desk:grant_role", args=[slug]), {"username": "otto", "role": "verifier"}),
            (
                reverse("desk:revoke_role", args=[slug]),
                {"user": self.verifier.pk, "role": "verifier"},
            ),
            (reverse("desk:edit_text", args=[slug, "en"]), {"title": "x", "body": "y"}),
            (
                reverse("desk:add_opening", args=[slug]),
                {"full_name": "Петров Пётр Петрович", "publication": "named", "region": ""},
            ),
            (reverse("desk:transition", args=[slug]), {"action": "close", "confirm": "on"}),
            (reverse("desk:closing_date", args=[slug]), {"closes_at": "2099-01-01T12:00"}),
            (reverse("desk:region_counts", args=[slug]), {"published": "no"}),
            (
                reverse("desk:add_key", args=[slug]),
                {"label": "x", "public_key": self.public_key},
            ),
            (reverse("desk:revoke_key", args=[slug]), {"key": self.key.pk}),
            (
                reverse("desk:rematch_opening", args=[slug, self.signature.pk]),
                {"official": "none"},
            ),
        ]

    def verifier_posts(
        self, signature: Signature, rejected: Signature
    ) -> list[tuple[str, dict[str, Any]]]:
        return [
            (reverse("desk:match", args=[signature.pk]), {"official": self.official.pk}),
            (reverse("desk:verify", args=[signature.pk]), {"method": "phone"}),
            (reverse("desk:reject", args=[signature.pk]), {"reason": "other"}),
            (reverse("desk:issue_code", args=[signature.pk]), {}),
            (reverse("desk:unmatch", args=[signature.pk]), {}),
            (reverse("desk:reopen", args=[rejected.pk]), {}),
        ]

    def invalidation_post(self, slug: str) -> tuple[str, dict[str, Any]]:
        return reverse("desk:invalidate", args=[slug]), {"region": "RU-MOW", "confirm": "on"}

    def assert_nothing_changed(self, audit_before: int) -> None:
        assert AuditEvent.objects.count() == audit_before
        self.signature.refresh_from_db()
        assert self.signature.state == Signature.RECEIVED
        self.rejected.refresh_from_db()
        assert self.rejected.state == Signature.REJECTED

    def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(self) -> None:
        client = Client()
        slug = self.campaign.slug
        before = AuditEvent.objects.count()
        pages = [
            reverse("desk:home"),
            reverse("desk:create"),
            *self.campaign_pages(slug),
            *self.signature_pages(self.signature),
        ]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("desk:login")), url
        posts = [
            *self.organizer_posts(slug),
            *self.verifier_posts(self.signature, self.rejected),
            self.invalidation_post(slug),
        ]
        for url, data in posts:
            response = client.post(url, data)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("desk:login")), url
        self.assert_nothing_changed(before)
        assert "undersigned_desk" not in client.cookies

    def test_the_outsider_sees_and_changes_nothing(self) -> None:
        client = self.desk_client(self.outsider)
        slug = self.campaign.slug
        home = client.get(reverse("desk:home") + "?lang=en").content.decode()
        assert "You have no role on any campaign yet" in home
        assert slug not in home
        before = AuditEvent.objects.count()
        for url in [
            reverse("desk:create"),
            *self.campaign_pages(slug),
            *self.signature_pages(self.signature),
        ]:
            response = client.get(url)
            assert response.status_code == 403, url
            assert self.signature.full_name not in response.content.decode()
        for url, data in [
            *self.organizer_posts(slug),
            *self.verifier_posts(self.signature, self.rejected),
            self.invalidation_post(slug),
        ]:
            assert client.post(url, data).status_code == 403, url
        self.assert_nothing_changed(before)
        assert client.post(reverse("desk:create"), {"slug": "mine"}).status_code == 403
        assert not Campaign.objects.filter(slug="mine").exists()
        registry = client.get(reverse("desk:registry") + "?q=spb-001")
        assert registry.status_code == 403
        assert self.official.full_name not in registry.content.decode()

    def test_unknown_campaigns_and_signatures_are_not_found(self) -> None:
        client = self.desk_client(self.verifier)
        assert client.get(reverse("desk:queue", args=["no-such-campaign"])).status_code == 404
        assert client.get(reverse("desk:signature", args=[999999])).status_code == 404
        assert (
            client.post(reverse("desk:verify", args=[999999]), {"method": "phone"}).status_code
            == 404
        )

    def test_a_verifier_of_one_campaign_cannot_reach_another(self) -> None:
        other = campaign_actions.create_campaign(
            organizer=self.organizer,
            slug="other-letter",
            texts=[{"language": "ru", "title": "Другое письмо", "body": "Текст."}],
        )
        other = campaign_actions.open_campaign(other, actor=self.organizer)
        theirs, _ = self.sign(make_claims(5), campaign=other)
        theirs_rejected, _ = self.sign(make_claims(6), campaign=other)
        actions.reject(theirs_rejected, actor=self.organizer, reason=Signature.REJECT_OTHER)
        client = self.desk_client(self.verifier)
        assert client.get(reverse("desk:queue", args=[self.campaign.slug])).status_code == 200
        assert "other-letter" not in client.get(reverse("desk:home")).content.decode()
        before = AuditEvent.objects.count()
        for url in [*self.campaign_pages("other-letter"), *self.signature_pages(theirs)]:
            assert client.get(url).status_code == 403, url
        for url, data in [
            *self.verifier_posts(theirs, theirs_rejected),
            self.invalidation_post("other-letter"),
        ]:
            assert client.post(url, data).status_code == 403, url
        assert AuditEvent.objects.count() == before
        theirs.refresh_from_db()
        assert theirs.state == Signature.RECEIVED

    def test_the_spokesperson_sees_counts_but_no_signer(self) -> None:
        client = self.desk_client(self.spokesperson)
        slug = self.campaign.slug
        assert client.get(reverse("desk:campaign", args=[slug])).status_code == 200
        before = AuditEvent.objects.count()
        for url in self.campaign_pages(slug)[1:] + self.signature_pages(self.signature):
            assert client.get(url).status_code == 403, url
        for url, data in [
            *self.organizer_posts(slug),
            *self.verifier_posts(self.signature, self.rejected),
            self.invalidation_post(slug),
        ]:
            assert client.post(url, data).status_code == 403, url
        self.assert_nothing_changed(before)

    def test_a_verifier_does_not_manage_and_an_organizer_does_not_decide(self) -> None:
        slug = self.campaign.slug
        verifier = self.desk_client(self.verifier)
        before = AuditEvent.objects.count()
        assert verifier.get(reverse("desk:manage", args=[slug])).status_code == 403
        for url, data in self.organizer_posts(slug):
            assert verifier.post(url, data).status_code == 403, url
        organizer = self.desk_client(self.organizer)
        assert organizer.get(reverse("desk:signature", args=[self.signature.pk])).status_code == 200
        for url, data in self.verifier_posts(self.signature, self.rejected):
            assert organizer.post(url, data).status_code == 403, url
        self.assert_nothing_changed(before)
