"""The offline decrypt tool: no server, no database, no Django; a CSV with contacts in clear."""

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.base import PersonaTestCase, make_claims
from tests.vault.keys import make_identity
from undersigned.vault import actions
from undersigned.verification.contacts import export_contacts

DECRYPT = Path(__file__).resolve().parents[2] / "undersigned" / "vault" / "decrypt.py"


class DecryptTest(PersonaTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.vera, vera_public = make_identity(self.tmp, "vera")
        self.newcomer, self.newcomer_public = make_identity(self.tmp, "newcomer")
        actions.add_verifier_key(vera_public, "Vera", campaign=self.campaign)

    def run_tool(self, identity: Path, bundle: Path) -> subprocess.CompletedProcess[str]:
        # A copy of the one file, run where neither Django nor this project can be imported.
        alone = self.tmp / "alone"
        alone.mkdir(exist_ok=True)
        shutil.copy(DECRYPT, alone / "decrypt.py")
        probe = (
            "import runpy, sys; sys.argv = ['decrypt.py', '--identity', sys.argv[1], sys.argv[2]]\n"
            "try:\n    runpy.run_path('decrypt.py', run_name='__main__')\n"
            "except SystemExit as done:\n    code = done.code\n"
            "assert 'django' not in sys.modules and 'undersigned' not in sys.modules\n"
            "sys.exit(code)\n"
        )
        return subprocess.run(
            [sys.executable, "-I", "-c", probe, str(identity), str(bundle)],
            cwd=alone,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin"},
        )

    def test_csv_with_contacts_in_clear(self) -> None:
        first, _ = self.sign(make_claims(1))
        second, _ = self.sign(make_claims(2))
        self.sign(make_claims(3))  # no contact: not in the bundle
        actions.attach_contact(first, "email", "deputy1@example.org")
        actions.attach_contact(second, "phone", "+79110000002")
        bundle = self.tmp / "bundle.age"
        bundle.write_bytes(export_contacts(self.campaign))
        result = self.run_tool(self.vera, bundle)
        assert result.returncode == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [(r["signature"], r["contact_kind"], r["contact"]) for r in rows] == [
            (str(first.pk), "email", "deputy1@example.org"),
            (str(second.pk), "phone", "+79110000002"),
        ]
        assert rows[0]["name"] == first.full_name
        assert rows[0]["handle"] == first.handle
        assert rows[0]["state"] == "received"

    def test_contacts_from_before_a_key_was_added_are_marked(self) -> None:
        early, _ = self.sign(make_claims(1))
        actions.attach_contact(early, "phone", "+79110000001")
        actions.add_verifier_key(self.newcomer_public, "Newcomer", campaign=self.campaign)
        late, _ = self.sign(make_claims(2))
        actions.attach_contact(late, "phone", "+79110000002")
        bundle = self.tmp / "bundle.age"
        bundle.write_bytes(export_contacts(self.campaign))
        result = self.run_tool(self.newcomer, bundle)
        assert result.returncode == 0, result.stderr
        rows = {r["signature"]: r["contact"] for r in csv.DictReader(io.StringIO(result.stdout))}
        assert rows == {str(early.pk): "(not encrypted to this key)", str(late.pk): "+79110000002"}

    def test_wrong_identity_says_so(self) -> None:
        stranger, _ = make_identity(self.tmp, "stranger")
        signature, _ = self.sign(make_claims(1))
        actions.attach_contact(signature, "phone", "+79110000001")
        bundle = self.tmp / "bundle.age"
        bundle.write_bytes(export_contacts(self.campaign))
        result = self.run_tool(stranger, bundle)
        assert result.returncode == 1
        assert "not encrypted to this identity" in result.stderr
        assert "79110000001" not in result.stdout
