"""Check a campaign's public log from the outside: `python -m undersigned.ledger.verify URL_OR_DIR`.

Runs with no Django and no database (only the standard library and `cryptography`), on
the running site or on a static mirror. For each campaign it checks the checkpoint's
signature (and any witness's), rebuilds the Merkle tree from the published entries and
compares its root with the signed one, checks that the log only grew since the
checkpoints seen before (kept in a local state file) and that its time never went back,
recomputes the verified and being-checked figures from the entries and compares them with
those the checkpoint signs and the site shows, and prints the line to cite. With
`--cite "As of …"` it checks a quoted line against the checkpoint it names instead.
Exit status 1 on any mismatch.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from undersigned.ledger import cite, merkle, note, paths
from undersigned.ledger.tally import CHECKING, TIME, VERIFIED, Tally


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

    def __init__(self, path: Path | None):
        """`path` None: nothing seen before, and nothing to remember."""
        self.path = path
        self.logs: dict[str, dict[str, Any]] = {}
        if path is not None and path.exists():
            self.logs = json.loads(path.read_text(encoding="utf-8")).get("logs", {})

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"logs": self.logs}, indent=1, sort_keys=True)
        self.path.write_text(text, encoding="utf-8")


@dataclass
class Report:
    slug: str
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    checkpoint: note.SignedNote | None = None
    size: int = 0
    body: note.Checkpoint | None = None
    tally: Tally | None = None

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
    size: int | None = None,
) -> Report:
    """Check the latest checkpoint (or, given `size`, the checkpoint of that size) and
    the entries it signs."""
    report = Report(slug)
    key = _load_key(source, slug, key_text, state, report)
    if key is None:
        return report
    raw = source.read(paths.checkpoint(slug) if size is None else paths.checkpoint_at(slug, size))
    root = merkle.EMPTY_ROOT
    if raw is None:
        if size is not None:
            report.problems.append(f"the log publishes no checkpoint of {size} entries")
            return report
        report.facts.append("no checkpoint yet: the log is empty")
    else:
        try:
            checkpoint, signed = note.open_checkpoint(raw.decode(), key)
        except (note.NoteError, UnicodeDecodeError) as error:
            report.problems.append(f"checkpoint: {error}")
            return report
        report.checkpoint, report.size, root = signed, checkpoint.size, checkpoint.root
        report.body = checkpoint
        for witness in witnesses or []:
            if not note.verified_by(signed, witness):
                report.problems.append(f"no valid cosignature by witness {witness.name}")
        _check_time(checkpoint, signed, key, state, report, historical=size is not None)
    tree, tally = merkle.MemoryTree(), Tally()
    last_time = ""
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
        if len(data["entries"]) < expected or (size is None and len(data["entries"]) != expected):
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
            entry = entry if isinstance(entry, dict) else {}
            problem = tally.apply(start + offset, entry)
            if problem:
                report.problems.append(problem)
            elif entry["time"] < last_time:
                report.problems.append(f"entry {start + offset}: its time goes back")
            else:
                last_time = entry["time"]
    if tree.size == report.size and tree.root() != root:
        report.problems.append(
            "the entries do not hash to the signed root: an entry was changed, removed or reordered"
        )
    report.tally = tally
    if report.body is not None:
        _check_figures(report.body, tally, last_time, report)
    if size is None:
        _check_history(source, slug, key, state, tree, report, root)
        _check_counts(source, slug, tally, report)
    if report.ok and size is None:
        state.logs[key.name] = {
            "key": key.text(),
            "size": report.size,
            "root": base64.b64encode(root).decode(),
            "time": report.body.extension(note.EXTENSION_TIME) if report.body else None,
        }
    if report.ok:
        report.facts.append(
            f"{report.size} entries, {tally.verified} verified, {tally.checking} being checked, "
            f"{tally.revealed} revealed"
        )
        if report.body is not None and report.body.extension(note.EXTENSION_TIME):
            line = citation(report.body, tally, root)
            report.facts.append(f"cite: {line.line()}")
    return report


def citation(body: note.Checkpoint, tally: Tally, root: bytes) -> cite.Citation:
    return cite.Citation(
        time=body.extension(note.EXTENSION_TIME) or "",
        verified=tally.verified,
        checking=tally.checking,
        size=body.size,
        origin=body.origin,
        root=base64.b64encode(root).decode(),
    )


def _utc(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def _check_time(
    checkpoint: note.Checkpoint,
    signed: note.SignedNote,
    key: note.VerifierKey,
    state: State,
    report: Report,
    *,
    historical: bool,
) -> None:
    """The checkpoint's time: well formed, and (for the latest) never before one seen earlier."""
    signed_at = checkpoint.extension(note.EXTENSION_TIME)
    if signed_at is None:
        report.facts.append("the checkpoint carries no time")
    elif not TIME.match(signed_at):
        report.problems.append(f"the checkpoint's time {signed_at!r} is not a UTC time")
    else:
        report.facts.append(f"checkpoint of {checkpoint.size} entries signed at {signed_at}")
        seen = state.logs.get(key.name) or {}
        earlier = seen.get("time")
        if not historical and earlier and signed_at < earlier and checkpoint.size >= seen["size"]:
            report.problems.append(
                f"the checkpoint's time goes back: {signed_at}, "
                f"after a checkpoint signed at {earlier} seen before"
            )
    for line in signed.signatures:
        stamp = note.cosignature_time(line)
        if stamp is not None:
            report.facts.append(f"cosigned by {line.name} at {_utc(stamp)}")


def _check_figures(body: note.Checkpoint, tally: Tally, last_time: str, report: Report) -> None:
    """The figures and time the checkpoint signs against those its entries prove."""
    signed_at = body.extension(note.EXTENSION_TIME)
    if signed_at and last_time and last_time > signed_at:
        report.problems.append(
            f"an entry's time {last_time} comes after the checkpoint's time {signed_at}"
        )
    for key, derived in (
        (note.EXTENSION_VERIFIED, tally.verified),
        (note.EXTENSION_CHECKING, tally.checking),
    ):
        stated = body.extension(key)
        if stated is not None and stated != str(derived):
            label = "being checked" if key == note.EXTENSION_CHECKING else key
            report.problems.append(
                f"the checkpoint signs {stated} {label}, the entries prove {derived}"
            )


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
    for name, label, derived_figure in (
        ("verified", "verified", tally.verified),
        ("checking", "being checked", tally.checking),
    ):
        if name in claimed and claimed[name] != derived_figure:
            report.problems.append(
                f"the site shows {claimed[name]} {label}, the log proves {derived_figure}"
            )
    for name, standing in (("regions", VERIFIED), ("regions_checking", CHECKING)):
        regions = claimed.get(name)
        if not isinstance(regions, dict):
            continue
        derived = {code: n for code, n in tally.regions[standing].items() if n}
        for code in sorted(set(regions) | set(derived)):
            if regions.get(code, 0) != derived.get(code, 0):
                what = "" if standing == VERIFIED else " being checked"
                report.problems.append(
                    f"region {code}: the site shows {regions.get(code, 0)}{what}, "
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


def check_citation(target: str, line: str, key_text: str | None, out: Any) -> int:
    """Check a quoted line against the checkpoint it names: 0 when every part is right."""
    try:
        quoted = cite.parse(line)
        source, slugs = locate(target)
    except (cite.CitationError, VerifyError) as error:
        say(out, f"error: {error}")
        return 2
    match = re.search(r"/c/([\w-]+)$", quoted.origin)
    if match is None or (slugs and slugs != [match.group(1)]):
        say(out, f"error: the line cites the log {quoted.origin}, not one of {target}")
        return 2
    slug = match.group(1)
    state = State(None)
    try:
        report = verify_campaign(source, slug, state, key_text=key_text, size=quoted.size)
    except (VerifyError, note.NoteError) as error:
        say(out, f"error: {error}")
        return 2
    problems = list(report.problems)
    if report.body is not None and report.tally is not None and not problems:
        actual = citation(report.body, report.tally, report.body.root)
        for label, stated, proved in (
            ("log", quoted.origin, actual.origin),
            ("root", quoted.root, actual.root),
            ("time", quoted.time, actual.time),
            ("verified figure", quoted.verified, actual.verified),
            ("being-checked figure", quoted.checking, actual.checking),
        ):
            if stated != proved:
                problems.append(
                    f"the line gives the {label} {stated}, the log's checkpoint {proved}"
                )
    for problem in problems:
        say(out, f"  MISMATCH {problem}")
    say(out, f"citation: {'FAIL' if problems else 'OK'}, checkpoint {quoted.size} of {slug}")
    return 1 if problems else 0


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
    parser.add_argument(
        "--cite", help="check a quoted citation line against the site or mirror instead"
    )
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
    if args.cite:
        return check_citation(args.target, args.cite, args.key, out)
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
