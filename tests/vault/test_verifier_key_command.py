import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.base import PersonaTestCase
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.vault.models import VerifierKey


def run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("verifier_key", *args, stdout=out)
    return out.getvalue()


class VerifierKeyCommandTest(PersonaTestCase):
    def setUp(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        _, self.public = make_identity(tmp, "vera")
        _, self.other = make_identity(tmp, "global")

    def test_add_list_revoke(self) -> None:
        assert "added key" in run("add", "--campaign", "deputies", "--label", "Vera", self.public)
        run("add", "--all-campaigns", "--label", "Chief verifier", self.other)
        listing = run("list", "--campaign", "deputies")
        assert "Vera\tdeputies\tactive" in listing
        assert "Chief verifier\tall campaigns\tactive" in listing
        key = VerifierKey.objects.get(label="Vera")
        assert "revoked key" in run("revoke", str(key.pk))
        assert "Vera" not in run("list", "--campaign", "deputies")
        assert "Vera\tdeputies\trevoked" in run("list")
        actions = list(
            AuditEvent.objects.filter(action__startswith="vault.key").values_list(
                "action", flat=True
            )
        )
        assert actions == ["vault.key_added", "vault.key_added", "vault.key_revoked"]

    def test_bad_input_is_refused_and_changes_nothing(self) -> None:
        with pytest.raises(CommandError, match="valid age public key"):
            run("add", "--campaign", "deputies", "--label", "Vera", "age1qqqqqqqq")
        with pytest.raises(CommandError, match="no campaign"):
            run("add", "--campaign", "nope", "--label", "Vera", self.public)
        with pytest.raises(CommandError, match="no key"):
            run("revoke", "999")
        assert not VerifierKey.objects.exists()
        run("add", "--campaign", "deputies", "--label", "Vera", self.public)
        key = VerifierKey.objects.get()
        run("revoke", str(key.pk))
        with pytest.raises(CommandError, match="already revoked"):
            run("revoke", str(key.pk))

    def test_a_private_key_is_never_accepted(self) -> None:
        with pytest.raises(CommandError):
            run("add", "--campaign", "deputies", "--label", "Oops", "AGE-SECRET-KEY-1" + "Q" * 58)
        assert not VerifierKey.objects.exists()
