"""`manage.py build_exports`, and the periodic job that starts it in a process of its own."""

import io
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.base import PersonaTestCase
from undersigned.web import exports


class BuildExportsCommandTest(PersonaTestCase):
    def setUp(self) -> None:
        self.root = Path(settings.VAR_DIR) / "export-command-test"
        shutil.rmtree(self.root, ignore_errors=True)
        self.override = override_settings(EXPORT_ROOT=self.root)
        self.override.enable()
        self.addCleanup(self.override.disable)
        self.addCleanup(shutil.rmtree, self.root, True)

    def test_writes_every_download_of_the_public_campaigns(self) -> None:
        out = io.StringIO()
        call_command("build_exports", stdout=out)
        assert "campaigns written: 1" in out.getvalue()
        names = sorted(p.name for p in (self.root / "deputies").iterdir())
        assert "signatories.ru.xlsx" in names and "timeline.en.json" in names
        assert len([n for n in names if not n.startswith(".")]) == 3 * 3 * len(settings.LANGUAGES)

    @override_settings(EXPORT_IN_BACKGROUND=True)
    def test_the_periodic_job_starts_one_process_at_a_time(self) -> None:
        with mock.patch.object(exports.subprocess, "Popen") as popen:
            popen.return_value.poll.return_value = None  # still running
            exports._builder = None
            exports.start_exports()
            exports.start_exports()
        popen.assert_called_once()
        command = popen.call_args.args[0]
        assert command[-2:] == ["build_exports", "--idle"]
        exports._builder = None
        assert not (self.root / "deputies").exists()  # nothing written in this process


def test_idle_priority_leaves_the_cpu_to_every_other_process() -> None:
    """In a process of its own: SCHED_IDLE, on Linux."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
            " 'undersigned.settings'); django.setup();"
            " from undersigned.jobs.management.commands.build_exports import idle_priority;"
            " print(idle_priority(), os.sched_getscheduler(0) == os.SCHED_IDLE)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["True", "True"]
