"""The page cache of public pages: zero queries when cached, ETags, invalidation, failing open."""

import re
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.campaigns.page_cache import invalidate_campaign

# A port nothing listens on: every cache call fails fast, as with a stopped Redis.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PageCacheTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.url = reverse("campaign", args=[self.campaign.slug])

    def test_cached_page_is_served_without_queries(self) -> None:
        first = self.client.get(self.url)
        assert first.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            again = self.client.get(self.url)
        assert len(queries) == 0
        assert again.content == first.content
        assert again["ETag"] == first["ETag"]

    def test_every_public_page_is_cached(self) -> None:
        for url in (
            "/",
            self.url,
            reverse("signatories", args=[self.campaign.slug]),
            reverse("campaign_counts", args=[self.campaign.slug]),
        ):
            self.client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            assert response.status_code == 200, url
            assert len(queries) == 0, url
            assert (
                response["Cache-Control"]
                == "public, max-age=0, s-maxage=1, stale-while-revalidate=30"
            )

    def test_etag_answers_not_modified(self) -> None:
        etag = self.client.get(self.url)["ETag"]
        response = self.client.get(self.url, headers={"if-none-match": etag})
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag

    def test_count_job_refreshes_cached_counts(self) -> None:
        counts_url = reverse("campaign_counts", args=[self.campaign.slug])
        assert self.client.get(counts_url).json()["being_checked"] == 0
        self.sign(make_claims(1))
        assert self.client.get(counts_url).json()["being_checked"] == 0  # not counted yet
        self.refresh_counts()
        assert self.client.get(counts_url).json()["being_checked"] == 1
        assert "<strong>1</strong>" in self.client.get(self.url + "?lang=en").content.decode()

    def test_count_job_moves_the_pages_before_it_extends_the_log(self) -> None:
        counts_url = reverse("campaign_counts", args=[self.campaign.slug])
        self.client.get(counts_url)
        self.sign(make_claims(1))
        seen_while_logging = []

        def append_pending() -> None:
            seen_while_logging.append(self.client.get(counts_url).json()["being_checked"])

        with mock.patch("undersigned.ledger.actions.append_pending", append_pending):
            self.refresh_counts()
        assert seen_while_logging == [1]

    def test_stale_copy_served_while_another_request_refreshes(self) -> None:
        counts_url = reverse("campaign_counts", args=[self.campaign.slug])
        self.client.get(counts_url)
        self.sign(make_claims(1))
        self.refresh_counts()
        # Another process has claimed the refresh of this page: the stale copy is served.
        from undersigned.campaigns import page_cache

        request = self.client.get(counts_url).wsgi_request
        page_key = page_cache._page_key(request, self.campaign.slug, (), {})
        invalidate_campaign(self.campaign)
        cache.set(f"{page_key}:refreshing", 1)
        assert self.client.get(counts_url).json()["being_checked"] == 1
        self.sign(make_claims(2))
        self.refresh_counts()
        cache.set(f"{page_key}:refreshing", 1)
        assert self.client.get(counts_url).json()["being_checked"] == 1
        cache.delete(f"{page_key}:refreshing")
        assert self.client.get(counts_url).json()["being_checked"] == 2

    def test_language_is_part_of_the_key(self) -> None:
        english = self.client_class().get(self.url, headers={"accept-language": "en"})
        russian = self.client_class().get(self.url, headers={"accept-language": "ru"})
        assert "Deputies&#x27; appeal" in english.content.decode()
        assert "Обращение депутатов" in russian.content.decode()
        assert "Accept-Language" in english["Vary"]

    def test_junk_query_strings_and_languages_reach_the_cached_copy(self) -> None:
        signatories = reverse("signatories", args=[self.campaign.slug])
        for url in ("/", self.url, signatories, f"/c/{self.campaign.slug}/counts.json"):
            first = self.client_class().get(url, headers={"accept-language": "en"})
            with CaptureQueriesContext(connection) as queries:
                for n in range(5):
                    response = self.client_class().get(
                        f"{url}?z={n}&after=&lang=xx{n}",
                        headers={"accept-language": f"x-{n}, zz;q=0.{n}, en;q=0.1"},
                    )
                    assert response.content == first.content, url
            assert len(queries) == 0, url

    def test_a_meaningful_parameter_is_part_of_the_key(self) -> None:
        signatories = reverse("signatories", args=[self.campaign.slug])
        self.client.get(signatories)
        assert self.client.get(signatories + "?after=junk").status_code == 400

    def test_sign_form_is_never_shared_between_visitors(self) -> None:
        sign_url = reverse("sign", args=[self.campaign.slug])
        first = self.client_class().get(sign_url)
        second = self.client_class().get(sign_url)
        tokens = [TOKEN.search(r.content.decode()).group(1) for r in (first, second)]  # type: ignore[union-attr]
        assert tokens[0] != tokens[1]
        assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
        for response in (first, second):
            assert "ETag" not in response
            assert "public" not in response.get("Cache-Control", "")

    def test_unknown_campaign_not_cached(self) -> None:
        assert self.client.get("/c/no-such-campaign/").status_code == 404
        assert self.client.get("/c/no-such-campaign/counts.json").status_code == 404

    def test_signed_in_staff_bypass_the_cache(self) -> None:
        self.client.get(self.url)
        self.client.force_login(self.organizer)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url)
        assert response.status_code == 200
        assert len(queries) > 0

    @override_settings(CACHES=DEAD_REDIS)
    def test_cache_down_pages_served_uncached(self) -> None:
        with self.assertLogs("undersigned.campaigns.page_cache", "WARNING") as logs:
            response = self.client.get(self.url)
            counts = self.client.get(reverse("campaign_counts", args=[self.campaign.slug]))
        assert response.status_code == 200
        assert "ETag" not in response
        assert counts.json()["verified"] == 0
        assert all("serving uncached" in line for line in logs.output)
