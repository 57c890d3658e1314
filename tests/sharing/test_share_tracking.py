"""Visits and signatures arriving through `?via=CODE` are counted per channel, never per signer."""

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, sign_through_form
from undersigned.sharing.actions import create_share_channel, fold_share_hits
from undersigned.sharing.models import ShareChannel, ShareHit
from undersigned.signatures.models import Signature


class ShareTrackingTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.chat = create_share_channel(
            self.campaign, "deputies-chat", "Deputies' chat", actor=self.organizer
        )
        self.twitter = create_share_channel(
            self.campaign, "twitter", "Twitter", actor=self.organizer
        )
        self.page_url = reverse("campaign", args=[self.campaign.slug])
        self.sign_url = reverse("sign", args=[self.campaign.slug])

    def channel(self, code: str) -> ShareChannel:
        return ShareChannel.objects.get(campaign=self.campaign, code=code)

    def test_visits_are_journalled_then_folded(self) -> None:
        for _ in range(3):
            assert self.client.get(self.page_url + "?via=deputies-chat").status_code == 200
        self.client.get(self.page_url + "?via=twitter")
        self.client.get(self.page_url)  # no channel: nothing noted
        assert ShareHit.objects.count() == 4
        assert self.channel("deputies-chat").visits == 0  # not before the fold
        assert fold_share_hits() == 4
        assert ShareHit.objects.count() == 0
        assert self.channel("deputies-chat").visits == 3
        assert self.channel("twitter").visits == 1

    def test_cached_page_still_counts(self) -> None:
        self.client.get(self.page_url + "?via=twitter")
        self.client.get(self.page_url + "?via=twitter")
        fold_share_hits()
        assert self.channel("twitter").visits == 2

    def test_unknown_or_malformed_codes_change_nothing(self) -> None:
        self.client.get(self.page_url + "?via=nobody")
        self.client.get(self.page_url + "?via=%3Cscript%3E")
        fold_share_hits()
        assert {c.visits for c in ShareChannel.objects.all()} == {0}
        assert ShareHit.objects.count() == 0

    def test_made_up_codes_write_nothing_and_are_not_carried(self) -> None:
        for n in range(20):
            assert self.client.get(f"{self.page_url}?via=junk-{n}").status_code == 200
            assert self.client.get(f"{self.sign_url}?via=junk-{n}").status_code == 200
        assert ShareHit.objects.count() == 0  # no row per made-up code
        html = self.client.get(self.page_url + "?via=junk-1").content.decode()
        assert "shared_via" not in html
        form = self.client.get(self.sign_url + "?shared_via=junk-1").content.decode()
        assert 'name="via"' not in form
        response = sign_through_form(
            self.client, self.sign_url, {**SIGN_FORM_OLGA, "via": "junk-1"}
        )
        assert response.status_code == 302
        assert ShareHit.objects.count() == 0

    def test_a_new_channel_counts_at_once_in_this_process(self) -> None:
        self.client.get(self.page_url + "?via=radio")
        create_share_channel(self.campaign, "radio", "Radio", actor=self.organizer)
        self.client.get(self.page_url + "?via=radio")
        assert ShareHit.objects.filter(code="radio").count() == 1

    def test_code_is_carried_to_the_sign_form_and_the_signature_counts(self) -> None:
        html = self.client.get(self.page_url + "?via=deputies-chat").content.decode()
        assert f"{self.sign_url}?shared_via=deputies-chat" in html
        form = self.client.get(self.sign_url + "?shared_via=deputies-chat").content.decode()
        assert '<input type="hidden" name="via" value="deputies-chat">' in form
        response = sign_through_form(
            self.client, self.sign_url, {**SIGN_FORM_OLGA, "via": "deputies-chat"}
        )
        assert response.status_code == 302
        fold_share_hits()
        chat = self.channel("deputies-chat")
        assert chat.visits == 1  # the carried code on the sign page is not a second visit
        assert chat.signatures == 1
        # Nothing on the signature tells which channel brought it.
        signature = Signature.objects.get()
        assert "deputies-chat" not in repr(signature.__dict__)

    def test_direct_link_to_sign_page_counts_a_visit(self) -> None:
        self.client.get(self.sign_url + "?via=twitter")
        fold_share_hits()
        assert self.channel("twitter").visits == 1

    def test_refused_form_counts_no_signature(self) -> None:
        response = sign_through_form(
            self.client, self.sign_url, {**SIGN_FORM_OLGA, "full_name": "", "via": "twitter"}
        )
        assert response.status_code == 400
        assert '<input type="hidden" name="via" value="twitter">' in response.content.decode()
        fold_share_hits()
        assert self.channel("twitter").signatures == 0


@override_settings(TELEGRAM_BOT_USERNAME="undersigned_test_bot")
class ShareCodeToTheBotTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        create_share_channel(self.campaign, "twitter", "Twitter", actor=self.organizer)

    def test_the_sign_in_telegram_link_carries_the_share_code_the_page_came_through(self) -> None:
        page = reverse("campaign", args=[self.campaign.slug])
        bot = "https://t.me/undersigned_test_bot?start="
        html = self.client.get(page + "?via=twitter").content.decode()
        assert f'href="{bot}{self.campaign.slug}_twitter"' in html
        for plain in ("", "?via=nobody"):
            html = self.client.get(page + plain).content.decode()
            assert f'href="{bot}{self.campaign.slug}"' in html
