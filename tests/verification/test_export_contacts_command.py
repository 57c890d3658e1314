"""A verifier decrypts an exported bundle on their own machine (pyrage here; Debian's age in
test_age_tool.py)."""

import re
import tempfile
from io import StringIO
from pathlib import Path

import pyrage
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, make_claims, sign_through_form
from tests.vault.keys import age_decrypt, make_identity
from undersigned.audit.models import AuditEvent
from undersigned.signatures import actions as signature_actions
from undersigned.vault import actions
from undersigned.vault.decrypt import ARMOR_BEGIN, ARMOR_END

ARMORED = re.compile(re.escape(ARMOR_BEGIN) + r".*?" + re.escape(ARMOR_END) + r"\n", re.DOTALL)


class ExportContactsCommandTest(PersonaTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.identity, public = make_identity(self.tmp, "vera")
        actions.add_verifier_key(public, "Vera", campaign=self.campaign)

    def export(self) -> Path:
        out = self.tmp / "bundle.age"
        call_command(
            "export_contacts", "--campaign", self.campaign.slug, str(out), stdout=StringIO()
        )
        return out

    def test_signed_through_the_form_then_opened_with_age(self) -> None:
        form = dict(SIGN_FORM_OLGA, contact_kind="telegram", contact="@olga_semyonova")
        response = sign_through_form(self.client, reverse("sign", args=[self.campaign.slug]), form)
        assert response.status_code == 302
        bundle = self.export().read_bytes()
        assert b"olga_semyonova" not in bundle
        assert bundle.startswith(b"age-encryption.org/v1")

        # Outer layer: the standard tool opens it to a readable text.
        text = age_decrypt(self.identity, bundle).decode()
        assert "campaign: deputies" in text
        assert f"name: {SIGN_FORM_OLGA['full_name']}" in text
        assert "olga_semyonova" not in text  # the contact itself is still sealed
        blocks = ARMORED.findall(text)
        assert len(blocks) == 1
        # Inner layer: the block copied out and opened with the same tool and key.
        contact = age_decrypt(self.identity, blocks[0].encode()).decode()
        assert contact.strip() == "telegram: @olga_semyonova"

    def test_withdrawn_signers_are_left_out_and_the_export_is_audited(self) -> None:
        kept, _ = self.sign(make_claims(1))
        gone, _ = self.sign(make_claims(2))
        actions.attach_contact(kept, "phone", "+79110000001")
        actions.attach_contact(gone, "phone", "+79110000002")
        signature_actions.withdraw_signature(gone)
        text = age_decrypt(self.identity, self.export().read_bytes()).decode()
        assert make_claims(1).full_name in text
        assert make_claims(2).full_name not in text
        event = AuditEvent.objects.get(action="vault.contacts_exported")
        assert event.note == "1 contacts to 1 verifier keys"

    def test_a_campaign_without_keys_or_unknown_is_refused(self) -> None:
        bare = self.make_campaign("bare")
        out = self.tmp / "none.age"
        with pytest.raises(CommandError, match="no verifier key"):
            call_command("export_contacts", "--campaign", bare.slug, str(out))
        with pytest.raises(CommandError, match="no campaign"):
            call_command("export_contacts", "--campaign", "nope", str(out))
        assert not out.exists()
        assert not AuditEvent.objects.filter(action="vault.contacts_exported").exists()

    def test_a_key_that_is_not_the_campaigns_opens_nothing(self) -> None:
        stranger, _ = make_identity(self.tmp, "stranger")
        signature, _ = self.sign(make_claims(1))
        actions.attach_contact(signature, "phone", "+79110000001")
        with pytest.raises(pyrage.DecryptError):
            age_decrypt(stranger, self.export().read_bytes())
