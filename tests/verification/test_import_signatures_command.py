"""manage.py import_signatures: a preview without --confirm, one transaction with it."""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.base import PersonaTestCase
from tests.vault.keys import age_decrypt, make_identity
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature
from undersigned.vault.actions import add_verifier_key
from undersigned.vault.models import ContactCiphertext

LINES = """Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург, maria@example.org
KILTSOVA INNA ANATOLEVNA — dep. MO Smolninskoe, Sankt-Peterburg
???
Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург
"""


class ImportSignaturesCommandTest(PersonaTestCase):
    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp())
        self.path = self.directory / "received.txt"
        self.path.write_text(LINES, encoding="utf-8")

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command(
            "import_signatures",
            self.campaign.slug,
            str(self.path),
            "--as",
            "oleg",
            *args,
            stdout=out,
        )
        return out.getvalue()

    def test_without_confirm_it_only_shows_how_each_line_was_read(self) -> None:
        out = self.run_command("--channel", "telegram")
        assert (
            "line 1: name: Иванова Мария Петровна | office: депутат | council: МО Семёновский"
            in out
        )
        assert "line 2: name: KILTSOVA INNA ANATOLEVNA | office: dep" in out
        assert "line 3: unreadable (no name)" in out
        assert "line 4: duplicate of line 1" in out
        assert "2 to import, 1 duplicates, 1 unreadable. Nothing imported" in out
        assert not Signature.objects.exists()

    def test_confirmed_it_imports_prints_receipts_once_and_audits_counts(self) -> None:
        identity, public = make_identity(self.directory)
        add_verifier_key(public, "Vera", campaign=self.campaign)
        with self.captureOnCommitCallbacks(execute=True):
            out = self.run_command("--channel", "email", "--confirm")
        assert "2 signatures imported" in out
        links = [line for line in out.splitlines() if "/r/" in line]
        assert len(links) == 2
        assert {s.channel for s in Signature.objects.all()} == {Signature.EMAIL}
        assert {s.publication for s in Signature.objects.all()} == {Signature.ANONYMOUS}
        maria = Signature.objects.get(full_name="Иванова Мария Петровна")
        ciphertext = bytes(ContactCiphertext.objects.get(signature=maria).ciphertext)
        assert age_decrypt(identity, ciphertext).strip() == b"email: maria@example.org"
        token = links[0].rsplit("/r/", 1)[1].strip("/")
        stored = repr(list(Signature.objects.values())) + repr(list(AuditEvent.objects.values()))
        assert token not in stored and "maria@example.org" not in stored
        event = AuditEvent.objects.get(action="signatures.imported")
        assert event.note == "2 imported from email, 1 duplicates, 1 unreadable lines"

    def test_receipts_go_to_a_new_file_only(self) -> None:
        receipts = self.directory / "receipts.txt"
        self.run_command("--channel", "paper", "--confirm", "--receipts", str(receipts))
        assert receipts.read_text().count("/r/") == 2
        with pytest.raises(CommandError, match="exists"):
            self.run_command("--channel", "paper", "--confirm", "--receipts", str(receipts))
        assert Signature.objects.filter(merged_into__isnull=True).count() == 2

    def test_the_receipts_file_names_each_line_and_only_its_owner_reads_it(self) -> None:
        receipts = self.directory / "receipts.txt"
        self.run_command("--channel", "paper", "--confirm", "--receipts", str(receipts))
        lines = receipts.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("line 1: Иванова Мария Петровна: http")
        assert lines[1].startswith("line 2: KILTSOVA INNA ANATOLEVNA: http")
        assert oct(receipts.stat().st_mode & 0o777) == "0o600"

    def test_a_line_with_nothing_like_a_name_is_left_out_unless_included(self) -> None:
        self.path.write_text(
            "Здравствуйте! Я Гусев Юрий Олегович, депутат МО Смольнинское, подписываюсь\n"
            "Поддерживаю! Подпишусь завтра\n",
            encoding="utf-8",
        )
        out = self.run_command("--channel", "telegram")
        assert (
            "line 1: name: Гусев Юрий Олегович | office: депутат | council: МО Смольнинское |"
            in out
        )
        assert "line 2: not a signature? left out (--include 2 to import)" in out
        assert "1 to import, 0 duplicates, 0 unreadable, 1 left out as not a signature." in out
        out = self.run_command("--channel", "telegram", "--confirm")
        assert list(Signature.objects.values_list("full_name", flat=True)) == [
            "Гусев Юрий Олегович"
        ]
        assert AuditEvent.objects.get(action="signatures.imported").note.endswith(
            ", 1 not a signature"
        )
        self.path.write_text("Поддерживаю! Подпишусь завтра\n", encoding="utf-8")
        out = self.run_command("--channel", "telegram", "--confirm", "--include", "1")
        assert "line 1: not a signature? included" in out and "1 signatures imported" in out
        assert Signature.objects.count() == 2

    def test_a_bad_file_imports_nothing(self) -> None:
        self.path = self.directory / "received.xlsx"
        self.path.write_bytes(b"PK\x03\x04broken")
        with pytest.raises(CommandError, match="nothing imported: The spreadsheet cannot be read"):
            self.run_command("--channel", "telegram", "--confirm")
        self.path = self.directory / "received.csv"
        self.path.write_bytes(b"\xff\xfe\x00garbage \x81\x98")
        with pytest.raises(CommandError, match="nothing imported"):
            self.run_command("--channel", "telegram", "--confirm")
        assert not Signature.objects.exists()
        assert not AuditEvent.objects.filter(action="signatures.imported").exists()

    def test_a_failure_half_way_leaves_nothing(self) -> None:
        from unittest import mock

        from undersigned.signatures import imports

        real = imports._submit
        calls = []

        def failing(*args: object, **kwargs: object) -> object:
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            return real(*args, **kwargs)  # type: ignore[arg-type]

        with mock.patch.object(imports, "_submit", failing), pytest.raises(RuntimeError):
            self.run_command("--channel", "telegram", "--confirm")
        assert not Signature.objects.exists()

    def test_unknown_campaign_and_channel(self) -> None:
        with pytest.raises(CommandError, match="no campaign"):
            call_command(
                "import_signatures", "nope", str(self.path), "--channel", "telegram", "--as", "oleg"
            )
        with pytest.raises(CommandError):
            self.run_command("--channel", "carrier-pigeon")

    def test_only_the_campaign_staff_may_import(self) -> None:
        for username in ("otto", "svetlana", "nobody"):
            out = io.StringIO()
            with pytest.raises(CommandError, match="organizer or verifier"):
                call_command(
                    "import_signatures",
                    self.campaign.slug,
                    str(self.path),
                    "--channel",
                    "paper",
                    "--confirm",
                    "--as",
                    username,
                    stdout=out,
                )
        assert not Signature.objects.exists()


class ImportedSignaturesAreMatchedTest(PersonaTestCase):
    def test_an_imported_claim_is_matched_to_the_registry_like_any_other(self) -> None:
        path = Path(tempfile.mkdtemp()) / "received.txt"
        path.write_text(
            "деп. СЕМЁНОВА ОЛЬГА ПЕТРОВНА — с.п. Семёновский, Sankt-Peterburg\n", encoding="utf-8"
        )
        with self.captureOnCommitCallbacks(execute=True):
            call_command(
                "import_signatures",
                self.campaign.slug,
                str(path),
                "--channel",
                "telegram",
                "--confirm",
                "--as",
                "vera",
                stdout=io.StringIO(),
            )
        signature = Signature.objects.get()
        assert signature.state == Signature.MATCHED
        assert signature.official == self.official
        assert signature.publication == Signature.ANONYMOUS
