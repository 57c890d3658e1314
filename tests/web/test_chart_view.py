"""The chart URLs: SVG, cacheable, drawn from the tallies, 304 when unchanged."""

from django.core.cache import cache

from tests.base import PersonaTestCase, make_claims


class ChartViewTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def get(self, name: str, **headers: str) -> object:
        return self.client.get(f"/c/deputies/charts/{name}.svg?lang=en", headers=headers)

    def test_each_chart_is_svg_and_cacheable(self) -> None:
        self.sign_verified(make_claims(1, "RU-IRK"))
        self.refresh_counts()
        for name in ("timeline", "regions", "map"):
            response = self.get(name)
            assert response.status_code == 200, name
            assert response["Content-Type"].startswith("image/svg+xml")
            assert "public" in response["Cache-Control"]
            assert response.content.startswith(b"<svg")

    def test_charts_follow_the_counts(self) -> None:
        first = self.get("map")
        assert b"Irkutsk: 1" not in first.content
        assert self.get("map", **{"If-None-Match": first["ETag"]}).status_code == 304
        self.sign_verified(make_claims(1, "RU-IRK"))
        self.refresh_counts()
        second = self.get("map", **{"If-None-Match": first["ETag"]})
        assert second.status_code == 200
        assert b"Irkutsk: 1" in second.content

    def test_moving_counts_keep_one_copy_per_chart_and_language(self) -> None:
        def chart_keys() -> set[str]:
            store = cache._cache  # type: ignore[attr-defined]
            if isinstance(store, dict):  # local memory
                keys = set(store)
            else:  # Redis (CI's second pass)
                keys = {key.decode() for key in store.get_client().keys("*:chart:*")}
            return {key for key in keys if ":chart:" in key}

        self.get("map")
        kept = chart_keys()
        assert len(kept) == 1
        for n in range(3):
            self.sign_verified(make_claims(n + 1, "RU-IRK"))
            self.refresh_counts()
            assert f"Irkutsk: {n + 1}".encode() in self.get("map").content
        assert chart_keys() == kept

    def test_unknown_chart_or_campaign_is_404(self) -> None:
        self.make_campaign("secret-draft", open_it=False)
        assert self.get("pie").status_code == 404
        assert self.client.get("/c/nope/charts/map.svg").status_code == 404
        assert self.client.get("/c/secret-draft/charts/map.svg").status_code == 404

    def test_campaign_page_shows_charts_beside_tables(self) -> None:
        self.sign_verified(make_claims(1, "RU-IRK"))
        self.refresh_counts()
        html = self.client.get("/c/deputies/?lang=en").content.decode()
        for name in ("map", "regions", "timeline"):
            assert f'<img src="/c/deputies/charts/{name}.svg" alt="' in html
        assert '<th scope="row">Irkutsk</th>' in html  # the table for screen readers
