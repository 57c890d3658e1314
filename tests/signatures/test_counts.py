from datetime import timedelta

from django.utils import timezone

from tests.base import PersonaTestCase, make_claims
from undersigned.core.locks import job_lock
from undersigned.signatures import actions, counts
from undersigned.signatures.models import CountChange, PendingLogEvent, Signature, Tally
from undersigned.signatures.public import counts_for, regions_for, timeline_for


class CountJobTest(PersonaTestCase):
    def test_counts_move_only_when_the_job_runs(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign(make_claims(2))
        assert counts_for(self.campaign).verified == 0
        assert CountChange.objects.count() == 3  # two arrivals, one verification
        changed = counts.refresh_counts()
        assert changed == {self.campaign.pk}
        result = counts_for(self.campaign)
        assert (result.verified, result.checking, result.withdrawn) == (1, 1, 0)
        assert CountChange.objects.count() == 0

    def test_folding_journals_each_changes_log_event_in_order(self) -> None:
        from undersigned.verification.actions import confirm_match

        verified = self.sign_verified(make_claims(1))
        waiting, _ = self.sign(make_claims(2, region_code=""))
        # Matched to an official of another region: its tallies move, the log has no event.
        confirm_match(waiting, self.official, actor=self.verifier)
        assert not PendingLogEvent.objects.exists()
        counts.fold_changes()
        assert not CountChange.objects.exists()
        assert list(PendingLogEvent.objects.values_list("event", "handle", "region_code")) == [
            ("received", verified.handle, "RU-MOW"),
            ("verified", verified.handle, "RU-MOW"),
            ("received", waiting.handle, ""),
        ]

    def test_withdrawal_lowers_the_count(self) -> None:
        signature = self.sign_verified(make_claims(1))
        self.refresh_counts()
        actions.withdraw_signature(signature)
        self.refresh_counts()
        result = counts_for(self.campaign)
        assert (result.verified, result.withdrawn) == (0, 1)

    def test_a_running_job_is_not_run_twice(self) -> None:
        self.sign(make_claims(1))
        with job_lock(counts.COUNT_JOB):
            assert counts.refresh_counts() == set()
        assert counts.refresh_counts() == {self.campaign.pk}

    def test_small_batches_give_the_same_result(self) -> None:
        for n in range(5):
            self.sign_verified(make_claims(n))
        with self.settings(COUNT_BATCH_SIZE=2):
            counts.refresh_counts()
        assert counts_for(self.campaign).verified == 5

    def test_more_tally_rows_than_one_statement_takes_are_all_moved(self) -> None:
        # 300 regions, each a tally row of its own: more parameters than SQLite takes in
        # one statement, so the rows go in several; PostgreSQL takes them in one.
        today = timezone.now().date()
        CountChange.objects.bulk_create(
            CountChange(
                campaign=self.campaign,
                region_code=f"X-{n}",
                to_state=Signature.RECEIVED,
                created_on=today,
            )
            for n in range(300)
        )
        Tally.objects.create(campaign=self.campaign, key="region:X-7", state="received", n=4)
        counts.refresh_counts()
        regions = dict(
            Tally.objects.filter(campaign=self.campaign, key__startswith="region:").values_list(
                "key", "n"
            )
        )
        assert len(regions) == 300
        assert regions["region:X-7"] == 5  # added to the row that was there
        assert all(n == 1 for key, n in regions.items() if key != "region:X-7")
        assert counts_for(self.campaign).checking == 300

    def test_regions_and_timeline(self) -> None:
        self.sign_verified(make_claims(1, "RU-SPE"))
        self.sign_verified(make_claims(2, "RU-SPE"))
        self.sign(make_claims(3, "RU-IRK"))
        self.refresh_counts()
        rows = {row.code: (row.verified, row.checking) for row in regions_for(self.campaign, "en")}
        assert rows == {"RU-SPE": (2, 0), "RU-IRK": (0, 1)}
        timeline = timeline_for(self.campaign)
        assert timeline[-1].arrived == 3
        assert timeline[-1].verified == 2

    def test_reconciliation_corrects_drift(self) -> None:
        for n in range(3):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        Tally.objects.filter(
            campaign=self.campaign, key=Tally.ALL, state=Signature.VERIFIED
        ).update(n=99)
        corrected = counts.reconcile_counts(self.campaign)
        assert corrected == 1
        assert counts_for(self.campaign).verified == 3
        assert counts.reconcile_counts(self.campaign) == 0

    def test_incremental_tallies_equal_a_recount_after_every_kind_of_move(self) -> None:
        a = self.sign_verified(make_claims(1))
        b, _ = self.sign(make_claims(2))
        c, _ = self.sign(make_claims(3))
        actions.match_signature(b, self.official.pk, 0.95)
        actions.reject_signature(c, Signature.REJECT_NOT_OFFICIAL, actor=self.verifier)
        actions.withdraw_signature(a)
        # A verification recorded on an earlier day, then undone.
        d = self.sign_verified(make_claims(4))
        Signature.objects.filter(pk=d.pk).update(verified_at=timezone.now() - timedelta(days=3))
        self.refresh_counts()
        # Back-dating bypassed the journal: only the two day rows of that verification drift.
        assert counts.reconcile_counts(self.campaign) == 2
        actions.reject_signature(d, Signature.REJECT_DUPLICATE, actor=self.verifier)
        self.refresh_counts()
        assert counts.reconcile_counts(self.campaign) == 0
