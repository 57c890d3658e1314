"""Open Graph and Twitter card tags on the campaign page."""

import re

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.base import PersonaTestCase, make_claims


def meta(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))


@override_settings(SITE_URL="https://petition.example")
class LinkPreviewTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_tags_name_the_page_its_card_and_text(self) -> None:
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        html = self.client.get(
            reverse("campaign", args=[self.campaign.slug]) + "?lang=en"
        ).content.decode()
        tags = meta(html)
        assert tags["og:title"] == "Deputies&#x27; appeal"
        assert tags["og:url"] == "https://petition.example/c/deputies/"
        assert tags["og:image"] == "https://petition.example/c/deputies/card.en.png"
        assert tags["og:description"] == "We demand."
        assert tags["og:locale"] == "en"
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["twitter:image"] == tags["og:image"]
        assert tags["og:image:alt"] == "Deputies&#x27; appeal: 1"

    def test_russian_page_points_to_the_russian_card(self) -> None:
        html = self.client.get(
            reverse("campaign", args=[self.campaign.slug]) + "?lang=ru"
        ).content.decode()
        assert meta(html)["og:image"] == "https://petition.example/c/deputies/card.ru.png"
        assert meta(html)["og:title"] == "Обращение депутатов"

    def test_absolute_urls_only_in_tags_never_loaded(self) -> None:
        html = self.client.get(reverse("campaign", args=[self.campaign.slug])).content.decode()
        assert not re.search(r'(?:src|action)="https?://', html)
