"""Bad input to the matcher: any claims give a ranked list of candidates, never an error."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tests.base import OLGA, PersonaTestCase
from undersigned.officials.matching import find_candidates
from undersigned.signatures.actions import Claims

TRICKY = "\u202e\u200b\ufeff\x00\x1b\r\n\t АВЕКМНОРСТХаеосрхуABEKMHOPCTXaeocpxyёЁ\u0301-.'"
text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(TRICKY), max_size=250)


class MatcherFuzzTest(HypothesisTestCase, PersonaTestCase):
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(full_name=text, body=text, municipality=text, region=text)
    def test_any_claims_are_ranked_without_error(
        self, full_name: str, body: str, municipality: str, region: str
    ) -> None:
        claims = Claims(
            full_name=full_name,
            office="депутат",
            body=body,
            municipality=municipality,
            region=region,
            region_code=region[:16],
        )
        candidates = find_candidates(claims)
        assert len(candidates) <= 5
        scores = [c.score for c in candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= score <= 1.0 for score in scores)

    def test_olga_written_with_lookalikes_and_controls_still_matches(self) -> None:
        claims = Claims(
            full_name="\u202eCемёнова\u200b Oльгa Пeтрoвнa",
            office=OLGA.office,
            body=OLGA.body,
            municipality=OLGA.municipality,
            region=OLGA.region,
            region_code=OLGA.region_code,
        )
        candidates = find_candidates(claims)
        assert candidates and candidates[0].official_id == self.official.pk
