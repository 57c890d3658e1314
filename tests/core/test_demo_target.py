"""`make demo PORT=N`: every process of the demo knows its address from the port, and its
e-mails are files in var/mail/ whose links can be followed."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.test import override_settings

from tests.base import PersonaTestCase
from undersigned.updates.actions import publish_update, subscribe_email

ROOT = Path(__file__).resolve().parents[2]
MANAGE = ".venv/bin/python manage.py"


class DemoTargetTest(PersonaTestCase):
    def dry_run(self, *args: str) -> list[str]:
        make = shutil.which("make") or "/usr/bin/make"
        result = subprocess.run(
            [make, "-n", "--no-print-directory", "demo", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.splitlines()

    def test_every_process_gets_the_address_and_the_mail_folder(self) -> None:
        lines = self.dry_run("PORT=8123", "STAMP=pyproject.toml")
        commands = [line for line in lines if "manage.py" in line and "compile" not in line]
        assert len(commands) == 5, lines
        for command in commands:
            assert "SITE_URL=http://127.0.0.1:8123 " in command, command
            assert "EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend" in command
            assert f"EMAIL_FILE_PATH={ROOT}/var/mail " in command, command
        assert any("runserver" in c and c.rstrip("\\ ").endswith("127.0.0.1:8123") for c in lines)
        assert any("written as a file into var/mail/" in line for line in lines)

    def test_an_email_of_the_demo_is_a_file_with_links_to_its_port(self) -> None:
        folder = Path(tempfile.mkdtemp())
        subscribe_email(self.campaign, "reader@example.org", "en")
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                EMAIL_FILE_PATH=str(folder),
                SITE_URL="http://127.0.0.1:8123",
            ),
            self.captureOnCommitCallbacks(execute=True),
        ):
            publish_update(
                self.campaign,
                author=self.spokesperson,
                texts=[
                    {"language": "en", "title": "Delivered", "body": "The appeal is delivered."}
                ],
            )
        files = list(folder.iterdir())
        assert len(files) == 1
        text = files[0].read_text()
        assert "To: reader@example.org" in text
        assert "http://127.0.0.1:8123/updates/unsubscribe/" in text
