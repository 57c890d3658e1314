"""The two public figures, verified and being checked, as the log's entries prove them.

Each entry moves one signature (its handle) between three standings: not counted,
being checked, verified. The log signs the figures with each checkpoint; an auditor
replays every entry to recompute them. No Django here: the standalone verifier uses it.

    received     not counted -> being checked (an arrival, or a rejected one reopened)
    verified     not counted or being checked -> verified
    rejected     being checked -> not counted (rejected, or merged into another claim)
    withdrawn    being checked or verified -> not counted
    invalidated  verified -> not counted
    revealed     a verified conditional signer named: no figure moves
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

CHECKING = "checking"
VERIFIED = "verified"

RECEIVED = "received"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
INVALIDATED = "invalidated"
REVEALED = "revealed"
EVENTS = frozenset({RECEIVED, VERIFIED, REJECTED, WITHDRAWN, INVALIDATED, REVEALED})

HANDLE = re.compile(r"^[0-9a-f]{32}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
NO_REGION = "-"


@dataclass
class Tally:
    """Figures after some prefix of the log. `standing` holds the standing of every
    handle seen (or, when signing a checkpoint, of the handles a batch touches)."""

    verified: int = 0
    checking: int = 0
    revealed: int = 0
    regions: dict[str, Counter[str]] = field(
        default_factory=lambda: {VERIFIED: Counter(), CHECKING: Counter()}
    )
    standing: dict[str, str] = field(default_factory=dict)

    def _move(self, handle: str, region: str, before: str | None, after: str | None) -> None:
        for standing, step in ((before, -1), (after, 1)):
            if standing == VERIFIED:
                self.verified += step
            elif standing == CHECKING:
                self.checking += step
            if standing is not None:
                self.regions[standing][region] += step
        if after is None:
            self.standing.pop(handle, None)
        else:
            self.standing[handle] = after

    def apply(self, index: int, entry: dict[str, Any]) -> str | None:
        """Apply one entry; a problem when it is not a valid move."""
        event, handle = entry.get("event"), entry.get("handle")
        if event not in EVENTS or not isinstance(handle, str) or not HANDLE.match(handle):
            return f"entry {index} is not a valid event"
        if not isinstance(entry.get("time"), str) or not TIME.match(entry["time"]):
            return f"entry {index} has no valid time"
        region = entry.get("region") or NO_REGION
        before = self.standing.get(handle)
        if event == RECEIVED:
            if before is not None:
                return f"entry {index}: a signature received twice"
            self._move(handle, region, None, CHECKING)
        elif event == VERIFIED:
            if before == VERIFIED:
                return f"entry {index}: a signature verified twice without being withdrawn"
            self._move(handle, region, before, VERIFIED)
        elif event == REJECTED:
            if before != CHECKING:
                return f"entry {index}: rejected a signature that was not being checked"
            self._move(handle, region, before, None)
        elif event == WITHDRAWN:
            if before is None:
                return f"entry {index}: withdrawn a signature that was not counted"
            self._move(handle, region, before, None)
        elif event == INVALIDATED:
            if before != VERIFIED:
                return f"entry {index}: invalidated a signature that was not verified"
            self._move(handle, region, before, None)
        else:
            if before != VERIFIED:
                return f"entry {index}: revealed a signature that is not counted"
            self.revealed += 1
        return None

    def figures(self) -> dict[str, Any]:
        """The figures as a checkpoint's page and JSON give them, regions by code."""
        codes = sorted(
            code for standing in self.regions.values() for code, n in standing.items() if n
        )
        return {
            "verified": self.verified,
            "checking": self.checking,
            "regions": {
                code: {
                    "verified": self.regions[VERIFIED][code],
                    "checking": self.regions[CHECKING][code],
                }
                for code in dict.fromkeys(codes)
            },
        }

    @classmethod
    def from_figures(cls, figures: dict[str, Any]) -> "Tally":
        tally = cls(verified=figures["verified"], checking=figures["checking"])
        for code, cell in figures.get("regions", {}).items():
            tally.regions[VERIFIED][code] = cell["verified"]
            tally.regions[CHECKING][code] = cell["checking"]
        return tally
