from io import StringIO

from django.core.management import call_command

from tests.base import PersonaTestCase, make_claims
from undersigned.signatures.public import counts_for


class RunPeriodicCommandTest(PersonaTestCase):
    def test_once_runs_the_count_job(self) -> None:
        self.sign_verified(make_claims(1))
        out = StringIO()
        call_command("run_periodic", "--once", stdout=out)
        assert "counts" in out.getvalue()
        assert counts_for(self.campaign).verified == 1
