"""How alike a claim and one official are: per name part, council and region, one score."""

import itertools
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from undersigned.officials.folding import split_words, word_key
from undersigned.officials.matching.claim import ClaimKeys, NameWord
from undersigned.officials.matching.tuning import (
    AGREEMENT,
    DIMINUTIVE_SIMILARITY,
    DISAGREEMENT_FACTOR,
    EXTRA_WORD_FACTOR,
    FIRST,
    INITIAL_SIMILARITY,
    MISSING,
    NAME_WEIGHT,
    ONE_TYPO,
    OTHER_FIRST_NAME,
    OTHER_GENDER_SURNAME,
    PATRONYMIC,
    PATRONYMIC_AS_SURNAME,
    PLACE_DISAGREEMENT_FACTOR,
    PLACE_FLOOR,
    PLACE_TYPO,
    PLACE_WEIGHT,
    REGION_DISAGREEMENT_FACTOR,
    REGION_WEIGHT,
    ROLES,
    SURNAME,
    SURNAME_DISAGREEMENT_FACTOR,
    TYPO_FACTOR,
    UNKNOWN_PLACE,
    UNKNOWN_REGION,
    UNUSUAL_ORDER_COST,
    USUAL_ORDERS,
    WEIGHTS,
)
from undersigned.officials.names import other_gender, patronymic_root


class NameParts(NamedTuple):
    surname: str
    first: str
    patronymic: str


class Official:
    """An official as the index holds them: keys only, no personal data beyond the name."""

    __slots__ = (
        "gender",
        "id",
        "parts",
        "patronymic_root",
        "patronymic_surname",
        "places",
        "region",
        "source_id",
    )

    def __init__(
        self, pk: int, source_id: str, full_name: str, places: tuple[str, ...], region: str
    ) -> None:
        keys = [word_key(word) for word in split_words(full_name, join_hyphens=True)]
        self.id = pk
        self.source_id = source_id
        self.parts = NameParts(
            keys[0] if keys else "", keys[1] if len(keys) > 1 else "", "".join(keys[2:])
        )
        self.patronymic_root, self.gender = patronymic_root(self.parts.patronymic)
        # A surname with a patronymic's ending: "Петрович", "Бабич".
        self.patronymic_surname = bool(patronymic_root(self.parts.surname)[1])
        self.places = places
        self.region = region


class PartMatch(NamedTuple):
    """One part's comparison: similarity, how it was found, and the words to show for it."""

    similarity: float
    how: str
    shown: str


@dataclass
class Scored:
    official: Official
    score: float
    name_score: float
    # Per role (SURNAME, FIRST, PATRONYMIC), None when the signer left it out.
    parts: list[PartMatch | None]
    order_usual: bool
    place: float | None
    region: float | None


_NOT_FOUND = PartMatch(0.0, "plain", "")


# Case endings of names in key form, longest first: "Иваом" (Иваном with a typo) is
# compared as "iva" with "ivan", "Натаье" (Наталье) as "natai" with "natal".
_CASE_ENDINGS = (
    "omu", "ogo", "emu", "ego", "oiu", "eiu", "oi", "ei", "om", "em", "im", "ie", "iu",
    "ia", "u", "e", "i", "a", "o",
)  # fmt: skip


def _stem(key: str) -> str:
    for ending in _CASE_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            return key[: -len(ending)]
    return key


def _alike(key: str, part: str, typo: bool = False) -> float:
    """fuzz.ratio, or for a word not close as it is, the ratio of the two without their
    case endings, a little less: a typo in a word in another case, which has no case form
    in the dictionary to be found by. With `typo` (a word no official is named), one
    letter dropped, added, mistyped or two swapped in a word of five or more letters is
    a typo whatever the word's length ("Okunve" for "Окунев", "Серегй" for "Сергей")."""
    similarity = fuzz.ratio(key, part)
    if 45.0 <= similarity < 70.0:
        similarity = max(similarity, TYPO_FACTOR * fuzz.ratio(_stem(key), _stem(part)))
    if (
        typo
        and similarity < 100 * ONE_TYPO
        and min(len(key), len(part)) >= 5
        and OSA.distance(key, part, score_cutoff=1) <= 1
    ):
        similarity = 100 * ONE_TYPO
    return similarity


def _part_similarities(
    word: NameWord, official: Official
) -> tuple[PartMatch, PartMatch, PartMatch]:
    """How well one written word stands for each part of the official's name, and how."""
    surname, first, patronymic = official.parts
    if word.initial:
        letters = word.letters
        found = PartMatch(INITIAL_SIMILARITY, "initial", word.text)
        return (
            PartMatch(0.0, "initial", word.text),
            found if first.startswith(tuple(letters)) else _NOT_FOUND,
            found if patronymic and patronymic.startswith(tuple(letters)) else _NOT_FOUND,
        )
    best_surname = best_first = best_patronymic = 0.0
    how_surname = how_first = how_patronymic = "plain"
    gender = official.gender
    conflicting = False
    typo = not word.known
    for form in word.forms:
        how = "case" if form.by_case else "plain"
        similarity = _alike(form.key, surname, typo and not form.by_case)
        cap = 100 * OTHER_GENDER_SURNAME
        if similarity > cap and not form.by_case and other_gender(form.key, surname):
            # "Васильцова" as written is not "Васильцов" (its genitive may be: a case form).
            similarity = cap
        if form.gender and not official.patronymic_surname:
            similarity *= PATRONYMIC_AS_SURNAME  # "Ivanovich" is not "Ивановский"
        if similarity > best_surname:
            best_surname, how_surname = similarity, how
        # A word with a patronymic's ending is no first name ("Николаевич" for "Николай").
        similarity = 0.0 if form.gender else _alike(form.key, first, typo and not form.by_case)
        if similarity > best_first:
            best_first, how_first = similarity, how
        if patronymic:
            if form.gender:
                if gender and form.gender != gender:
                    conflicting = True
                    continue
                similarity = fuzz.ratio(form.root, official.patronymic_root)
            else:
                similarity = 0.9 * fuzz.ratio(form.key, patronymic)
            if similarity > best_patronymic:
                best_patronymic, how_patronymic = similarity, how
    first_match = PartMatch(best_first / 100, how_first, word.text)
    if (
        best_first < 100
        and word.first_names
        and first not in word.first_names
        and min(Levenshtein.distance(name, first) for name in word.first_names) > 1
    ):
        # Another first name, written right: another person (a sister, a son). One letter
        # apart may still be a typo ("Маия" for "Мария").
        first_match = PartMatch(min(best_first / 100, OTHER_FIRST_NAME), "other", word.text)
    elif best_first < 100 and first in word.diminutive_of:
        shown = f"{word.text.capitalize()}→{word.diminutive_of[first]}"
        similarity = DIMINUTIVE_SIMILARITY * (TYPO_FACTOR if word.diminutive_typo else 1.0)
        first_match = PartMatch(similarity, "diminutive", shown)
    if conflicting and best_patronymic == 0:
        patronymic_match = PartMatch(0.2, "gender", word.text)
    else:
        patronymic_match = PartMatch(best_patronymic / 100, how_patronymic, word.text)
    return PartMatch(best_surname / 100, how_surname, word.text), first_match, patronymic_match


class Assignment(NamedTuple):
    """One way to read the written words as name parts."""

    roles: tuple[int | None, ...]  # per written word, its role or None for an extra word
    extra: int
    usual: bool


@cache
def _assignments(count: int, with_patronymic: bool, spare: int = 0) -> tuple[Assignment, ...]:
    """Every reading of `count` words as name parts; `spare` words may also be no part."""
    roles: list[int | None] = [SURNAME, FIRST, PATRONYMIC] if with_patronymic else [SURNAME, FIRST]
    slots = roles + [None] * (max(0, count - len(roles)) + spare)
    result = []
    for assignment in sorted(set(itertools.permutations(slots, count)), key=str):
        placed = [role for role in assignment if role is not None]
        usual = any(
            [order.index(role) for role in placed] == sorted(order.index(role) for role in placed)
            for order in USUAL_ORDERS
        )
        result.append(Assignment(assignment, assignment.count(None), usual))
    return tuple(result)


def initials_reversed(words: list[NameWord], roles: tuple[int | None, ...]) -> bool:
    """The patronymic's initial read before the first name's: "А.И." is never Иван
    Александрович."""
    if FIRST not in roles or PATRONYMIC not in roles:
        return False
    first, patronymic = roles.index(FIRST), roles.index(PATRONYMIC)
    return patronymic < first and words[first].initial and words[patronymic].initial


def name_similarity(
    claim: ClaimKeys, official: Official, free: frozenset[int] = frozenset()
) -> tuple[float, list[PartMatch | None], bool]:
    """The best reading of the written words as the official's name parts, in any order.

    The words at `free` agree with the official's council: left out, they cost nothing.
    """
    if not claim.words:
        return 0.0, [None, None, None], True
    has_patronymic = bool(official.parts.patronymic)
    table = [_part_similarities(word, official) for word in claim.words]
    missing = (
        WEIGHTS[SURNAME] * MISSING[SURNAME],
        WEIGHTS[FIRST] * MISSING[FIRST],
        WEIGHTS[PATRONYMIC] * (MISSING[PATRONYMIC] if has_patronymic else 1.0),
    )
    best_score, best_usual = -1.0, True
    best_parts: list[PartMatch | None] = [None, None, None]
    spare = sum(bool(word.place) for word in claim.words)
    for assignment in _assignments(len(claim.words), has_patronymic, spare):
        parts: list[PartMatch | None] = [None, None, None]
        score = 0.0
        if initials_reversed(claim.words, assignment.roles):
            continue
        extra = assignment.extra
        if free and extra:
            extra -= sum(1 for index in free if assignment.roles[index] is None)
        factor = EXTRA_WORD_FACTOR**extra
        for index, role in enumerate(assignment.roles):
            if role is not None:
                found = table[index][role]
                parts[role] = found
                score += WEIGHTS[role] * found.similarity
                if found.similarity < AGREEMENT[role]:
                    factor *= (
                        SURNAME_DISAGREEMENT_FACTOR if role == SURNAME else DISAGREEMENT_FACTOR
                    )
        for role in ROLES:
            if parts[role] is None:
                score += missing[role]
        score = score * factor - (0.0 if assignment.usual else UNUSUAL_ORDER_COST)
        if score > best_score:
            best_score, best_parts, best_usual = score, parts, assignment.usual
    return max(best_score, 0.0), best_parts, best_usual


def place_similarity(
    claim_places: tuple[str, ...], official_places: tuple[str, ...]
) -> float | None:
    """How well the council words agree: 1 when each word of the shorter list is in the other."""
    if not claim_places or not official_places:
        return None
    if len(claim_places) > len(official_places):
        claim_places, official_places = official_places, claim_places
    total = 0.0
    for stem in claim_places:
        if stem in official_places:
            total += 1.0
            continue
        best = max(fuzz.ratio(stem, other) for other in official_places) / 100
        # A typo keeps the agreement; a name half alike keeps a little; a different name none.
        # Stems are short ("Мтка" for "Мотка" is "mtk" and "motk"): one letter dropped,
        # swapped or mistyped in a stem of four or more is a typo too.
        if best >= PLACE_TYPO or (
            best > PLACE_FLOOR
            and len(stem) >= 4
            and min(OSA.distance(stem, other) for other in official_places) <= 1
        ):
            total += 1.0
        elif best > PLACE_FLOOR:
            total += 0.5 * (best - PLACE_FLOOR) / (PLACE_TYPO - PLACE_FLOOR)
    return total / len(claim_places)


def _agrees_with_council(stem: str, places: tuple[str, ...]) -> bool:
    return stem in places or any(fuzz.ratio(stem, other) >= PLACE_TYPO * 100 for other in places)


def score_official(claim: ClaimKeys, official: Official) -> Scored:
    free = frozenset(
        index
        for index, word in enumerate(claim.words)
        if word.place and _agrees_with_council(word.place, official.places)
    )
    name, parts, usual = name_similarity(claim, official, free)
    places = claim.places + tuple(claim.words[index].place for index in sorted(free))
    place = place_similarity(places, official.places)
    region = None if not claim.region_code else float(claim.region_code == official.region)
    score = (
        NAME_WEIGHT * name
        + PLACE_WEIGHT * (UNKNOWN_PLACE if place is None else place)
        + REGION_WEIGHT * (UNKNOWN_REGION if region is None else region)
    )
    # Another council, or another region without the council to vouch for it, makes a
    # namesake more likely than the same person.
    if place == 0.0:
        score *= PLACE_DISAGREEMENT_FACTOR
    if region == 0.0 and (place is None or place < 0.5):
        score *= REGION_DISAGREEMENT_FACTOR
    return Scored(official, round(score, 4), name, parts, usual, place, region)
