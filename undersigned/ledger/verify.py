"""Check a campaign's public log from the outside: `python -m undersigned.ledger.verify URL_OR_DIR`.

Runs with no Django and no database (only the standard library and `cryptography`), on
the running site or on a static mirror. For each campaign it checks the checkpoint's
signature (and any witness's), rebuilds the Merkle tree from the published entries and
compares its root with the signed one, checks that the log only grew since the
checkpoints seen before (kept in a local state file), recomputes the counts from the
entries and compares them with the counts the site shows. Exit status 1 on any mismatch.
"""

import abc
import argparse
import base64
import binascii
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from undersigned.ledger import merkle, note, paths

EVENTS_ADDING = {"verified"}
EVENTS_REMOVING = {"withdrawn", "invalidated"}
EVENTS = {"verified", "withdrawn", "invalidated", "revealed"}
HANDLE = re.compile(r"^[0-9a-f]{32}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class VerifyError(Exception):
    """The source could not be read at all."""


class Source(abc.ABC):
    @abc.abstractmethod
    def read(self, path: str) -> bytes | None:
        """The file at `path` under the source's root, or None when there is none."""

    def post(self, path: str, fields: dict[str, str]) -> bytes:
        raise VerifyError("only a live site accepts cosignatures")

    def read_json(self, path: str) -> Any:
        raw = self.read(path)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError as error:
            raise VerifyError(f"{path} is not JSON") from error


class UrlSource(Source):
    def __init__(self, base: str):
        self.base = base if base.endswith("/") else base + "/"

    def __str__(self) -> str:
        return self.base

    def read(self, path: str) -> bytes | None:
        url = urllib.parse.urljoin(self.base, path)
        request = urllib.request.Request(url, headers={"User-Agent": "undersigned-verify"})  # noqa: S310 - http(s) only, checked in locate()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http(s) only, checked in locate()
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise VerifyError(f"{url}: HTTP {error.code}") from error
        except OSError as error:
            raise VerifyError(f"{url}: {error}") from error

    def post(self, path: str, fields: dict[str, str]) -> bytes:
        url = urllib.parse.urljoin(self.base, path)
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - as above
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - as above
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            raise VerifyError(f"{url}: HTTP {error.code}: {error.read()[:200]!r}") from error


class DirSource(Source):
    def __init__(self, root: Path):
        self.root = root

    def __str__(self) -> str:
        return str(self.root)

    def read(self, path: str) -> bytes | None:
        target = self.root / path
        if path.endswith("/"):
            target = target / "index.html"
        try:
            return target.read_bytes()
        except FileNotFoundError:
            return None


def locate(target: str) -> tuple[Source, list[str] | None]:
    """The source and, when the target names one campaign (`.../c/<slug>`), its slug."""
    if target.startswith(("http://", "https://")):
        parts = urllib.parse.urlsplit(target)
        match = re.match(r"^(.*?)/c/([\w-]+)/?", parts.path)
        if match:
            base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, match.group(1), "", ""))
            return UrlSource(base), [match.group(2)]
        return UrlSource(target), None
    if "://" in target:
        raise VerifyError("only http, https or a directory can be verified")
    path = Path(target)
    if not path.is_dir():
        raise VerifyError(f"{target} is neither a URL nor a directory")
    if path.parent.name == "c":
        return DirSource(path.parent.parent), [path.name]
    return DirSource(path), None


def default_state_path() -> Path:
    home = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(home) / "undersigned" / "checkpoints.json"


class State:
    """Checkpoints seen before, by origin, with the log's key trusted on first use."""

    def __init__(self, path: Path):
        self.path = path
        self.logs: dict[str, dict[str, Any]] = {}
        if path.exists():
            self.logs = json.loads(path.read_text(encoding="utf-8")).get("logs", {})

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"logs": self.logs}, indent=1, sort_keys=True)
        self.path.write_text(text, encoding="utf-8")


@dataclass
class Tally:
    """The counts an auditor derives from entries: a handle counts while its last
    verified event has not been followed by a withdrawal or invalidation."""

    verified: int = 0
    revealed: int = 0
    regions: Counter[str] = field(default_factory=Counter)
    standing: set[str] = field(default_factory=set)

    def apply(self, index: int, entry: dict[str, Any]) -> str | None:
        event, handle = entry.get("event"), entry.get("handle")
        if event not in EVENTS or not isinstance(handle, str) or not HANDLE.match(handle):
            return f"entry {index} is not a valid event"
        if not isinstance(entry.get("time"), str) or not TIME.match(entry["time"]):
            return f"entry {index} has no valid time"
        region = entry.get("region") or "-"
        if event in EVENTS_ADDING:
            if handle in self.standing:
                return f"entry {index}: a signature verified twice without being withdrawn"
            self.standing.add(handle)
            self.verified += 1
            self.regions[region] += 1
        elif event in EVENTS_REMOVING:
            if handle not in self.standing:
                return f"entry {index}: {event} a signature that was not counted"
            self.standing.discard(handle)
            self.verified -= 1
            self.regions[region] -= 1
        else:
            if handle not in self.standing:
                return f"entry {index}: revealed a signature that is not counted"
            self.revealed += 1
        return None


@dataclass
class Report:
    slug: str
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    checkpoint: note.SignedNote | None = None
    size: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _decode_proof(data: Any) -> list[bytes]:
    return [base64.b64decode(p, validate=True) for p in data["proof"]]


def _load_key(
    source: Source, slug: str, given: str | None, state: State, report: Report
) -> note.VerifierKey | None:
    published = source.read(paths.verifier_key(slug))
    try:
        key = note.VerifierKey.parse(given or (published or b"").decode())
    except (note.NoteError, UnicodeDecodeError) as error:
        report.problems.append(f"no usable verifier key: {error}")
        return None
    if not key.name.endswith(f"/c/{slug}"):
        report.problems.append(f"the key's name {key.name} is not this campaign's log")
    seen = state.logs.get(key.name)
    if seen and seen["key"] != key.text():
        report.problems.append("the log's key is not the one trusted before")
    if not seen and not given:
        report.facts.append(f"key trusted on first use: {key.text()}")
    return key


def verify_campaign(
    source: Source,
    slug: str,
    state: State,
    *,
    key_text: str | None = None,
    witnesses: list[note.VerifierKey] | None = None,
) -> Report:
    report = Report(slug)
    key = _load_key(source, slug, key_text, state, report)
    if key is None:
        return report
    raw = source.read(paths.checkpoint(slug))
    root = merkle.EMPTY_ROOT
    if raw is None:
        report.facts.append("no checkpoint yet: the log is empty")
    else:
        try:
            checkpoint, signed = note.open_checkpoint(raw.decode(), key)
        except (note.NoteError, UnicodeDecodeError) as error:
            report.problems.append(f"checkpoint: {error}")
            return report
        report.checkpoint, report.size, root = signed, checkpoint.size, checkpoint.root
        for witness in witnesses or []:
            if not note.verified_by(signed, witness):
                report.problems.append(f"no valid cosignature by witness {witness.name}")
    tree, tally = merkle.MemoryTree(), Tally()
    for page in range(paths.pages_for(report.size)):
        data = source.read_json(paths.entries_page(slug, page))
        start = page * paths.ENTRIES_PER_PAGE
        expected = min(paths.ENTRIES_PER_PAGE, report.size - start)
        if (
            not isinstance(data, dict)
            or data.get("start") != start
            or not isinstance(data.get("entries"), list)
        ):
            report.problems.append(f"entries from {start} are missing")
            break
        if len(data["entries"]) != expected:
            report.problems.append(
                f"entries from {start}: {len(data['entries'])} published, "
                f"the checkpoint needs {expected}"
            )
        for offset, text in enumerate(data["entries"][:expected]):
            if not isinstance(text, str):
                report.problems.append(f"entry {start + offset} is not text")
                continue
            tree.append(merkle.leaf_hash(text.encode()))
            try:
                entry = json.loads(text)
            except ValueError:
                entry = {}
            problem = tally.apply(start + offset, entry if isinstance(entry, dict) else {})
            if problem:
                report.problems.append(problem)
    if tree.size == report.size and tree.root() != root:
        report.problems.append(
            "the entries do not hash to the signed root: an entry was changed, removed or reordered"
        )
    _check_history(source, slug, key, state, tree, report, root)
    _check_counts(source, slug, tally, report)
    if report.ok:
        state.logs[key.name] = {
            "key": key.text(),
            "size": report.size,
            "root": base64.b64encode(root).decode(),
        }
        report.facts.append(
            f"{report.size} entries, {tally.verified} verified, {tally.revealed} revealed"
        )
    return report


def _check_history(
    source: Source,
    slug: str,
    key: note.VerifierKey,
    state: State,
    tree: merkle.MemoryTree,
    report: Report,
    root: bytes,
) -> None:
    seen = state.logs.get(key.name)
    if not seen or seen["size"] == 0:
        return
    old_size, old_root = seen["size"], base64.b64decode(seen["root"])
    if report.size < old_size:
        report.problems.append(
            f"the log shrank: {old_size} entries were signed before, {report.size} now"
        )
        return
    if tree.size >= old_size and tree.root(old_size) != old_root:
        report.problems.append(
            f"the log was rewritten: its first {old_size} entries differ "
            "from the checkpoint seen before"
        )
    if isinstance(source, UrlSource) and old_size < report.size:
        data = source.read_json(
            f"c/{slug}/log/proof/consistency?first={old_size}&second={report.size}"
        )
        try:
            merkle.verify_consistency(old_size, report.size, old_root, root, _decode_proof(data))
        except (merkle.ProofError, KeyError, TypeError, binascii.Error) as error:
            report.problems.append(f"the site's consistency proof from {old_size} fails: {error}")
    if report.ok:
        report.facts.append(f"consistent with the checkpoint of {old_size} entries seen before")


def _check_counts(source: Source, slug: str, tally: Tally, report: Report) -> None:
    claimed = source.read_json(paths.counts(slug))
    if not isinstance(claimed, dict):
        report.problems.append("the site publishes no counts to compare")
        return
    if claimed.get("checkpoint_size", report.size) != report.size:
        report.problems.append(
            f"the counts were published with a checkpoint of {claimed.get('checkpoint_size')} "
            f"entries, the checkpoint read has {report.size}: the log moved while it was read"
        )
    if claimed.get("verified") != tally.verified:
        report.problems.append(
            f"the site shows {claimed.get('verified')} verified, the log proves {tally.verified}"
        )
    regions = claimed.get("regions")
    if isinstance(regions, dict):
        derived = {code: n for code, n in tally.regions.items() if n}
        for code in sorted(set(regions) | set(derived)):
            if regions.get(code, 0) != derived.get(code, 0):
                report.problems.append(
                    f"region {code}: the site shows {regions.get(code, 0)}, "
                    f"the log proves {derived.get(code, 0)}"
                )


def cosign_checkpoint(
    source: Source, report: Report, name: str, private_key: Ed25519PrivateKey, submit: bool
) -> str:
    """As a witness: co-sign a checkpoint just verified, and send it to the site."""
    if report.checkpoint is None or not report.ok:
        raise VerifyError("only a checkpoint that verified can be co-signed")
    line = note.cosign(report.checkpoint.text, name, private_key, int(time.time())).text()
    if submit:
        source.post(f"c/{report.slug}/log/cosign", {"size": str(report.size), "cosignature": line})
    return line


def verify_receipt(path: Path, key_text: str | None) -> list[str]:
    """Problems with a signer's receipt file (empty when it proves what it says)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    key = note.VerifierKey.parse(key_text or data["verifier_key"])
    checkpoint, _ = note.open_checkpoint(data["checkpoint"], key)
    problems = []
    for entry in data["entries"]:
        try:
            merkle.verify_inclusion(
                merkle.leaf_hash(entry["data"].encode()),
                entry["index"],
                checkpoint.size,
                _decode_proof(entry),
                checkpoint.root,
            )
        except merkle.ProofError as error:
            problems.append(f"entry {entry['index']}: {error}")
    return problems


def _seed_key(path: Path) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(
        base64.b64decode(path.read_text(encoding="utf-8").strip())
    )


def say(out: Any, line: str) -> None:
    out.write(line + "\n")


def main(argv: list[str] | None = None, out: Any = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="verify_log", description=__doc__.splitlines()[0])
    parser.add_argument(
        "target", nargs="?", help="the site's URL, a campaign's URL, or a mirror directory"
    )
    parser.add_argument("--state", type=Path, default=None, help="file of checkpoints seen before")
    parser.add_argument("--key", help="the log's verifier key, when not trusting the published one")
    parser.add_argument(
        "--witness", action="append", default=[], help="a witness key whose cosignature is required"
    )
    parser.add_argument(
        "--cosign-key", type=Path, help="act as a witness: file with a base64 Ed25519 seed"
    )
    parser.add_argument("--cosign-name", help="the witness's key name")
    parser.add_argument("--submit", action="store_true", help="send the cosignature to the site")
    parser.add_argument(
        "--new-witness-key", action="store_true", help="write a new seed to --cosign-key"
    )
    parser.add_argument("--receipt", type=Path, help="check a signer's receipt file instead")
    args = parser.parse_args(argv)

    if args.new_witness_key:
        if not args.cosign_key or not args.cosign_name:
            parser.error("--new-witness-key needs --cosign-key and --cosign-name")
        args.cosign_key.write_text(
            base64.b64encode(os.urandom(32)).decode() + "\n", encoding="utf-8"
        )
        args.cosign_key.chmod(0o600)
        key = note.VerifierKey.for_private_key(
            args.cosign_name, _seed_key(args.cosign_key), note.ALG_COSIGNATURE_V1
        )
        say(out, key.text())
        return 0
    if args.receipt:
        problems = verify_receipt(args.receipt, args.key)
        for problem in problems:
            say(out, f"FAIL {problem}")
        say(out, "receipt: " + ("FAIL" if problems else "OK, included in the signed log"))
        return 1 if problems else 0
    if not args.target:
        parser.error("give a URL or a directory")
    try:
        witnesses = [note.VerifierKey.parse(text) for text in args.witness]
        source, slugs = locate(args.target)
        if slugs is None:
            listing = source.read_json(paths.CAMPAIGNS)
            if not isinstance(listing, dict):
                raise VerifyError(f"{source} lists no campaigns ({paths.CAMPAIGNS})")
            slugs = [str(slug) for slug in listing.get("campaigns", [])]
        state = State(args.state or default_state_path())
        failed = False
        for slug in slugs:
            report = verify_campaign(source, slug, state, key_text=args.key, witnesses=witnesses)
            failed |= not report.ok
            say(out, f"{slug}: {'OK' if report.ok else 'FAIL'}")
            for fact in report.facts:
                say(out, f"  {fact}")
            for problem in report.problems:
                say(out, f"  MISMATCH {problem}")
            if args.cosign_key and report.ok and report.checkpoint is not None:
                line = cosign_checkpoint(
                    source, report, args.cosign_name or "", _seed_key(args.cosign_key), args.submit
                )
                say(out, f"  cosigned: {line.strip()}")
        state.save()
    except (VerifyError, note.NoteError) as error:
        say(out, f"error: {error}")
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
