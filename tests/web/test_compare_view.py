from django.core.cache import cache

from tests.base import PersonaTestCase, make_claims


class CompareViewTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.other = self.make_campaign("teachers")
        self.sign_verified(make_claims(1))
        self.sign_verified(make_claims(2))
        self.sign_verified(make_claims(3), self.other)
        self.refresh_counts()

    def test_this_campaign_beside_the_others(self) -> None:
        response = self.client.get("/c/deputies/compare/?lang=en")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("<polyline") == 2
        assert 'href="/c/teachers/"' in html
        assert "<td>2</td><td>1</td>" in html  # the table: deputies 2, teachers 1 on the day
        assert "style=" not in html and "<script" not in html

    def test_choosing_campaigns(self) -> None:
        self.make_campaign("third")
        html = self.client.get("/c/deputies/compare/?with=third&with=nope").content.decode()
        assert 'href="/c/third/"' in html
        assert html.count("<polyline") == 1  # "third" has no verified signatures yet
        assert 'value="teachers">' in html  # offered, not chosen

    def test_drafts_are_neither_compared_nor_offered(self) -> None:
        self.make_campaign("secret-draft", open_it=False)
        html = self.client.get("/c/deputies/compare/?with=secret-draft").content.decode()
        assert "secret-draft" not in html
        assert self.client.get("/c/secret-draft/compare/").status_code == 404
