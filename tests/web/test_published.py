"""The files nginx sends by itself: written by the count job as what they show moves, the
same bytes as the app's answers, and never left behind once a name must go."""

import json
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.campaigns import actions as campaign_actions
from undersigned.campaigns.models import Campaign
from undersigned.ledger import note
from undersigned.signatures import actions
from undersigned.signatures.models import Signature
from undersigned.web import published


class PublishedTestCase(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        published.withdraw_all()  # nothing written by an earlier test is taken as current
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.root = Path(directory.name) / "published"
        override = override_settings(PUBLISHED_ROOT=str(self.root))
        override.enable()
        self.addCleanup(override.disable)
        self.counts = self.root / "counts" / f"{self.campaign.slug}.json"
        self.pages = [
            self.root / "pages" / code / f"{self.campaign.slug}.html" for code in ["ru", "en"]
        ]

    def app_answer(self, url: str, **headers: str) -> bytes:
        cache.clear()
        response = self.client.get(url, **headers)
        assert response.status_code == 200
        return response.content

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())


class PublishedCountsTest(PublishedTestCase):
    def test_the_count_job_writes_what_the_app_answers(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign(make_claims(2))
        self.refresh_counts()
        written = json.loads(self.counts.read_text())
        assert (written["verified"], written["being_checked"]) == (1, 1)
        assert written["checkpoint"]["verified"] == 1
        assert self.counts.read_bytes() == self.app_answer(
            reverse("campaign_counts", args=[self.campaign.slug])
        )
        assert self.counts.stat().st_mode & 0o777 == 0o644

    def test_a_count_that_moves_is_written_again_and_one_that_does_not_is_left(self) -> None:
        self.refresh_counts()
        assert json.loads(self.counts.read_text())["verified"] == 0
        assert published.publish() == 0  # nothing moved: nothing written
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        assert json.loads(self.counts.read_text())["verified"] == 1

    def test_a_withdrawal_is_written_at_the_next_run(self) -> None:
        signature = self.sign_verified(make_claims(1))
        self.refresh_counts()
        actions.withdraw_signature(signature)
        self.refresh_counts()
        written = json.loads(self.counts.read_text())
        assert (written["verified"], written["withdrawn"]) == (0, 1)

    def test_each_run_of_the_count_job_is_the_time_an_open_campaign_was_counted_at(
        self,
    ) -> None:
        self.refresh_counts()
        first = json.loads(self.counts.read_text())["counted_at"]
        self.refresh_counts()  # nothing moved, yet counted again
        again = json.loads(self.counts.read_text())["counted_at"]
        assert again != first
        assert self.counts.read_bytes() == self.app_answer(
            reverse("campaign_counts", args=[self.campaign.slug])
        )

    def test_a_closed_campaigns_counts_are_written_again_once_old(self) -> None:
        campaign_actions.close_campaign(self.campaign, actor=self.organizer)
        self.refresh_counts()
        self.refresh_counts()
        assert published.publish() == 0
        with override_settings(PAGE_CACHE_STALE_SECONDS=0):
            assert published.publish() == 1
        assert self.counts.read_bytes() == self.app_answer(
            reverse("campaign_counts", args=[self.campaign.slug])
        )

    def test_a_file_deleted_by_hand_is_written_again(self) -> None:
        self.refresh_counts()
        self.counts.unlink()
        assert published.publish() == 1
        assert self.counts.exists()

    def test_withdraw_all_leaves_nothing_for_nginx(self) -> None:
        self.refresh_counts()
        published.withdraw_all()
        assert self.files() == []
        assert published.publish() >= 1  # written again from nothing

    def test_a_disk_that_refuses_stops_nothing_after_it(self) -> None:
        self.root.parent.mkdir(exist_ok=True)
        self.root.write_text("not a directory")
        self.sign_verified(make_claims(1))
        with self.assertLogs("undersigned.web.published", "ERROR") as logs:
            self.refresh_counts()
        assert "page files not written" in logs.output[0]
        # The later steps ran: the log signed a checkpoint of the new count.
        assert self.campaign.checkpoints.latest().body().figure(note.EXTENSION_VERIFIED) == 1
        counts = self.app_answer(reverse("campaign_counts", args=[self.campaign.slug]))
        assert json.loads(counts)["verified"] == 1

    def test_nothing_is_written_without_a_root(self) -> None:
        with override_settings(PUBLISHED_ROOT=""):
            self.refresh_counts()
            assert published.publish() == 0
        assert not self.root.exists()


class PublishedPagesTest(PublishedTestCase):
    @override_settings(PUBLISHED_PAGE_SECONDS=0)  # the checkpoint the run signed, at once
    def test_each_language_is_the_page_the_app_renders(self) -> None:
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        url = reverse("campaign", args=[self.campaign.slug])
        russian, english = (path.read_bytes() for path in self.pages)
        assert russian == self.app_answer(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert english == self.app_answer(url, HTTP_ACCEPT_LANGUAGE="en")
        assert russian != english
        assert "Депутатов1".encode() in russian  # the named signer, as on the page

    def test_only_open_campaigns_have_pages_and_only_public_ones_counts(self) -> None:
        self.make_campaign("draft-letter", open_it=False)
        closed = self.make_campaign("closed-letter")
        campaign_actions.close_campaign(closed, actor=self.organizer)
        self.refresh_counts()
        slug = self.campaign.slug
        assert self.files() == sorted(
            [
                "counts/closed-letter.json",
                f"counts/{slug}.json",
                f"pages/en/{slug}.html",
                f"pages/ru/{slug}.html",
            ]
        )

    def test_a_withdrawn_name_leaves_the_files_at_once(self) -> None:
        signature = self.sign_verified(make_claims(1))
        self.refresh_counts()
        assert all("Депутатов1".encode() in path.read_bytes() for path in self.pages)
        actions.withdraw_signature(signature)
        assert not any(path.exists() for path in self.pages)  # nginx asks the app
        self.refresh_counts()
        assert all("Депутатов1".encode() not in path.read_bytes() for path in self.pages)

    def test_a_signer_who_asks_not_to_be_named_leaves_the_files_at_once(self) -> None:
        signature = self.sign_verified(make_claims(1))
        self.refresh_counts()
        actions.change_publication(signature, Signature.ANONYMOUS, None)
        assert not any(path.exists() for path in self.pages)
        self.refresh_counts()
        assert all("Депутатов1".encode() not in path.read_bytes() for path in self.pages)

    def test_counts_that_move_are_on_the_pages_once_they_are_old_enough(self) -> None:
        self.refresh_counts()
        self.sign_verified(make_claims(1))
        assert all(path.exists() for path in self.pages)  # nginx keeps sending them
        self.refresh_counts()  # a run a second while signing: not a render each time
        assert all("Депутатов1".encode() not in path.read_bytes() for path in self.pages)
        assert json.loads(self.counts.read_text())["verified"] == 1  # the counts move now
        with override_settings(PUBLISHED_PAGE_SECONDS=0):
            self.refresh_counts()
        assert all("Депутатов1".encode() in path.read_bytes() for path in self.pages)

    def test_hiding_every_name_removes_the_files_at_once(self) -> None:
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        with self.captureOnCommitCallbacks(execute=True):
            campaign_actions.set_names_hidden(self.campaign, True, actor=self.organizer)
        assert not any(path.exists() for path in self.pages)
        self.refresh_counts()
        assert all("Депутатов1".encode() not in path.read_bytes() for path in self.pages)

    def test_a_change_to_the_campaign_is_written_at_the_next_run(self) -> None:
        self.refresh_counts()
        # Changed behind the actions' back: nothing marked the pages stale.
        Campaign.objects.filter(pk=self.campaign.pk).update(addressee="Совет депутатов")
        self.campaign.texts.update(title="Новое название")
        assert published.publish() == 2
        assert all("Новое название".encode() in path.read_bytes() for path in self.pages)

    def test_every_file_is_made_again_once_as_old_as_a_stale_copy(self) -> None:
        self.refresh_counts()
        with override_settings(PUBLISHED_PAGE_SECONDS=0):
            assert published.publish() == 0  # nothing moved
        with override_settings(PAGE_CACHE_STALE_SECONDS=0):
            assert published.publish() == 3

    def test_a_campaign_that_closes_loses_its_page_at_the_next_run(self) -> None:
        self.refresh_counts()
        campaign_actions.close_campaign(self.campaign, actor=self.organizer)
        self.refresh_counts()
        assert not any(path.exists() for path in self.pages)
        assert self.counts.exists()

    def test_a_campaign_the_public_cannot_read_loses_its_files(self) -> None:
        self.refresh_counts()
        (self.root / "counts" / "gone-letter.json").write_text("{}")
        Campaign.objects.filter(pk=self.campaign.pk).update(state=Campaign.DRAFT)
        self.refresh_counts()
        assert self.files() == []
