"""The registry in memory, blocked by region, and the look-ups that find a claim's candidates.

Officials are looked up by region first, then by surname, by first name and
patronymic, and by council; only if that finds no clear match are case forms and
fuzzy surname look-ups tried.
"""

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from rapidfuzz import fuzz, process

from undersigned.officials.matching.claim import ClaimKeys
from undersigned.officials.matching.decision import AUTO, NONE, Candidate, decide_scores, thresholds
from undersigned.officials.matching.explanation import explain
from undersigned.officials.matching.scoring import Official, Scored, score_official
from undersigned.officials.matching.tuning import (
    AGREEMENT_ON_MOST,
    FUZZY_SURNAME_CUTOFF,
    INITIAL_SIMILARITY,
    PLACE_AGREEMENT,
    REVIEW_FLOOR,
    SURNAME,
    SURNAME_WITH_TYPOS,
)
from undersigned.officials.matching.vocabulary import place_stems


def agrees_on_most(scored: Scored, words: int) -> bool:
    """A candidate that agrees with most of the claim, although its score is low: the
    surname with a typo or two, each of the claim's `words` read as a part written more
    than half alike (none of them another first name or the other gender's), and the
    council; without a council, the region and every part nearly alike."""
    parts = [part for part in scored.parts if part is not None]
    surname = scored.parts[SURNAME]
    if (
        scored.score < REVIEW_FLOOR
        or len(parts) < words
        or surname is None
        or surname.similarity <= SURNAME_WITH_TYPOS
        or len(parts) < 2
        or any(part.how in ("other", "gender") for part in parts)
    ):
        return False
    others = [part for part in parts if part is not surname]
    if scored.place == 1.0 and scored.region != 0.0:
        # The council agrees: a surname with typos beside the other parts right, or a
        # surname nearly right beside the other parts more than half alike.
        if all(part.similarity >= INITIAL_SIMILARITY for part in others):
            return True
        return surname.similarity >= AGREEMENT_ON_MOST and all(
            part.similarity > 0.6 for part in others
        )
    return (
        scored.place is None
        and scored.region == 1.0
        and all(part.similarity >= AGREEMENT_ON_MOST for part in parts)
    )


class Block:
    """The officials of one region (or of all), with the look-ups that find candidates."""

    def __init__(self, officials: list[Official]) -> None:
        self.officials = officials
        self.by_surname: dict[str, list[Official]] = {}
        self.by_first_patronymic: dict[tuple[str, str], list[Official]] = {}
        self.by_place: dict[str, list[Official]] = {}
        for official in officials:
            self.by_surname.setdefault(official.parts.surname, []).append(official)
            self.by_first_patronymic.setdefault(
                (official.parts.first, official.patronymic_root), []
            ).append(official)
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
                for official in self.by_surname.get(form.key, ()):
                    found[official.id] = official
        for first, patronymic in itertools.permutations(texts, 2):
            first_keys = {*(form.key for form in first.forms), *first.diminutive_of}
            roots = {form.root for form in patronymic.forms if form.gender}
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
                    form.key,
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
        self.place_vocabulary = frozenset(self.everyone.by_place)
        # Officials' first names: a claim's word that is one of them names that person, not
        # someone else's name with a typo.
        self.first_names = frozenset(
            official.parts.first for official in everyone if len(official.parts.first) > 2
        )

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
        claim = ClaimKeys.from_claims(
            claims, self.vocabulary, self.place_vocabulary, self.first_names
        )
        block = self.regions.get(claim.region_code) if claim.region_code else self.everyone
        scored: dict[int, Scored] = {}
        ranked: list[Scored] = []
        limits = thresholds()

        def add(found: dict[int, Official]) -> bool:
            for pk, official in found.items():
                if pk not in scored:
                    scored[pk] = score_official(claim, official)
            ranked[:] = sorted(scored.values(), key=lambda s: -s.score)
            return decide_scores([s.score for s in ranked[:2]], limits) == AUTO

        if block is not None:
            settled = add(block.by_name(claim)) or add(block.by_council(claim))
            if not settled and claim.expand(self.vocabulary):
                scored.clear()  # scored before the case forms were known
                settled = add(block.by_name(claim)) or add(block.by_council(claim))
            if not settled and claim.expand_all():
                scored.clear()
                settled = add(block.by_name(claim)) or add(block.by_council(claim))
            if not settled:
                add(block.fuzzy(claim))
        council_found = any(s.place for s in ranked)
        if (
            claim.region_code
            and not council_found
            and (not ranked or ranked[0].score < limits.review)
        ):
            # The region may be wrong (no council of it agrees): look for the name everywhere.
            claim.expand(self.vocabulary)
            add(self.everyone.by_name(claim))
        if (
            ranked
            and ranked[0].score < limits.review
            and agrees_on_most(ranked[0], len(claim.words))
        ):
            # Too unlike to match, too like to drop: a person looks.
            ranked[0].score = limits.review
        return ranked

    def candidates(self, claims: Any, limit: int = 5) -> list[Candidate]:
        return [
            Candidate(s.official.id, s.official.source_id, s.score, explain(s))
            for s in self.rank(claims)[:limit]
        ]

    def best(self, claims: Any) -> tuple[str, Scored | None]:
        """The decision and best candidate, without explanations (for bulk matching)."""
        ranked = self.rank(claims)
        decision = decide_scores([s.score for s in ranked[:2]])
        return decision, (ranked[0] if ranked and decision != NONE else None)
