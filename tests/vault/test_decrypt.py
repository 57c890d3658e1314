"""The offline decrypt tool: no server, no database, no Django; a CSV with contacts in clear."""

import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.base import OLGA, PersonaTestCase, make_claims
from tests.vault.keys import make_identity
from undersigned.vault import actions
from undersigned.verification import sealed as sealed_bundle
from undersigned.verification.contacts import export_contacts

DECRYPT = Path(__file__).resolve().parents[2] / "undersigned" / "vault" / "decrypt.py"


class ToolCase(PersonaTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.vera, vera_public = make_identity(self.tmp, "vera")
        self.newcomer, self.newcomer_public = make_identity(self.tmp, "newcomer")
        actions.add_verifier_key(vera_public, "Vera", campaign=self.campaign)

    def run_tool(
        self, identity: Path, bundle: Path, *options: str
    ) -> subprocess.CompletedProcess[str]:
        # A copy of the one file, run where neither Django nor this project can be imported.
        alone = self.tmp / "alone"
        alone.mkdir(exist_ok=True)
        shutil.copy(DECRYPT, alone / "decrypt.py")
        probe = (
            "import runpy, sys; sys.argv = ['decrypt.py', '--identity', *sys.argv[1:]]\n"
            "try:\n    runpy.run_path('decrypt.py', run_name='__main__')\n"
            "except SystemExit as done:\n    code = done.code\n"
            "assert 'django' not in sys.modules and 'undersigned' not in sys.modules\n"
            "sys.exit(code)\n"
        )
        return subprocess.run(
            [sys.executable, "-I", "-c", probe, str(identity), str(bundle), *options],
            cwd=alone,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin"},
        )


class DecryptTest(ToolCase):
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


class SealedBundleTest(ToolCase):
    """The same tool opens the sealed bundle, answers "already signed?" and writes reveals."""

    def seal_two(self) -> tuple[Path, str]:
        from undersigned.verification import actions as decide

        signature, _ = self.sign(publication="anonymous")
        decide.confirm_match(signature, self.official, actor=self.verifier)
        decide.verify(signature, actor=self.verifier, method="known", note="met her")
        waiting, _ = self.sign(make_claims(2), publication="conditional", reveal_threshold=2)
        decide.verify(waiting, actor=self.verifier, method="known")
        bundle = self.tmp / "sealed.age"
        bundle.write_bytes(sealed_bundle.export_sealed(self.campaign))
        return bundle, signature.handle

    def test_sealed_csv_and_already_signed(self) -> None:
        bundle, handle = self.seal_two()
        result = self.run_tool(self.vera, bundle)
        assert result.returncode == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [r["name"] for r in rows] == [OLGA.full_name, make_claims(2).full_name]
        assert rows[0]["handle"] == handle and rows[0]["official_source_id"] == "spb-001"
        assert "met her" in rows[0]["evidence"]
        found = self.run_tool(self.vera, bundle, "--official", "spb-001")
        assert found.returncode == 0 and handle in found.stdout
        missing = self.run_tool(self.vera, bundle, "--official", "spb-404")
        assert missing.returncode == 3 and "not found" in missing.stderr
        by_name = self.run_tool(self.vera, bundle, "--name", "семенова ОЛЬГА")
        assert by_name.returncode == 0 and handle in by_name.stdout

    def test_a_name_in_latin_or_in_another_order_is_found(self) -> None:
        bundle, handle = self.seal_two()
        for name in ("Semyonova Olga", "Olga Semenova", "Ol'ga Semjonova Petrovna", "Семёнова"):
            found = self.run_tool(self.vera, bundle, "--name", name)
            assert found.returncode == 0 and handle in found.stdout, name
        for name in ("Semenov Oleg", "Semyonova Olga Ivanovna", "Olga Olga"):
            missing = self.run_tool(self.vera, bundle, "--name", name)
            assert missing.returncode == 3 and handle not in missing.stdout, name

    def test_reveal_file_only_when_the_threshold_is_reached(self) -> None:
        bundle, _ = self.seal_two()
        reveal = self.tmp / "reveal.json"
        assert self.run_tool(self.vera, bundle, "--reveal", str(reveal)).returncode == 0
        assert json.loads(reveal.read_text())["reveals"] == []
        self.sign_verified(make_claims(3))
        self.refresh_counts()
        bundle.write_bytes(sealed_bundle.export_sealed(self.campaign))
        assert self.run_tool(self.vera, bundle, "--reveal", str(reveal)).returncode == 0
        entries = json.loads(reveal.read_text())["reveals"]
        assert [e["full_name"] for e in entries] == [make_claims(2).full_name]
        assert len(entries[0]["salt"]) == 64
        assert oct(reveal.stat().st_mode & 0o777) == "0o600"

    def test_a_stranger_opens_nothing(self) -> None:
        bundle, _ = self.seal_two()
        stranger, _ = make_identity(self.tmp, "stranger")
        result = self.run_tool(stranger, bundle)
        assert result.returncode == 1 and OLGA.full_name not in result.stdout
