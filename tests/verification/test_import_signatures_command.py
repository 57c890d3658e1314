"""Claims collected elsewhere join the queue through the same signing path as every channel:
checked by the signing form; a repeat stands apart under the same claims key."""

import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.base import OLGA, PersonaTestCase, make_claims
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature


class ImportSignaturesCommandTest(PersonaTestCase):
    def write(self, text: str) -> Path:
        path = Path(tempfile.mkdtemp()) / "claims.csv"
        path.write_text(text, encoding="utf-8")
        return path

    def run_import(self, path: Path, *extra: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command(
            "import_signatures", self.campaign.slug, str(path), *extra, stdout=out, stderr=err
        )
        return out.getvalue(), err.getvalue()

    def test_rows_join_the_queue_and_refused_rows_are_reported(self) -> None:
        second = make_claims(2)
        path = self.write(
            "full_name,office,body,municipality,region\n"
            f"{OLGA.full_name},{OLGA.office},{OLGA.body},{OLGA.municipality},Санкт-Петербург\n"
            ",депутат,,,RU-MOW\n"
            f"{second.full_name},{second.office},{second.body},{second.municipality},RU-MOW\n"
        )
        out, err = self.run_import(path, "--as", "vera")
        assert "2 signatures imported" in out
        assert err.startswith("line 3: full_name:")
        imported = Signature.objects.filter(channel=Signature.IMPORT).order_by("id")
        assert [(s.full_name, s.region_code, s.state, s.publication) for s in imported] == [
            (OLGA.full_name, "RU-SPE", Signature.RECEIVED, Signature.ANONYMOUS),
            (second.full_name, "RU-MOW", Signature.RECEIVED, Signature.ANONYMOUS),
        ]
        assert AuditEvent.objects.get(action="signatures.imported").actor == self.verifier
        # Imported again, the same claims stand as repeats under the same claims keys: the
        # desk shows them side by side and verifiers reject them as duplicates.
        self.run_import(path, "--as", "vera")
        assert Signature.objects.count() == 4
        assert Signature.objects.values("claims_key").distinct().count() == 2

    def test_only_the_campaign_staff_may_import(self) -> None:
        path = self.write(f"full_name\n{OLGA.full_name}\n")
        for username in ("otto", "svetlana", "nobody"):
            with pytest.raises(CommandError):
                self.run_import(path, "--as", username)
        assert not Signature.objects.exists()
