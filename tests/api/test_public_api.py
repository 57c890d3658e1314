"""The read-only API: what it returns, its HTTP manners, and what it never returns."""

import base64
import json
from typing import Any

from django.core.cache import cache

from tests.base import OLGA, PersonaTestCase, make_claims
from undersigned.signatures import actions
from undersigned.signatures.models import Signature
from undersigned.updates.actions import publish_update

API = "/api/v1"


class PublicApiTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def get(self, path: str, **headers: Any) -> Any:
        response = self.client.get(API + path, headers=headers)
        return response

    def data(self, path: str) -> Any:
        response = self.get(path)
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("application/json")
        return response.json()

    def test_campaign_list_shows_published_campaigns_with_verified_counts(self) -> None:
        self.make_campaign("secret-draft", open_it=False)
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        campaigns = self.data("/campaigns")
        assert [c["slug"] for c in campaigns] == ["deputies"]
        assert campaigns[0]["verified"] == 1
        assert campaigns[0]["url"] == "/c/deputies/"

    def test_detail_has_every_text_and_counts(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign(make_claims(2))
        self.refresh_counts()
        detail = self.data("/campaigns/deputies")
        assert {t["language"]: t["title"] for t in detail["texts"]} == {
            "ru": "Обращение депутатов",
            "en": "Deputies' appeal",
        }
        assert detail["counts"]["verified"] == 1
        assert detail["counts"]["checking"] == 1
        assert detail["counts"]["received"] == 2
        assert detail["reveal_thresholds"] == [2, 3]

    def test_counts_regions_and_timeline(self) -> None:
        self.sign_verified(make_claims(1, "RU-IRK"))
        self.sign_verified(make_claims(2, "RU-IRK"))
        self.sign(make_claims(3, "RU-PRI"))
        withdrawn = self.sign_verified(make_claims(4))
        actions.withdraw_signature(withdrawn)
        self.refresh_counts()
        counts = self.data("/campaigns/deputies/counts")
        assert (counts["verified"], counts["checking"], counts["withdrawn"]) == (2, 1, 1)
        regions = {r["code"]: r for r in self.data("/campaigns/deputies/regions?lang=en")}
        assert regions["RU-IRK"]["verified"] == 2
        assert regions["RU-IRK"]["name"] == "Irkutsk"
        assert regions["RU-PRI"]["checking"] == 1
        timeline = self.data("/campaigns/deputies/timeline")
        assert timeline[-1]["arrived"] == 4
        assert timeline[-1]["verified"] == 2

    def test_signatories_are_named_verified_only_and_paged_by_cursor(self) -> None:
        for n in range(5):
            self.sign_verified(make_claims(n))
        self.sign_verified(make_claims(9), publication=Signature.ANONYMOUS)
        first = self.data("/campaigns/deputies/signatories?per_page=3")
        assert len(first["items"]) == 3
        assert first["next_cursor"]
        second = self.data(
            f"/campaigns/deputies/signatories?per_page=3&after={first['next_cursor']}"
        )
        names = [i["full_name"] for i in first["items"] + second["items"]]
        assert names == [make_claims(n).full_name for n in range(5)]
        assert second["next_cursor"] is None
        assert set(first["items"][0]) == {
            "full_name",
            "office",
            "body",
            "municipality",
            "region_code",
            "verified_on",
        }

    def test_page_size_is_bounded_and_bad_cursors_refused(self) -> None:
        assert self.data("/campaigns/deputies/signatories?per_page=100000")["per_page"] == 500
        assert self.data("/campaigns/deputies/signatories?per_page=-4")["per_page"] == 1
        bad = self.get("/campaigns/deputies/signatories?after=garbage")
        assert bad.status_code == 400
        assert "after" in bad.json()["detail"]
        assert self.get("/campaigns/deputies/signatories?per_page=many").status_code == 400

    def test_hidden_names_stay_hidden(self) -> None:
        from undersigned.campaigns.actions import set_names_hidden

        self.sign_verified(make_claims(1))
        set_names_hidden(self.campaign, True, actor=self.organizer)
        assert self.data("/campaigns/deputies/signatories")["items"] == []

    def test_updates_in_every_language(self) -> None:
        publish_update(
            self.campaign,
            author=self.spokesperson,
            texts=[
                {"language": "ru", "title": "Новости", "body": "Проверили 84 подписи."},
                {"language": "en", "title": "News", "body": "84 signatures checked."},
            ],
        )
        updates = self.data("/campaigns/deputies/updates")
        assert len(updates) == 1
        assert {t["language"] for t in updates[0]["texts"]} == {"ru", "en"}
        assert "author" not in updates[0]

    def test_checkpoint_of_the_public_log(self) -> None:
        from undersigned.ledger import note

        assert self.get("/campaigns/deputies/checkpoint").status_code == 404  # nothing logged yet
        for n in range(3):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        checkpoint = self.data("/campaigns/deputies/checkpoint")
        key = note.VerifierKey.parse(checkpoint["verifier_key"])
        opened, _ = note.open_checkpoint(checkpoint["note"], key)
        assert opened.size == checkpoint["size"] == 6  # each arrival, then its verification
        assert base64.b64decode(checkpoint["root"]) == opened.root

    def test_unknown_and_draft_campaigns_are_json_404(self) -> None:
        self.make_campaign("secret-draft", open_it=False)
        for path in (
            "/campaigns/nope",
            "/campaigns/secret-draft",
            "/campaigns/secret-draft/counts",
        ):
            response = self.get(path)
            assert response.status_code == 404
            assert "detail" in response.json()
            assert response["Access-Control-Allow-Origin"] == "*"

    def test_cors_etag_and_cache_headers(self) -> None:
        response = self.get("/campaigns/deputies/counts")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "public" in response["Cache-Control"]
        assert "max-age=" in response["Cache-Control"]
        etag = response["ETag"]
        again = self.get("/campaigns/deputies/counts", **{"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert again["Access-Control-Allow-Origin"] == "*"
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        changed = self.get("/campaigns/deputies/counts", **{"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed["ETag"] != etag

    def test_openapi_description(self) -> None:
        schema = self.data("/openapi.json")
        assert schema["openapi"].startswith("3.")
        for path in (
            "/api/v1/campaigns",
            "/api/v1/campaigns/{slug}/signatories",
            "/api/v1/staff/campaigns/{slug}/queue",
            "/api/v1/staff/signatures/{signature_id}/decision",
        ):
            assert path in schema["paths"]
        assert self.get("/docs").status_code == 404  # the docs page would load a third-party CDN

    def test_no_private_value_in_any_public_answer(self) -> None:
        campaign = self.make_campaign("canary", reveal_thresholds=[50])
        canaries: list[str] = []

        def plant(name: str, **kwargs: Any) -> Signature:
            claims = make_claims(len(canaries) + 100)
            claims = type(claims)(**{**claims.__dict__, "full_name": f"{name} Иван Иванович"})
            signature, token = self.sign(claims, campaign, **kwargs)
            canaries.extend([name, token, signature.receipt_hash or ""])
            return signature

        self.sign_verified(OLGA, campaign)
        actions.verify_signature(
            plant("Канарейкинаноним", publication=Signature.ANONYMOUS), actor=self.verifier
        )
        waiting = plant(
            "Канарейкинусловный", publication=Signature.CONDITIONAL, reveal_threshold=50
        )
        actions.verify_signature(waiting, actor=self.verifier)
        plant("Канарейкинполученный")
        plant("Канарейкинприостановленный", held=True)
        self.refresh_counts()
        paths = [
            "/campaigns",
            "/campaigns/canary",
            "/campaigns/canary/counts",
            "/campaigns/canary/regions",
            "/campaigns/canary/timeline",
            "/campaigns/canary/signatories",
            "/campaigns/canary/updates",
            "/campaigns/canary/checkpoint",
        ]
        bodies = [json.dumps(self.data(path), ensure_ascii=False) for path in paths]
        assert OLGA.full_name in bodies[5], "the control name is missing"
        for path, text in zip(paths, bodies, strict=True):
            for canary in canaries:
                assert canary not in text, f"{canary!r} leaked on {path}"
