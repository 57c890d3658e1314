"""Run the periodic jobs (counts, reconciliation, and those other apps register) forever."""

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from undersigned.core import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs until interrupted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            for job in periodic.JOBS:
                job.next_at = 0
            names = periodic.run_due()
            self.stdout.write("ran: " + ", ".join(names))
            return
        running = True

        def stop(*_: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("periodic jobs: " + ", ".join(j.name for j in periodic.JOBS))
        while running:
            # A long-running process: drop connections that broke or outlived their age.
            close_old_connections()
            periodic.run_due()
            time.sleep(0.25)
