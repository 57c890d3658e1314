"""Find the officials of the registry a signer may be, with a score and the reasons for it.

Both the signer's claims and the registry are folded to one Latin key (`folding`),
so transliteration schemes, ё/е and look-alike letters do not matter. Name parts are
compared in any order, with case forms, diminutives, initials and a missing patronymic
allowed for; typos cost a little. Another first name written right, or a surname in
the other gender's form, is another person: a deputy's relative is not the deputy.
A name field may hold the whole claim (`written`): the part most like a name is the name.

    vocabulary      words that come with names and councils but say nothing of which one
    tuning          the tuned weights and costs
    claim           a signer's claims folded into keys (NameWord, NameForm, ClaimKeys)
    scoring         one official against one claim (NameParts, PartMatch, Scored)
    decision        auto / review / none from the best scores
    index           the registry in memory and the look-ups that find candidates
    explanation     the phrases a verifier reads beside a candidate
    registry_cache  each process's index, rebuilt when the registry changes
    bulk            a whole file of claims on forked processes
"""

from undersigned.officials.matching.bulk import MatchRow, match_in_parallel, match_rows
from undersigned.officials.matching.decision import AUTO, NONE, REVIEW, Candidate, decide
from undersigned.officials.matching.index import RegistryIndex
from undersigned.officials.matching.registry_cache import (
    find_candidates,
    load_index,
    registry_changed,
)

__all__ = [
    "AUTO",
    "NONE",
    "REVIEW",
    "Candidate",
    "MatchRow",
    "RegistryIndex",
    "decide",
    "find_candidates",
    "load_index",
    "match_in_parallel",
    "match_rows",
    "registry_changed",
]
