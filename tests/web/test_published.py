"""The counts files nginx sends by itself: written by the count job as the counts move,
the same JSON as the app's, and never left behind for a page the public cannot read."""

import json
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.campaigns.models import Campaign
from undersigned.ledger import note
from undersigned.signatures import actions
from undersigned.web import published


class PublishedCountsTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        published.withdraw_all()  # nothing written by an earlier test is taken as current
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.root = Path(directory.name) / "published"
        override = override_settings(PUBLISHED_COUNTS_ROOT=str(self.root))
        override.enable()
        self.addCleanup(override.disable)
        self.file = self.root / f"{self.campaign.slug}.json"

    def app_answer(self, slug: str | None = None) -> dict[str, object]:
        cache.clear()
        response = self.client.get(reverse("campaign_counts", args=[slug or self.campaign.slug]))
        assert response.status_code == 200
        return response.json()  # type: ignore[no-any-return]

    def test_the_count_job_writes_what_the_app_answers(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign(make_claims(2))
        self.refresh_counts()
        written = json.loads(self.file.read_text())
        assert (written["verified"], written["being_checked"]) == (1, 1)
        assert written["checkpoint"]["verified"] == 1
        assert written == self.app_answer()
        assert self.file.stat().st_mode & 0o777 == 0o644

    def test_every_public_campaign_has_its_file_and_no_other(self) -> None:
        self.make_campaign("draft-letter", open_it=False)
        self.make_campaign("second-letter")
        self.refresh_counts()
        assert sorted(p.name for p in self.root.iterdir()) == sorted(
            f"{slug}.json"
            for slug in Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES).values_list(
                "slug", flat=True
            )
        )
        assert not (self.root / "draft-letter.json").exists()
        assert (self.root / "second-letter.json").exists()

    def test_a_count_that_moves_is_written_again_and_one_that_does_not_is_left(self) -> None:
        self.refresh_counts()
        assert json.loads(self.file.read_text())["verified"] == 0
        assert published.publish_counts() == 0  # nothing moved: nothing written
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        assert json.loads(self.file.read_text())["verified"] == 1

    def test_a_withdrawal_is_written_at_the_next_run(self) -> None:
        signature = self.sign_verified(make_claims(1))
        self.refresh_counts()
        actions.withdraw_signature(signature)
        self.refresh_counts()
        written = json.loads(self.file.read_text())
        assert (written["verified"], written["withdrawn"]) == (0, 1)

    def test_a_file_deleted_by_hand_is_written_again(self) -> None:
        self.refresh_counts()
        self.file.unlink()
        assert published.publish_counts() == 1
        assert self.file.exists()

    def test_a_campaign_the_public_cannot_read_loses_its_file(self) -> None:
        self.refresh_counts()
        (self.root / "gone-letter.json").write_text("{}")
        Campaign.objects.filter(pk=self.campaign.pk).update(state=Campaign.DRAFT)
        self.refresh_counts()
        assert not self.file.exists()
        assert not (self.root / "gone-letter.json").exists()

    def test_withdraw_all_leaves_nothing_for_nginx(self) -> None:
        self.refresh_counts()
        published.withdraw_all()
        assert list(self.root.iterdir()) == []
        assert published.publish_counts() >= 1  # written again from nothing

    def test_a_disk_that_refuses_stops_nothing_after_it(self) -> None:
        self.root.parent.mkdir(exist_ok=True)
        self.root.write_text("not a directory")
        self.sign_verified(make_claims(1))
        with self.assertLogs("undersigned.web.published", "ERROR") as logs:
            self.refresh_counts()
        assert "counts files not written" in logs.output[0]
        # The later steps ran: the log signed a checkpoint of the new count.
        assert self.campaign.checkpoints.latest().body().figure(note.EXTENSION_VERIFIED) == 1
        assert self.app_answer()["verified"] == 1

    def test_nothing_is_written_without_a_root(self) -> None:
        with override_settings(PUBLISHED_COUNTS_ROOT=""):
            self.refresh_counts()
            assert published.publish_counts() == 0
        assert not self.root.exists()
