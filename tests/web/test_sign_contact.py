"""The sign form's optional contact: offered only when the campaign has verifier keys,
checked, and stored only as ciphertext."""

import tempfile
from pathlib import Path

from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, sign_through_form
from tests.vault.keys import make_identity
from undersigned.signatures.models import Signature
from undersigned.vault.actions import add_verifier_key
from undersigned.vault.models import ContactCiphertext


class SignContactTest(PersonaTestCase):
    def url(self) -> str:
        return reverse("sign", args=[self.campaign.slug]) + "?lang=en"

    def add_key(self) -> None:
        _, public = make_identity(Path(tempfile.mkdtemp()))
        add_verifier_key(public, "Vera", campaign=self.campaign)

    def test_without_verifier_keys_no_contact_is_asked_or_taken(self) -> None:
        html = self.client.get(self.url()).content.decode()
        assert 'name="contact"' not in html
        response = sign_through_form(
            self.client,
            self.url(),
            dict(SIGN_FORM_OLGA, contact_kind="phone", contact="+79110000001"),
        )
        assert response.status_code == 302
        assert not ContactCiphertext.objects.exists()
        assert "79110000001" not in repr(list(Signature.objects.values()))

    def test_with_keys_the_form_explains_the_encryption(self) -> None:
        self.add_key()
        html = self.client.get(self.url()).content.decode()
        assert 'name="contact"' in html and 'name="contact_kind"' in html
        assert "this server does not hold: the server cannot read it" in html

    def test_contacts_are_checked_and_a_bad_one_changes_nothing(self) -> None:
        self.add_key()
        for kind, value in (
            ("phone", "call me"),
            ("email", "not-an-address"),
            ("telegram", "@x"),
            ("", "+79110000001"),
        ):
            response = sign_through_form(
                self.client, self.url(), dict(SIGN_FORM_OLGA, contact_kind=kind, contact=value)
            )
            assert response.status_code == 400, (kind, value)
        assert not Signature.objects.exists()
        assert not ContactCiphertext.objects.exists()

    def test_a_good_contact_is_stored_encrypted_only(self) -> None:
        self.add_key()
        form = dict(SIGN_FORM_OLGA, contact_kind="phone", contact="+7 (911) 000-00-01")
        assert sign_through_form(self.client, self.url(), form).status_code == 302
        signature = Signature.objects.get()
        stored = bytes(ContactCiphertext.objects.get(signature=signature).ciphertext)
        assert stored.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
        assert b"79110000001" not in stored
