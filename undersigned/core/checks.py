"""Deployment checks (`manage.py check --deploy`): settings a production site must not ship with."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_deployment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if "undersigned.core.middleware.CsrfMiddleware" not in settings.MIDDLEWARE:
        problems.append(Error("The CSRF middleware is not installed.", id="undersigned.E004"))
    behind_proxy = settings.SECURE or settings.ONION_HOST
    if behind_proxy and not settings.TRUSTED_PROXY_HEADER:
        problems.append(
            Error(
                "The site runs behind a proxy (SECURE or ONION_HOST is set) but "
                "TRUSTED_PROXY_HEADER is empty: every visitor would share the proxy's "
                "address and one visitor's rate limit.",
                hint="Set TRUSTED_PROXY_HEADER=X-Real-IP (deploy/nginx sets that header).",
                id="undersigned.E001",
            )
        )
    if settings.SECURE and not settings.SITE_URL.startswith("https://"):
        problems.append(
            Error(
                "SECURE is set but SITE_URL is not https://: links in e-mail and Telegram "
                "would send signers to the site unencrypted.",
                id="undersigned.E002",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "ALLOWED_HOSTS contains '*': any Host header would be answered.",
                id="undersigned.E003",
            )
        )
    if not settings.REDIS_URL:
        problems.append(
            Warning(
                "REDIS_URL is empty: rate limits and the page cache are kept per process, "
                "so several app processes do not share them.",
                id="undersigned.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Warning(
                "The database is SQLite: fine for one process, not for a production site.",
                hint="Set DATABASE_URL to PostgreSQL.",
                id="undersigned.W002",
            )
        )
    return problems
