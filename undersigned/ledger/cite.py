"""The line a journalist quotes for a checkpoint, in English or Russian, and reading one back.

    As of 2022-09-12 18:00 UTC: 19 verified signatories, 84 being checked — checkpoint 103
    of the public log of example.org/c/deputies, root <base64 root hash>

The log is named by its origin (the checkpoint's first line), the root as the checkpoint
writes it. No Django here: the standalone verifier reads lines with it.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Citation:
    time: str  # "2022-09-12T18:00:00Z", as the checkpoint carries it
    verified: int
    checking: int
    size: int
    origin: str
    root: str  # base64

    def line(self, language: str = "en") -> str:
        when = human_time(self.time)
        if language == "ru":
            return (
                f"По состоянию на {when}: проверенных подписантов — {self.verified}, "
                f"на проверке — {self.checking}; контрольная точка {self.size} "
                f"публичного журнала {self.origin}, корень {self.root}"
            )
        noun = "signatory" if self.verified == 1 else "signatories"
        return (
            f"As of {when}: {self.verified} verified {noun}, {self.checking} being checked — "
            f"checkpoint {self.size} of the public log of {self.origin}, root {self.root}"
        )


def human_time(time: str) -> str:
    """ "2022-09-12T18:00:00Z" as "2022-09-12 18:00 UTC" (seconds only when not zero)."""
    moment = datetime.strptime(time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if moment.second else "%Y-%m-%d %H:%M UTC")


class CitationError(ValueError):
    """A line that is not a citation of a checkpoint."""


_TIME = re.compile(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d(?::\d\d)?) UTC")
_ROOT = re.compile(r"(?:root|корень) ([A-Za-z0-9+/]{43}=)")
_SIZE = re.compile(r"(?:checkpoint|контрольная точка) (\d+)")
_ORIGIN = re.compile(r"(?:public log of|публичного журнала) (\S+?),")
_VERIFIED = re.compile(r"(\d+) verified signator|проверенных подписантов — (\d+)")
_CHECKING = re.compile(r"(\d+) being checked|на проверке — (\d+)")


def _number(pattern: re.Pattern[str], text: str, what: str) -> int:
    match = pattern.search(text)
    if match is None:
        raise CitationError(f"the line gives no {what}")
    return int(next(group for group in match.groups() if group is not None))


def parse(text: str) -> Citation:
    """The citation a line states, in either language; CitationError when a part is missing."""
    text = " ".join(text.split())
    time, root, size, origin = (
        _TIME.search(text),
        _ROOT.search(text),
        _SIZE.search(text),
        _ORIGIN.search(text),
    )
    if time is None:
        raise CitationError('the line gives no time such as "2022-09-12 18:00 UTC"')
    if root is None or size is None or origin is None:
        raise CitationError("the line names no checkpoint, log and root")
    clock = time.group(2) if time.group(2).count(":") == 2 else time.group(2) + ":00"
    return Citation(
        time=f"{time.group(1)}T{clock}Z",
        verified=_number(_VERIFIED, text, "verified figure"),
        checking=_number(_CHECKING, text, "being-checked figure"),
        size=int(size.group(1)),
        origin=origin.group(1),
        root=root.group(1),
    )
