"""A verifier downloads the contacts bundle from the desk; nobody else can."""

import tempfile
from pathlib import Path

from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from tests.vault.keys import age_decrypt, make_identity
from undersigned.audit.models import AuditEvent
from undersigned.vault import actions


class ContactsViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.identity, public = make_identity(Path(tempfile.mkdtemp()), "vera")
        actions.add_verifier_key(public, "Vera", campaign=self.campaign)
        signature, _ = self.sign(make_claims(1))
        actions.attach_contact(signature, "phone", "+79110000001")
        self.url = reverse("desk:contacts", args=[self.campaign.slug])

    def test_a_verifier_gets_a_bundle_only_their_key_opens(self) -> None:
        response = self.desk_client(self.verifier).get(self.url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="contacts-deputies.age"'
        assert response["Cache-Control"] == "no-store"
        assert b"79110000001" not in response.content
        text = age_decrypt(self.identity, response.content).decode()
        assert make_claims(1).full_name in text
        event = AuditEvent.objects.get(action="vault.contacts_exported")
        assert event.actor == self.verifier

    def test_outsider_and_spokesperson_are_refused(self) -> None:
        for user in (self.outsider, self.spokesperson):
            assert self.desk_client(user).get(self.url).status_code == 403
        assert not AuditEvent.objects.filter(action="vault.contacts_exported").exists()

    def test_signed_out_is_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("desk:login"))

    def test_without_keys_the_desk_says_so(self) -> None:
        bare = self.make_campaign("bare")
        response = self.desk_client(self.verifier).get(
            reverse("desk:contacts", args=[bare.slug]) + "?lang=en"
        )
        assert response.status_code == 409
        assert "no verifier key" in response.content.decode().lower()
