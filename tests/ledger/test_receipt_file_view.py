"""The signer's receipt: its log section on the receipt page, and the receipt file."""

import base64
import json

from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.ledger import merkle, note
from undersigned.signatures import actions


class ReceiptLogTest(PersonaTestCase):
    def setUp(self) -> None:
        for n in range(4):
            self.sign_verified(make_claims(n))
        self.signature, self.token = self.sign(make_claims(10))

    def page(self) -> str:
        response = self.client.get(reverse("receipt", args=[self.token]) + "?lang=en")
        assert response.status_code == 200
        return response.content.decode()

    def test_not_in_the_log_before_it_is_counted(self) -> None:
        assert "not in the public log yet" in self.page()
        response = self.client.get(reverse("log_receipt_file", args=[self.token]))
        assert response.status_code == 404
        self.refresh_counts()  # its arrival, being checked, is entered
        data = json.loads(self.client.get(reverse("log_receipt_file", args=[self.token])).content)
        assert [json.loads(e["data"])["event"] for e in data["entries"]] == ["received"]

    def test_receipt_page_shows_entry_and_proof(self) -> None:
        actions.verify_signature(self.signature, actor=self.verifier)
        self.refresh_counts()
        html = self.page()
        assert self.signature.handle in html
        assert "Inclusion proof" in html
        assert "proves that you signed" in html
        assert reverse("log_receipt_file", args=[self.token]) in html

    def test_receipt_file_proves_inclusion(self) -> None:
        actions.verify_signature(self.signature, actor=self.verifier)
        self.refresh_counts()
        response = self.client.get(reverse("log_receipt_file", args=[self.token]))
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"].startswith("attachment")
        data = json.loads(response.content)
        assert data["campaign"] == "deputies"
        key = note.VerifierKey.parse(data["verifier_key"])
        checkpoint, _ = note.open_checkpoint(data["checkpoint"], key)
        received, entry = data["entries"]
        assert json.loads(received["data"])["event"] == "received"
        assert json.loads(entry["data"])["handle"] == self.signature.handle
        assert self.signature.full_name not in response.content.decode()
        merkle.verify_inclusion(
            merkle.leaf_hash(entry["data"].encode()),
            entry["index"],
            checkpoint.size,
            [base64.b64decode(p) for p in entry["proof"]],
            checkpoint.root,
        )

    def test_withdrawal_adds_an_entry(self) -> None:
        actions.verify_signature(self.signature, actor=self.verifier)
        self.refresh_counts()
        actions.withdraw_signature(self.signature)
        self.refresh_counts()
        data = json.loads(self.client.get(reverse("log_receipt_file", args=[self.token])).content)
        assert [json.loads(e["data"])["event"] for e in data["entries"]] == [
            "received",
            "verified",
            "withdrawn",
        ]

    def test_unknown_token_is_not_found(self) -> None:
        self.client.force_login(self.outsider)
        assert self.client.get(reverse("log_receipt_file", args=["nope"])).status_code == 404
