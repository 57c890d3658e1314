"""The organizers' desk page of share channels."""

from django.test import override_settings
from django.urls import reverse

from tests.desk.base import DeskTestCase
from undersigned.sharing.actions import create_share_channel, fold_share_hits, note_visit
from undersigned.sharing.models import ShareChannel


@override_settings(SITE_URL="https://petition.example")
class DeskSharingViewTest(DeskTestCase):
    def url(self) -> str:
        return reverse("desk:sharing", args=[self.campaign.slug])

    def test_organizer_creates_a_channel_and_sees_its_counts(self) -> None:
        client = self.desk_client(self.organizer)
        response = client.post(self.url(), {"code": "deputies-chat", "label": "Deputies' chat"})
        assert response.status_code == 302
        note_visit(self.campaign.slug, "deputies-chat")
        note_visit(self.campaign.slug, "deputies-chat")
        fold_share_hits()
        html = client.get(self.url()).content.decode()
        assert "https://petition.example/c/deputies/?via=deputies-chat" in html
        assert "<td>2</td><td>0</td>" in html
        overview = client.get(reverse("desk:campaign", args=[self.campaign.slug])).content.decode()
        assert self.url() in overview

    def test_bad_or_taken_codes_are_refused_with_a_message(self) -> None:
        create_share_channel(self.campaign, "vk", "VK", actor=self.organizer)
        client = self.desk_client(self.organizer)
        for code in ("vk", "Not Valid"):
            response = client.post(self.url() + "?lang=en", {"code": code, "label": "x"})
            assert response.status_code == 400
            assert "Please correct" in response.content.decode()
        assert ShareChannel.objects.count() == 1

    def test_outsider_verifier_and_spokesperson_are_denied(self) -> None:
        for user in (self.outsider, self.verifier, self.spokesperson):
            client = self.desk_client(user)
            assert client.get(self.url()).status_code == 403
            assert client.post(self.url(), {"code": "x", "label": "x"}).status_code == 403
        assert not ShareChannel.objects.exists()

    def test_anonymous_is_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("desk:login"))
