"""`ledger_witness`: organizers add witness keys; others cannot."""

import io

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.base import PersonaTestCase, make_claims
from undersigned.ledger import actions, note
from undersigned.ledger.models import Checkpoint, Cosignature, WitnessKey


class LedgerWitnessCommandTest(PersonaTestCase):
    def setUp(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.key = note.VerifierKey.for_private_key(
            "witness.example", self.private, note.ALG_COSIGNATURE_V1
        )

    def test_organizer_adds_a_witness(self) -> None:
        out = io.StringIO()
        call_command("ledger_witness", "deputies", self.key.text(), "--by", "oleg", stdout=out)
        assert "witness witness.example added" in out.getvalue()
        assert WitnessKey.objects.get(campaign=self.campaign).verifier_key == self.key.text()

    def test_outsider_and_verifier_cannot(self) -> None:
        for username in ("otto", "vera"):
            with self.assertRaises(CommandError):
                call_command("ledger_witness", "deputies", self.key.text(), "--by", username)
        assert not WitnessKey.objects.exists()

    def test_bad_keys_are_refused(self) -> None:
        log_style = note.VerifierKey.for_private_key("witness.example", self.private)
        for bad in ("nonsense", log_style.text()):
            with self.assertRaises(CommandError):
                call_command("ledger_witness", "deputies", bad, "--by", "oleg")
        call_command(
            "ledger_witness", "deputies", self.key.text(), "--by", "oleg", stdout=io.StringIO()
        )
        with self.assertRaises(CommandError):
            call_command("ledger_witness", "deputies", self.key.text(), "--by", "oleg")

    def test_cosignatures_are_checked(self) -> None:
        actions.add_witness(self.campaign, self.key.text(), actor=self.organizer)
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        checkpoint = Checkpoint.objects.get(campaign=self.campaign)
        text = note.parse_note(checkpoint.note).text
        stranger = Ed25519PrivateKey.generate()
        for bad in (
            note.cosign(text, "witness.example", stranger, 1).text(),
            note.cosign(text, "someone.else", self.private, 1).text(),
            note.cosign(text.replace("\n2\n", "\n3\n"), "witness.example", self.private, 1).text(),
            "garbage",
        ):
            with self.assertRaises(actions.LedgerError):
                actions.add_cosignature(self.campaign, checkpoint.size, bad)
        good = note.cosign(text, "witness.example", self.private, 1).text()
        with self.assertRaises(actions.LedgerError):
            actions.add_cosignature(self.campaign, checkpoint.size + 1, good)
        actions.add_cosignature(self.campaign, checkpoint.size, good)
        assert Cosignature.objects.count() == 1
        assert checkpoint.published_note().endswith(good)
        response = self.client.post(
            "/c/deputies/log/cosign", {"size": str(checkpoint.size), "cosignature": good}
        )
        assert response.status_code == 400  # once per witness and checkpoint
        response = self.client.post("/c/deputies/log/cosign", {"size": "x"})
        assert response.status_code == 400
