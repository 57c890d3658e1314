"""The C2SP checkpoint and signed-note format: round trips, key ids, refusals."""

import base64
import hashlib
from unittest import TestCase

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from undersigned.ledger import note

ORIGIN = "example.org/c/deputies"


class NoteTest(TestCase):
    def setUp(self) -> None:
        self.key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
        self.verifier = note.VerifierKey.for_private_key(ORIGIN, self.key)
        self.checkpoint = note.Checkpoint(ORIGIN, 8, hashlib.sha256(b"root").digest())
        body = self.checkpoint.body()
        self.signed = note.SignedNote(body, (note.sign(body, ORIGIN, self.key),)).render()

    def test_checkpoint_text_layout(self) -> None:
        lines = self.signed.split("\n")
        assert lines[0] == ORIGIN
        assert lines[1] == "8"
        assert base64.b64decode(lines[2]) == hashlib.sha256(b"root").digest()
        assert lines[3] == ""
        assert lines[4].startswith("\u2014 " + ORIGIN + " ")
        assert self.signed.endswith("\n")
        blob = base64.b64decode(lines[4].split(" ")[2])
        assert (
            blob[:4]
            == hashlib.sha256(ORIGIN.encode() + b"\n\x01" + self.verifier.public_key).digest()[:4]
        )
        assert len(blob) == 4 + 64

    def test_round_trip(self) -> None:
        checkpoint, signed = note.open_checkpoint(self.signed, self.verifier)
        assert checkpoint == self.checkpoint
        assert signed.render() == self.signed

    def test_verifier_key_round_trip(self) -> None:
        text = self.verifier.text()
        name, key_id, blob = text.split("+", 2)
        assert name == ORIGIN
        assert key_id == self.verifier.key_id.hex()
        assert base64.b64decode(blob)[0] == 1
        assert note.VerifierKey.parse(text) == self.verifier

    def test_bad_keys_are_refused(self) -> None:
        text = self.verifier.text()
        name, key_id, blob = text.split("+", 2)
        for bad in [
            "nope",
            f"{name}+00000000+{blob}",
            f"{name}+{key_id}+not*base64",
            f"bad name+{key_id}+{blob}",
            f"{name}+{key_id}+" + base64.b64encode(b"\x01" + b"x" * 10).decode(),
        ]:
            with self.assertRaises(note.NoteError):
                note.VerifierKey.parse(bad)

    def test_tampered_or_foreign_notes_are_refused(self) -> None:
        other = Ed25519PrivateKey.generate()
        other_verifier = note.VerifierKey.for_private_key(ORIGIN, other)
        with self.assertRaises(note.NoteError):
            note.open_checkpoint(self.signed, other_verifier)
        tampered = self.signed.replace("\n8\n", "\n9\n")
        with self.assertRaises(note.NoteError):
            note.open_checkpoint(tampered, self.verifier)
        for malformed in [
            "",
            "no blank line\n",
            self.signed.rstrip("\n"),
            self.signed.replace("\u2014", "-"),
        ]:
            with self.assertRaises(note.NoteError):
                note.open_checkpoint(malformed, self.verifier)

    def test_other_origin_is_refused(self) -> None:
        body = note.Checkpoint("elsewhere/c/x", 1, bytes(32)).body()
        signed = note.SignedNote(body, (note.sign(body, ORIGIN, self.key),)).render()
        with self.assertRaises(note.NoteError):
            note.open_checkpoint(signed, self.verifier)

    def test_witness_cosignature(self) -> None:
        witness = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
        witness_key = note.VerifierKey.for_private_key(
            "witness.example", witness, note.ALG_COSIGNATURE_V1
        )
        parsed = note.parse_note(self.signed)
        line = note.cosign(parsed.text, "witness.example", witness, 1_700_000_000)
        cosigned = note.parse_note(self.signed + line.text())
        assert note.verified_by(cosigned, witness_key)
        assert note.verified_by(cosigned, self.verifier)
        assert note.VerifierKey.parse(witness_key.text()) == witness_key
        # The same signature bytes claimed for another time do not verify.
        forged = note.SignatureLine(
            line.name, line.key_id, (1).to_bytes(8, "big") + line.signature[8:]
        )
        assert not note.verified_by(note.parse_note(self.signed + forged.text()), witness_key)
        # A log-style signature by the witness key is not a cosignature.
        plain = note.sign(parsed.text, "witness.example", witness)
        assert not note.verified_by(note.parse_note(self.signed + plain.text()), witness_key)
