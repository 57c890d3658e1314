"""Find the officials of the registry a signer may be, with a score and the reasons for it.

Both the signer's claims and the registry are folded to one Latin key (`folding`),
so transliteration schemes, ё/е and look-alike letters do not matter. Name parts are
compared in any order, with case forms, diminutives, initials and a missing patronymic
allowed for; typos cost a little. Officials are looked up by region first, then by
surname, by first name and patronymic, and by council; only if that finds no clear
match are case forms and fuzzy surname look-ups tried.
"""

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from undersigned.officials.folding import place_stem, split_words, word_key, words
from undersigned.officials.names import case_forms, diminutive_keys, patronymic_root

AUTO = "auto"
REVIEW = "review"
NONE = "none"


@dataclass
class Candidate:
    official_id: int
    source_id: str
    score: float
    explanation: list[str]


SURNAME, FIRST, PATRONYMIC = 0, 1, 2
WEIGHTS = (0.45, 0.30, 0.25)
# What a part the signer left out is worth: a missing patronymic costs little.
MISSING = (0.0, 0.3, 0.85)
INITIAL_SIMILARITY = 0.9
DIMINUTIVE_SIMILARITY = 0.96
# Below this a part written by both sides is taken to disagree, not to hold a typo.
AGREEMENT = 0.7
DISAGREEMENT_FACTOR = 0.75
# The surname carries most of a name's identity: another surname is another person.
SURNAME_DISAGREEMENT_FACTOR = 0.5
EXTRA_WORD_FACTOR = 0.9
UNUSUAL_ORDER_COST = 0.01
NAME_WEIGHT, PLACE_WEIGHT, REGION_WEIGHT = 0.78, 0.17, 0.05
UNKNOWN_PLACE, UNKNOWN_REGION = 0.7, 0.6
PLACE_DISAGREEMENT_FACTOR, REGION_DISAGREEMENT_FACTOR = 0.9, 0.85
# Council words less alike than this count as different councils.
PLACE_FLOOR = 0.5
PLACE_TYPO = 0.8
PLACE_AGREEMENT = 85.0
FUZZY_SURNAME_CUTOFF = 80.0
# Name part orders people write in: Фамилия Имя Отчество, or Имя Отчество Фамилия.
USUAL_ORDERS = ((SURNAME, FIRST, PATRONYMIC), (FIRST, PATRONYMIC, SURNAME))
# Two-letter Latin initials (Yu. Zh.).
LATIN_DIGRAPH_INITIALS = frozenset({"yu", "ya", "zh", "ch", "sh", "ye", "yo", "kh", "ts"})

# Words that come with a name in messages but are no part of it.
NOT_NAME_WORDS = frozenset(
    [
        "от",
        "для",
        "депутат",
        "депутата",
        "депутатка",
        "гн",
        "г-н",
        "г-жа",
        "господин",
        "госпожа",
        "deputy",
        "mr",
        "mrs",
        "ms",
    ]
)
# Words of council names that say what kind of body it is, not which one.
GENERIC_PLACE_WORDS = [
    "муниципальный",
    "муниципального",
    "муниципальное",
    "муниципальная",
    "муниципальном",
    "образование",
    "образования",
    "внутригородское",
    "внутригородского",
    "внутригородская",
    "мо",
    "вмо",
    "округ",
    "округа",
    "округе",
    "совет",
    "совета",
    "депутатов",
    "депутат",
    "дума",
    "думы",
    "городская",
    "городской",
    "городского",
    "город",
    "города",
    "г",
    "поселение",
    "поселения",
    "сельское",
    "сельского",
    "сельсовет",
    "городское",
    "района",
    "район",
    "районный",
    "районного",
    "собрание",
    "собрания",
    "представительное",
    "представительный",
    "орган",
    "федерального",
    "значения",
    "посёлок",
    "поселок",
    "пос",
    "село",
    "деревня",
    "станица",
    "хутор",
    "рабочий",
    "городской",
    "округа",
    "municipal",
    "municipality",
    "council",
    "district",
    "city",
    "town",
    "duma",
    "deputies",
    "of",
    "the",
    "okrug",
    "mo",
    "settlement",
    "village",
    "rural",
    "urban",
    "assembly",
    "local",
    "soviet",
    "municipalnyi",
    "municipalnogo",
    "obrazovaniya",
    "obrazovanie",
    "sovet",
    "deputatov",
    "gorodskoi",
    "okruga",
]


def _generic_stems() -> frozenset[str]:
    return frozenset(place_stem(word_key(word.replace("ё", "е"))) for word in GENERIC_PLACE_WORDS)


GENERIC_STEMS = _generic_stems()


@lru_cache(maxsize=50_000)
def place_stems(*texts: str) -> tuple[str, ...]:
    """The distinctive words of a council's name: "МО Семёновский" -> ("semenovsk",)."""
    stems: dict[str, None] = {}
    for text in texts:
        for word in words(text or "", join_hyphens=False):
            if len(word) < 2 and not word.isdigit():
                continue
            stem = place_stem(word_key(word))
            if stem not in GENERIC_STEMS:
                stems[stem] = None
    return tuple(stems)


@dataclass
class NameWord:
    """One word of a name the signer wrote, with the forms it may stand for."""

    text: str
    key: str
    initial: bool
    # (key, found through a case form, patronymic root, gender the patronymic ending marks)
    forms: list[tuple[str, bool, str, str]]
    diminutive_of: dict[str, str] = field(default_factory=dict)
    expanded: bool = False

    @classmethod
    def parse(cls, word: str) -> "NameWord":
        key = word_key(word)
        initial = len(word) == 1 or word in LATIN_DIGRAPH_INITIALS
        name_word = cls(word, key, initial, [(key, False, *patronymic_root(key))])
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
        self.forms.extend((form, True, *patronymic_root(form)) for form in extra)
        self.find_diminutives()
        return True

    def find_diminutives(self) -> None:
        table = diminutive_keys()
        for form in self.forms:
            for full_key, full_name in table.get(form[0], ()):
                self.diminutive_of.setdefault(full_key, full_name)


class Official:
    """An official as the index holds them: keys only, no personal data beyond the name."""

    __slots__ = ("gender", "id", "parts", "patronymic_root", "places", "region", "source_id")

    def __init__(
        self, pk: int, source_id: str, full_name: str, places: tuple[str, ...], region: str
    ) -> None:
        keys = [word_key(word) for word in split_words(full_name, join_hyphens=True)]
        surname = keys[0] if keys else ""
        first = keys[1] if len(keys) > 1 else ""
        patronymic = "".join(keys[2:])
        self.id = pk
        self.source_id = source_id
        self.parts = (surname, first, patronymic)
        self.patronymic_root, self.gender = patronymic_root(patronymic)
        self.places = places
        self.region = region


# One part's comparison: similarity, how it was found, and the words to show for it.
PartMatch = tuple[float, str, str]


@dataclass
class Scored:
    official: Official
    score: float
    name_score: float
    # Per part, None when the signer left it out.
    parts: list[PartMatch | None]
    order_usual: bool
    place: float | None
    region: float | None


@dataclass
class ClaimKeys:
    """The signer's claims, folded once for all candidates."""

    words: list[NameWord]
    places: tuple[str, ...]
    region_code: str
    expanded: bool = False

    @classmethod
    def from_claims(cls, claims: Any) -> "ClaimKeys":
        from undersigned.officials.regions import find_region_code

        name_words = [
            NameWord.parse(word)
            for word in words(claims.full_name, join_hyphens=True)
            if word not in NOT_NAME_WORDS
        ]
        region_code = claims.region_code or find_region_code(claims.region)
        return cls(name_words[:4], place_stems(claims.body, claims.municipality), region_code)

    def expand(self, vocabulary: frozenset[str] = frozenset()) -> bool:
        """Add case forms to the words the registry does not know as written.

        True if any word gained one. A word that is some official's name part as
        written is taken to be in the nominative, which spares the dictionary.
        """
        if self.expanded:
            return False
        self.expanded = True
        return any([word.add_case_forms() for word in self.words if word.key not in vocabulary])


_NOT_FOUND: PartMatch = (0.0, "plain", "")


def _part_similarities(
    word: NameWord, official: Official
) -> tuple[PartMatch, PartMatch, PartMatch]:
    """How well one written word stands for each part of the official's name, and how."""
    surname, first, patronymic = official.parts
    if word.initial:
        letter = word.key[:1]
        return (
            (0.0, "initial", word.text),
            (INITIAL_SIMILARITY, "initial", word.text) if first[:1] == letter else _NOT_FOUND,
            (INITIAL_SIMILARITY, "initial", word.text)
            if patronymic and patronymic[:1] == letter
            else _NOT_FOUND,
        )
    best_surname = best_first = best_patronymic = 0.0
    how_surname = how_first = how_patronymic = "plain"
    gender = official.gender
    conflicting = False
    for key, by_case, root, form_gender in word.forms:
        similarity = fuzz.ratio(key, surname)
        if similarity > best_surname:
            best_surname, how_surname = similarity, "case" if by_case else "plain"
        similarity = fuzz.ratio(key, first)
        if similarity > best_first:
            best_first, how_first = similarity, "case" if by_case else "plain"
        if patronymic:
            if form_gender:
                if gender and form_gender != gender:
                    conflicting = True
                    continue
                similarity = fuzz.ratio(root, official.patronymic_root)
            else:
                similarity = 0.9 * fuzz.ratio(key, patronymic)
            if similarity > best_patronymic:
                best_patronymic, how_patronymic = similarity, "case" if by_case else "plain"
    first_match: PartMatch = (best_first / 100, how_first, word.text)
    if best_first < 100 and first in word.diminutive_of:
        shown = f"{word.text.capitalize()}→{word.diminutive_of[first]}"
        first_match = (DIMINUTIVE_SIMILARITY, "diminutive", shown)
    if conflicting and best_patronymic == 0:
        patronymic_match: PartMatch = (0.2, "gender", word.text)
    else:
        patronymic_match = (best_patronymic / 100, how_patronymic, word.text)
    return (best_surname / 100, how_surname, word.text), first_match, patronymic_match


@cache
def _assignments(
    count: int, with_patronymic: bool
) -> tuple[tuple[tuple[int | None, ...], int, bool], ...]:
    """Each way to read `count` written words as name parts: (roles, extra words, usual order)."""
    roles: list[int | None] = [SURNAME, FIRST, PATRONYMIC] if with_patronymic else [SURNAME, FIRST]
    slots = roles + [None] * max(0, count - len(roles))
    result = []
    for assignment in sorted(set(itertools.permutations(slots, count)), key=str):
        placed = [role for role in assignment if role is not None]
        usual = any(
            [order.index(role) for role in placed] == sorted(order.index(role) for role in placed)
            for order in USUAL_ORDERS
        )
        result.append((assignment, assignment.count(None), usual))
    return tuple(result)


def name_similarity(
    claim: ClaimKeys, official: Official
) -> tuple[float, list[PartMatch | None], bool]:
    """The best reading of the written words as the official's name parts, in any order."""
    if not claim.words:
        return 0.0, [None, None, None], True
    has_patronymic = bool(official.parts[PATRONYMIC])
    table = [_part_similarities(word, official) for word in claim.words]
    missing = (
        WEIGHTS[SURNAME] * MISSING[SURNAME],
        WEIGHTS[FIRST] * MISSING[FIRST],
        WEIGHTS[PATRONYMIC] * (MISSING[PATRONYMIC] if has_patronymic else 1.0),
    )
    best_score, best_usual = -1.0, True
    best_parts: list[PartMatch | None] = [None, None, None]
    for assignment, extra, usual in _assignments(len(claim.words), has_patronymic):
        parts: list[PartMatch | None] = [None, None, None]
        score = 0.0
        factor = EXTRA_WORD_FACTOR**extra
        for index, role in enumerate(assignment):
            if role is not None:
                found = table[index][role]
                parts[role] = found
                score += WEIGHTS[role] * found[0]
                if found[0] < AGREEMENT:
                    factor *= (
                        SURNAME_DISAGREEMENT_FACTOR if role == SURNAME else DISAGREEMENT_FACTOR
                    )
        for role in (SURNAME, FIRST, PATRONYMIC):
            if parts[role] is None:
                score += missing[role]
        score = score * factor - (0.0 if usual else UNUSUAL_ORDER_COST)
        if score > best_score:
            best_score, best_parts, best_usual = score, parts, usual
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
        if best >= PLACE_TYPO:
            total += 1.0
        elif best > PLACE_FLOOR:
            total += 0.5 * (best - PLACE_FLOOR) / (PLACE_TYPO - PLACE_FLOOR)
    return total / len(claim_places)


def score_official(claim: ClaimKeys, official: Official) -> Scored:
    name, parts, usual = name_similarity(claim, official)
    place = place_similarity(claim.places, official.places)
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


class Block:
    """The officials of one region (or of all), with the look-ups that find candidates."""

    def __init__(self, officials: list[Official]) -> None:
        self.officials = officials
        self.by_surname: dict[str, list[Official]] = {}
        self.by_first_patronymic: dict[tuple[str, str], list[Official]] = {}
        self.by_place: dict[str, list[Official]] = {}
        for official in officials:
            surname, first, _patronymic = official.parts
            self.by_surname.setdefault(surname, []).append(official)
            self.by_first_patronymic.setdefault((first, official.patronymic_root), []).append(
                official
            )
            for stem in official.places:
                self.by_place.setdefault(stem, []).append(official)
        self.surnames = list(self.by_surname)
        self.place_keys = list(self.by_place)

    def by_name(self, claim: ClaimKeys) -> dict[int, Official]:
        """Officials whose surname, or whose first name and patronymic, were written."""
        found: dict[int, Official] = {}
        texts = [word for word in claim.words if not word.initial]
        for word in texts:
            for form in word.forms:
                for official in self.by_surname.get(form[0], ()):
                    found[official.id] = official
        for first, patronymic in itertools.permutations(texts, 2):
            first_keys = {*(form[0] for form in first.forms), *first.diminutive_of}
            roots = {form[2] for form in patronymic.forms if form[3]}
            for first_key in first_keys:
                for root in roots:
                    for official in self.by_first_patronymic.get((first_key, root), ()):
                        found[official.id] = official
        return found

    def by_council(self, claim: ClaimKeys) -> dict[int, Official]:
        found: dict[int, Official] = {}
        for stem in claim.places:
            for official in self.by_place.get(stem, ()):
                found[official.id] = official
        return found

    def fuzzy(self, claim: ClaimKeys) -> dict[int, Official]:
        """Officials whose surname or council is spelt nearly as written."""
        found: dict[int, Official] = {}
        for word in claim.words:
            if word.initial:
                continue
            for form in word.forms:
                for surname, _score, _index in process.extract(
                    form[0],
                    self.surnames,
                    scorer=fuzz.ratio,
                    score_cutoff=FUZZY_SURNAME_CUTOFF,
                    limit=8,
                ):
                    for official in self.by_surname[surname]:
                        found[official.id] = official
        for stem in claim.places:
            if stem in self.by_place:
                continue
            for place, _score, _index in process.extract(
                stem, self.place_keys, scorer=fuzz.ratio, score_cutoff=PLACE_AGREEMENT, limit=3
            ):
                for official in self.by_place[place]:
                    found[official.id] = official
        return found


Thresholds = tuple[float, float, float]


def thresholds() -> Thresholds:
    """(auto, review, margin) from the settings."""
    return (
        float(settings.MATCH_AUTO_THRESHOLD),
        float(settings.MATCH_REVIEW_THRESHOLD),
        float(settings.MATCH_AUTO_MARGIN),
    )


def _decide_scores(scores: Sequence[float], limits: Thresholds | None = None) -> str:
    auto, review, margin = limits or thresholds()
    if not scores or scores[0] < review:
        return NONE
    if scores[0] >= auto and (len(scores) < 2 or scores[0] - scores[1] >= margin):
        return AUTO
    return REVIEW


def decide(candidates: Sequence[Candidate]) -> tuple[str, Candidate | None]:
    """auto (match the best), review (a person decides) or none, from candidates best first."""
    decision = _decide_scores([candidate.score for candidate in candidates[:2]])
    if decision == NONE:
        return NONE, None
    return decision, candidates[0]


class RegistryIndex:
    """The officials of a registry in memory, blocked by region."""

    def __init__(self, officials: Iterable[Official]) -> None:
        everyone = list(officials)
        by_region: dict[str, list[Official]] = {}
        for official in everyone:
            by_region.setdefault(official.region, []).append(official)
        self.everyone = Block(everyone)
        self.regions = {code: Block(members) for code, members in by_region.items()}
        self.size = len(everyone)
        self.vocabulary = frozenset(part for official in everyone for part in official.parts)

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[Any]]) -> "RegistryIndex":
        """Rows of (id, source_id, full_name, body, municipality, region_code)."""
        interned: dict[tuple[str, ...], tuple[str, ...]] = {}
        officials = []
        for pk, source_id, full_name, body, municipality, region in rows:
            places = place_stems(body, municipality)
            places = interned.setdefault(places, places)
            officials.append(Official(pk, source_id, full_name, places, region))
        return cls(officials)

    def rank(self, claims: Any) -> list[Scored]:
        """The candidates found for `claims`, best first.

        Cheap look-ups first; each further step runs only while no clear match is found.
        """
        claim = ClaimKeys.from_claims(claims)
        block = self.regions.get(claim.region_code) if claim.region_code else self.everyone
        scored: dict[int, Scored] = {}
        ranked: list[Scored] = []
        limits = thresholds()

        def add(found: dict[int, Official]) -> bool:
            for pk, official in found.items():
                if pk not in scored:
                    scored[pk] = score_official(claim, official)
            ranked[:] = sorted(scored.values(), key=lambda s: -s.score)
            return _decide_scores([s.score for s in ranked[:2]], limits) == AUTO

        if block is not None:
            settled = add(block.by_name(claim)) or add(block.by_council(claim))
            if not settled and claim.expand(self.vocabulary):
                scored.clear()  # scored before the case forms were known
                settled = add(block.by_name(claim)) or add(block.by_council(claim))
            if not settled:
                add(block.fuzzy(claim))
        council_found = any(s.place for s in ranked)
        if claim.region_code and not council_found and (not ranked or ranked[0].score < limits[1]):
            # The region may be wrong (no council of it agrees): look for the name everywhere.
            claim.expand(self.vocabulary)
            add(self.everyone.by_name(claim))
        return ranked

    def candidates(self, claims: Any, limit: int = 5) -> list[Candidate]:
        return [
            Candidate(s.official.id, s.official.source_id, s.score, explain(s))
            for s in self.rank(claims)[:limit]
        ]

    def best(self, claims: Any) -> tuple[str, Scored | None]:
        """The decision and best candidate, without explanations (for bulk matching)."""
        ranked = self.rank(claims)
        decision = _decide_scores([s.score for s in ranked[:2]])
        return decision, (ranked[0] if ranked and decision != NONE else None)


# What each outcome of comparing a name part is called, per part.
PART_PHRASES = {
    "agrees": (
        gettext_lazy("surname agrees"),
        gettext_lazy("first name agrees"),
        gettext_lazy("patronymic agrees"),
    ),
    "case": (
        gettext_lazy("surname agrees (another grammatical case)"),
        gettext_lazy("first name agrees (another grammatical case)"),
        gettext_lazy("patronymic agrees (another grammatical case)"),
    ),
    "nearly": (
        gettext_lazy("surname nearly agrees (%(percent)s%%)"),
        gettext_lazy("first name nearly agrees (%(percent)s%%)"),
        gettext_lazy("patronymic nearly agrees (%(percent)s%%)"),
    ),
    "differs": (
        gettext_lazy("surname differs"),
        gettext_lazy("first name differs"),
        gettext_lazy("patronymic differs"),
    ),
    "missing": (
        gettext_lazy("surname missing"),
        gettext_lazy("first name missing"),
        gettext_lazy("patronymic missing"),
    ),
    "initial": (
        gettext_lazy("surname initial agrees"),
        gettext_lazy("first name initial agrees"),
        gettext_lazy("patronymic initial agrees"),
    ),
    "gender": (
        gettext_lazy("surname of the other gender"),
        gettext_lazy("first name of the other gender"),
        gettext_lazy("patronymic of the other gender"),
    ),
}


def explain(scored: Scored) -> list[str]:
    """Short phrases saying which parts agreed."""
    phrases = []
    for role, found in enumerate(scored.parts):
        if found is None:
            if scored.official.parts[role]:
                phrases.append(str(PART_PHRASES["missing"][role]))
            continue
        similarity, how, given = found
        if how == "diminutive":
            phrases.append(_("first name agrees (diminutive %(forms)s)") % {"forms": given})
        elif how == "initial" and similarity > 0:
            phrases.append(str(PART_PHRASES["initial"][role]))
        elif how == "gender":
            phrases.append(str(PART_PHRASES["gender"][role]))
        elif similarity >= 0.999:
            phrases.append(str(PART_PHRASES["case" if how == "case" else "agrees"][role]))
        elif similarity >= AGREEMENT:
            percent = math.floor(similarity * 100)
            phrases.append(str(PART_PHRASES["nearly"][role]) % {"percent": percent})
        else:
            phrases.append(str(PART_PHRASES["differs"][role]))
    if not scored.order_usual:
        phrases.append(_("name parts in an unusual order"))
    if scored.place is None:
        phrases.append(_("body not compared"))
    elif scored.place >= 0.999:
        phrases.append(_("body agrees"))
    elif scored.place > 0:
        phrases.append(_("body partly agrees"))
    else:
        phrases.append(_("body differs"))
    if scored.region is None:
        phrases.append(_("region not given"))
    elif scored.region:
        phrases.append(_("region agrees"))
    else:
        phrases.append(_("region differs"))
    return phrases


# The index of each registry scope, rebuilt when the registry changes.
_INDEXES: dict[str | None, tuple[tuple[Any, ...], RegistryIndex]] = {}
_GENERATION = [0]


def registry_changed(**_kwargs: Any) -> None:
    """Signal receiver: an official was saved or deleted in this process."""
    _GENERATION[0] += 1


def _registry_version(source: str | None) -> tuple[Any, ...]:
    from django.db.models import Max

    from undersigned.officials.models import ImportRun
    from undersigned.officials.models import Official as OfficialRow

    return (
        _GENERATION[0],
        ImportRun.objects.aggregate(top=Max("id"))["top"],
        OfficialRow.objects.aggregate(top=Max("id"))["top"],
    )


def load_index(source: str | None = None) -> RegistryIndex:
    """The index of the officials in office (of one source, or of all), cached per process."""
    from undersigned.officials.models import Official as OfficialRow

    version = _registry_version(source)
    cached = _INDEXES.get(source)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = OfficialRow.objects.filter(in_office=True)
    if source:
        rows = rows.filter(source=source)
    index = RegistryIndex.from_rows(
        rows.values_list("id", "source_id", "full_name", "body", "municipality", "region_code")
        .order_by("id")
        .iterator(chunk_size=10_000)
    )
    _INDEXES[source] = (version, index)
    return index


def find_candidates(claims: Any, *, source: str | None = None, limit: int = 5) -> list[Candidate]:
    """The registry's best candidates for `claims` (signatures.actions.Claims), best first."""
    return load_index(source or None).candidates(claims, limit)


MatchRow = tuple[str, str, float, str]


def match_rows(index: RegistryIndex, rows: Iterable[tuple[str, Any]]) -> list[MatchRow]:
    """(claim_id, claims) -> (claim_id, official source_id, score, decision)."""
    results = []
    for claim_id, claims in rows:
        decision, best = index.best(claims)
        if best is None:
            results.append((claim_id, "", 0.0, NONE))
        else:
            results.append((claim_id, best.official.source_id, best.score, decision))
    return results


_WORKER_INDEX: list[RegistryIndex] = []


def _match_chunk(chunk: list[tuple[str, Any]]) -> list[MatchRow]:
    return match_rows(_WORKER_INDEX[0], chunk)


def match_in_parallel(
    index: RegistryIndex,
    rows: Sequence[tuple[str, Any]],
    *,
    jobs: int,
    chunk_size: int = 200,
    progress: Callable[[int], None] | None = None,
) -> list[MatchRow]:
    """Match many claims on `jobs` processes forked after the index is built; input order kept."""
    chunks = [list(rows[start : start + chunk_size]) for start in range(0, len(rows), chunk_size)]
    results: list[MatchRow] = []
    if jobs <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            results.extend(match_rows(index, chunk))
            if progress:
                progress(len(chunk))
        return results
    import multiprocessing

    from django.db import connections

    from undersigned.officials.names import morph

    morph()  # loaded once, before the workers are forked
    # Workers never touch the database; a connection outside a transaction is closed so no
    # child shares its socket (inside one, as in tests, it must stay open).
    if not any(connection.in_atomic_block for connection in connections.all()):
        connections.close_all()
    _WORKER_INDEX[:] = [index]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for done in pool.imap(_match_chunk, chunks):
                results.extend(done)
                if progress:
                    progress(len(done))
    finally:
        _WORKER_INDEX.clear()
    return results
