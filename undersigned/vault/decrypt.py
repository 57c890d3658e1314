"""Open undersigned bundles on a verifier's own machine: no server, no database, no Django.

    python -m undersigned.vault.decrypt --identity key.txt contacts.age > contacts.csv
    python -m undersigned.vault.decrypt --identity key.txt sealed.age > sealed.csv
    python -m undersigned.vault.decrypt --identity key.txt sealed.age --official spb-001
    python -m undersigned.vault.decrypt --identity key.txt sealed.age --name "Semyonova Olga"
    python -m undersigned.vault.decrypt --identity key.txt sealed.age --reveal reveal.json

(or copy this one file anywhere and run `python decrypt.py …`; it needs only `pyrage`).

A contacts bundle is an age file; inside, each signature's contact is itself an
age-armored block encrypted to the verifier keys of its day. A sealed bundle is an age
file of sealed signatures: for each signer who is not public, once decided, the
server keeps only an age ciphertext of their claims, the official they were matched to
and the evidence. Both layers are opened with the same identity file (made by
`age-keygen`); what this identity cannot open is marked so.

`--official` and `--name` answer "has this person already signed this campaign?" from
the sealed entries. `--reveal` writes the file to upload on the desk when a reveal
threshold is reached: the names of conditional signers with the salts that open the
commitments the server holds, so the server publishes those names and no other.
"""

# ruff: noqa: RUF001  # the table of Cyrillic letters and the marks of Latin schemes
import argparse
import base64
import csv
import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pyrage

# The record fields of a contacts bundle, in order; the renderer on the server uses the same list.
FIELDS = (
    "signature",
    "handle",
    "state",
    "held",
    "received",
    "name",
    "office",
    "body",
    "municipality",
    "region",
)
ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
NOT_FOR_THIS_KEY = "(not encrypted to this key)"

CONTACTS_HEADER = "undersigned contacts bundle"
SEALED_HEADER = "undersigned sealed bundle"
SEALED_FORMAT = "undersigned-sealed-1"
REVEAL_FORMAT = "undersigned-reveal-1"
# The claims a commitment covers, in order: what the public page shows of a named signer.
REVEAL_FIELDS = ("full_name", "office", "body", "municipality", "region_code")
SEALED_COLUMNS = (
    "signature",
    "handle",
    "state",
    "publication",
    "threshold",
    "received",
    "name",
    "office",
    "body",
    "municipality",
    "region",
    "official_source",
    "official_source_id",
    "official_name",
    "evidence",
)


def commitment(salt: str, claims: dict[str, str]) -> str:
    """SHA-256 over a random salt and the claims a reveal publishes.

    The salt lives only inside the sealed ciphertext: without it the commitment says
    nothing about the name, with it anyone can check that a published name is the one
    the signer gave.
    """
    parts = [REVEAL_FORMAT, salt, *(str(claims.get(name, "")) for name in REVEAL_FIELDS)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def read_identities(path: Path) -> list[pyrage.x25519.Identity]:
    """The `AGE-SECRET-KEY-1…` lines of an identity file, as age-keygen writes it."""
    identities = [
        pyrage.x25519.Identity.from_str(line.strip())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("AGE-SECRET-KEY-")
    ]
    if not identities:
        raise SystemExit(f"{path}: no AGE-SECRET-KEY line found")
    return identities


def parse_bundle(text: str) -> list[dict[str, str]]:
    """The records of a decrypted contacts bundle: their fields and their still-armored contact."""
    records: list[dict[str, str]] = []
    armor: list[str] | None = None
    for line in text.splitlines():
        if armor is not None:
            armor.append(line)
            if line.strip() == ARMOR_END:
                records[-1]["armored"] = "\n".join(armor) + "\n"
                armor = None
            continue
        if line.strip() == ARMOR_BEGIN and records:
            armor = [line.strip()]
            continue
        name, sep, value = line.partition(": ")
        if not sep:
            continue
        if name == "signature":
            records.append({"signature": value})
        elif records and name in FIELDS:
            records[-1][name] = value
    return records


def open_contact(armored: str, identities: list[pyrage.x25519.Identity]) -> tuple[str, str]:
    """(kind, contact) from one armored contact block."""
    try:
        plaintext = pyrage.decrypt(armored.encode(), identities).decode("utf-8")
    except pyrage.DecryptError:
        return "", NOT_FOR_THIS_KEY
    kind, _, value = plaintext.strip().partition(": ")
    return kind, value


def contact_rows(text: str, identities: list[pyrage.x25519.Identity]) -> list[dict[str, str]]:
    rows = []
    for record in parse_bundle(text):
        armored = record.pop("armored", "")
        kind, contact = open_contact(armored, identities) if armored else ("", "")
        rows.append(
            {
                **{name: record.get(name, "") for name in FIELDS},
                "contact_kind": kind,
                "contact": contact,
            }
        )
    return rows


# Sealed signatures


def open_sealed(ciphertext: bytes, identities: list[pyrage.x25519.Identity]) -> dict[str, Any]:
    """One sealed signature's contents; {} when this identity cannot open it."""
    try:
        plaintext = pyrage.decrypt(ciphertext, identities)
    except pyrage.DecryptError:
        return {}
    sealed: dict[str, Any] = json.loads(plaintext.decode("utf-8").rstrip(" "))
    if sealed.get("format") != SEALED_FORMAT:
        raise SystemExit(f"unknown sealed format {sealed.get('format')!r}")
    return sealed


def sealed_entries(
    text: str, identities: list[pyrage.x25519.Identity]
) -> list[tuple[dict[str, str], dict[str, Any]]]:
    """(the server's line, the opened contents) for each entry of a decrypted sealed bundle."""
    entries = []
    for line in text.splitlines():
        if not line.startswith("{"):
            continue
        outer = json.loads(line)
        inner = open_sealed(base64.b64decode(outer.pop("sealed")), identities)
        entries.append((outer, inner))
    return entries


def _evidence(sealed: dict[str, Any]) -> str:
    parts = []
    for item in sealed.get("evidence", []):
        words = [item.get("at", "")[:10], item.get("kind", "")]
        words += [item.get(k, "") for k in ("method", "reason", "verifier", "note", "link")]
        parts.append(" ".join(w for w in words if w))
    return "; ".join(parts)


def sealed_row(outer: dict[str, str], sealed: dict[str, Any]) -> dict[str, str]:
    if not sealed:
        return {**dict.fromkeys(SEALED_COLUMNS, ""), **outer, "name": NOT_FOR_THIS_KEY}
    claims = sealed.get("claims", {})
    official = sealed.get("official") or {}
    return {
        "signature": str(sealed.get("signature", "")),
        "handle": sealed.get("handle", ""),
        "state": outer.get("state", ""),
        "publication": outer.get("publication", ""),
        "threshold": str(outer.get("threshold") or ""),
        "received": sealed.get("received", ""),
        "name": claims.get("full_name", ""),
        "office": claims.get("office", ""),
        "body": claims.get("body", ""),
        "municipality": claims.get("municipality", ""),
        "region": claims.get("region") or claims.get("region_code", ""),
        "official_source": official.get("source", ""),
        "official_source_id": official.get("source_id", ""),
        "official_name": official.get("full_name", ""),
        "evidence": _evidence(sealed),
    }


def _folded(text: str) -> str:
    """Case, accents and spacing set aside, for a verifier's name search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


# A name in Cyrillic or in any common Latin scheme, folded to one key per word, so that
# "Sokolov Sergey", "Sergei Sokolov" and "Соколов Сергей" meet (the server's matcher folds
# the same way; this file stands alone, so it carries its own short copy).
_CYRILLIC_KEYS = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "Z",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
        "ч": "C", "ш": "S", "щ": "S", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu",
        "я": "ia", "і": "i", "ї": "i", "є": "e", "ґ": "g",
    }
)  # fmt: skip
_LATIN_KEYS = (
    ("shch", "S"), ("shh", "S"), ("sch", "S"), ("sh", "S"), ("tch", "C"), ("ch", "C"),
    ("zh", "Z"), ("kh", "h"), ("tsh", "tS"), ("ts", "c"), ("tz", "c"), ("tc", "c"),
    ("cz", "C"), ("ye", "e"), ("je", "e"), ("yo", "e"), ("jo", "e"), ("ph", "f"),
    ("x", "ks"), ("w", "v"), ("q", "k"), ("j", "i"), ("y", "i"),
)  # fmt: skip
_LATIN_KEY_PATTERN = re.compile("|".join(re.escape(spelling) for spelling, _ in _LATIN_KEYS))
_LATIN_KEY_OF = dict(_LATIN_KEYS)
_DIACRITIC_LETTERS = str.maketrans(
    {"ž": "zh", "č": "ch", "š": "sh", "ŝ": "shch", "â": "ia", "û": "iu", "ǎ": "ia", "ǔ": "iu"}
)
_NOT_NAME_LETTER = re.compile(r"[^\w]+")
_MARKS = re.compile(r"['’ʹʼ`´\"ʺ·]")


def name_keys(text: str) -> list[str]:
    """The folded key of each word of a name, whatever its script or scheme."""
    text = unicodedata.normalize("NFC", text.casefold()).replace("й", "и").replace("ё", "е")
    text = text.translate(_DIACRITIC_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    keys = []
    for word in _NOT_NAME_LETTER.split(_MARKS.sub("", text).replace("-", "")):
        if not word:
            continue
        key = _LATIN_KEY_PATTERN.sub(
            lambda m: _LATIN_KEY_OF[m.group(0)], word.translate(_CYRILLIC_KEYS)
        )
        keys.append(re.sub(r"(.)\1+", r"\1", key))
    return keys


def same_name(wanted: str, written: str) -> bool:
    """Each word asked for is a word of the name, in any order and any script:
    "Sokolov Sergey" is "Соколов Сергей Иванович"; "Соколов" alone is too."""
    wanted_keys, written_keys = name_keys(wanted), name_keys(written)
    if not wanted_keys:
        return False
    for key in wanted_keys:
        if key not in written_keys:
            return False
        written_keys.remove(key)
    return True


def already_signed(
    entries: list[tuple[dict[str, str], dict[str, Any]]], official: str = "", name: str = ""
) -> list[dict[str, str]]:
    """The standing sealed signatures of this official (registry source id) or name."""
    found = []
    wanted = _folded(name)
    for outer, sealed in entries:
        if not sealed or outer.get("state") not in ("verified", "received", "matched"):
            continue
        matched = sealed.get("official") or {}
        by_official = official in (matched.get("source_id"), str(matched.get("id", "")))
        written = sealed.get("claims", {}).get("full_name", "")
        by_name = bool(wanted) and (wanted in _folded(written) or same_name(name, written))
        if (official and by_official) or (wanted and by_name):
            found.append(sealed_row(outer, sealed))
    return found


def reveal_list(
    entries: list[tuple[dict[str, str], dict[str, Any]]], campaign: str
) -> dict[str, Any]:
    """The reveal file: every verified conditional signer whose threshold the server says is
    reached, with what opens their commitment."""
    reveals = []
    for outer, sealed in entries:
        if not sealed or outer.get("state") != "verified" or not outer.get("reveal_due"):
            continue
        claims = sealed.get("claims", {})
        reveals.append(
            {
                "handle": sealed["handle"],
                "salt": sealed["salt"],
                **{name: claims.get(name, "") for name in REVEAL_FIELDS},
            }
        )
    return {"format": REVEAL_FORMAT, "campaign": campaign, "reveals": reveals}


def _write_csv(rows: list[dict[str, str]], columns: list[str], output: Path | None) -> None:
    handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if output:
            handle.close()


def _sealed_campaign(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("campaign: "):
            return line.removeprefix("campaign: ")
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Decrypt an undersigned contacts or sealed bundle on your own machine."
    )
    parser.add_argument(
        "--identity", "-i", type=Path, required=True, help="age identity file (from age-keygen)"
    )
    parser.add_argument("--output", "-o", type=Path, help="CSV file to write (default: stdout)")
    parser.add_argument(
        "--official", default="", help="sealed bundle: has this registry id already signed?"
    )
    parser.add_argument("--name", default="", help="sealed bundle: has this name already signed?")
    parser.add_argument(
        "--reveal", type=Path, help="sealed bundle: write the reveal file to upload on the desk"
    )
    parser.add_argument("bundle", type=Path, help="the .age bundle exported by the server")
    args = parser.parse_args(argv)
    identities = read_identities(args.identity)
    try:
        text = pyrage.decrypt(args.bundle.read_bytes(), identities).decode("utf-8")
    except pyrage.DecryptError:
        print("This bundle was not encrypted to this identity.", file=sys.stderr)
        return 1
    if not text.startswith(SEALED_HEADER):
        if args.official or args.name or args.reveal:
            print("--official, --name and --reveal need a sealed bundle.", file=sys.stderr)
            return 2
        rows = contact_rows(text, identities)
        _write_csv(rows, [*FIELDS, "contact_kind", "contact"], args.output)
        return 0
    entries = sealed_entries(text, identities)
    if args.reveal:
        reveal = reveal_list(entries, _sealed_campaign(text))
        args.reveal.write_text(json.dumps(reveal, ensure_ascii=False, indent=1), encoding="utf-8")
        args.reveal.chmod(0o600)
        print(f"wrote {args.reveal}: {len(reveal['reveals'])} signers to name", file=sys.stderr)
        return 0
    if args.official or args.name:
        found = already_signed(entries, args.official, args.name)
        if not found:
            print("not found among the sealed signatures of this bundle", file=sys.stderr)
        _write_csv(found, list(SEALED_COLUMNS), args.output)
        return 0 if found else 3
    _write_csv([sealed_row(o, s) for o, s in entries], list(SEALED_COLUMNS), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
