"""The count job and the reconciliation move the tallies, then run what follows, in the order
after_counts_moved lists: the reveals first, then the cached pages, the public log,
announcements and staff notices."""

from unittest import mock

from tests.base import PersonaTestCase, make_claims
from undersigned.jobs import counts as count_job
from undersigned.signatures import counts
from undersigned.signatures.models import Signature, Tally
from undersigned.signatures.public import counts_for


class CountJobTest(PersonaTestCase):
    def test_what_follows_the_counts_runs_in_order_with_the_campaigns_that_moved(self) -> None:
        for n in (3, 4):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        # Verified once the count has reached their threshold: in clear, named by the job.
        for n in (1, 2):
            self.sign_verified(
                make_claims(n), publication=Signature.CONDITIONAL, reveal_threshold=2
            )
        calls: list[tuple[str, object]] = []

        def step(name: str, returns: object = None):  # type: ignore[no-untyped-def]
            def record(*args: object) -> object:
                calls.append((name, args))
                return returns

            return record

        with (
            mock.patch.object(count_job.page_cache, "counts_moved", step("pages")),
            mock.patch.object(count_job.ledger, "append_pending", step("log")),
            mock.patch.object(
                count_job.notices,
                "announce_reached_thresholds",
                step("announce", [(self.campaign, 2)]),
            ),
            mock.patch.object(count_job.notify, "notify_threshold_reached", step("threshold")),
            mock.patch.object(count_job.notify, "notify_signatures_waiting", step("waiting")),
        ):
            changed = count_job.run_count_job()
        assert changed == {self.campaign.pk}
        assert calls == [
            ("pages", ({self.campaign.pk},)),
            ("log", ()),
            ("announce", ({self.campaign.pk},)),
            ("threshold", (self.campaign, 2)),
            ("waiting", ({self.campaign.pk},)),
        ]
        # The reveal comes first, before the pages are made again.
        assert Signature.objects.filter(revealed_at__isnull=False).count() == 2

    def test_the_reveals_follow_the_tallies_not_the_fold(self) -> None:
        for n in (3, 4):
            self.sign_verified(make_claims(n))
        counts.refresh_counts()
        count_job.after_counts_moved({self.campaign.pk})
        # Verified once the count has reached their threshold: in clear, waiting to be named.
        for n in (1, 2):
            self.sign_verified(
                make_claims(n), publication=Signature.CONDITIONAL, reveal_threshold=2
            )
        assert counts.refresh_counts() == {self.campaign.pk}
        assert not Signature.objects.filter(revealed_at__isnull=False).exists()
        count_job.after_counts_moved({self.campaign.pk})
        assert Signature.objects.filter(revealed_at__isnull=False).count() == 2

    def test_a_reconciliation_that_corrects_the_tallies_runs_what_follows(self) -> None:
        """The tallies drifted below the threshold the signatures reached: the hourly
        reconciliation corrects them, and the waiting signers are named, the pages made
        again, the log appended, as after the count job."""
        for n in (3, 4):
            self.sign_verified(make_claims(n))
        counts.refresh_counts()
        # Verified once the count has reached their threshold: in clear, waiting to be named.
        for n in (1, 2):
            self.sign_verified(
                make_claims(n), publication=Signature.CONDITIONAL, reveal_threshold=2
            )
        counts.refresh_counts()  # folded, but nothing followed
        Tally.objects.filter(
            campaign=self.campaign, key=Tally.ALL, state=Signature.VERIFIED
        ).update(n=1)
        assert count_job.run_reconciliation() == {self.campaign.pk}
        assert counts_for(self.campaign).verified == 4
        assert Signature.objects.filter(revealed_at__isnull=False).count() == 2
        assert count_job.run_reconciliation() == set()
