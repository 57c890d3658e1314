"""Plant a unique value in every private field and search every public page for it."""

from django.urls import reverse

from tests.base import OLGA, PersonaTestCase, make_claims
from tests.crawl import crawl
from undersigned.signatures import actions
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature
from undersigned.web.exports import build_exports


def canary_claims(name: str, n: int) -> Claims:
    return Claims(
        full_name=f"{name} Иван Иванович",
        office=f"депутат-{name}",
        body=f"Совет {name}",
        municipality=f"Округ {n}",
        region="",
        region_code="RU-MOW",
    )


class CanaryTest(PersonaTestCase):
    def test_no_private_value_on_any_public_page(self) -> None:
        campaign = self.make_campaign("canary", reveal_thresholds=[50])
        canaries: list[str] = []

        def plant(name: str, **kwargs: object) -> Signature:
            canaries.append(name)
            claims = canary_claims(name, len(canaries))
            signature, token = self.sign(claims, campaign, **kwargs)  # type: ignore[arg-type]
            canaries.append(token)
            canaries.append(signature.receipt_hash or "")
            return signature

        self.sign_verified(OLGA, campaign)  # the control: a named signer must be visible
        anonymous = plant("Канарейкинаноним", publication=Signature.ANONYMOUS)
        actions.verify_signature(anonymous, actor=self.verifier)
        waiting = plant(
            "Канарейкинусловный", publication=Signature.CONDITIONAL, reveal_threshold=50
        )
        actions.verify_signature(waiting, actor=self.verifier)
        plant("Канарейкинполученный")
        rejected = plant("Канарейкинотклонённый")
        actions.reject_signature(rejected, Signature.REJECT_IMPERSONATION, actor=self.verifier)
        withdrawn = plant("Канарейкинотозванный")
        actions.verify_signature(withdrawn, actor=self.verifier)
        actions.withdraw_signature(withdrawn)
        plant("Канарейкинприостановленный", held=True)
        first = self.sign_verified(make_claims(1), campaign)
        duplicate, token = self.sign(make_claims(1), campaign)
        assert duplicate.claims_key == first.claims_key
        canaries.append(token)
        self.refresh_counts()
        build_exports()  # the downloads are files the export job writes: search them too

        starts = [
            "/",
            "/?lang=en",
            reverse("campaign", args=[campaign.slug]),
            reverse("campaign", args=[campaign.slug]) + "?lang=en",
        ]
        pages = list(crawl(self.client, starts))
        assert len(pages) >= 4
        assert any(OLGA.full_name.encode() in body for _, _, body in pages), (
            "control name not found"
        )
        for url, status, body in pages:
            assert status < 500, url
            text = body.decode("utf-8", "replace")
            for canary in canaries:
                assert canary not in text, f"{canary!r} leaked on {url}"
