from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from undersigned.signatures.models import Signature
from undersigned.verification import actions


class QueueViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client = self.desk_client(self.verifier)
        self.url = reverse("desk:queue", args=[self.campaign.slug])

    def names(self, query: str = "") -> str:
        response = self.client.get(self.url + "?lang=en" + query)
        assert response.status_code == 200
        return response.content.decode()

    def test_shows_signatures_being_checked_by_default(self) -> None:
        waiting, _ = self.sign(make_claims(1))
        self.sign_verified(make_claims(2))
        rejected, _ = self.sign(make_claims(3))
        actions.reject(rejected, actor=self.verifier, reason=Signature.REJECT_OTHER)
        page = self.names()
        assert "Депутатов1 " in page
        assert "Депутатов2 " not in page and "Депутатов3 " not in page
        assert "1 signature matches." in page
        assert reverse("desk:signature", args=[waiting.pk]) in page

    def test_filters_by_state_region_and_held(self) -> None:
        self.sign(make_claims(1, region_code="RU-SPE"))
        self.sign(make_claims(2, region_code="RU-MOW"))
        self.sign(make_claims(3, region_code="RU-MOW"), held=True)
        self.sign_verified(make_claims(4, region_code="RU-MOW"))
        page = self.names("&region=RU-MOW")
        assert "Депутатов2 " in page and "Депутатов3 " in page
        assert "Депутатов1 " not in page and "Депутатов4 " not in page
        page = self.names("&held=yes")
        assert "Депутатов3 " in page and "Депутатов2 " not in page
        page = self.names("&held=no&region=RU-MOW")
        assert "Депутатов2 " in page and "Депутатов3 " not in page
        page = self.names("&state=verified")
        assert "Депутатов4 " in page and "Депутатов1 " not in page
        page = self.names("&state=all")
        assert all(f"Депутатов{n} " in page for n in range(1, 5))

    def test_counts_by_state_and_pages(self) -> None:
        for n in range(55):
            self.sign(make_claims(n))
        self.sign_verified(make_claims(100))
        page = self.names()
        assert "55 signatures match." in page
        assert "Page 1 of 2" in page
        assert "Received: <strong>55</strong>" in page
        assert "Verified: <strong>1</strong>" in page
        second = self.names("&page=2")
        assert "Page 2 of 2" in second
        assert "Депутатов54 " in second and "Депутатов0 " not in second

    def test_a_bad_filter_is_ignored_not_an_error(self) -> None:
        self.sign(make_claims(1))
        response = self.client.get(self.url + "?state=nonsense&region=XX")
        assert response.status_code == 200

    def test_the_page_has_no_script_and_keyboard_landmarks(self) -> None:
        page = self.names()
        assert "<script" not in page and "style=" not in page
        assert 'href="#main"' in page and 'id="main"' in page
        assert '<meta name="robots" content="noindex, nofollow">' in page

    def test_query_count_does_not_grow_with_the_page(self) -> None:
        for n in range(5):
            self.sign(make_claims(n))
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url)
        for n in range(5, 40):
            self.sign(make_claims(n))
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(self.url)
