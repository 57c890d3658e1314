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

    def test_a_long_writing_waits_its_share_of_the_time_before_the_next(self) -> None:
        call_command("build_exports", stdout=io.StringIO())
        folder = self.root / "deputies"
        assert float((folder / exports.BUILD_SECONDS_FILE).read_text()) >= 0
        (folder / exports.FINGERPRINT_FILE).write_text("what they showed has changed")
        (folder / exports.BUILD_SECONDS_FILE).write_text("60.0")  # as if it took a minute
        with override_settings(EXPORT_MAX_SHARE=0.1):  # so the next waits ten minutes
            assert not exports.build_campaign_exports(self.campaign)
            assert exports.build_campaign_exports(self.campaign, force=True)
        (folder / exports.FINGERPRINT_FILE).write_text("changed again")
        (folder / exports.BUILD_SECONDS_FILE).write_text("0.5")  # a small campaign
        assert exports.build_campaign_exports(self.campaign)

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
