"""`verify_log` against a live server: a clean log passes, and every kind of tampering fails it."""

import base64
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import LiveServerTestCase

from tests.base import Personas, make_claims
from undersigned.ledger import actions, merkle, note
from undersigned.ledger.keys import log_private_key
from undersigned.ledger.models import Checkpoint, LogEntry, LogNode, WitnessKey
from undersigned.signatures import actions as signature_actions
from undersigned.signatures.models import Signature, Tally

ROOT = Path(__file__).resolve().parents[2]


class VerifyLogLiveTest(Personas, LiveServerTestCase):
    def setUp(self) -> None:
        self.create_personas()
        self.signatures = [self.sign_verified(make_claims(n)) for n in range(6)]
        self.sign_verified(make_claims(20, region_code="RU-SPE"))
        signature_actions.withdraw_signature(self.signatures[0])
        self.sign(make_claims(30))  # received, not verified: not in the log
        self.refresh_counts()
        self.state = Path(tempfile.mkdtemp()) / "seen.json"

    def verify(self, *extra: str, target: str | None = None) -> tuple[int, str]:
        out = io.StringIO()
        args = [target or f"{self.live_server_url}/c/deputies/", "--state", str(self.state), *extra]
        try:
            call_command("verify_log", *args, stdout=out)
        except CommandError as error:
            return error.returncode, out.getvalue()
        return 0, out.getvalue()

    def assert_fails(self, expected: str) -> None:
        status, report = self.verify()
        assert status == 1, report
        assert "deputies: FAIL" in report
        assert expected in report, report

    def test_clean_log_verifies_and_is_remembered(self) -> None:
        status, report = self.verify()
        assert status == 0, report
        assert "deputies: OK" in report
        # Seven arrivals, seven verifications, a withdrawal and an arrival still waiting.
        assert "16 entries, 6 verified, 1 being checked" in report
        assert "checkpoint of 16 entries signed at 20" in report
        time = Checkpoint.objects.filter(campaign=self.campaign).latest().time
        assert (
            f"cite: As of {time[:10]} {time[11:16]} UTC: 6 verified signatories, 1 being checked"
            in report
        )
        assert "trusted on first use" in report
        seen = json.loads(self.state.read_text())["logs"]
        [(origin, entry)] = seen.items()
        assert origin.endswith("/c/deputies") and entry["size"] == 16
        self.sign_verified(make_claims(40))
        self.refresh_counts()
        status, report = self.verify()
        assert status == 0, report
        assert "consistent with the checkpoint of 16 entries seen before" in report

    def test_whole_site_is_verified(self) -> None:
        status, report = self.verify(target=self.live_server_url + "/")
        assert status == 0, report
        assert "deputies: OK" in report

    def test_changed_entry_fails(self) -> None:
        entry = LogEntry.objects.get(campaign=self.campaign, index=2)
        LogEntry.objects.filter(pk=entry.pk).update(data=entry.data.replace('"RU-MOW"', '"RU-SPE"'))
        self.assert_fails("the entries do not hash to the signed root")

    def test_deleted_entry_fails(self) -> None:
        LogEntry.objects.filter(campaign=self.campaign, index=3).delete()
        self.assert_fails("the checkpoint needs 16")

    def test_reordered_entries_fail(self) -> None:
        rows = LogEntry.objects.filter(campaign=self.campaign, index__in=[1, 2])
        rows.update(index=F("index") + 100)
        LogEntry.objects.filter(campaign=self.campaign, index=101).update(index=2)
        LogEntry.objects.filter(campaign=self.campaign, index=102).update(index=1)
        self.assert_fails("the entries do not hash to the signed root")

    def resign(self, *extensions: str) -> None:
        """As whoever holds the server and its key: sign the latest tree anew."""
        checkpoint = Checkpoint.objects.filter(campaign=self.campaign).latest()
        body = note.Checkpoint(
            checkpoint.origin, checkpoint.size, bytes(checkpoint.root), extensions
        ).body()
        signed = note.SignedNote(body, (note.sign(body, checkpoint.origin, log_private_key()),))
        Checkpoint.objects.filter(pk=checkpoint.pk).update(note=signed.render())

    def test_tampered_being_checked_entry_fails(self) -> None:
        waiting = LogEntry.objects.filter(campaign=self.campaign).latest("index")
        assert waiting.fields["event"] == "received"
        LogEntry.objects.filter(pk=waiting.pk).update(
            data=waiting.data.replace('"received"', '"rejected"')
        )
        status, report = self.verify()
        assert status == 1
        assert "the entries do not hash to the signed root" in report
        assert "rejected a signature that was not being checked" in report

    def test_being_checked_figure_signed_wrong_fails(self) -> None:
        time = Checkpoint.objects.filter(campaign=self.campaign).latest().time
        self.resign(f"time {time}", "verified 6", "checking 84")
        self.assert_fails("the checkpoint signs 84 being checked, the entries prove 1")

    def test_lowered_being_checked_count_fails(self) -> None:
        Tally.objects.filter(campaign=self.campaign, key="all", state=Signature.RECEIVED).update(
            n=F("n") + 83
        )
        self.assert_fails("the site shows 84 being checked, the log proves 1")

    def test_checkpoint_time_going_back_fails(self) -> None:
        assert self.verify()[0] == 0
        self.sign_verified(make_claims(70))
        self.refresh_counts()
        self.resign("time 2000-01-01T00:00:00Z", "verified 7", "checking 1")
        status, report = self.verify()
        assert status == 1, report
        assert "the checkpoint's time goes back: 2000-01-01T00:00:00Z" in report
        assert "comes after the checkpoint's time 2000-01-01T00:00:00Z" in report

    def test_lowered_count_fails(self) -> None:
        Tally.objects.filter(campaign=self.campaign, key="all", state=Signature.VERIFIED).update(
            n=F("n") - 1
        )
        self.assert_fails("the site shows 5 verified, the log proves 6")

    def test_lowered_region_count_fails(self) -> None:
        Tally.objects.filter(
            campaign=self.campaign, key="region:RU-SPE", state=Signature.VERIFIED
        ).update(n=0)
        self.assert_fails("region RU-SPE: the site shows 0, the log proves 1")

    def test_rewritten_and_resigned_log_fails_against_what_was_seen(self) -> None:
        assert self.verify()[0] == 0
        # Whoever holds the server and its key drops an entry, rebuilds the tree and signs anew.
        LogEntry.objects.filter(campaign=self.campaign, index=0).update(
            data=LogEntry.objects.get(campaign=self.campaign, index=1).data
        )
        entries = list(LogEntry.objects.filter(campaign=self.campaign).order_by("index"))
        for entry in entries:
            LogEntry.objects.filter(pk=entry.pk).update(
                leaf_hash=merkle.leaf_hash(entry.data.encode())
            )
        LogNode.objects.filter(campaign=self.campaign).delete()
        nodes = merkle.new_nodes(
            0, [merkle.leaf_hash(e.data.encode()) for e in entries], lambda *_: b""
        )
        LogNode.objects.bulk_create(
            LogNode(campaign=self.campaign, position=LogNode.position_of(lv, ix), hash=h)
            for (lv, ix), h in nodes.items()
        )
        self.sign_verified(make_claims(50))
        self.refresh_counts()
        self.assert_fails("the log was rewritten")

    def test_foreign_key_fails(self) -> None:
        assert self.verify()[0] == 0
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        origin = Checkpoint.objects.filter(campaign=self.campaign).first().origin
        other = note.VerifierKey.for_private_key(origin, Ed25519PrivateKey.generate())
        status, report = self.verify("--key", other.text())
        assert status == 1
        assert "not signed by" in report and "not the one trusted before" in report

    def test_witness_cosigns_and_is_required(self) -> None:
        key_file = self.state.parent / "witness.key"
        out = io.StringIO()
        from undersigned.ledger import verify

        assert (
            verify.main(
                [
                    "--new-witness-key",
                    "--cosign-key",
                    str(key_file),
                    "--cosign-name",
                    "witness.example",
                ],
                out=out,
            )
            == 0
        )
        witness_key = out.getvalue().strip()
        actions.add_witness(self.campaign, witness_key, actor=self.organizer)
        assert WitnessKey.objects.filter(campaign=self.campaign).count() == 1
        # Required but absent: fails.
        status, report = self.verify("--witness", witness_key)
        assert status == 1 and "no valid cosignature by witness witness.example" in report
        status, report = self.verify(
            "--cosign-key", str(key_file), "--cosign-name", "witness.example", "--submit"
        )
        assert status == 0, report
        assert "cosigned:" in report
        status, report = self.verify("--witness", witness_key)
        assert status == 0, report
        assert "cosigned by witness.example at 20" in report

    def test_standalone_verifier_needs_no_django(self) -> None:
        script = (
            "import sys; from undersigned.ledger import verify; "
            "rc = verify.main(sys.argv[1:]); "
            "assert 'django' not in sys.modules, 'django was imported'; sys.exit(rc)"
        )
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                f"{self.live_server_url}/c/deputies/",
                "--state",
                str(self.state),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "deputies: OK" in result.stdout

    def test_receipt_file_verifies(self) -> None:
        signature, token = self.sign(make_claims(60))
        signature_actions.verify_signature(signature, actor=self.verifier)
        self.refresh_counts()
        response = self.client.get(f"/r/{token}/log-receipt.json")
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        path = self.state.parent / "receipt.json"
        path.write_bytes(response.content)
        from undersigned.ledger import verify

        out = io.StringIO()
        assert verify.main(["--receipt", str(path)], out=out) == 0, out.getvalue()
        data = json.loads(response.content)
        data["entries"][-1]["data"] = data["entries"][-1]["data"].replace("verified", "revealed")
        path.write_text(json.dumps(data))
        assert verify.main(["--receipt", str(path)], out=io.StringIO()) == 1
        assert base64.b64decode(data["entries"][-1]["proof"][0])

    def cite_line(self, size: int, language: str = "en") -> str:
        data = json.loads(self.client.get(f"/c/deputies/cite/{size}.json").content)
        return data["citation_en"] if language == "en" else data["citation"]

    def test_citation_line_checked_against_the_site(self) -> None:
        old = Checkpoint.objects.filter(campaign=self.campaign).latest()
        line = self.cite_line(old.size)
        assert line.startswith(f"As of {old.time[:10]} {old.time[11:16]} UTC: 6 verified")
        self.sign_verified(make_claims(80))
        self.refresh_counts()
        # A line quoted before the log moved on still checks: its checkpoint is kept.
        status, report = self.verify("--cite", line)
        assert status == 0, report
        assert f"citation: OK, checkpoint {old.size} of deputies" in report
        russian = self.cite_line(old.size, "ru")
        assert russian.startswith("По состоянию на")
        status, report = self.verify("--cite", russian)
        assert status == 0, report

        for wrong, problem in (
            (line.replace("1 being checked", "84 being checked"), "being-checked figure 84"),
            (line.replace("6 verified", "19 verified"), "verified figure 19"),
            (line.replace(old.time[11:16], "00:00"), "the time"),
        ):
            if wrong == line:
                continue
            status, report = self.verify("--cite", wrong)
            assert status == 1, report
            assert problem in report and "citation: FAIL" in report
        root = line.rsplit(" ", 1)[1]
        other_root = ("A" if root[0] != "A" else "B") + root[1:]
        status, report = self.verify("--cite", line.replace(root, other_root))
        assert status == 1 and "the line gives the root" in report
        status, report = self.verify(
            "--cite", line.replace(f"checkpoint {old.size}", "checkpoint 999")
        )
        assert status == 1 and "no checkpoint of 999 entries" in report
        status, report = self.verify("--cite", "nineteen, more or less")
        assert status == 2 and "error: the line gives no time" in report
