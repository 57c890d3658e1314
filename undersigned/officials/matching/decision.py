"""What to do with a claim's best candidates: match at once, ask a person, or nothing."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings

AUTO = "auto"
REVIEW = "review"
NONE = "none"


@dataclass
class Candidate:
    official_id: int
    source_id: str
    score: float
    explanation: list[str]


class Thresholds(NamedTuple):
    auto: float
    review: float
    margin: float


def thresholds() -> Thresholds:
    """The thresholds from the settings."""
    return Thresholds(
        float(settings.MATCH_AUTO_THRESHOLD),
        float(settings.MATCH_REVIEW_THRESHOLD),
        float(settings.MATCH_AUTO_MARGIN),
    )


def decide_scores(scores: Sequence[float], limits: Thresholds | None = None) -> str:
    auto, review, margin = limits or thresholds()
    if not scores or scores[0] < review:
        return NONE
    if scores[0] >= auto and (len(scores) < 2 or scores[0] - scores[1] >= margin):
        return AUTO
    return REVIEW


def decide(candidates: Sequence[Candidate]) -> tuple[str, Candidate | None]:
    """auto (match the best), review (a person decides) or none, from candidates best first."""
    decision = decide_scores([candidate.score for candidate in candidates[:2]])
    if decision == NONE:
        return NONE, None
    return decision, candidates[0]
