"""Checkpoints as C2SP signed notes, and their Ed25519 signatures and witness cosignatures.

A checkpoint (c2sp.org/tlog-checkpoint) is a note whose text is

    <origin>
    <tree size>
    <base64 root hash>

followed by extension lines, then a blank line and one line per signature,
"— <key name> <base64(key id || sig)>" (c2sp.org/signed-note). The log signs with an
Ed25519 key (algorithm 0x01); a witness co-signs with a timestamped cosignature
(c2sp.org/tlog-cosignature, algorithm 0x04).
This log's checkpoints carry three extension lines (c2sp.org/tlog-checkpoint allows any;
Go's sumdb/tlog.ParseTree ignores them): "time <UTC, to the log's rounding>", "verified <n>"
and "checking <n>", the figures the entries prove at that size (ledger.tally).
Verifier keys are written "<name>+<hex key id>+<base64(algorithm || public key)>".
No Django here: the standalone verifier uses this module too.
"""

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space


EXTENSION_TIME = "time"
EXTENSION_VERIFIED = "verified"
EXTENSION_CHECKING = "checking"


class NoteError(ValueError):
    """A malformed note or key, or a signature that does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root).decode(),
            *self.extensions,
        ]
        return "\n".join(lines) + "\n"

    def extension(self, key: str) -> str | None:
        """The value of the first extension line "<key> <value>", if there is one."""
        for line in self.extensions:
            name, _, value = line.partition(" ")
            if name == key:
                return value
        return None

    def figure(self, key: str) -> int | None:
        value = self.extension(key)
        return int(value) if value is not None and value.isdigit() else None


@dataclass(frozen=True)
class SignatureLine:
    name: str
    key_id: bytes
    signature: bytes  # for a cosignature: 8-byte big-endian timestamp then the signature

    def text(self) -> str:
        blob = base64.b64encode(self.key_id + self.signature).decode()
        return f"{SIGNATURE_PREFIX}{self.name} {blob}\n"


@dataclass(frozen=True)
class SignedNote:
    text: str
    signatures: tuple[SignatureLine, ...]

    def render(self) -> str:
        return self.text + "\n" + "".join(line.text() for line in self.signatures)


def _check_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"bad key name {name!r}")


def key_id(name: str, algorithm: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()[:4]


def raw_public_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class VerifierKey:
    name: str
    algorithm: int
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.algorithm, self.public_key)

    def text(self) -> str:
        blob = base64.b64encode(bytes([self.algorithm]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    @classmethod
    def parse(cls, text: str) -> "VerifierKey":
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key is name+keyid+key")
        name, hex_id, blob = parts
        _check_name(name)
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as error:
            raise NoteError("verifier key is not base64") from error
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise NoteError("verifier key is not an Ed25519 key")
        key = cls(name, raw[0], raw[1:])
        if key.key_id.hex() != hex_id.lower():
            raise NoteError("verifier key id does not match the key")
        return key

    @classmethod
    def for_private_key(
        cls, name: str, private_key: Ed25519PrivateKey, algorithm: int = ALG_ED25519
    ) -> "VerifierKey":
        _check_name(name)
        return cls(name, algorithm, raw_public_key(private_key))


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def sign(text: str, name: str, private_key: Ed25519PrivateKey) -> SignatureLine:
    key = VerifierKey.for_private_key(name, private_key)
    return SignatureLine(name, key.key_id, private_key.sign(text.encode()))


def cosign(text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> SignatureLine:
    """A witness's cosignature on a checkpoint's text, at a time in seconds since the epoch."""
    key = VerifierKey.for_private_key(name, private_key, ALG_COSIGNATURE_V1)
    signature = private_key.sign(cosigned_message(text, timestamp))
    return SignatureLine(name, key.key_id, struct.pack(">Q", timestamp) + signature)


def cosignature_time(line: SignatureLine) -> int | None:
    """A witness cosignature's time in seconds since the epoch (None for a plain signature)."""
    if len(line.signature) != 72:
        return None
    return int(struct.unpack(">Q", line.signature[:8])[0])


def parse_note(raw: str) -> SignedNote:
    if "\r" in raw:
        raise NoteError("a note has no carriage returns")
    text, separator, rest = raw.partition("\n\n")
    if not separator or not text:
        raise NoteError("a note needs its text, a blank line, then signatures")
    text += "\n"
    lines = rest.split("\n")
    if lines[-1] != "":
        raise NoteError("a note ends with a newline")
    signatures = []
    for line in lines[:-1]:
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("a signature line starts with an em dash")
        name, space, blob = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        _check_name(name)
        try:
            decoded = base64.b64decode(blob, validate=True) if space else b""
        except binascii.Error as error:
            raise NoteError("a signature is not base64") from error
        if len(decoded) < 5:
            raise NoteError("a signature line is too short")
        signatures.append(SignatureLine(name, decoded[:4], decoded[4:]))
    if not signatures:
        raise NoteError("a note has at least one signature")
    return SignedNote(text, tuple(signatures))


def signature_valid(note: SignedNote, line: SignatureLine, key: VerifierKey) -> bool:
    if line.name != key.name or line.key_id != key.key_id:
        return False
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    if key.algorithm == ALG_ED25519:
        message, signature = note.text.encode(), line.signature
    else:
        if len(line.signature) != 72:
            return False
        (timestamp,) = struct.unpack(">Q", line.signature[:8])
        message, signature = cosigned_message(note.text, timestamp), line.signature[8:]
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def verified_by(note: SignedNote, key: VerifierKey) -> bool:
    """Whether `key` has a valid signature on the note."""
    return any(signature_valid(note, line, key) for line in note.signatures)


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint has an origin, a size and a root hash")
    origin, size_text, root_text, *extensions = lines[:-1]
    if not origin:
        raise NoteError("a checkpoint names its origin")
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError("a checkpoint's size is a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as error:
        raise NoteError("a checkpoint's root is not base64") from error
    if len(root) != 32:
        raise NoteError("a checkpoint's root is a SHA-256 hash")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def open_checkpoint(raw: str, log_key: VerifierKey) -> tuple[Checkpoint, SignedNote]:
    """Parse a signed checkpoint and check the log's signature on it."""
    note = parse_note(raw)
    if not verified_by(note, log_key):
        raise NoteError(f"the checkpoint is not signed by {log_key.name}")
    checkpoint = parse_checkpoint(note.text)
    if checkpoint.origin != log_key.name:
        raise NoteError("the checkpoint's origin is not the log's key name")
    return checkpoint, note
