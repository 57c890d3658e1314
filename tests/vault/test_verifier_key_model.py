import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from tests.base import PersonaTestCase
from tests.vault.keys import make_identity
from undersigned.campaigns.models import TransitionError
from undersigned.vault import actions
from undersigned.vault.models import VerifierKey, parse_public_key


class VerifierKeyModelTest(PersonaTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        _, self.public = make_identity(self.tmp, "vera")

    def test_only_age_public_keys_are_accepted(self) -> None:
        assert parse_public_key(f"  {self.public}\n") == self.public
        for bad in ("", "ssh-ed25519 AAAA", "age1notakey", "AGE-SECRET-KEY-1QQQ"):
            with pytest.raises(ValidationError):
                parse_public_key(bad)
        with pytest.raises(ValidationError):
            actions.add_verifier_key("age1notakey", "bad", campaign=self.campaign)
        assert not VerifierKey.objects.exists()

    def test_campaign_and_global_keys_apply_revoked_ones_do_not(self) -> None:
        other = self.make_campaign("other")
        _, second = make_identity(self.tmp, "second")
        _, everywhere = make_identity(self.tmp, "global")
        mine = actions.add_verifier_key(self.public, "Vera", campaign=self.campaign)
        actions.add_verifier_key(second, "Other", campaign=other)
        shared = actions.add_verifier_key(everywhere, "Global")
        assert list(VerifierKey.active_for(self.campaign)) == [mine, shared]
        actions.revoke_verifier_key(mine)
        assert list(VerifierKey.active_for(self.campaign)) == [shared]
        mine.refresh_from_db()
        with pytest.raises(TransitionError):
            mine.revoke()

    def test_a_key_is_active_once_per_campaign(self) -> None:
        from django.db import IntegrityError

        actions.add_verifier_key(self.public, "Vera", campaign=self.campaign)
        with pytest.raises(IntegrityError):
            actions.add_verifier_key(self.public, "Vera again", campaign=self.campaign)

    def test_sealing_keys_follow_a_change_here_at_once_and_elsewhere_in_time(self) -> None:
        mine = actions.add_verifier_key(self.public, "Vera", campaign=self.campaign)
        assert actions.sealing_keys(self.campaign) == [self.public]
        _, second = make_identity(self.tmp, "second")
        actions.add_verifier_key(second, "Second", campaign=self.campaign)
        assert actions.sealing_keys(self.campaign) == [self.public, second]
        actions.revoke_verifier_key(mine)
        assert actions.sealing_keys(self.campaign) == [second]
        # Revoked by another process: this one sees it once CAMPAIGN_CACHE_SECONDS are up.
        VerifierKey.objects.filter(public_key=second).update(revoked_at=timezone.now())
        assert actions.sealing_keys(self.campaign) == [second]
        with override_settings(CAMPAIGN_CACHE_SECONDS=0):
            assert actions.sealing_keys(self.campaign) == []
