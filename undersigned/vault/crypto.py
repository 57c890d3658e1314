"""age encryption on the server side: to public keys only; nothing here can decrypt."""

import pyrage

# Contacts are padded to this many bytes before encryption, so ciphertext lengths are equal.
CONTACT_PADDED_LENGTH = 256


def encrypt_to(public_keys: list[str], plaintext: bytes, *, armored: bool = False) -> bytes:
    """An age file of `plaintext` for these recipients; armored: ASCII, as `age -a` writes."""
    if not public_keys:
        raise ValueError("no recipients")
    recipients = [pyrage.x25519.Recipient.from_str(key) for key in public_keys]
    return bytes(pyrage.encrypt(plaintext, recipients, armored=armored))


def contact_plaintext(kind: str, value: str) -> bytes:
    text = f"{kind}: {value}\n".encode()
    if len(text) > CONTACT_PADDED_LENGTH:
        raise ValueError("contact too long")
    return text.ljust(CONTACT_PADDED_LENGTH, b" ")
