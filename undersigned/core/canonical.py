"""Canonical forms of what signers type, so that the same claims written twice compare equal.

Folds case, ё/е, spacing and punctuation, Latin/Cyrillic look-alike letters and
name order. Used to detect duplicate signatures, never shown to anyone.
"""

import hashlib
import re
import unicodedata

# Latin letters that look like Cyrillic ones, and back.
_LATIN_LOOKALIKES = "aAbBcCeEHkKmMoOpPTxXyY"
_CYRILLIC_LOOKALIKES = "аАьВсСеЕНкКмМоОрРТхХуУ"
LATIN_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES)
CYRILLIC_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_LOOKALIKES)
_AMBIGUOUS = frozenset(_LATIN_LOOKALIKES + _CYRILLIC_LOOKALIKES)

_NOT_WORD = re.compile(r"[^\w]+")
_CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def strip_controls(value: str) -> str:
    """Remove control, format (bidi overrides, zero-width) and unassigned characters."""
    if value.isprintable():  # none of them (nor any separator but the space): as it is
        return value
    return "".join(ch for ch in value if unicodedata.category(ch) not in _CONTROL_CATEGORIES)


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def fold(value: str) -> str:
    """Lower case, no ё, one space between words, look-alike letters in the dominant script."""
    text = unicodedata.normalize("NFKC", strip_controls(value)).casefold()
    text = text.replace("ё", "е")
    # Only letters that look like no letter of the other script vote for the script.
    letters = [ch for ch in text if ch.isalpha() and ch not in _AMBIGUOUS]
    cyrillic = sum(1 for ch in letters if _is_cyrillic(ch))
    if cyrillic * 2 >= len(letters):
        text = text.translate(LATIN_TO_CYRILLIC)
    else:
        text = text.translate(CYRILLIC_TO_LATIN)
    return " ".join(word for word in _NOT_WORD.split(text) if word)


def fold_name(value: str) -> str:
    """`fold`, with name parts in a fixed order (so "Иван Петров" equals "Петров Иван")."""
    return " ".join(sorted(fold(value).split()))


def claims_key(full_name: str, body: str, municipality: str, region: str) -> str:
    """The digest that identifies one signer's claims within a campaign."""
    parts = [fold_name(full_name), fold(body), fold(municipality), fold(region)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
