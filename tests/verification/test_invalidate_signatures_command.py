from io import StringIO

from django.core.management import CommandError, call_command

from tests.base import PersonaTestCase, make_claims
from undersigned.signatures.models import Signature


class InvalidateSignaturesCommandTest(PersonaTestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("invalidate_signatures", *args, stdout=out)
        return out.getvalue()

    def test_counts_first_then_applies(self) -> None:
        for n in range(3):
            self.sign(make_claims(n, region_code="RU-IRK"))
        kept, _ = self.sign(make_claims(9, region_code="RU-MOW"))
        out = self.run_command("deputies", "--as", "vera", "--region", "RU-IRK")
        assert "3 signatures match" in out
        assert Signature.objects.filter(state=Signature.REJECTED).count() == 0
        out = self.run_command(
            "deputies", "--as", "vera", "--region", "RU-IRK", "--apply", "--batch-size", "2"
        )
        assert "3 signatures invalidated" in out
        assert (
            Signature.objects.filter(state=Signature.REJECTED, reject_reason="invalidated").count()
            == 3
        )
        kept.refresh_from_db()
        assert kept.state == Signature.RECEIVED

    def test_refuses_without_a_criterion_an_outsider_or_a_naive_time(self) -> None:
        self.sign(make_claims(1))
        with self.assertRaises(CommandError):
            self.run_command("deputies", "--as", "vera", "--apply")
        with self.assertRaises(CommandError):
            self.run_command("deputies", "--as", "otto", "--region", "RU-MOW", "--apply")
        with self.assertRaises(CommandError):
            self.run_command("deputies", "--as", "vera", "--from", "2026-01-01T00:00", "--apply")
        with self.assertRaises(CommandError):
            self.run_command("nope", "--as", "vera", "--region", "RU-MOW")
        assert Signature.objects.filter(state=Signature.REJECTED).count() == 0
