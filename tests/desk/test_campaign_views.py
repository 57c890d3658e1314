from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign, CampaignText, StaffRole
from undersigned.signatures.models import Signature


class CampaignPagesTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.oleg = self.desk_client(self.organizer)

    def test_home_lists_the_staff_members_campaigns_with_roles(self) -> None:
        page = self.oleg.get(reverse("desk:home") + "?lang=en").content.decode()
        assert reverse("desk:campaign", args=["deputies"]) in page
        assert "organizer" in page
        assert "New campaign" in page

    def test_overview_shows_counts(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign(make_claims(2))
        self.refresh_counts()
        page = self.oleg.get(
            reverse("desk:campaign", args=["deputies"]) + "?lang=en"
        ).content.decode()
        assert "<dt>verified</dt><dd>1</dd>" in page
        assert "<dt>being checked</dt><dd>1</dd>" in page

    def create(self, **overrides: str) -> object:
        data = {
            "slug": "council-letter",
            "kind": Campaign.KIND_OPEN_LETTER,
            "addressee": "Городской думе",
            "eligibility": Campaign.ELIGIBLE_OFFICIALS,
            "registry_source": "spb-2019",
            "requires_verification": "on",
            "four_eyes": "on",
            "reveal_thresholds": "100, 50",
            "original_language": "ru",
            "title": "Письмо совета",
            "body": "Мы просим.",
        }
        data.update(overrides)
        return self.oleg.post(reverse("desk:create") + "?lang=en", data)

    def test_create_a_campaign_as_a_draft(self) -> None:
        response = self.create()
        assert response.status_code == 302
        campaign = Campaign.objects.get(slug="council-letter")
        assert campaign.state == Campaign.DRAFT
        assert (campaign.kind, campaign.four_eyes, campaign.registry_source) == (
            Campaign.KIND_OPEN_LETTER,
            True,
            "spb-2019",
        )
        assert campaign.thresholds == [50, 100]
        text = campaign.texts.get()
        assert (text.language, text.is_original, text.title) == ("ru", True, "Письмо совета")
        assert StaffRole.objects.filter(
            campaign=campaign, user=self.organizer, role=StaffRole.ORGANIZER
        ).exists()
        assert AuditEvent.objects.filter(action="campaign.created", actor=self.organizer).exists()

    def test_create_refuses_bad_input(self) -> None:
        assert self.create(slug="deputies").status_code == 400
        response = self.create(reveal_thresholds="ten")
        assert response.status_code == 400
        assert "Thresholds are positive whole numbers" in response.content.decode()
        assert self.create(slug="bad slug!").status_code == 400
        assert not Campaign.objects.filter(slug="council-letter").exists()

    def test_texts_change_only_while_a_draft(self) -> None:
        self.create()
        url = reverse("desk:edit_text", args=["council-letter", "en"])
        response = self.oleg.post(
            url,
            {"title": "The council's letter", "body": "We ask.", "addressee": "To the city duma"},
        )
        assert response.status_code == 302
        english = CampaignText.objects.get(campaign__slug="council-letter", language="en")
        assert (english.title, english.is_original) == ("The council's letter", False)
        url_ru = reverse("desk:edit_text", args=["council-letter", "ru"])
        assert (
            self.oleg.post(
                url_ru, {"title": "Письмо совета депутатов", "body": "Мы просим."}
            ).status_code
            == 302
        )
        assert CampaignText.objects.get(campaign__slug="council-letter", language="ru").is_original
        self.oleg.post(reverse("desk:transition", args=["council-letter"]), {"action": "open"})
        response = self.oleg.post(url + "?lang=en", {"title": "Changed", "body": "Changed"})
        assert response.status_code == 400
        assert "only while the campaign is a draft" in response.content.decode()
        assert (
            CampaignText.objects.get(campaign__slug="council-letter", language="en").title
            == "The council's letter"
        )
        assert (
            self.oleg.get(reverse("desk:edit_text", args=["council-letter", "xx"])).status_code
            == 404
        )

    def test_open_close_archive(self) -> None:
        self.create()
        url = reverse("desk:transition", args=["council-letter"])
        assert self.oleg.post(url, {"action": "archive"}).status_code == 400
        for action, state in (
            ("open", Campaign.OPEN),
            ("close", Campaign.CLOSED),
            ("archive", Campaign.ARCHIVED),
        ):
            # Closing asks first (tests/desk/test_closing.py).
            data = {"action": action, **({"confirm": "on"} if action == "close" else {})}
            assert self.oleg.post(url, data).status_code == 302
            assert Campaign.objects.get(slug="council-letter").state == state
        assert self.oleg.post(url, {"action": "open"}).status_code == 400
        assert self.oleg.post(url, {"action": "delete"}).status_code == 400

    def test_hide_all_names_switch(self) -> None:
        self.sign_verified(make_claims(1))
        url = reverse("desk:names_hidden", args=["deputies"])
        assert self.oleg.post(url, {"hidden": "yes"}).status_code == 302
        assert Campaign.objects.get(slug="deputies").names_hidden
        public = self.client.get(reverse("campaign", args=["deputies"])).content.decode()
        assert "Депутатов1" not in public
        assert self.oleg.post(url, {"hidden": "no"}).status_code == 302
        assert not Campaign.objects.get(slug="deputies").names_hidden

    def test_grant_and_revoke_roles(self) -> None:
        url = reverse("desk:grant_role", args=["deputies"])
        assert self.oleg.post(url, {"username": "otto", "role": "verifier"}).status_code == 302
        assert StaffRole.objects.filter(
            campaign=self.campaign, user=self.outsider, role="verifier"
        ).exists()
        response = self.oleg.post(url + "?lang=en", {"username": "nobody", "role": "verifier"})
        assert response.status_code == 400
        assert "no active staff account" in response.content.decode()
        revoke = reverse("desk:revoke_role", args=["deputies"])
        assert (
            self.oleg.post(revoke, {"user": self.outsider.pk, "role": "verifier"}).status_code
            == 302
        )
        assert not StaffRole.objects.filter(campaign=self.campaign, user=self.outsider).exists()
        # The last organizer stays.
        assert (
            self.oleg.post(revoke, {"user": self.organizer.pk, "role": "organizer"}).status_code
            == 400
        )
        assert StaffRole.objects.filter(
            campaign=self.campaign, user=self.organizer, role="organizer"
        ).exists()

    def test_add_an_opening_signatory(self) -> None:
        draft = self.make_campaign("draft-letter", open_it=False)
        url = reverse("desk:add_opening", args=["draft-letter"])
        data = {
            "full_name": "Петров Пётр Петрович",
            "office": "депутат",
            "body": "Совет МО Литейный округ",
            "municipality": "МО Литейный округ",
            "region": "RU-SPE",
            "publication": "named",
        }
        # First the registry candidates; nothing is stored before the organizer chooses.
        assert self.oleg.post(url, data).status_code == 200
        assert not draft.signatures.exists()
        assert self.oleg.post(url, {**data, "official": "none"}).status_code == 302
        signature = Signature.objects.get(full_name="Петров Пётр Петрович")
        assert (signature.state, signature.channel, signature.region_code) == (
            Signature.VERIFIED,
            Signature.ORGANIZER,
            "RU-SPE",
        )
        assert self.oleg.post(url, {**data, "official": "none"}).status_code == 400
        assert self.oleg.post(url, {**data, "full_name": "X"}).status_code == 400
        assert Signature.objects.filter(channel=Signature.ORGANIZER).count() == 1
        assert draft.signatures.count() == 1

    def test_no_opening_signatory_once_the_campaign_is_open(self) -> None:
        url = reverse("desk:add_opening", args=["deputies"])
        data = {
            "full_name": "Петров Пётр Петрович",
            "office": "депутат",
            "body": "Совет МО Литейный округ",
            "municipality": "МО Литейный округ",
            "region": "RU-SPE",
            "publication": "named",
        }
        response = self.oleg.post(url + "?lang=en", data)
        assert response.status_code == 400
        assert "only while the campaign is a draft" in response.content.decode()
        assert not Signature.objects.filter(channel=Signature.ORGANIZER).exists()
