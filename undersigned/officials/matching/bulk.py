"""Matching a whole file of claims, on processes forked after the index is built."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from undersigned.officials.matching.decision import NONE
from undersigned.officials.matching.index import RegistryIndex


class MatchRow(NamedTuple):
    claim_id: str
    source_id: str  # the best official's, "" when none
    score: float
    decision: str


def match_rows(index: RegistryIndex, rows: Iterable[tuple[str, Any]]) -> list[MatchRow]:
    """(claim_id, claims) -> MatchRow."""
    results = []
    for claim_id, claims in rows:
        decision, best = index.best(claims)
        if best is None:
            results.append(MatchRow(claim_id, "", 0.0, NONE))
        else:
            results.append(MatchRow(claim_id, best.official.source_id, best.score, decision))
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
