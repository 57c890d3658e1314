"""The public endpoints of a campaign's log."""

import base64
import json

from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.campaigns import actions as campaign_actions
from undersigned.ledger import merkle, note
from undersigned.ledger.models import LogEntry


class LogViewsTest(PersonaTestCase):
    def setUp(self) -> None:
        # Each signature's arrival, then its verification: ten entries.
        self.handles = [self.sign_verified(make_claims(n)).handle for n in range(5)]
        self.refresh_counts()

    def url(self, name: str, slug: str = "deputies") -> str:
        return reverse(name, args=[slug])

    def get_json(self, url: str, status: int = 200) -> dict:
        response = self.client.get(url)
        assert response.status_code == status, response.content
        return json.loads(response.content)

    def test_checkpoint_and_key(self) -> None:
        response = self.client.get(self.url("log_checkpoint"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
        key = note.VerifierKey.parse(self.client.get(self.url("log_key")).content.decode())
        checkpoint, _ = note.open_checkpoint(response.content.decode(), key)
        assert checkpoint.size == 10
        assert checkpoint.extension("verified") == "5"
        assert checkpoint.extension("checking") == "0"

    def test_etag_answers_not_modified(self) -> None:
        first = self.client.get(self.url("log_checkpoint"))
        again = self.client.get(self.url("log_checkpoint"), HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304

    def test_entries_by_range_and_page(self) -> None:
        data = self.get_json(self.url("log_entries") + "?start=2&end=4")
        assert data["start"] == 2
        assert [json.loads(e)["handle"] for e in data["entries"]] == [self.handles[1]] * 2
        page = self.get_json(reverse("log_entries_page", args=["deputies", 0]))
        handles = [json.loads(e)["handle"] for e in page["entries"]]
        assert handles == [handle for handle in self.handles for _ in range(2)]
        assert self.get_json(reverse("log_entries_page", args=["deputies", 1]))["entries"] == []

    def test_bad_ranges_are_refused(self) -> None:
        for query in [
            "?start=x",
            "?start=3&end=2",
            "?start=0&end=11",
            "?start=-1",
            "?start=0&end=5000",
        ]:
            data = self.get_json(self.url("log_entries") + query, status=400)
            assert data["error"]

    def test_inclusion_proof_verifies(self) -> None:
        checkpoint = self.client.get(self.url("log_checkpoint")).content.decode()
        root = note.parse_checkpoint(note.parse_note(checkpoint).text).root
        for index in range(10):
            data = self.get_json(self.url("log_inclusion") + f"?index={index}&size=10")
            proof = [base64.b64decode(p) for p in data["proof"]]
            leaf = bytes(LogEntry.objects.get(campaign=self.campaign, index=index).leaf_hash)
            merkle.verify_inclusion(leaf, index, 10, proof, root)
        self.get_json(self.url("log_inclusion") + "?index=10&size=10", status=400)
        self.get_json(self.url("log_inclusion") + "?index=0&size=11", status=400)
        self.get_json(self.url("log_inclusion"), status=400)

    def test_consistency_proof_verifies(self) -> None:
        old_root = merkle.MemoryTree(
            bytes(h)
            for h in LogEntry.objects.filter(campaign=self.campaign, index__lt=2)
            .order_by("index")
            .values_list("leaf_hash", flat=True)
        ).root()
        self.sign_verified(make_claims(10))
        self.refresh_counts()
        checkpoint = self.client.get(self.url("log_checkpoint")).content.decode()
        new = note.parse_checkpoint(note.parse_note(checkpoint).text)
        data = self.get_json(self.url("log_consistency") + "?first=2&second=12")
        proof = [base64.b64decode(p) for p in data["proof"]]
        merkle.verify_consistency(2, 12, old_root, new.root, proof)
        for query in ["?first=0&second=12", "?first=3&second=2", "?first=2&second=13", "?first=a"]:
            self.get_json(self.url("log_consistency") + query, status=400)

    def test_claimed_counts(self) -> None:
        data = self.get_json(self.url("log_counts"))
        assert data == {
            "campaign": "deputies",
            "verified": 5,
            "checking": 0,
            "regions": {"RU-MOW": 5},
            "regions_checking": {},
            "checkpoint_size": 10,
        }
        self.sign(make_claims(20, region_code="RU-SPE"))
        self.refresh_counts()
        data = self.get_json(self.url("log_counts"))
        assert data["checking"] == 1 and data["regions_checking"] == {"RU-SPE": 1}

    def test_campaign_listing(self) -> None:
        assert "deputies" in self.get_json(reverse("log_campaigns"))["campaigns"]

    def test_unpublished_campaign_is_not_found(self) -> None:
        draft = self.make_campaign("draft-one", open_it=False)
        self.client.force_login(self.outsider)
        for name in ["log_checkpoint", "log_key", "log_counts", "log_entries", "log_inclusion"]:
            assert self.client.get(self.url(name, draft.slug)).status_code == 404
        assert "draft-one" not in self.get_json(reverse("log_campaigns"))["campaigns"]
        assert self.client.get(self.url("log_checkpoint", "nope")).status_code == 404

    def test_empty_log_has_no_checkpoint_yet(self) -> None:
        other = self.make_campaign("empty")
        assert self.client.get(self.url("log_checkpoint", other.slug)).status_code == 404
        assert self.get_json(self.url("log_counts", other.slug))["verified"] == 0

    def test_closed_campaign_log_stays_public(self) -> None:
        campaign_actions.close_campaign(self.campaign, actor=self.organizer)
        assert self.client.get(self.url("log_checkpoint")).status_code == 200
