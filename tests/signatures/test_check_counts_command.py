from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.base import PersonaTestCase, make_claims
from undersigned.signatures import actions
from undersigned.signatures.models import Tally


class CheckCountsCommandTest(PersonaTestCase):
    def test_passes_when_tallies_match(self) -> None:
        self.sign_verified(make_claims(1))
        withdrawn, _ = self.sign(make_claims(2))
        actions.withdraw_signature(withdrawn)
        self.sign(make_claims(3))  # pending: the command folds it first
        out = StringIO()
        call_command("check_counts", stdout=out)
        assert "counts match a recount for 1 campaigns" in out.getvalue()

    def test_fails_naming_the_campaign_when_a_tally_drifted(self) -> None:
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        Tally.objects.filter(campaign=self.campaign, key=Tally.ALL, state="verified").update(n=5)
        with pytest.raises(CommandError, match="deputies"):
            call_command("check_counts", stdout=StringIO())
