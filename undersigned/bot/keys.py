"""Keyed hashes of chat ids, and the sealing to a chat of what waits in its conversation
(receipt links not yet delivered, a contact for verification until Sign is pressed).

Both derive from SECRET_KEY. Without it a seized database links no chat to a
signature; with it, only someone who already knows a chat id can find that chat's
signatures (Telegram ids are not secret, so the SECURITY.md row says exactly that).
"""

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.crypto import salted_hmac

NONCE_BYTES = 12


def chat_key(chat_id: int, purpose: str = "chat") -> str:
    return salted_hmac(f"undersigned.bot.{purpose}", str(chat_id), algorithm="sha256").hexdigest()


def _sealing_key(chat_id: int) -> bytes:
    return salted_hmac("undersigned.bot.seal", str(chat_id), algorithm="sha256").digest()


def seal(chat_id: int, value: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_sealing_key(chat_id)).encrypt(nonce, value.encode(), None)


def unseal(chat_id: int, sealed: bytes) -> str:
    """The sealed value; raises cryptography's InvalidTag when sealed for another chat."""
    sealed = bytes(sealed)
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    return AESGCM(_sealing_key(chat_id)).decrypt(nonce, ciphertext, None).decode()
