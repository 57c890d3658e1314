import os
import signal
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import override_settings

from tests.base import PersonaTestCase, make_claims
from undersigned.jobs.management.commands import run_periodic
from undersigned.signatures.public import counts_for
from undersigned.web import published


class RunPeriodicCommandTest(PersonaTestCase):
    def test_once_runs_the_count_job(self) -> None:
        self.sign_verified(make_claims(1))
        out = StringIO()
        call_command("run_periodic", "--once", stdout=out)
        assert "counts" in out.getvalue()
        assert counts_for(self.campaign).verified == 1

    def test_stopping_removes_the_files_nginx_sends(self) -> None:
        with tempfile.TemporaryDirectory() as root, override_settings(PUBLISHED_ROOT=root):
            published.withdraw_all()
            handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
            self.addCleanup(lambda: [signal.signal(s, h) for s, h in handlers.items()])
            seen: list[list[Path]] = []

            def stop_after_one_pass(_: float) -> None:  # as systemd stops the service
                seen.append(sorted(p for p in Path(root).rglob("*") if p.is_file()))
                os.kill(os.getpid(), signal.SIGTERM)

            with (
                mock.patch.object(run_periodic.time, "sleep", stop_after_one_pass),
                # The test's transaction holds the connection the loop would refresh.
                mock.patch.object(run_periodic, "close_old_connections", lambda: None),
            ):
                call_command("run_periodic", stdout=StringIO())
            slug = self.campaign.slug
            assert seen == [  # written while it ran
                [
                    Path(root, "counts", f"{slug}.json"),
                    Path(root, "pages", "en", f"{slug}.html"),
                    Path(root, "pages", "ru", f"{slug}.html"),
                ]
            ]
            assert [p for p in Path(root).rglob("*") if p.is_file()] == []
