from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from tests.base import PersonaTestCase, make_claims
from undersigned.verification.models import (
    CODE_ALPHABET,
    ConfirmationCode,
    hash_code,
    new_code,
    normalise_code,
)


class ConfirmationCodeModelTest(PersonaTestCase):
    def test_codes_are_random_and_readable(self) -> None:
        codes = {new_code() for _ in range(200)}
        assert len(codes) == 200
        for code in codes:
            groups = code.split("-")
            assert [len(g) for g in groups] == [4, 4, 4]
            assert set("".join(groups)) <= set(CODE_ALPHABET)

    def test_typing_variants_of_a_code_hash_the_same(self) -> None:
        assert normalise_code(" 7k3m-q9xd 2hrt ") == "7K3MQ9XD2HRT"
        assert normalise_code("O1L") == "011"
        assert hash_code("7k3m q9xd 2hrt") == hash_code("7K3M-Q9XD-2HRT")
        assert hash_code("7K3M-Q9XD-2HRT") != hash_code("7K3M-Q9XD-2HRV")

    def test_the_hash_is_keyed_by_the_site_secret(self) -> None:
        plain = hash_code("7K3M-Q9XD-2HRT")
        with override_settings(SECRET_KEY="another-site-secret-of-sufficient-length-0123456789"):
            assert hash_code("7K3M-Q9XD-2HRT") != plain

    def test_usable_only_once_in_time_and_within_attempts(self) -> None:
        signature, _ = self.sign(make_claims(1))
        now = timezone.now()
        code = ConfirmationCode(
            signature=signature,
            code_hash="x" * 64,
            issued_by=self.verifier,
            issued_at=now,
            expires_at=now + timedelta(days=7),
        )
        assert code.is_usable(now)
        assert not code.is_usable(now + timedelta(days=7))
        code.failed_attempts = 5
        assert not code.is_usable(now)
        code.failed_attempts = 0
        code.use()
        assert not code.is_usable(now)
        fresh = ConfirmationCode(
            signature=signature,
            code_hash="y" * 64,
            issued_by=self.verifier,
            issued_at=now,
            expires_at=now + timedelta(days=7),
        )
        fresh.revoke()
        assert not fresh.is_usable(now)
