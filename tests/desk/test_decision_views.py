from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature
from undersigned.verification import actions
from undersigned.verification.models import ConfirmationCode, Decision, hash_code


class DecisionViewsTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.vera = self.desk_client(self.verifier)
        self.signature, _ = self.sign(make_claims(1))

    def post(
        self,
        name: str,
        data: dict,
        signature: Signature | None = None,
        client: Client | None = None,
    ) -> HttpResponse:
        target = signature or self.signature
        return (client or self.vera).post(
            reverse(f"desk:{name}", args=[target.pk]) + "?lang=en", data
        )

    def state(self) -> str:
        self.signature.refresh_from_db()
        return self.signature.state

    def test_confirm_a_registry_match(self) -> None:
        response = self.post("match", {"official": self.official.pk, "note": "same council"})
        assert response.status_code == 302
        assert response["Location"] == reverse("desk:signature", args=[self.signature.pk])
        self.signature.refresh_from_db()
        assert (self.signature.state, self.signature.official_id) == (
            Signature.MATCHED,
            self.official.pk,
        )
        assert (
            Decision.objects.get(signature=self.signature, kind=Decision.MATCH).note
            == "same council"
        )
        page = self.vera.get(response["Location"] + "?lang=en").content.decode()
        assert "Matched to the registry official." in page

    def test_match_to_an_unknown_official_is_refused(self) -> None:
        response = self.post("match", {"official": 987654})
        assert response.status_code == 400
        assert "There is no such official in the registry." in response.content.decode()
        assert self.state() == Signature.RECEIVED

    def test_undo_a_match(self) -> None:
        actions.confirm_match(self.signature, self.official, actor=self.verifier)
        assert self.post("unmatch", {"note": "namesake"}).status_code == 302
        assert self.state() == Signature.RECEIVED

    def test_verify_with_each_evidence_method(self) -> None:
        for n, (method, _) in enumerate(Decision.MANUAL_METHODS, start=10):
            signature, _ = self.sign(make_claims(n))
            data = {"method": method, "note": "checked"}
            if method == Decision.PUBLIC_STATEMENT:
                data["link"] = "https://example.org/council/statement"
            assert self.post("verify", data, signature).status_code == 302, method
            signature.refresh_from_db()
            assert signature.state == Signature.VERIFIED
            decision = Decision.objects.get(signature=signature)
            assert (decision.method, decision.verifier_id) == (method, self.verifier.pk)

    def test_the_signers_own_contact_is_evidence(self) -> None:
        url = reverse("desk:signature", args=[self.signature.pk])
        assert "reached the signer through the contact they left" in (
            self.vera.get(url + "?lang=en").content.decode()
        )
        assert "связались с подписавшим по контакту, который он оставил" in (
            self.vera.get(url + "?lang=ru").content.decode()
        )
        data = {"method": "signer_contact", "note": "answered from the address they gave"}
        assert self.post("verify", data).status_code == 302
        assert self.state() == Signature.VERIFIED
        assert Decision.objects.get(signature=self.signature).method == "signer_contact"

    def test_verify_form_errors_change_nothing(self) -> None:
        response = self.post("verify", {"method": "public_statement"})
        assert response.status_code == 400
        assert "Give the link to the public statement." in response.content.decode()
        response = self.post("verify", {"method": "code"})
        assert response.status_code == 400
        assert self.state() == Signature.RECEIVED
        assert not Decision.objects.exists()

    def test_reject_with_each_reason_and_a_note(self) -> None:
        reasons = [r for r, _ in Signature.REJECT_REASONS if r != Signature.REJECT_INVALIDATED]
        for n, reason in enumerate(reasons, start=10):
            signature, _ = self.sign(make_claims(n))
            assert (
                self.post("reject", {"reason": reason, "note": "why"}, signature).status_code == 302
            )
            signature.refresh_from_db()
            assert (signature.state, signature.reject_reason) == (Signature.REJECTED, reason)
        response = self.post("reject", {"reason": Signature.REJECT_INVALIDATED})
        assert response.status_code == 400
        assert self.state() == Signature.RECEIVED

    def test_a_verification_is_reversed_only_by_a_new_recorded_decision(self) -> None:
        self.post("verify", {"method": "known"})
        assert self.state() == Signature.VERIFIED
        assert (
            self.post(
                "reject", {"reason": "impersonation", "note": "the office denies it"}
            ).status_code
            == 302
        )
        assert self.state() == Signature.REJECTED
        assert self.post("reopen", {"note": "the office confirmed after all"}).status_code == 302
        assert self.state() == Signature.RECEIVED
        kinds = list(
            Decision.objects.filter(signature=self.signature).values_list("kind", flat=True)
        )
        assert kinds == [Decision.VERIFY, Decision.REJECT, Decision.REOPEN]
        actions_recorded = set(
            AuditEvent.objects.filter(
                object_id=str(self.signature.pk), actor=self.verifier
            ).values_list("action", flat=True)
        )
        assert {
            "decision.verify",
            "decision.reject",
            "decision.reopen",
            "signature.reopened",
        } <= actions_recorded

    def test_reopening_a_signature_that_is_not_rejected_is_refused(self) -> None:
        response = self.post("reopen", {})
        assert response.status_code == 400
        assert "Only a rejected signature can be reopened." in response.content.decode()

    def test_four_eyes_needs_a_second_distinct_verifier(self) -> None:
        campaign = self.make_campaign("four-eyes", four_eyes=True)
        from undersigned.campaigns import actions as campaign_actions
        from undersigned.campaigns.models import StaffRole

        campaign_actions.grant_role(
            campaign, self.outsider, StaffRole.VERIFIER, actor=self.organizer
        )
        signature, _ = self.sign(make_claims(1), campaign=campaign)
        assert self.post("verify", {"method": "phone"}, signature).status_code == 302
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        again = self.post("verify", {"method": "known"}, signature)
        assert again.status_code == 400
        assert "another verifier must confirm it" in again.content.decode()
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        second = self.desk_client(self.outsider)
        assert (
            self.post("verify", {"method": "in_person"}, signature, client=second).status_code
            == 302
        )
        signature.refresh_from_db()
        assert signature.state == Signature.VERIFIED

    def test_issue_a_code_shows_it_once_and_stores_a_hash(self) -> None:
        response = self.post("issue_code", {})
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        page = response.content.decode()
        code = page.split('<p class="code"', 1)[1].split("<code>", 1)[1].split("</code>", 1)[0]
        assert len(code) == 14
        issued = ConfirmationCode.objects.get(signature=self.signature)
        assert issued.code_hash == hash_code(code)
        detail = self.vera.get(reverse("desk:signature", args=[self.signature.pk])).content.decode()
        assert code not in detail
        assert actions.redeem_code(code).outcome is actions.CodeOutcome.VERIFIED

    def test_decisions_need_post(self) -> None:
        assert self.vera.get(reverse("desk:verify", args=[self.signature.pk])).status_code == 405
