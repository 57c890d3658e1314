"""Each process's index of the registry, rebuilt when the registry changes."""

from typing import Any

from undersigned.officials.matching.decision import Candidate
from undersigned.officials.matching.index import RegistryIndex

_INDEXES: dict[str | None, tuple[tuple[Any, ...], RegistryIndex]] = {}
_GENERATION = [0]


def registry_changed(**_kwargs: Any) -> None:
    """Signal receiver: an official was saved or deleted in this process."""
    _GENERATION[0] += 1


def _registry_version() -> tuple[Any, ...]:
    from django.db.models import Max

    from undersigned.officials.models import ImportRun, Official

    return (
        _GENERATION[0],
        ImportRun.objects.aggregate(top=Max("id"))["top"],
        Official.objects.aggregate(top=Max("id"))["top"],
    )


def load_index(source: str | None = None) -> RegistryIndex:
    """The index of the officials in office (of one source, or of all), cached per process."""
    from undersigned.officials.models import Official

    version = _registry_version()
    cached = _INDEXES.get(source)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = Official.objects.filter(in_office=True)
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
