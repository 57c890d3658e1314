"""`manage.py export_sealed`: the sealed bundle written for the campaign's verifiers."""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.base import PersonaTestCase, make_claims
from tests.vault.keys import age_decrypt, make_identity
from undersigned.vault.actions import add_verifier_key
from undersigned.verification import actions as decide


class ExportSealedCommandTest(PersonaTestCase):
    def test_writes_a_bundle_only_the_verifiers_open(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        identity, public = make_identity(tmp, "vera")
        add_verifier_key(public, "Vera", campaign=self.campaign)
        signature, _ = self.sign(make_claims(1), publication="anonymous")
        decide.verify(signature, actor=self.verifier, method="known")
        out = tmp / "sealed.age"
        call_command("export_sealed", "--campaign", "deputies", str(out), stdout=io.StringIO())
        assert oct(out.stat().st_mode & 0o777) == "0o600"
        data = out.read_bytes()
        assert make_claims(1).full_name.encode() not in data
        text = age_decrypt(identity, data).decode()
        assert text.startswith("undersigned sealed bundle") and signature.handle in text

    def test_without_a_key_or_campaign_it_says_so(self) -> None:
        out = Path(tempfile.mkdtemp()) / "sealed.age"
        with pytest.raises(CommandError, match="no verifier key"):
            call_command("export_sealed", "--campaign", "deputies", str(out))
        with pytest.raises(CommandError, match="no campaign"):
            call_command("export_sealed", "--campaign", "nope", str(out))
        assert not out.exists()
