from django.core.cache import cache
from django.urls import reverse

from tests.base import PersonaTestCase, make_claims


class EmbedViewTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_counts_and_link_without_javascript(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign(make_claims(2))
        self.refresh_counts()
        response = self.client.get(reverse("embed", args=[self.campaign.slug]) + "?lang=en")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<span class="verified"><strong>1</strong> verified</span>' in html
        assert '<span class="checking"><strong>1</strong> being checked</span>' in html
        assert f'href="/c/{self.campaign.slug}/"' in html
        assert "<script" not in html
        assert "style=" not in html
        # The figures come from the latest signed checkpoint, named with its absolute time.
        checkpoint = self.campaign.checkpoints.latest()
        assert (
            f"As of {checkpoint.time[:10]} {checkpoint.time[11:16]} UTC, "
            f"checkpoint {checkpoint.size}" in html
        )
        assert " ago" not in html

    def test_framable_by_other_sites_unlike_other_pages(self) -> None:
        embed = self.client.get(reverse("embed", args=[self.campaign.slug]))
        assert "frame-ancestors *" in embed["Content-Security-Policy"]
        assert "X-Frame-Options" not in embed
        cached = self.client.get(reverse("embed", args=[self.campaign.slug]))  # from the page cache
        assert "frame-ancestors *" in cached["Content-Security-Policy"]
        assert "X-Frame-Options" not in cached
        page = self.client.get(reverse("campaign", args=[self.campaign.slug]))
        assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
        assert page["X-Frame-Options"] == "DENY"

    def test_drafts_and_unknown_campaigns_are_404(self) -> None:
        draft = self.make_campaign("draft", open_it=False)
        assert self.client.get(reverse("embed", args=[draft.slug])).status_code == 404
        assert self.client.get(reverse("embed", args=["nope"])).status_code == 404

    def test_campaign_page_shows_the_snippet_as_text(self) -> None:
        html = self.client.get(reverse("campaign", args=[self.campaign.slug])).content.decode()
        assert "&lt;iframe src=&quot;http://127.0.0.1:8000/c/deputies/embed/&quot;" in html
        assert "<iframe" not in html
