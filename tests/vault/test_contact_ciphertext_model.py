import tempfile
from pathlib import Path

import pyrage
import pytest

from tests.base import PersonaTestCase, make_claims
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.vault import actions
from undersigned.vault.crypto import CONTACT_PADDED_LENGTH
from undersigned.vault.models import ContactCiphertext


def identity_from(path: Path) -> pyrage.x25519.Identity:
    line = next(x for x in path.read_text().splitlines() if x.startswith("AGE-SECRET-KEY-"))
    return pyrage.x25519.Identity.from_str(line)


class ContactCiphertextTest(PersonaTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.vera_file, vera = make_identity(self.tmp, "vera")
        self.other_file, other = make_identity(self.tmp, "other")
        actions.add_verifier_key(vera, "Vera", campaign=self.campaign)
        actions.add_verifier_key(other, "Second verifier", campaign=self.campaign)

    def test_every_verifier_can_open_it_and_the_server_stores_no_clear_text(self) -> None:
        signature, _ = self.sign(make_claims(1))
        contact = actions.attach_contact(signature, ContactCiphertext.PHONE, "+79123456789")
        stored = bytes(ContactCiphertext.objects.get(pk=contact.pk).ciphertext)
        assert b"79123456789" not in stored
        assert stored.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
        assert contact.recipient_count == 2
        for path in (self.vera_file, self.other_file):
            plain = pyrage.decrypt(stored, [identity_from(path)])
            assert plain.strip() == b"phone: +79123456789"
        event = AuditEvent.objects.get(action="vault.contact_encrypted")
        assert "79123456789" not in event.note

    def test_contacts_are_padded_so_their_length_gives_nothing_away(self) -> None:
        short, _ = self.sign(make_claims(1))
        long, _ = self.sign(make_claims(2))
        a = actions.attach_contact(short, ContactCiphertext.TELEGRAM, "@olga1")
        b = actions.attach_contact(long, ContactCiphertext.EMAIL, "a.very.long.address@example.org")
        vera = [identity_from(self.vera_file)]
        plaintexts = [pyrage.decrypt(bytes(c.ciphertext), vera) for c in (a, b)]
        assert [len(p) for p in plaintexts] == [CONTACT_PADDED_LENGTH, CONTACT_PADDED_LENGTH]

    def test_no_keys_no_contact(self) -> None:
        bare = self.make_campaign("bare")
        signature, _ = self.sign(make_claims(1), campaign=bare)
        with pytest.raises(actions.NoVerifierKeys):
            actions.attach_contact(signature, ContactCiphertext.PHONE, "+79123456789")
        assert not ContactCiphertext.objects.exists()

    def test_unknown_kind_refused(self) -> None:
        signature, _ = self.sign(make_claims(1))
        with pytest.raises(ValueError):
            actions.attach_contact(signature, "pigeon", "roof")
        assert not ContactCiphertext.objects.exists()
