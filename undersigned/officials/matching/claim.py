"""A signer's claims folded once into the keys every candidate is compared with."""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from undersigned.officials.folding import place_stem, word_key
from undersigned.officials.matching.vocabulary import LATIN_DIGRAPH_INITIALS, place_stems
from undersigned.officials.matching.written import layout_letters, read_name_field
from undersigned.officials.names import (
    case_forms,
    diminutive_keys,
    latin_to_cyrillic,
    look_alikes_to_cyrillic,
    morph,
    patronymic_root,
)

_CYRILLIC_WORD = re.compile(r"^[а-яё]+$")
_DOUBLED_LETTER = re.compile(r"([^\W\d_])\1")
# Latin initials that look like Cyrillic ones, as folded (lower case) words hold them.
_LOOK_ALIKE_INITIALS = {
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о",
    "p": "р", "t": "т", "x": "х", "y": "у",
}  # fmt: skip
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


@lru_cache(maxsize=50_000)
def _dictionary_name(folded: str) -> bool:
    """A Cyrillic word the dictionary knows as a name, surname or patronymic."""
    if not folded.isascii():
        folded = look_alikes_to_cyrillic(folded)  # "Мусiна"
    if not _CYRILLIC_WORD.match(folded):
        return False
    return any(
        parse.is_known and _NAME_TAGS & parse.tag.grammemes
        for parse in morph().parse(folded)[:4]  # type: ignore[attr-defined]
    )


class NameForm(NamedTuple):
    """One form a written word may stand for."""

    key: str
    by_case: bool  # found through a case form, not as written
    root: str  # the patronymic's root, when the form is one
    gender: str  # the gender the patronymic ending marks, or ""


def name_form(key: str, by_case: bool) -> NameForm:
    return NameForm(key, by_case, *patronymic_root(key))


@dataclass
class NameWord:
    """One word of a name the signer wrote, with the forms it may stand for."""

    text: str
    key: str
    initial: bool
    forms: list[NameForm]
    # The beginnings (of keys) an initial may stand for: as typed, and as the same key in
    # the other keyboard layout ("Y." typed for "Н."). A whole key: "Ю." is "iu", which
    # begins "Юрий" ("iurii") but not "Игорь".
    letters: frozenset[str] = frozenset()
    diminutive_of: dict[str, str] = field(default_factory=dict)
    expanded: bool = False
    # The registry's first names this word is, as written or in another case: "Инна" is
    # not a typo of "Дина" but another woman.
    first_names: frozenset[str] = frozenset()
    # A word that may be a council's instead (its stem), or "": left out of the name where
    # it agrees with the official's council, it costs nothing.
    place: str = ""
    # Its diminutive was found one letter off.
    diminutive_typo: bool = False
    # Some official's name part as written: not a typo of another one.
    known: bool = False

    @classmethod
    def parse(cls, word: str) -> "NameWord":
        key = word_key(word)
        initial = len(word) == 1 or word in LATIN_DIGRAPH_INITIALS
        letters = frozenset({key if initial else key[:1]})
        if initial and len(word) == 1 and word.isascii():
            letters |= {word_key(other) for other in layout_letters(word)} - {""}  # not "ь"
            # A Latin letter that looks like a Cyrillic one: "В." typed as "B.".
            if word in _LOOK_ALIKE_INITIALS:
                letters |= {word_key(_LOOK_ALIKE_INITIALS[word])}
        name_word = cls(word, key, initial, [name_form(key, False)], letters)
        name_word.find_diminutives()
        return name_word

    def add_case_forms(self) -> bool:
        """Add the nominative forms of a word in another case; True if there were any."""
        if self.initial or self.expanded:
            return False
        self.expanded = True
        extra = case_forms(self.text)
        if not extra:
            return False
        self.forms.extend(name_form(form, True) for form in extra)
        self.find_diminutives()
        self.find_first_names(self._known_first_names)
        return True

    _known_first_names: frozenset[str] = frozenset()

    def find_first_names(self, known_first_names: frozenset[str]) -> None:
        self._known_first_names = known_first_names
        if not self.initial:
            # A doubled letter folds to one ("Иина" is "ina", as "Инна"): only a word the
            # dictionary knows as written is that other name.
            folded_twice = _DOUBLED_LETTER.search(self.text) and not _dictionary_name(
                latin_to_cyrillic(self.text) if self.text.isascii() else self.text
            )
            found = {
                form.key
                for form in self.forms
                if form.key in known_first_names and (form.by_case or not folded_twice)
            }
            if not self.diminutive_typo:
                found |= set(self.diminutive_of)
            self.first_names = frozenset(found)

    def find_diminutives(self) -> None:
        table = diminutive_keys()
        for form in self.forms:
            for full_key, full_name in table.get(form.key, ()):
                self.diminutive_of.setdefault(full_key, full_name)

    def find_diminutive_with_typo(self) -> None:
        """ "Натпша", "Свтеа": a diminutive one letter off, for a word no one is named."""
        if self.initial or self.diminutive_of or len(self.key) < 4:
            return
        table = diminutive_keys()
        # Each one letter off or two swapped: "Мвша" is "Маша" or "Миша", "Салва" "Слава".
        for short, _distance, _index in process.extract(
            self.key, list(table), scorer=OSA.distance, score_cutoff=1, limit=None
        ):
            self.diminutive_typo = True
            for full_key, full_name in table[short]:
                self.diminutive_of.setdefault(full_key, full_name)


@dataclass
class ClaimKeys:
    """The signer's claims, folded once for all candidates."""

    words: list[NameWord]
    places: tuple[str, ...]
    region_code: str
    expanded: bool = False

    @classmethod
    def from_claims(
        cls,
        claims: Any,
        vocabulary: frozenset[str] = frozenset(),
        place_vocabulary: frozenset[str] = frozenset(),
        first_names: frozenset[str] = frozenset(),
    ) -> "ClaimKeys":
        from undersigned.officials.regions import find_region_code

        def known(word: str) -> bool:
            """A name the registry or the dictionary knows (for keyboard-layout slips)."""
            folded = word.casefold()
            return word_key(folded) in vocabulary or _dictionary_name(folded)

        def known_in_any_case(word: str) -> bool:
            """Also "Vladimiru", "Ivanovu": a name in another case, written in Latin."""
            if known(word):
                return True
            folded = word.casefold()
            if folded.isascii() and folded.isalpha() and len(folded) > 3:
                return any(form in vocabulary for form in case_forms(folded))
            return False

        given_region = claims.region_code or find_region_code(claims.region)
        written = read_name_field(
            claims.full_name,
            known=known,
            known_in_any_case=known_in_any_case,
            is_name=lambda word: word_key(word) in vocabulary,
            is_place=lambda word: place_stem(word_key(word)) in place_vocabulary,
            find_region=find_region_code,
            region_hint=given_region,
        )
        name_words = [NameWord.parse(word) for word in written.name]
        full = [word for word in name_words if not word.initial]
        if any(word.text.isascii() for word in full):
            # Beside a name in Latin, "S." is an S, not the "Ы" of the Russian layout.
            for word in name_words:
                if word.initial:
                    word.letters = frozenset({word.key})
        for name_word in name_words:
            name_word.known = name_word.key in vocabulary
            if not name_word.known and not _dictionary_name(name_word.text):
                name_word.find_diminutive_with_typo()
            name_word.find_first_names(first_names)
            if name_word.text in written.spare:
                name_word.place = place_stem(name_word.key)
        region_code = given_region or written.region
        places = place_stems(claims.body, claims.municipality, " ".join(written.places))
        return cls(name_words[:4], places, region_code)

    def expand(self, vocabulary: frozenset[str] = frozenset()) -> bool:
        """Add case forms to the words the registry does not know as written.

        True if any word gained one. A word that is some official's name part as
        written is taken to be in the nominative, which spares the dictionary.
        """
        if self.expanded:
            return False
        self.expanded = True
        return any([word.add_case_forms() for word in self.words if word.key not in vocabulary])

    def expand_all(self) -> bool:
        """Add case forms to every word: "Аллы" is some official's "Али", and also "Алла"."""
        self.expanded = True
        return any([word.add_case_forms() for word in self.words])
