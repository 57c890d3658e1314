from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.base import PersonaTestCase
from undersigned.api.models import ApiToken, hash_api_token


class ApiTokenCommandTest(PersonaTestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("api_token", *args, stdout=out)
        return out.getvalue()

    def test_create_list_revoke(self) -> None:
        out = self.run_command("create", "vera", "desk laptop")
        token = out.strip().splitlines()[-1]
        api_token = ApiToken.objects.get(token_hash=hash_api_token(token))
        listing = self.run_command("list")
        assert f"{api_token.pk}\tvera\tdesk laptop\tactive" in listing
        assert token not in listing
        self.run_command("revoke", str(api_token.pk))
        assert "revoked" in self.run_command("list")

    def test_unknown_user_or_token(self) -> None:
        with pytest.raises(CommandError):
            self.run_command("create", "nobody", "x")
        with pytest.raises(CommandError):
            self.run_command("revoke", "4242")
        assert not ApiToken.objects.exists()
