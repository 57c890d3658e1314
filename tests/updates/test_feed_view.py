"""The Atom feed of a campaign's updates."""

from xml.etree import ElementTree

from django.urls import reverse

from tests.base import PersonaTestCase
from undersigned.updates.actions import publish_update

ATOM = "{http://www.w3.org/2005/Atom}"


class UpdatesFeedTest(PersonaTestCase):
    def feed(self, slug: str, lang: str) -> ElementTree.Element:
        response = self.client.get(reverse("updates_feed", args=[slug]) + f"?lang={lang}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        return ElementTree.fromstring(response.content)  # noqa: S314 -- our own feed, in a test

    def test_entries_in_the_readers_language_newest_first(self) -> None:
        publish_update(
            self.campaign,
            author=self.spokesperson,
            texts=[
                {"language": "ru", "title": "Первое", "body": "Текст один."},
                {"language": "en", "title": "First", "body": "Text one."},
            ],
        )
        publish_update(
            self.campaign,
            author=self.spokesperson,
            texts=[
                {"language": "ru", "title": "Второе", "body": "Только по-русски."},
            ],
        )
        english = self.feed(self.campaign.slug, "en")
        assert english.findtext(f"{ATOM}title") == "Updates: Deputies' appeal"
        titles = [entry.findtext(f"{ATOM}title") for entry in english.iter(f"{ATOM}entry")]
        assert titles == ["Второе", "First"]  # an untranslated update falls back to its original
        summaries = [entry.findtext(f"{ATOM}summary") for entry in english.iter(f"{ATOM}entry")]
        assert summaries == ["Только по-русски.", "Text one."]
        russian = self.feed(self.campaign.slug, "ru")
        titles = [entry.findtext(f"{ATOM}title") for entry in russian.iter(f"{ATOM}entry")]
        assert titles == ["Второе", "Первое"]
        link = next(russian.iter(f"{ATOM}entry")).find(f"{ATOM}link").get("href")
        assert link.startswith("http://testserver/c/deputies/#update-")

    def test_no_feed_for_drafts_or_unknown_campaigns(self) -> None:
        self.make_campaign("secret-draft", open_it=False)
        for slug in ("secret-draft", "nothing-here"):
            response = self.client.get(reverse("updates_feed", args=[slug]))
            assert response.status_code == 404

    def test_empty_feed_is_valid(self) -> None:
        feed = self.feed(self.campaign.slug, "en")
        assert list(feed.iter(f"{ATOM}entry")) == []
