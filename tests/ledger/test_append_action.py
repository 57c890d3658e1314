"""Appending count-changing events to the log in batches, and signing checkpoints."""

import json

from tests.base import PersonaTestCase, make_claims
from undersigned.ledger import actions, merkle, note
from undersigned.ledger.models import Checkpoint, LogEntry, LogNode
from undersigned.ledger.public import verifier_key
from undersigned.signatures import actions as signature_actions
from undersigned.signatures.models import PendingLogEvent, Signature


class AppendActionTest(PersonaTestCase):
    def events(self) -> list[tuple[str, str]]:
        rows = LogEntry.objects.filter(campaign=self.campaign).order_by("index")
        return [(row.fields["event"], row.fields["handle"]) for row in rows]

    def test_verification_is_appended_once_counted(self) -> None:
        signature = self.sign_verified(make_claims(1))
        # Not yet counted: nothing is journaled or appended, so the log never runs ahead of
        # the counts.
        assert not PendingLogEvent.objects.exists()
        assert actions.append_pending() == {}
        assert not LogEntry.objects.exists()
        self.refresh_counts()
        assert self.events() == [("received", signature.handle), ("verified", signature.handle)]
        assert not PendingLogEvent.objects.exists()
        entry = LogEntry.objects.get(index=1)
        fields = json.loads(entry.data)
        assert set(fields) == {"event", "handle", "region", "time"}
        assert fields["region"] == "RU-MOW"
        assert fields["time"].endswith(":00Z")
        assert bytes(entry.leaf_hash) == merkle.leaf_hash(entry.data.encode())

    def test_entries_hold_no_personal_data(self) -> None:
        claims = make_claims(1)
        signature = self.sign_verified(claims)
        self.refresh_counts()
        data = "".join(LogEntry.objects.values_list("data", flat=True))
        for private in (claims.full_name, claims.body, claims.municipality, f":{signature.pk},"):
            assert private not in data

    def test_region_only_where_published(self) -> None:
        quiet = self.make_campaign("quiet", publish_region_counts=False)
        self.sign_verified(make_claims(1), campaign=quiet)
        self.refresh_counts()
        entries = LogEntry.objects.filter(campaign=quiet)
        assert len(entries) == 2
        assert all("region" not in entry.fields for entry in entries)

    def test_withdrawal_invalidation_and_reveal(self) -> None:
        first = self.sign_verified(make_claims(1))
        second = self.sign_verified(make_claims(2))
        self.refresh_counts()
        # Verified once the count has reached its threshold: it waits in clear for the count
        # job's reveal (verified below it, it would be sealed).
        waiting = self.sign_verified(
            make_claims(3), publication=Signature.CONDITIONAL, reveal_threshold=2
        )
        self.refresh_counts()
        self.refresh_counts()  # the reveal of the conditional signer is journaled by the count run
        signature_actions.withdraw_signature(first)
        signature_actions.reject_signature(
            second, Signature.REJECT_IMPERSONATION, actor=self.verifier
        )
        self.refresh_counts()
        events = self.events()
        assert events[:6] == [
            ("received", first.handle),
            ("verified", first.handle),
            ("received", second.handle),
            ("verified", second.handle),
            ("received", waiting.handle),
            ("verified", waiting.handle),
        ]
        assert ("revealed", waiting.handle) in events
        assert events[-2:] == [("withdrawn", first.handle), ("invalidated", second.handle)]

    def test_every_change_of_being_checked_is_logged(self) -> None:
        withdrawn, _ = self.sign(make_claims(1))
        rejected, _ = self.sign(make_claims(2))
        reopened, _ = self.sign(make_claims(3))
        signature_actions.withdraw_signature(withdrawn)
        signature_actions.reject_signature(rejected, Signature.REJECT_OTHER, actor=self.verifier)
        signature_actions.reject_signature(reopened, Signature.REJECT_OTHER, actor=self.verifier)
        signature_actions.withdraw_signature(rejected)  # moves no public figure
        self.refresh_counts()
        assert self.events() == [
            ("received", withdrawn.handle),
            ("received", rejected.handle),
            ("received", reopened.handle),
            ("withdrawn", withdrawn.handle),
            ("rejected", rejected.handle),
            ("rejected", reopened.handle),
        ]
        checkpoint = Checkpoint.objects.filter(campaign=self.campaign).latest()
        assert checkpoint.figures_data() == {"verified": 0, "checking": 0, "regions": {}}

    def test_checkpoint_signs_time_and_figures(self) -> None:
        for n in range(3):
            self.sign_verified(make_claims(n))
        self.sign(make_claims(10))
        self.sign(make_claims(11, region_code="RU-SPE"))
        self.refresh_counts()
        first = Checkpoint.objects.filter(campaign=self.campaign).latest()
        body = first.body()
        assert body.extension("verified") == "3" and body.extension("checking") == "2"
        assert (
            first.time is not None
            and first.time
            == json.loads(LogEntry.objects.filter(campaign=self.campaign).last().data)["time"]
        )
        assert first.figures_data() == {
            "verified": 3,
            "checking": 2,
            "regions": {
                "RU-MOW": {"verified": 3, "checking": 1},
                "RU-SPE": {"verified": 0, "checking": 1},
            },
        }
        # The next checkpoint starts from these figures and the standing of each handle.
        waiting = Signature.objects.get(full_name=make_claims(11).full_name)
        signature_actions.verify_signature(waiting, actor=self.verifier)
        self.refresh_counts()
        second = Checkpoint.objects.filter(campaign=self.campaign).latest()
        assert second.size == first.size + 1
        assert second.figures_data()["regions"]["RU-SPE"] == {"verified": 1, "checking": 0}
        assert (second.body().figure("verified"), second.body().figure("checking")) == (4, 1)
        assert second.time is not None and second.time >= first.time

    def test_checkpoint_signed_after_each_batch(self) -> None:
        for n in range(5):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        checkpoint = Checkpoint.objects.get(campaign=self.campaign)
        assert checkpoint.size == 10
        key = note.VerifierKey.parse(verifier_key(self.campaign))
        parsed, _ = note.open_checkpoint(checkpoint.published_note(), key)
        hashes = LogEntry.objects.filter(campaign=self.campaign).order_by("index")
        tree = merkle.MemoryTree(bytes(h) for h in hashes.values_list("leaf_hash", flat=True))
        assert parsed.root == tree.root() == bytes(checkpoint.root)
        assert parsed.origin.endswith("/c/deputies")
        # Nothing new: no new checkpoint.
        assert actions.sign_checkpoint(self.campaign) is None
        assert Checkpoint.objects.filter(campaign=self.campaign).count() == 1

    def test_small_batches_build_the_same_tree(self) -> None:
        for n in range(11):
            self.sign_verified(make_claims(n))
        from undersigned.signatures.counts import fold_changes

        fold_changes()
        sizes = []
        while batch := actions._append_batch(3):
            sizes.append(batch[self.campaign.pk])
        assert sizes == [3, 6, 9, 12, 15, 18, 21, 22]
        assert list(Checkpoint.objects.values_list("size", flat=True)) == sizes
        assert [c.figures_data()["verified"] for c in Checkpoint.objects.all()] == [
            1,
            3,
            4,
            6,
            7,
            9,
            10,
            11,
        ]
        tree = actions.StoredTree(self.campaign.pk)
        leaves = LogEntry.objects.filter(campaign=self.campaign).order_by("index")
        memory = merkle.MemoryTree(bytes(h) for h in leaves.values_list("leaf_hash", flat=True))
        for size in range(1, 23):
            assert tree.root(size) == memory.root(size)
        assert LogNode.objects.filter(campaign=self.campaign).count() == sum(
            len(level) for level in memory.levels[1:]
        )

    def test_appending_waits_for_a_running_count_job(self) -> None:
        from undersigned.core.locks import job_lock
        from undersigned.signatures.counts import COUNT_JOB, fold_changes

        self.sign_verified(make_claims(1))
        fold_changes()
        with job_lock(COUNT_JOB):
            assert actions.append_pending() == {}
        assert actions.append_pending() == {self.campaign.pk: 2}

    def test_events_go_in_the_order_their_changes_were_folded(self) -> None:
        from undersigned.signatures.counts import fold_changes

        first = self.sign_verified(make_claims(1))
        fold_changes()
        second = self.sign_verified(make_claims(2))  # its count changes are not folded yet
        assert actions.append_pending() == {self.campaign.pk: 2}
        self.refresh_counts()
        assert self.events() == [
            ("received", first.handle),
            ("verified", first.handle),
            ("received", second.handle),
            ("verified", second.handle),
        ]

    def test_periodic_job_appends(self) -> None:
        from undersigned.jobs.schedule import SCHEDULE
        from undersigned.signatures.counts import fold_changes

        job = next(job for job in SCHEDULE if job.name == "ledger")
        self.sign_verified(make_claims(1))
        fold_changes()
        job.run()
        assert LogEntry.objects.filter(campaign=self.campaign).count() == 2
