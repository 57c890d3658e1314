from io import StringIO

from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django_tasks_db.models import DBTaskResult

from tests.base import OLGA, Personas, PersonaTestCase
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.officials.models import Official
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature
from undersigned.signatures.registry_match import match_received_signature, match_signature_task


def latin_olga() -> Claims:
    return Claims(
        full_name="Olga Semyonova",
        office="deputy",
        body="",
        municipality="MO Semyonovsky",
        region="",
        region_code="RU-SPE",
    )


class MatchSignatureTaskTest(PersonaTestCase):
    def test_an_incoming_signature_is_matched_as_it_arrives(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            signature, _token = self.sign(latin_olga())
        signature.refresh_from_db()
        assert signature.state == Signature.MATCHED
        assert signature.official_id == self.official.pk
        assert signature.match_score is not None and signature.match_score > 0.88
        event = AuditEvent.objects.get(action="signature.matched", object_id=str(signature.pk))
        assert event.actor is None and event.actor_kind == AuditEvent.ACTOR_SYSTEM

    def test_the_task_runs_through_the_task_backend(self) -> None:
        signature, _token = self.sign()
        result = match_signature_task.enqueue(signature.pk)
        assert result.return_value == "auto"
        signature.refresh_from_db()
        assert (signature.state, signature.official_id) == (Signature.MATCHED, self.official.pk)

    def test_an_unclear_signature_waits_for_a_person(self) -> None:
        Official.objects.create(
            source="spb-2019", source_id="spb-002", full_name="Семёнова Ольга Ивановна",
            body="Муниципальный совет МО Смольнинское", municipality="МО Смольнинское",
            region_code="RU-SPE",
        )  # fmt: skip
        signature, _token = self.sign(Claims(full_name="Семёнова Ольга", region_code="RU-SPE"))
        assert match_received_signature(signature.pk) == "review"
        signature.refresh_from_db()
        assert (signature.state, signature.official_id) == (Signature.RECEIVED, None)

    def test_a_stranger_is_not_matched(self) -> None:
        signature, _token = self.sign(
            Claims(full_name="Кузнецов Аркадий Львович", region_code="RU-NVS")
        )
        assert match_received_signature(signature.pk) == "none"
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    def test_an_official_already_signed_is_left_to_a_person(self) -> None:
        first, _ = self.sign()
        assert match_received_signature(first.pk) == "auto"
        # The same deputy again, written differently: not merged, not matched twice.
        second, _ = self.sign(latin_olga())
        assert second.merged_into_id is None
        assert match_received_signature(second.pk) == "taken"
        second.refresh_from_db()
        assert second.state == Signature.RECEIVED

    def test_only_received_signatures_of_campaigns_for_officials(self) -> None:
        verified = self.sign_verified(OLGA)
        assert match_received_signature(verified.pk) == "skipped"
        verified.refresh_from_db()
        assert verified.official_id is None
        citizens = self.make_campaign(
            "citizens", eligibility=Campaign.ELIGIBLE_ANYONE, requires_verification=True
        )
        with self.captureOnCommitCallbacks(execute=True):
            signature, _token = self.sign(OLGA, citizens)
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        assert match_received_signature(signature.pk) == "skipped"

    def test_a_repeat_of_a_matched_signature_waits_for_a_person(self) -> None:
        first, _ = self.sign()
        second, _ = self.sign()
        assert match_received_signature(first.pk) == "auto"
        assert match_received_signature(second.pk) == "taken"
        second.refresh_from_db()
        assert second.state == Signature.RECEIVED

    def test_the_campaigns_registry_source_limits_candidates(self) -> None:
        other = self.make_campaign("moscow-only", registry_source="mos-2022")
        signature, _token = self.sign(OLGA, other)
        assert match_received_signature(signature.pk) == "none"
        Official.objects.create(
            source="mos-2022", source_id="m-7", full_name=OLGA.full_name,
            body=OLGA.body, municipality=OLGA.municipality, region_code="RU-SPE",
        )  # fmt: skip
        assert match_received_signature(signature.pk) == "auto"
        signature.refresh_from_db()
        assert signature.official.source_id == "m-7"  # type: ignore[union-attr]

    def test_a_missing_signature_is_skipped(self) -> None:
        assert match_received_signature(987654) == "skipped"


class ActionsStayTheOnlyWritersTest(PersonaTestCase):
    def test_matching_goes_through_the_signature_action(self) -> None:
        signature, _token = self.sign()
        match_received_signature(signature.pk)
        # The transition queued its tally change like every other.
        from undersigned.signatures.models import CountChange

        assert CountChange.objects.filter(from_state="received", to_state="matched").count() == 1


# The worker closes the connection between tasks, as in production: a test that runs it
# holds no transaction around it.
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class MatchingTaskRowTest(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.create_personas()

    def test_a_finished_matching_task_leaves_no_row_in_the_queue(self) -> None:
        """The queue's row names the signature and times it to the microsecond: it goes as
        soon as the worker has run it, whatever the outcome."""
        signature, _token = self.sign()
        stranger, _token = self.sign(
            Claims(full_name="Кузнецов Аркадий Львович", region_code="RU-NVS")
        )
        queued = DBTaskResult.objects.filter(task_path=match_signature_task.module_path)
        assert sorted(row["args_kwargs"]["args"][0] for row in queued.values()) == [
            signature.pk,
            stranger.pk,
        ]
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
        signature.refresh_from_db()
        assert (signature.state, signature.official_id) == (Signature.MATCHED, self.official.pk)
        assert not DBTaskResult.objects.exists()


class MatchFillsTheRegionTest(PersonaTestCase):
    """A claim that named no region is counted in the matched official's region."""

    def claims_without_region(self) -> Claims:
        return Claims(full_name=OLGA.full_name, municipality=OLGA.municipality)

    def test_the_officials_region_fills_a_missing_one_and_the_tallies_follow(self) -> None:
        from undersigned.signatures import actions, counts
        from undersigned.signatures.public import regions_for

        signature, _token = self.sign(self.claims_without_region())
        self.refresh_counts()
        assert {row.code for row in regions_for(self.campaign, "en")} == {"-"}
        assert match_received_signature(signature.pk) == "auto"
        signature.refresh_from_db()
        assert (signature.region_code, signature.region) == ("RU-SPE", "")
        actions.verify_signature(signature, actor=self.verifier)
        self.refresh_counts()
        rows = {row.code: (row.verified, row.checking) for row in regions_for(self.campaign, "en")}
        assert rows == {"RU-SPE": (1, 0)}
        assert counts.reconcile_counts(self.campaign) == 0

    def test_undoing_the_match_takes_the_officials_region_back(self) -> None:
        from undersigned.signatures import actions, counts

        signature, _token = self.sign(self.claims_without_region())
        actions.match_signature(signature, self.official.pk, 0.95)
        actions.unmatch_signature(signature, actor=self.verifier)
        signature.refresh_from_db()
        assert signature.region_code == ""
        self.refresh_counts()
        assert counts.reconcile_counts(self.campaign) == 0

    def test_a_region_the_signer_gave_is_kept(self) -> None:
        signature, _token = self.sign(latin_olga())
        Official.objects.filter(pk=self.official.pk).update(region_code="RU-MOW")
        assert match_received_signature(signature.pk) == "auto"
        signature.refresh_from_db()
        assert signature.region_code == "RU-SPE"
