"""The count job moves the tallies, then runs what follows, in the order after_counts_moved
lists: the cached pages first, then the public log, announcements and staff notices."""

from unittest import mock

from tests.base import PersonaTestCase, make_claims
from undersigned.jobs import counts as count_job
from undersigned.signatures.models import Signature


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
        # The reveal belongs to the count itself, before anything follows.
        assert Signature.objects.filter(revealed_at__isnull=False).count() == 2

    def test_the_periodic_runner_runs_the_count_job(self) -> None:
        from undersigned.core import periodic

        jobs = {job.name: job.run for job in periodic.JOBS}
        assert jobs["counts"] is count_job.run_count_job
