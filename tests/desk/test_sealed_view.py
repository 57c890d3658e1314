"""The desk's sealed page: the sealed bundle, a signature found by handle, the reveal upload.
Only the campaign's verifiers reach it."""

import json
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from tests.vault.keys import age_decrypt, make_identity
from undersigned.signatures.models import Signature
from undersigned.updates.models import Update
from undersigned.vault import actions
from undersigned.vault.decrypt import read_identities, reveal_list, sealed_entries
from undersigned.verification import actions as decide
from undersigned.verification import sealed as sealed_bundle


class SealedViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.identity, public = make_identity(Path(tempfile.mkdtemp()), "vera")
        actions.add_verifier_key(public, "Vera", campaign=self.campaign)
        signature, _ = self.sign(
            make_claims(1), publication=Signature.CONDITIONAL, reveal_threshold=2
        )
        decide.verify(signature, actor=self.verifier, method="known")
        self.sealed = Signature.objects.get(pk=signature.pk)
        self.page = reverse("desk:sealed", args=[self.campaign.slug])

    def test_a_verifier_downloads_ciphertext_only(self) -> None:
        response = self.desk_client(self.verifier).get(
            reverse("desk:sealed_bundle", args=[self.campaign.slug])
        )
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert make_claims(1).full_name.encode() not in response.content
        text = age_decrypt(self.identity, response.content).decode()
        assert self.sealed.handle in text
        assert make_claims(1).full_name not in text  # each entry is itself ciphertext

    def test_a_handle_leads_to_its_signature_for_a_reversal(self) -> None:
        vera = self.desk_client(self.verifier)
        response = vera.get(self.page, {"handle": self.sealed.handle})
        assert response.status_code == 302
        assert response["Location"] == reverse("desk:signature", args=[self.sealed.pk])
        page = vera.get(response["Location"] + "?lang=en").content.decode()
        assert "Sealed" in page and self.sealed.handle in page
        assert vera.get(self.page, {"handle": "0" * 32}).status_code == 404
        assert vera.get(self.page, {"handle": "not a handle"}).status_code == 400

    def test_a_reversal_by_handle_reopens_and_decides_a_sealed_signature(self) -> None:
        vera = self.desk_client(self.verifier)
        page = reverse("desk:signature", args=[self.sealed.pk])
        assert vera.post(page + "reject/", {"reason": "other"}).status_code == 302
        assert vera.post(page + "reopen/", {}).status_code == 302
        self.sealed.refresh_from_db()
        assert self.sealed.state == Signature.RECEIVED and self.sealed.is_sealed
        assert vera.get(page).status_code == 200  # no claims left to look up candidates for
        assert vera.post(page + "verify/", {"method": "known"}).status_code == 302
        self.sealed.refresh_from_db()
        assert self.sealed.state == Signature.VERIFIED and self.sealed.full_name == ""

    def test_the_reveal_upload_names_signers_whose_threshold_is_reached(self) -> None:
        self.sign_verified(make_claims(2))
        self.refresh_counts()
        vera = self.desk_client(self.verifier)
        overview = vera.get(reverse("desk:campaign", args=[self.campaign.slug]) + "?lang=en")
        assert "1 conditional signer waits to be named" in overview.content.decode()
        identities = read_identities(self.identity)
        text = age_decrypt(self.identity, sealed_bundle.export_sealed(self.campaign)).decode()
        reveal = reveal_list(sealed_entries(text, identities), self.campaign.slug)
        upload = SimpleUploadedFile("reveal.json", json.dumps(reveal).encode())
        response = vera.post(self.page + "?lang=en", {"reveal_file": upload})
        assert response.status_code == 200
        assert "1 signers named; 0 entries refused" in response.content.decode()
        self.sealed.refresh_from_db()
        assert self.sealed.full_name == make_claims(1).full_name and self.sealed.shows_name

    def test_the_reveal_update_appears_when_sealed_signers_are_named(self) -> None:
        self.sign_verified(make_claims(2))
        self.refresh_counts()
        # The count reached 2, but nobody is named yet: no update says they are.
        assert not Update.objects.exists()
        identities = read_identities(self.identity)
        text = age_decrypt(self.identity, sealed_bundle.export_sealed(self.campaign)).decode()
        reveal = reveal_list(sealed_entries(text, identities), self.campaign.slug)
        upload = SimpleUploadedFile("reveal.json", json.dumps(reveal).encode())
        vera = self.desk_client(self.verifier)
        with self.captureOnCommitCallbacks(execute=True):
            vera.post(self.page, {"reveal_file": upload})
        update = Update.objects.get()
        assert update.text_for("en").title == "2 verified signatories"
        # Once: neither the next count nor a second upload repeats it.
        self.sign_verified(make_claims(3))
        self.refresh_counts()
        upload = SimpleUploadedFile("reveal.json", json.dumps(reveal).encode())
        vera.post(self.page, {"reveal_file": upload})
        assert Update.objects.count() == 1

    def test_a_file_that_is_not_a_reveal_changes_nothing(self) -> None:
        upload = SimpleUploadedFile("reveal.json", b"Bad, not JSON")
        response = self.desk_client(self.verifier).post(self.page, {"reveal_file": upload})
        assert response.status_code == 400
        self.sealed.refresh_from_db()
        assert self.sealed.full_name == "" and self.sealed.revealed_at is None

    def test_outsider_organizer_and_spokesperson_are_refused(self) -> None:
        for user in (self.outsider, self.spokesperson, self.organizer):
            client = self.desk_client(user)
            assert client.get(self.page).status_code == 403
            assert client.get(self.page, {"handle": self.sealed.handle}).status_code == 403
            upload = SimpleUploadedFile("reveal.json", b"{}")
            assert client.post(self.page, {"reveal_file": upload}).status_code == 403
            bundle = reverse("desk:sealed_bundle", args=[self.campaign.slug])
            assert client.get(bundle).status_code == 403
