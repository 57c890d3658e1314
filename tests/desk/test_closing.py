"""The closing date (set when creating, changed on the manage page, shown, enforced) and
closing by hand, which asks first and says how many signatures are still being checked."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import OLGA, make_claims
from tests.desk.base import DeskTestCase
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.signatures import actions
from undersigned.signatures.actions import SigningClosed

FORMAT = "%Y-%m-%dT%H:%M"


class ClosingTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.oleg = self.desk_client(self.organizer)
        self.manage = reverse("desk:manage", args=["deputies"]) + "?lang=en"

    def test_the_create_form_takes_a_closing_date(self) -> None:
        closes = (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
        data = {
            "slug": "dated-letter",
            "kind": Campaign.KIND_OPEN_LETTER,
            "eligibility": Campaign.ELIGIBLE_OFFICIALS,
            "registry_source": "spb-2019",
            "requires_verification": "on",
            "original_language": "ru",
            "title": "Письмо",
            "body": "Текст.",
            "closes_at": closes.strftime(FORMAT),
        }
        page = self.oleg.get(reverse("desk:create") + "?lang=en").content.decode()
        assert 'name="closes_at"' in page
        # The registry source is chosen from the registries imported here.
        assert '<option value="spb-2019">spb-2019 (1)</option>' in page
        assert "novalidate" in page
        past = {**data, "closes_at": "2020-01-01T10:00"}
        response = self.oleg.post(reverse("desk:create") + "?lang=en", past)
        assert response.status_code == 400
        assert "The closing date must be in the future." in response.content.decode()
        unknown = {**data, "registry_source": "nowhere"}
        assert self.oleg.post(reverse("desk:create"), unknown).status_code == 400
        assert self.oleg.post(reverse("desk:create"), data).status_code == 302
        campaign = Campaign.objects.get(slug="dated-letter")
        assert campaign.closes_at == closes
        page = self.oleg.get(reverse("desk:manage", args=["dated-letter"]) + "?lang=en")
        assert f"closes at {closes:%Y-%m-%d %H:%M} UTC" in page.content.decode()

    def test_changed_on_the_manage_page_and_enforced(self) -> None:
        url = reverse("desk:closing_date", args=["deputies"])
        soon = datetime.now(UTC) + timedelta(hours=2)
        assert self.oleg.post(url, {"closes_at": soon.strftime(FORMAT)}).status_code == 302
        self.campaign.refresh_from_db()
        assert self.campaign.closes_at == soon.replace(second=0, microsecond=0)
        assert "no closing date set" not in self.oleg.get(self.manage).content.decode()
        assert AuditEvent.objects.filter(action="campaign.closing_date_set").count() == 1
        response = self.oleg.post(url + "?lang=en", {"closes_at": "2001-01-01T00:00"})
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
        self.campaign.refresh_from_db()
        assert self.campaign.closes_at == soon.replace(second=0, microsecond=0)
        # Enforced: once the time is past, no signature is taken.
        Campaign.objects.filter(pk=self.campaign.pk).update(
            closes_at=timezone.now() - timedelta(minutes=1)
        )
        self.campaign.refresh_from_db()
        with self.assertRaises(SigningClosed):
            actions.sign(self.campaign, OLGA)
        # Cleared: open until closed by hand.
        assert self.oleg.post(url, {"closes_at": ""}).status_code == 302
        self.campaign.refresh_from_db()
        assert self.campaign.closes_at is None
        assert "no closing date set" in self.oleg.get(self.manage).content.decode()

    def test_closing_asks_and_says_how_many_are_being_checked(self) -> None:
        self.sign(make_claims(1))
        self.sign(make_claims(2))
        self.sign_verified(make_claims(3))
        url = reverse("desk:transition", args=["deputies"]) + "?lang=en"
        page = self.oleg.post(url, {"action": "close"})
        assert page.status_code == 200
        assert "2 signatures are still being checked." in page.content.decode()
        self.campaign.refresh_from_db()
        assert self.campaign.state == Campaign.OPEN
        confirmation = self.oleg.get(reverse("desk:close", args=["deputies"]) + "?lang=en")
        assert "2 signatures are still being checked." in confirmation.content.decode()
        refused = self.oleg.post(url, {"action": "close", "confirm": ""})
        assert refused.status_code == 400
        assert "There is a problem" in refused.content.decode()
        assert self.oleg.post(url, {"action": "close", "confirm": "on"}).status_code == 302
        self.campaign.refresh_from_db()
        assert self.campaign.state == Campaign.CLOSED


class RegionCountsTest(DeskTestCase):
    def test_chosen_on_the_desk_while_a_draft(self) -> None:
        oleg = self.desk_client(self.organizer)
        self.make_campaign("draft-letter", open_it=False)
        url = reverse("desk:region_counts", args=["draft-letter"])
        assert oleg.post(url, {"published": "no"}).status_code == 302
        assert not Campaign.objects.get(slug="draft-letter").publish_region_counts
        page = oleg.get(reverse("desk:manage", args=["draft-letter"]) + "?lang=en")
        assert "Counts by region are not published" in page.content.decode()
        assert oleg.post(url, {"published": "yes"}).status_code == 302
        assert Campaign.objects.get(slug="draft-letter").publish_region_counts
        # Fixed once open.
        response = oleg.post(reverse("desk:region_counts", args=["deputies"]), {"published": "no"})
        assert response.status_code == 400
        assert Campaign.objects.get(slug="deputies").publish_region_counts
