"""Token authentication for the staff endpoints: `Authorization: Bearer <token>`."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from undersigned.api.models import TOKEN_PREFIX, ApiToken, hash_api_token


class StaffToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_api_token(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        return api_token.user
