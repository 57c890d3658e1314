"""Staff endpoints: token authentication, the desk's access rules and the desk's decisions."""

from typing import Any

from django.contrib.auth import get_user_model

from tests.base import PersonaTestCase, make_claims
from undersigned.api.actions import create_api_token, revoke_api_token
from undersigned.campaigns.models import StaffRole
from undersigned.signatures.models import Signature

API = "/api/v1/staff"


class StaffApiTest(PersonaTestCase):
    def setUp(self) -> None:
        self.tokens = {
            user.username: create_api_token(user, "test")[1]
            for user in (self.verifier, self.outsider, self.spokesperson, self.organizer)
        }
        self.signature, _ = self.sign(make_claims(1))

    def get(self, path: str, username: str | None = None, token: str | None = None) -> Any:
        token = token or (self.tokens[username] if username else None)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.get(API + path, headers=headers)

    def decide(self, signature_id: int, body: Any, username: str = "vera") -> Any:
        return self.client.post(
            f"{API}/signatures/{signature_id}/decision",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.tokens[username]}"},
        )

    def state(self) -> str:
        self.signature.refresh_from_db()
        return self.signature.state

    def test_queue_needs_a_valid_token(self) -> None:
        assert self.get("/campaigns/deputies/queue").status_code == 401
        assert self.get("/campaigns/deputies/queue", token="us_not-a-token").status_code == 401
        response = self.get("/campaigns/deputies/queue", token="garbage")
        assert response.status_code == 401
        assert "token" in response.json()["detail"]

    def test_revoked_token_and_inactive_user_are_refused(self) -> None:
        api_token, token = create_api_token(self.verifier, "laptop")
        assert self.get("/campaigns/deputies/queue", token=token).status_code == 200
        revoke_api_token(api_token, actor=self.verifier)
        assert self.get("/campaigns/deputies/queue", token=token).status_code == 401
        get_user_model().objects.filter(pk=self.verifier.pk).update(is_active=False)
        assert self.get("/campaigns/deputies/queue", username="vera").status_code == 401

    def test_outsider_is_denied_queue_and_decisions(self) -> None:
        response = self.get("/campaigns/deputies/queue", username="otto")
        assert response.status_code == 403
        assert "Семёнова" not in response.content.decode()
        assert (
            self.decide(
                self.signature.pk, {"decision": "verify", "method": "known"}, "otto"
            ).status_code
            == 403
        )
        assert self.state() == Signature.RECEIVED

    def test_as_on_the_desk_organizers_see_the_queue_only_verifiers_decide(self) -> None:
        assert self.get("/campaigns/deputies/queue", username="oleg").status_code == 200
        assert self.get("/campaigns/deputies/queue", username="svetlana").status_code == 403
        for username in ("svetlana", "oleg"):
            response = self.decide(
                self.signature.pk, {"decision": "verify", "method": "known"}, username
            )
            assert response.status_code == 403
        assert self.state() == Signature.RECEIVED

    def test_verifier_of_another_campaign_is_denied(self) -> None:
        other = self.make_campaign("other")
        stranger = get_user_model().objects.create_user("stas")
        from undersigned.campaigns.actions import grant_role

        grant_role(other, stranger, StaffRole.VERIFIER, actor=self.organizer)
        _, token = create_api_token(stranger, "t")
        assert self.get("/campaigns/deputies/queue", token=token).status_code == 403

    def test_queue_lists_signatures_being_checked_and_is_never_cached(self) -> None:
        self.sign_verified(make_claims(2))
        repeat, _ = self.sign(make_claims(1))  # a repeat stands on its own, in the queue
        response = self.get("/campaigns/deputies/queue", username="vera")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "Access-Control-Allow-Origin" not in response
        queue = response.json()
        assert [item["id"] for item in queue["items"]] == [self.signature.pk, repeat.pk]
        assert queue["items"][0]["full_name"] == make_claims(1).full_name
        assert queue["total"] == 2

    def test_verify_and_reject_go_through_the_desk(self) -> None:
        response = self.decide(
            self.signature.pk, {"decision": "verify", "method": "known", "note": "met"}
        )
        assert response.status_code == 200, response.content
        assert response.json() == {"id": self.signature.pk, "state": "verified", "verified": True}
        assert self.signature.decisions.filter(kind="verify", verifier=self.verifier).exists()
        refused = self.decide(self.signature.pk, {"decision": "reject", "reason": "nonsense"})
        assert refused.status_code == 409
        assert self.state() == Signature.VERIFIED
        rejected = self.decide(self.signature.pk, {"decision": "reject", "reason": "impersonation"})
        assert rejected.json()["state"] == "rejected"

    def test_evidence_links_must_be_web_addresses(self) -> None:
        for link in ("javascript:alert(1)", "data:text/html,x", "ftp://example.org/x", "nonsense"):
            response = self.decide(
                self.signature.pk,
                {"decision": "verify", "method": "public_statement", "link": link},
            )
            assert response.status_code == 409, link
            assert "http" in response.json()["detail"]
        assert self.state() == Signature.RECEIVED
        assert not self.signature.decisions.exists()
        response = self.decide(
            self.signature.pk,
            {"decision": "verify", "method": "public_statement", "link": "https://example.org/s"},
        )
        assert response.json()["state"] == "verified"

    def test_match_to_a_registry_official(self) -> None:
        assert self.decide(self.signature.pk, {"decision": "match"}).status_code == 400
        assert (
            self.decide(self.signature.pk, {"decision": "match", "official_id": 999999}).status_code
            == 400
        )
        response = self.decide(
            self.signature.pk, {"decision": "match", "official_id": self.official.pk}
        )
        assert response.status_code == 200
        assert self.state() == Signature.MATCHED
        self.signature.refresh_from_db()
        assert self.signature.official_id == self.official.pk

    def test_four_eyes_needs_a_second_verifier(self) -> None:
        campaign = self.make_campaign("careful", four_eyes=True)
        signature, _ = self.sign(make_claims(5), campaign)
        second = get_user_model().objects.create_user("viktor")
        from undersigned.campaigns.actions import grant_role

        grant_role(campaign, second, StaffRole.VERIFIER, actor=self.organizer)
        self.tokens["viktor"] = create_api_token(second, "t")[1]
        first = self.decide(signature.pk, {"decision": "verify", "method": "phone"})
        assert first.json()["verified"] is False
        again = self.decide(signature.pk, {"decision": "verify", "method": "phone"})
        assert again.status_code == 409  # the same verifier cannot confirm twice
        final = self.decide(signature.pk, {"decision": "verify", "method": "in_person"}, "viktor")
        assert final.json()["verified"] is True

    def test_bad_input_gets_a_clear_error_and_changes_nothing(self) -> None:
        for body in (
            {},
            {"decision": "approve"},
            {"decision": "verify", "note": "x" * 5000},
            "not json",
        ):
            response = self.decide(self.signature.pk, body)
            assert response.status_code == 400, body
            assert "detail" in response.json()
        assert (
            self.decide(self.signature.pk, {"decision": "verify"}).status_code == 409
        )  # no method
        assert self.decide(10**9, {"decision": "verify", "method": "known"}).status_code == 404
        assert self.state() == Signature.RECEIVED
