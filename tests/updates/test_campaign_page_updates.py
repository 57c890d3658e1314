"""Updates on the public campaign page, in both languages, at a constant number of queries."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.base import PersonaTestCase
from undersigned.updates import actions
from undersigned.updates.models import Update

TEXTS = [
    {"language": "ru", "title": "Подписи переданы", "body": "Мы передали подписи."},
    {"language": "en", "title": "Signatures handed over", "body": "We handed the signatures over."},
]


class CampaignPageUpdatesTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def publish(self, texts: list[dict[str, str]]) -> Update:
        with self.captureOnCommitCallbacks(execute=True):
            return actions.publish_update(self.campaign, author=self.spokesperson, texts=texts)

    def page(self, lang: str) -> str:
        response = self.client.get(reverse("campaign", args=[self.campaign.slug]) + f"?lang={lang}")
        assert response.status_code == 200
        return response.content.decode()

    def test_no_section_without_updates(self) -> None:
        assert 'id="updates-heading"' not in self.page("en")

    def test_a_published_update_replaces_the_cached_page(self) -> None:
        assert "Signatures handed over" not in self.page("en")
        self.publish(TEXTS)
        assert "Signatures handed over" in self.page("en")

    def test_update_shown_in_both_languages_with_its_feed(self) -> None:
        update = self.publish(TEXTS)
        english = self.page("en")
        assert "Signatures handed over" in english
        assert "We handed the signatures over." in english
        assert f'id="update-{update.pk}"' in english
        assert reverse("updates_feed", args=[self.campaign.slug]) in english
        russian = self.page("ru")
        assert "Подписи переданы" in russian
        assert "Signatures handed over" not in russian

    def test_queries_do_not_grow_with_updates(self) -> None:
        self.publish(TEXTS)
        with CaptureQueriesContext(connection) as few:
            self.page("en")
        for n in range(8):
            self.publish([{"language": "ru", "title": f"Новость {n}", "body": "…"}])
        with CaptureQueriesContext(connection) as many:
            html = self.page("en")
        assert "Новость 7" in html
        assert len(many) == len(few)

    def test_page_links_to_the_bot_only_when_configured(self) -> None:
        assert "t.me/undersigned_bot" not in self.page("en")
        cache.clear()
        with self.settings(TELEGRAM_BOT_USERNAME="undersigned_bot"):
            html = self.page("en")
        assert f"https://t.me/undersigned_bot?start={self.campaign.slug}" in html
