"""The real tools a verifier uses: Debian's age-keygen makes the key the site encrypts to,
and Debian's age opens the export, as docs/verifier.md says. `make test` installs age."""

import subprocess
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.base import PersonaTestCase, make_claims
from tests.vault.keys import AGE_KEYGEN, age_tool_decrypt, make_identity
from undersigned.vault import actions


@pytest.mark.tools
class AgeToolTest(PersonaTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def export(self) -> bytes:
        out = self.tmp / "bundle.age"
        call_command(
            "export_contacts", "--campaign", self.campaign.slug, str(out), stdout=StringIO()
        )
        return out.read_bytes()

    def test_a_key_from_age_keygen_opens_the_export_with_age(self) -> None:
        identity = self.tmp / "vera.txt"
        made = subprocess.run([AGE_KEYGEN, "-o", str(identity)], capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        public = made.stderr.strip().removeprefix("Public key: ")
        actions.add_verifier_key(public, "Vera", campaign=self.campaign)
        signature, _ = self.sign(make_claims(1))
        actions.attach_contact(signature, "phone", "+79110000001")
        opened = age_tool_decrypt(identity, self.export())
        assert opened.returncode == 0, opened.stderr
        assert make_claims(1).full_name in opened.stdout.decode()
        assert b"79110000001" not in opened.stdout  # still sealed in its own block

    def test_the_tests_own_identity_files_are_what_age_reads(self) -> None:
        identity, public = make_identity(self.tmp, "vera")
        actions.add_verifier_key(public, "Vera", campaign=self.campaign)
        signature, _ = self.sign(make_claims(2))
        actions.attach_contact(signature, "phone", "+79110000002")
        opened = age_tool_decrypt(identity, self.export())
        assert opened.returncode == 0, opened.stderr
        stranger, _ = make_identity(self.tmp, "stranger")
        refused = age_tool_decrypt(stranger, self.export())
        assert refused.returncode != 0 and b"79110000002" not in refused.stdout
