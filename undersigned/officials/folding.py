"""Fold names and places, Cyrillic or Latin in any common scheme, to one comparison key.

Both sides of a match go through the same fold: "Ксения", "Kseniya", "Ksenia" and
"Kseniia" all become `ksenia`; "Семёновский", "Semyonovsky" and "Semenovskiy" become
`semenovski`. The key is an internal alphabet, never shown: Ж, Ч and Ш/Щ are written
`Z`, `C` and `S`.
"""

import re
import unicodedata
from functools import lru_cache

from undersigned.core.canonical import (
    CYRILLIC_TO_LATIN,
    LATIN_TO_CYRILLIC,
    strip_controls,
)

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "Z",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "C", "ш": "S", "щ": "S", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "e", "ґ": "g",
}  # fmt: skip
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)

# Letters with diacritics used by scholarly and ISO schemes, before diacritics are dropped.
_LATIN_SPECIAL = str.maketrans(
    {"ž": "zh", "č": "ch", "š": "sh", "ŝ": "shch", "â": "ia", "û": "iu", "ǎ": "ia", "ǔ": "iu"}
)
# Longest spellings first: each scheme's way of writing one Russian sound, to one letter.
_LATIN_RULES = (
    ("shch", "S"), ("shh", "S"), ("sch", "S"), ("sh", "S"), ("tch", "C"),
    ("ch", "C"), ("zh", "Z"), ("kh", "h"), ("tsh", "tS"), ("ts", "c"), ("tz", "c"), ("tc", "c"),
    ("cz", "C"),
    ("ye", "e"), ("je", "e"), ("yo", "e"), ("jo", "e"), ("ph", "f"), ("x", "ks"),
    ("w", "v"), ("q", "k"), ("j", "i"), ("y", "i"),
)  # fmt: skip
_LATIN_PATTERN = re.compile("|".join(re.escape(spelling) for spelling, _ in _LATIN_RULES))
_LATIN_REPLACEMENT = dict(_LATIN_RULES)
_DOUBLED = re.compile(r"(.)\1+")
_APOSTROPHES = re.compile(r"['’ʹʼ`´\"ʺ·]")
_WORD_HYPHEN = re.compile(r"(?<=\w)[-‐‑](?=\w)")
_NOT_WORD = re.compile(r"[^\w]+")
_SHORT_I = "\ue000"


_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[a-z]")
# Text made only of these needs no Unicode normalisation.
_PLAIN = re.compile(r"^[\x00-\x7fа-яё]*$")


def _one_script(word: str) -> str:
    """A word mixing look-alike letters of both scripts, written in its dominant one."""
    if word.isascii() or not _LATIN_LETTER.search(word):
        return word
    cyrillic = len(_CYRILLIC_LETTER.findall(word))
    if cyrillic * 2 >= sum(1 for ch in word if ch.isalpha()):
        return word.translate(LATIN_TO_CYRILLIC)
    return word.translate(CYRILLIC_TO_LATIN)


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The key of one folded word (from `words`)."""
    if _CYRILLIC_LETTER.search(word):
        word = word.translate(_CYRILLIC_TABLE)
    # Cyrillic output goes through the Latin rules too, so that "тс" meets "ts" and "ц".
    key = _LATIN_PATTERN.sub(lambda m: _LATIN_REPLACEMENT[m.group(0)], word)
    return _DOUBLED.sub(r"\1", key)


def split_words(text: str, *, join_hyphens: bool) -> tuple[str, ...]:
    """The words of `text`: lower case, diacritics (and ё's dots) dropped, one script each."""
    text = text.casefold().replace("ё", "е")
    if not _PLAIN.match(text):
        text = unicodedata.normalize("NFC", strip_controls(text)).translate(_LATIN_SPECIAL)
        # Й keeps its breve (the dictionary needs it); other marks go, ё's dots included.
        text = text.replace("й", _SHORT_I)
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
        text = text.replace(_SHORT_I, "й")
    text = _APOSTROPHES.sub("", text)
    if join_hyphens:
        text = _WORD_HYPHEN.sub("", text)
    return tuple(_one_script(word) for word in _NOT_WORD.split(text) if word)


# Signers' texts repeat (the same council, the same region); registry names do not.
words = lru_cache(maxsize=50_000)(split_words)


def text_keys(text: str, *, join_hyphens: bool = True) -> list[str]:
    return [word_key(word) for word in words(text, join_hyphens=join_hyphens)]


# Case and adjective endings, longest first, stripped from place words so that
# "Иркутска", "Иркутская" and "Irkutsk" meet.
_PLACE_ENDINGS = (
    "skogo", "skomu", "skoi", "skaia", "skoe", "skie", "skih", "skii", "ski",
    "ogo", "omu", "aia", "oe", "ie", "ih", "oi", "ei", "om", "a", "i", "u", "e", "o",
)  # fmt: skip


@lru_cache(maxsize=200_000)
def place_stem(key: str) -> str:
    for ending in _PLACE_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 4:
            stem = key[: -len(ending)]
            if ending.startswith("sk"):
                stem += "sk"
            return stem
    return key
