"""Opening signatories on the manage page: matched to the registry when entered, listed,
corrected while a draft; a hidden one refused without a verifier key; a later repeat of
one of them flagged and never verified."""

import tempfile
from pathlib import Path

from django.urls import reverse

from tests.base import OLGA, SIGN_FORM_OLGA
from tests.desk.base import DeskTestCase
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.officials.models import Official
from undersigned.signatures import actions
from undersigned.signatures.models import Signature
from undersigned.signatures.registry_match import TAKEN, match_received_signature
from undersigned.vault.actions import add_verifier_key
from undersigned.verification import actions as verification
from undersigned.verification.models import Decision

OLGA_FORM = {k: v for k, v in SIGN_FORM_OLGA.items()}


class OpeningSignatoriesTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.oleg = self.desk_client(self.organizer)
        self.draft = self.make_campaign("draft-letter", open_it=False, registry_source="spb-2019")
        self.url = reverse("desk:add_opening", args=["draft-letter"]) + "?lang=en"
        self.manage = reverse("desk:manage", args=["draft-letter"]) + "?lang=en"

    def add_olga(self, **extra: str) -> object:
        return self.oleg.post(self.url, {**OLGA_FORM, "official": str(self.official.pk), **extra})

    def test_the_organizer_picks_the_official_from_candidates(self) -> None:
        page = self.oleg.post(self.url, OLGA_FORM).content.decode()
        assert f'name="official" value="{self.official.pk}"' in page
        assert "spb-001" in page
        assert not self.draft.signatures.exists()
        assert self.add_olga().status_code == 302
        signature = self.draft.signatures.get()
        assert (signature.state, signature.official_id) == (Signature.VERIFIED, self.official.pk)
        listing = self.oleg.get(self.manage).content.decode()
        assert "Opening signatories" in listing
        assert "spb-001" in listing

    def test_the_same_official_cannot_open_twice(self) -> None:
        assert self.add_olga().status_code == 302
        other_claims = {**OLGA_FORM, "full_name": "Семенова Ольга", "office": ""}
        page = self.oleg.post(self.url, other_claims).content.decode()
        assert "already behind signature #" in page
        response = self.oleg.post(self.url, {**other_claims, "official": str(self.official.pk)})
        assert response.status_code == 400
        assert "already stands behind signature" in response.content.decode()
        assert self.draft.signatures.count() == 1

    def test_corrected_while_a_draft(self) -> None:
        self.oleg.post(self.url, {**OLGA_FORM, "official": "none"})
        signature = self.draft.signatures.get()
        assert signature.official_id is None
        rematch = reverse("desk:rematch_opening", args=["draft-letter", signature.pk])
        assert self.oleg.post(rematch, {"official": str(self.official.pk)}).status_code == 302
        signature.refresh_from_db()
        assert signature.official_id == self.official.pk
        assert AuditEvent.objects.filter(action="signature.rematched").count() == 1
        assert self.oleg.post(rematch, {"official": "none"}).status_code == 302
        signature.refresh_from_db()
        assert signature.official_id is None
        # Outsiders reach nothing; an open campaign's signatories are fixed.
        otto = self.desk_client(self.outsider)
        assert otto.post(rematch, {"official": str(self.official.pk)}).status_code in (403, 404)
        self.oleg.post(reverse("desk:transition", args=["draft-letter"]), {"action": "open"})
        assert self.oleg.post(rematch, {"official": str(self.official.pk)}).status_code == 400
        signature.refresh_from_db()
        assert signature.official_id is None

    def test_a_hidden_signatory_without_a_verifier_key_is_refused_with_the_reason(self) -> None:
        response = self.add_olga(publication=Signature.ANONYMOUS)
        assert response.status_code == 400
        page = response.content.decode()
        assert "this campaign has no verifier key yet" in page
        assert "added and verified" not in page
        assert not Signature.objects.filter(campaign=self.draft).exists()
        # With a key, it is added and sealed to it.
        _, public = make_identity(Path(tempfile.mkdtemp()), "vera")
        add_verifier_key(public, "Vera", campaign=self.draft)
        assert self.add_olga(publication=Signature.ANONYMOUS).status_code == 302
        signature = self.draft.signatures.get()
        assert signature.is_sealed and signature.sealed

    def test_a_telegram_repeat_of_an_opening_signatory_is_flagged_and_never_verified(
        self,
    ) -> None:
        self.add_olga()
        opening = self.draft.signatures.get()
        self.oleg.post(reverse("desk:transition", args=["draft-letter"]), {"action": "open"})
        self.draft.refresh_from_db()
        repeat, _ = actions.sign(self.draft, OLGA, channel=Signature.TELEGRAM)
        # Not matched automatically: the official already stands behind the opening one.
        assert match_received_signature(repeat.pk) == TAKEN
        repeat.refresh_from_db()
        assert repeat.state == Signature.RECEIVED
        vera = self.desk_client(self.verifier)
        page = vera.get(reverse("desk:signature", args=[repeat.pk]) + "?lang=en").content.decode()
        assert f"already behind signature #{opening.pk}" in page
        # A manual match is flagged, in the page and in the queue.
        response = vera.post(
            reverse("desk:match", args=[repeat.pk]) + "?lang=en", {"official": self.official.pk}
        )
        assert response.status_code == 302
        page = vera.get(response["Location"] + "?lang=en").content.decode()
        assert f"already stands behind signature #{opening.pk}" in page
        queue = vera.get(reverse("desk:queue", args=["draft-letter"]) + "?lang=en")
        assert f"official already behind signature #{opening.pk}" in queue.content.decode()
        # Never verified: neither by hand nor by a code.
        response = vera.post(
            reverse("desk:verify", args=[repeat.pk]) + "?lang=en", {"method": Decision.KNOWN}
        )
        assert response.status_code == 400
        assert "one person counts once" in response.content.decode()
        _, code = verification.issue_code(repeat, actor=self.verifier)
        verification.redeem_code(code)
        repeat.refresh_from_db()
        assert repeat.state == Signature.MATCHED
        # Once the opening one is gone, the repeat can be decided.
        verification.reject(opening, actor=self.verifier, reason=Signature.REJECT_DUPLICATE)
        response = vera.post(
            reverse("desk:verify", args=[repeat.pk]) + "?lang=en", {"method": Decision.KNOWN}
        )
        assert response.status_code == 302
        repeat.refresh_from_db()
        assert repeat.state == Signature.VERIFIED


class SealedCheckTest(DeskTestCase):
    """Earlier sealed signers are out of the server's sight: the verifier's offline search
    is part of confirming, and the desk says when it was not done."""

    def setUp(self) -> None:
        super().setUp()
        _, public = make_identity(Path(tempfile.mkdtemp()), "vera")
        add_verifier_key(public, "Vera", campaign=self.campaign)
        self.vera = self.desk_client(self.verifier)
        other = Official.objects.create(
            source="spb-2019", source_id="spb-002", full_name="Другой Депутат Иванович"
        )
        earlier, _ = actions.sign(self.campaign, OLGA, publication=Signature.ANONYMOUS)
        verification.confirm_match(earlier, other, actor=self.verifier)
        verification.verify(earlier, actor=self.verifier, method=Decision.KNOWN)

    def confirm(self, **extra: str) -> str:
        signature, _ = actions.sign(self.campaign, OLGA, publication=Signature.ANONYMOUS)
        verification.confirm_match(signature, self.official, actor=self.verifier)
        url = reverse("desk:signature", args=[signature.pk]) + "?lang=en"
        page = self.vera.get(url).content.decode()
        assert "--official spb-001" in page
        assert 'name="sealed_check"' in page
        response = self.vera.post(
            reverse("desk:verify", args=[signature.pk]) + "?lang=en",
            {"method": Decision.KNOWN, **extra},
        )
        assert response.status_code == 302
        return self.vera.get(url).content.decode()

    def test_done(self) -> None:
        page = self.confirm(sealed_check="on")
        assert "confirmed after searching the sealed bundle" in page
        assert AuditEvent.objects.filter(action=verification.SEALED_CHECK_DONE).count() == 1

    def test_not_done_is_said(self) -> None:
        page = self.confirm()
        assert "Recorded without the offline check for sealed signers" in page
        assert "confirmed without the offline check for sealed signers" in page
        assert AuditEvent.objects.filter(action=verification.SEALED_CHECK_NOT_DONE).count() == 1
