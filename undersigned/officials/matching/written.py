"""A name field read the way people fill it in messages and spreadsheets.

People write more than a name there: "деп. МО Семёновский Иванова М.П.",
"Депутат с.п. Ивановское Петров Иван, Тверская обл.", a name typed with the keyboard
left in the Latin layout ("Bdfyjdf Vfhbz"). This splits such a field into the words of
the name, the words of a council and a region, for `ClaimKeys`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from undersigned.officials.folding import word_key, words
from undersigned.officials.matching.vocabulary import (
    COUNCIL_MARKERS,
    GENERIC_PLACE_WORDS,
    LATIN_DIGRAPH_INITIALS,
    NOT_NAME_WORDS,
    REGION_WORDS,
    abbreviations,
)
from undersigned.officials.names import diminutive_keys, patronymic_root

_SEGMENTS = re.compile(r"[,;()\n]+|\s[-–—]+\s")
# "МП" in "Иванова МП": two capitals standing alone are initials.
_PAIRED_INITIALS = re.compile(
    r"(?<![^\W\d_]|['’ʼʹ`])([А-ЯЁA-Z])([А-ЯЁA-Z])(?![^\W\d_]|['’ʼʹ`])"
)  # not "IL" of "IL’YA"
_NOT_INITIALS = frozenset({"МО", "MO", "ГО", "GO"})

_LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~"
_RUSSIAN_KEYS = "йцукенгшщзхъфывапролджэячсмитьбюёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ"
_LAYOUT = str.maketrans(_LATIN_KEYS, _RUSSIAN_KEYS)
_LAYOUT_TOKEN = re.compile(r"^[A-Za-z\[\];',.`{}:\"<>~]+$")


@dataclass
class NameField:
    name: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    region: str = ""
    # Words of the name that may be a council's instead.
    spare: list[str] = field(default_factory=list)


def _initials(match: re.Match[str]) -> str:
    pair = match.group(0)
    return pair if pair in _NOT_INITIALS else f"{match.group(1)} {match.group(2)}"


_DOTTED_INITIALS = re.compile(r"^([A-Za-z]\.)+$")


def _layout(token: str) -> str:
    if _DOTTED_INITIALS.match(token):  # "B.D." -> "И.В.", the dots kept
        return "".join(ch.translate(_LAYOUT) if ch != "." else ch for ch in token)
    return token.translate(_LAYOUT)


_LATIN_VOWELS = frozenset("aeiouyAEIOUY")


def _unspeakable(token: str) -> bool:
    """Too few vowels to be a transliteration: Russian typed in the Latin layout ("Bdfnjdf")."""
    letters = [ch for ch in token if ch.isalpha()]
    if len(letters) < 5:
        return False
    return sum(ch in _LATIN_VOWELS for ch in letters) / len(letters) < 0.2


_RUSSIAN_VOWELS = frozenset("аеёиоуыэюяАЕЁИОУЫЭЮЯ")


def _speakable_russian(word: str) -> bool:
    """Enough vowels to be a Russian word: "Bdfyjdf" reads "Иванова", "Blkhin" "Идлршт"."""
    return sum(ch in _RUSSIAN_VOWELS for ch in word) / max(1, len(word)) >= 0.25


def keyboard_layout(
    text: str, known: Callable[[str], bool], is_place: Callable[[str], bool] = lambda _: False
) -> str:
    """Words typed with the Latin layout on where the Russian one was meant, in Cyrillic.

    A word is turned when its Russian reading is a word `known` knows and the Latin one
    is not, so "Ivanova" stays and "Bdfyjdf" becomes "Иванова"; once one word of the
    text is turned, the other words that read as Russian are turned with it, but not a
    settlement type written in Latin ("s.p."). A word that is neither is turned for
    having no vowels only when no other word of the text is a known Latin spelling:
    "Vtktor" beside "Vladimirovich" is a typo, not a slip.
    """
    if not any("a" <= ch <= "z" or "A" <= ch <= "Z" for ch in text):
        return text
    tokens = text.split()
    slipped = [
        bool(_LAYOUT_TOKEN.match(token)) and len(token) >= 2 and abbreviations(token) == token
        for token in tokens
    ]
    latin = [token.rstrip(",;.") for token in tokens]
    known_latin = {
        index
        for index, word in enumerate(latin)
        if word.isalpha() and word.isascii() and known(word)
    }
    turned = []
    for index, token in enumerate(tokens):
        if not slipped[index] or len(token) < 3:
            continue
        russian = _layout(token.rstrip(",;"))
        if (
            russian.isalpha()
            and index not in known_latin
            and not is_place(latin[index].casefold())
            and (
                known(russian)
                or (not known_latin and _unspeakable(latin[index]) and _speakable_russian(russian))
            )
        ):
            turned.append(index)
    if not turned:
        return text
    for index, token in enumerate(tokens):
        if slipped[index] and not known(latin[index]) and not is_place(latin[index].casefold()):
            tokens[index] = _layout(token)
    return " ".join(tokens)


def layout_letters(letter: str) -> tuple[str, ...]:
    """The Cyrillic letter a Latin one stands for when typed in the wrong layout."""
    other = letter.translate(_LAYOUT)
    return (other.casefold(),) if other != letter and other.isalpha() else ()


def _undotted_initials(word: str) -> list[str] | None:
    """ "ayu", "eya", "se": initials written together without dots, or None."""
    chunks: list[str] = []
    rest = word
    while rest:
        if rest[:2] in LATIN_DIGRAPH_INITIALS:
            chunks.append(rest[:2])
            rest = rest[2:]
        else:
            chunks.append(rest[:1])
            rest = rest[1:]
    if len(word) == 2:
        return chunks
    # Longer ones only in Latin, with a two-letter initial: "ayu" (А.Ю.), "yeg" (Е.Г.).
    if word.isascii() and len(chunks) == 2 and any(len(chunk) == 2 for chunk in chunks):
        return chunks
    return None


def _walk(
    segment: str,
    is_name: Callable[[str], bool],
    is_place: Callable[[str], bool],
    known: Callable[[str], bool] = lambda _: False,
) -> tuple[list[str], list[str], list[str]]:
    """(name words, council words, name words that may be a council's) of one part of a
    name field."""
    found = [
        word
        for word in words(segment, join_hyphens=True)
        if (word not in NOT_NAME_WORDS and word not in REGION_WORDS) or is_name(word)
    ]
    name: list[str] = []
    places: list[str] = []
    after_marker = council_read = False
    for word in found:
        if (
            len(word) > 1
            and (word in COUNCIL_MARKERS or word in GENERIC_PLACE_WORDS)
            and not is_name(word)  # "Депутатов" is a surname too
        ):
            # "Прохорск с/с": a marker after the council's name does not take the next word.
            # Nor does one after a council's name already read: "МО Ларченкский район".
            if name and is_place(name[-1]) and not is_name(name[-1]):
                places.append(name.pop())
                after_marker = False
            else:
                after_marker = not council_read
            continue
        council_read = False
        if after_marker and not is_name(word):
            places.append(word)
            council_read = True
        elif (
            2 <= len(word) <= 4
            and len(found) > 1
            and word.isalpha()
            and not is_name(word)
            and word not in LATIN_DIGRAPH_INITIALS
            and word_key(word) not in diminutive_keys()
            and any(len(other) > 4 for other in found)
            and (chunks := _undotted_initials(word))
        ):
            name.extend(chunks)  # "av", "ayu" in "volkov ayu": initials written without dots
        else:
            name.append(word)
        after_marker = False
    # More words than a name has: those the registry knows as councils, not names, are one.
    excess = len(name) - 3
    for word in list(name):
        if excess <= 0:
            break
        if is_place(word) and not is_name(word):
            name.remove(word)
            places.append(word)
            excess -= 1
    # In a name of three words, one the registry knows as a council's and no one's name
    # may be either ("депутат Дубинка Василий Лишанский", "Павлову Михаилу Владимировичу"),
    # and so may one that no one knows at all ("Стукино Субботин Александр", a council
    # with a typo): the scoring reads it both ways, as a council's where a council agrees.
    spare: list[str] = []
    if len(name) >= 3:
        spare = [word for word in name if is_place(word) and not is_name(word)][:1] or [
            word
            for word in name
            if len(word) > 3
            and not is_name(word)
            and not patronymic_root(word_key(word))[1]
            and not known(word)
        ][:1]
    return name, places, spare


def _region_of(text: str, known: Callable[[str], bool], find_region: Callable[..., str]) -> str:
    """The region a part of a name field names, if it names one and is not a name.

    With a word such as "область" any spelling near a region's will do; without one the
    region must be named exactly and no word of it be a name ("Киров", "Vladimiru").
    """
    lowered = words(text, join_hyphens=True)
    if not lowered:
        return ""
    if any(word in REGION_WORDS for word in lowered):
        return str(find_region(text) or "")
    code = str(find_region(text, nearest=False) or "")
    return "" if code and any(known(word) for word in lowered) else code


def _peel_region(
    segment: str, known: Callable[[str], bool], find_region: Callable[..., str], hint: str
) -> tuple[str, str]:
    """(region code, the rest) of a segment that starts or ends with a region's name:
    "Тверская область МО Ивановское Петров Иван" -> ("RU-TVE", "МО Ивановское Петров Иван").

    The rest must still hold two words; with a region given elsewhere (`hint`), only
    that region is taken off.
    """
    tokens = segment.split()
    for size in (3, 2, 1):
        if len(tokens) < size + 2:
            continue
        for part, rest in ((tokens[:size], tokens[size:]), (tokens[-size:], tokens[:-size])):
            code = _region_of(" ".join(part), known, find_region)
            if code and (not hint or code == hint):
                return code, " ".join(rest)
    return "", segment


def read_name_field(
    text: str,
    *,
    known: Callable[[str], bool],
    is_name: Callable[[str], bool],
    is_place: Callable[[str], bool],
    find_region: Callable[..., str],
    region_hint: str = "",
    known_in_any_case: Callable[[str], bool] | None = None,
) -> NameField:
    """The name, council words and region of a name field.

    The field is cut at commas, brackets and dashes; a part that names a region is the
    region, and of the others the one that reads most like a name is the name, wherever
    it stands: "Тверская область, с.п. Ивановское, Петров Иван" as well as
    "Петров Иван (с.п. Ивановское)". The words of the other parts are council words.
    `region_hint` is the region the claims give elsewhere, if any; `known_in_any_case`
    knows names in other cases too, so that "Vladimiru" is not taken for a region.
    """

    text = abbreviations(keyboard_layout(text or "", known, is_place), in_name=True)
    text = _PAIRED_INITIALS.sub(_initials, text)
    result = NameField()
    readings: list[tuple[list[str], list[str], str]] = []
    for segment in _SEGMENTS.split(text):
        if not segment.strip():
            continue
        # A part of its own names a region unless a word of it is a name as written.
        code = "" if result.region else _region_of(segment, is_name, find_region)
        if code and (not region_hint or code == region_hint):
            result.region = code
            continue
        if not result.region:
            result.region, segment = _peel_region(
                segment, known_in_any_case or known, find_region, region_hint
            )
        name, places, spare = _walk(segment, is_name, is_place, known)
        result.places.extend(places)
        if name:
            readings.append((name, spare, segment))
    if not readings:
        return result

    def nameness(reading: tuple[list[str], list[str], str]) -> float:
        name, _spare, segment = reading
        total = 0.0
        for word in name:
            if len(word) == 1 or word in LATIN_DIGRAPH_INITIALS:
                total += 0.5
            elif is_name(word):
                total += 1.0
            elif known(word):  # the dictionary's name, surname or patronymic
                total += 0.7
            elif is_place(word):
                total -= 1.0
            else:
                total += 0.2
        # A part that also names a region ("Amurskaia", a surname too), or that holds a
        # council's words ("МО Ковальский район"), is less likely the name.
        if find_region(segment, nearest=False):
            total -= 0.8
        if any(
            word in COUNCIL_MARKERS and not is_name(word)
            for word in words(segment, join_hyphens=True)
        ):
            total -= 1.0
        return total

    best = 0
    if len(readings) > 1:
        best = max(range(len(readings)), key=lambda i: (nameness(readings[i]), -i))
    result.name, result.spare, _segment = readings[best]
    for index, (name, _spare, _segment) in enumerate(readings):
        if index != best:
            result.places.extend(name)
    return result
