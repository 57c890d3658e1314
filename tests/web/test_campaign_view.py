import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.campaigns.actions import set_names_hidden
from undersigned.signatures.models import Signature


class CampaignPageTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def page(self, lang: str = "en") -> str:
        response = self.client.get(reverse("campaign", args=[self.campaign.slug]) + f"?lang={lang}")
        assert response.status_code == 200
        return response.content.decode()

    def test_received_and_verified_shown_separately(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign(make_claims(2))
        self.sign(make_claims(3))
        self.refresh_counts()
        html = self.page()
        assert "<strong>1</strong> verified" in html
        assert "<strong>2</strong> being checked" in html
        assert "Counted" in html

    def test_progress_counts_to_the_campaigns_own_thresholds(self) -> None:
        # The campaign's thresholds are 2 and 3.
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        assert "1 of 2 verified signatures, the next threshold" in self.page()
        for n in (2, 3, 4):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        cache.clear()
        html = self.page()
        # Past its last threshold: no invented goal such as 10 or 50.
        assert "the next threshold" not in html
        assert "<progress" not in html

    def test_language_switch_shows_translation(self) -> None:
        assert "Deputies&#x27; appeal" in self.page("en")
        assert "Обращение депутатов" in self.page("ru")

    def test_only_named_or_revealed_verified_are_listed(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign_verified(make_claims(2), publication=Signature.ANONYMOUS)
        self.refresh_counts()
        # Verified once the count has reached its threshold: named by the next count job
        # (verified below it, the signer would be sealed and named only from a reveal file).
        self.sign_verified(make_claims(3), publication=Signature.CONDITIONAL, reveal_threshold=2)
        self.sign(make_claims(4))
        html = self.page()
        assert "Депутатов1" in html
        for hidden in ("Депутатов2", "Депутатов3", "Депутатов4"):
            assert hidden not in html
        self.refresh_counts()
        html = self.page()
        assert "Депутатов3" in html  # 3 verified: its threshold reached
        assert "Депутатов2" not in html

    def test_organizer_switch_hides_all_names(self) -> None:
        self.sign_verified(make_claims(1))
        set_names_hidden(self.campaign, True, actor=self.organizer)
        html = self.page()
        assert "Депутатов1" not in html
        assert "hidden all names" in html

    def test_page_queries_do_not_grow_with_signatures(self) -> None:
        for n in range(3):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        with CaptureQueriesContext(connection) as few:
            self.page()
        for n in range(3, 60):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        with CaptureQueriesContext(connection) as many:
            html = self.page()
        assert len(many) == len(few)
        assert html.count('<li><span class="name"') == 50  # the page lists at most 50

    def test_no_third_party_resources(self) -> None:
        html = self.page()
        # Sharing is plain links (and the page's own address to copy): nothing is loaded.
        share = re.search(r'<section class="share".*?</section>', html, flags=re.S)
        assert share
        assert re.findall(r'<a href="(https?://[^/"]+)', share.group(0)) == [
            "https://t.me",
            "https://vk.com",
        ]
        assert not re.search(r"<(img|script|iframe|link)\b", share.group(0))
        html = html.replace(share.group(0), "")
        # The site's absolute URL appears only in link-preview tags and the embed snippet.
        html = re.sub(
            r'<meta [^>]*>|<link rel="canonical"[^>]*>|<code>.*?</code>', "", html, flags=re.S
        )
        assert "http://" not in html.replace("http://www.w3.org", "")
        assert "https://" not in html

    def test_security_headers(self) -> None:
        response = self.client.get(reverse("campaign", args=[self.campaign.slug]))
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"


class SignatoriesPageTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def names(self, html: str) -> list[str]:
        return re.findall(r'<li><span class="name">([^<]+)</span>', html)

    def test_pages_follow_a_cursor(self) -> None:
        for n in range(105):
            self.sign_verified(make_claims(n))
        url = reverse("signatories", args=[self.campaign.slug])
        first = self.client.get(url).content.decode()
        assert len(self.names(first)) == 100
        assert '<ol class="signatories" start="1">' in first
        next_link = re.search(r'href="\?after=([^"]+)" rel="next"', first)
        assert next_link is not None
        second = self.client.get(url + "?after=" + next_link.group(1)).content.decode()
        assert len(self.names(second)) == 5
        assert '<ol class="signatories" start="101">' in second
        assert 'rel="next"' not in second
        assert not set(self.names(first)) & set(self.names(second))

    def test_queries_do_not_grow_with_signatures(self) -> None:
        url = reverse("signatories", args=[self.campaign.slug])
        for n in range(3):
            self.sign_verified(make_claims(n))
        cache.clear()
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(3, 250):
            self.sign_verified(make_claims(n))
        cache.clear()
        with CaptureQueriesContext(connection) as many:
            html = self.client.get(url).content.decode()
        assert len(many) == len(few)
        assert not any("COUNT(" in query["sql"].upper() for query in many.captured_queries)
        assert len(self.names(html)) == 100

    def test_cursor_is_opaque_and_bound_to_its_campaign(self) -> None:
        for n in range(105):
            self.sign_verified(make_claims(n))
        url = reverse("signatories", args=[self.campaign.slug])
        cursor = re.search(
            r'href="\?after=([^"]+)" rel="next"', self.client.get(url).content.decode()
        )
        assert cursor is not None
        hundredth = Signature.objects.filter(state=Signature.VERIFIED).order_by(
            "verified_at", "id"
        )[99]
        assert str(hundredth.pk) not in cursor.group(1)
        assert str(int(hundredth.verified_at.timestamp())) not in cursor.group(1)  # type: ignore[union-attr]
        other = self.make_campaign("other")
        elsewhere = self.client.get(
            reverse("signatories", args=[other.slug]), {"after": cursor.group(1)}
        )
        assert elsewhere.status_code == 400
        flipped = cursor.group(1)[:-2] + ("AA" if not cursor.group(1).endswith("AA") else "BB")
        assert self.client.get(url, {"after": flipped}).status_code == 400

    def test_forged_cursor_is_refused(self) -> None:
        url = reverse("signatories", args=[self.campaign.slug])
        for bad in ("x", "1-2", "99999999999999999999-1-1", "1-1-1'--", "-1-1-1"):
            response = self.client.get(url, {"after": bad, "lang": "en"})
            assert response.status_code == 400, bad
            assert "could not be understood" in response.content.decode()


class IndexPageTest(PersonaTestCase):
    def test_lists_open_campaigns_not_drafts(self) -> None:
        self.make_campaign("secret-draft", open_it=False)
        html = self.client.get("/?lang=en").content.decode()
        assert "/c/deputies/" in html
        assert "secret-draft" not in html
