"""The log's Ed25519 signing key: from LEDGER_SIGNING_KEY (or its _FILE), else generated
once into a git-ignored file under VAR_DIR. Never stored in the database."""

import base64
import binascii
import functools
import secrets
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILENAME = "ledger_signing_key"


def _seed_text() -> str:
    if settings.LEDGER_SIGNING_KEY:
        return str(settings.LEDGER_SIGNING_KEY)
    path = settings.VAR_DIR / KEY_FILENAME
    if not path.exists():
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


@functools.cache
def _key_from(seed_text: str) -> Ed25519PrivateKey:
    try:
        seed = base64.b64decode(seed_text, validate=True)
    except binascii.Error as error:
        raise ImproperlyConfigured("LEDGER_SIGNING_KEY is not base64") from error
    if len(seed) != 32:
        raise ImproperlyConfigured("LEDGER_SIGNING_KEY is not a 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def log_private_key() -> Ed25519PrivateKey:
    return _key_from(_seed_text())


def new_seed_text() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def default_origin(slug: str) -> str:
    """`<site host and path>/c/<slug>`: the checkpoint's first line and the key's name."""
    site = urlsplit(settings.SITE_URL)
    return f"{site.netloc}{site.path.rstrip('/')}/c/{slug}"
