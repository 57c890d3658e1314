"""Creating and revoking API tokens: each in a transaction, each recorded."""

from typing import Any

from django.db import transaction

from undersigned.api.models import ApiToken, hash_api_token, new_api_token
from undersigned.audit.actions import record


def create_api_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the clear token is returned once and never stored."""
    token = new_api_token()
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            user=user, name=name[:100], token_hash=hash_api_token(token)
        )
        record("api.token_created", api_token, actor=user, note=api_token.name)
    return api_token, token


def revoke_api_token(api_token: ApiToken, *, actor: Any) -> ApiToken:
    with transaction.atomic():
        api_token = ApiToken.objects.select_for_update().get(pk=api_token.pk)
        api_token.revoke()
        api_token.save(update_fields=["revoked_at"])
        record("api.token_revoked", api_token, actor=actor, note=api_token.name)
    return api_token
