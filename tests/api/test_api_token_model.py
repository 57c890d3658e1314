from tests.base import PersonaTestCase
from undersigned.api.actions import create_api_token, revoke_api_token
from undersigned.api.models import ApiToken, hash_api_token
from undersigned.audit.models import AuditEvent


class ApiTokenTest(PersonaTestCase):
    def test_only_a_hash_is_stored(self) -> None:
        api_token, token = create_api_token(self.verifier, "desk laptop")
        assert token.startswith("us_")
        stored = ApiToken.objects.get(pk=api_token.pk)
        assert stored.token_hash == hash_api_token(token)
        assert token not in repr(stored.__dict__)
        assert AuditEvent.objects.filter(
            action="api.token_created", object_id=str(api_token.pk)
        ).exists()

    def test_tokens_are_unique_and_revocable(self) -> None:
        first, one = create_api_token(self.verifier, "a")
        _, two = create_api_token(self.verifier, "b")
        assert one != two
        revoke_api_token(first, actor=self.verifier)
        first.refresh_from_db()
        assert not first.is_active
        revoked_at = first.revoked_at
        revoke_api_token(first, actor=self.verifier)  # again: nothing moves
        first.refresh_from_db()
        assert first.revoked_at == revoked_at
