"""Verifier keys on the desk: pasted, shown with a fingerprint, revoked, with an audit trail."""

import hashlib
import tempfile
from pathlib import Path

from django.urls import reverse

from tests.desk.base import DeskTestCase
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.vault.actions import add_verifier_key
from undersigned.vault.models import VerifierKey


class VerifierKeysViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.oleg = self.desk_client(self.organizer)
        self.page = reverse("desk:verifier_keys", args=["deputies"]) + "?lang=en"
        _, self.public = make_identity(Path(tempfile.mkdtemp()), "vera")

    def test_add_see_the_fingerprint_and_revoke(self) -> None:
        assert "No verifier key yet" in self.oleg.get(self.page).content.decode()
        response = self.oleg.post(
            reverse("desk:add_key", args=["deputies"]) + "?lang=en",
            {"label": "Vera", "public_key": f"  {self.public}\n"},
        )
        assert response.status_code == 302
        key = VerifierKey.objects.get()
        assert (key.campaign_id, key.public_key, key.label) == (
            self.campaign.pk,
            self.public,
            "Vera",
        )
        digest = hashlib.sha256(self.public.encode()).hexdigest()[:16]
        shown = " ".join(digest[i : i + 4] for i in range(0, 16, 4))
        page = self.oleg.get(self.page).content.decode()
        assert shown in page
        assert self.public in page
        assert "key added" in page
        revoke = reverse("desk:revoke_key", args=["deputies"])
        assert self.oleg.post(revoke, {"key": key.pk}).status_code == 302
        key.refresh_from_db()
        assert key.revoked_at is not None
        page = self.oleg.get(self.page).content.decode()
        assert "key revoked" in page
        assert list(
            AuditEvent.objects.filter(action__startswith="vault.key_").values_list(
                "action", "actor_id"
            )
        ) == [("vault.key_added", self.organizer.pk), ("vault.key_revoked", self.organizer.pk)]

    def test_bad_keys_are_refused_and_not_shown_back(self) -> None:
        url = reverse("desk:add_key", args=["deputies"]) + "?lang=en"
        secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"
        response = self.oleg.post(url, {"label": "Vera", "public_key": secret})
        assert response.status_code == 400
        page = response.content.decode()
        assert "An age public key starts with age1." in page
        assert "There is a problem" in page
        assert secret not in page
        assert self.oleg.post(url, {"label": "Vera", "public_key": "age1nope"}).status_code == 400
        assert not VerifierKey.objects.exists()
        # The same key twice, while active: refused.
        add_verifier_key(self.public, "Vera", campaign=self.campaign)
        again = self.oleg.post(url, {"label": "Vera again", "public_key": self.public})
        assert again.status_code == 400
        assert VerifierKey.objects.count() == 1

    def test_a_key_for_every_campaign_is_not_revoked_from_one(self) -> None:
        every = add_verifier_key(self.public, "Everywhere")
        revoke = reverse("desk:revoke_key", args=["deputies"])
        assert self.oleg.post(revoke, {"key": every.pk}).status_code == 404
        every.refresh_from_db()
        assert every.revoked_at is None
