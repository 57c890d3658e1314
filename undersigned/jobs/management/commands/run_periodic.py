"""Run the periodic jobs of the schedule (undersigned.jobs.schedule) forever, or once."""

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from undersigned.core.periodic import PeriodicRunner
from undersigned.jobs.schedule import SCHEDULE
from undersigned.web import published


class Command(BaseCommand):
    help = "Run the periodic jobs until interrupted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        runner = PeriodicRunner(SCHEDULE)
        if options["once"]:
            names = runner.run_due()
            self.stdout.write("ran: " + ", ".join(names))
            return
        running = True

        def stop(*_: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("periodic jobs: " + ", ".join(job.name for job in SCHEDULE))
        while running:
            # A long-running process: drop connections that broke or outlived their age.
            close_old_connections()
            runner.run_due()
            # Each job starts on time, not up to a polling step late; a stop waits at most
            # a second.
            time.sleep(min(max(runner.seconds_to_next(), 0.05), 1.0))
        # Without a count job the files would stop moving: nginx asks the app again.
        published.withdraw_all()
