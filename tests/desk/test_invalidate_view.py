import re

from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature, Tally


def tally(campaign: object, state: str) -> int:
    row = Tally.objects.filter(campaign=campaign, key="all", state=state).first()
    return row.n if row else 0


class InvalidateViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.vera = self.desk_client(self.verifier)
        self.url = reverse("desk:invalidate", args=[self.campaign.slug])

    def test_preview_count_equals_the_applied_count_and_tallies_go_down(self) -> None:
        flood = "c" * 64
        for n in range(30):
            self.sign(make_claims(n), client_hash=flood)
        self.sign_verified(make_claims(99), client_hash=flood)
        kept, _ = self.sign(make_claims(100), client_hash="d" * 64)
        self.refresh_counts()
        assert (tally(self.campaign, "received"), tally(self.campaign, "verified")) == (31, 1)
        preview = self.vera.get(self.url + f"?lang=en&client_hash={flood}")
        assert preview.status_code == 200
        page = preview.content.decode()
        shown = int(re.search(r"(\d+) signatures match", page).group(1))
        assert shown == 31
        assert page.count('<tr><td><a href="/desk/s/') == 20
        assert "The first 20 are shown." in page
        assert Signature.objects.filter(state=Signature.REJECTED).count() == 0
        response = self.vera.post(
            self.url, {"client_hash": flood, "note": "one client, 31 names", "confirm": "on"}
        )
        assert response.status_code == 302
        applied = Signature.objects.filter(
            state=Signature.REJECTED, reject_reason=Signature.REJECT_INVALIDATED
        )
        assert applied.count() == shown
        kept.refresh_from_db()
        assert kept.state == Signature.RECEIVED
        summary = AuditEvent.objects.get(action="campaign.signatures_invalidated")
        assert summary.actor == self.verifier and summary.note.startswith("31 signatures")
        self.refresh_counts()
        assert (tally(self.campaign, "received"), tally(self.campaign, "verified")) == (1, 0)
        assert tally(self.campaign, "rejected") == 31

    def test_nothing_happens_without_the_confirmation(self) -> None:
        self.sign(make_claims(1))
        response = self.vera.post(self.url + "?lang=en", {"region": "RU-MOW"})
        assert response.status_code == 400
        assert "1 signature matches" in response.content.decode()
        assert Signature.objects.filter(state=Signature.REJECTED).count() == 0

    def test_a_criterion_is_required_and_bad_input_is_explained(self) -> None:
        self.sign(make_claims(1))
        response = self.vera.post(self.url + "?lang=en", {"confirm": "on"})
        assert response.status_code == 400
        assert "Choose at least one criterion" in response.content.decode()
        response = self.vera.get(self.url + "?lang=en&client_hash=not-a-hash")
        assert response.status_code == 400
        assert "64 hexadecimal characters" in response.content.decode()
        response = self.vera.get(
            self.url + "?lang=en&received_from=2026-11-02T00:00&received_to=2026-11-01T00:00"
        )
        assert response.status_code == 400
        assert "must come after its start" in response.content.decode()
        assert Signature.objects.filter(state=Signature.REJECTED).count() == 0

    def test_the_confirmation_carries_the_previewed_criteria(self) -> None:
        self.sign(make_claims(1, region_code="RU-IRK"))
        self.sign(make_claims(2, region_code="RU-IRK"), held=True)
        self.sign(make_claims(3, region_code="RU-MOW"))
        page = self.vera.get(self.url + "?region=RU-IRK&states=received&held=yes").content.decode()
        assert '<input type="hidden" name="region" value="RU-IRK">' in page
        assert '<input type="hidden" name="states" value="received">' in page
        assert '<input type="hidden" name="held" value="yes">' in page
        self.vera.post(
            self.url, {"region": "RU-IRK", "states": ["received"], "held": "yes", "confirm": "on"}
        )
        rejected = Signature.objects.filter(state=Signature.REJECTED)
        assert list(rejected.values_list("full_name", flat=True)) == ["Депутатов2 Иван Иванович"]

    def test_an_organizer_may_invalidate_too(self) -> None:
        self.sign(make_claims(1))
        oleg = self.desk_client(self.organizer)
        assert oleg.post(self.url, {"region": "RU-MOW", "confirm": "on"}).status_code == 302
        assert Signature.objects.filter(state=Signature.REJECTED).count() == 1
