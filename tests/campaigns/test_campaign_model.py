import pytest
from django.core.exceptions import ValidationError

from tests.base import PersonaTestCase
from undersigned.campaigns import actions
from undersigned.campaigns.models import Campaign, TransitionError


class CampaignModelTest(PersonaTestCase):
    def test_transitions(self) -> None:
        draft = self.make_campaign("draft", open_it=False)
        assert draft.state == Campaign.DRAFT
        with pytest.raises(TransitionError):
            draft.close()
        draft = actions.open_campaign(draft, actor=self.organizer)
        assert draft.opened_at is not None and draft.accepts_signatures
        draft = actions.close_campaign(draft, actor=self.organizer)
        assert not draft.accepts_signatures
        draft = actions.archive_campaign(draft, actor=self.organizer)
        with pytest.raises(TransitionError):
            draft.open()

    def test_text_falls_back_to_original(self) -> None:
        assert self.campaign.text_for("en").title == "Deputies' appeal"
        assert self.campaign.text_for("de").is_original

    def test_thresholds_must_be_positive_integers(self) -> None:
        with pytest.raises(ValidationError):
            actions.create_campaign(
                organizer=self.organizer, slug="bad", reveal_thresholds=[0, "x"], texts=[]
            )
        assert not Campaign.objects.filter(slug="bad").exists()

    def test_past_closing_date_stops_signing(self) -> None:
        from datetime import timedelta

        from django.utils import timezone

        self.campaign.closes_at = timezone.now() - timedelta(minutes=1)
        assert not self.campaign.accepts_signatures
