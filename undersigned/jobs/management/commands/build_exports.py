"""Write the downloads of every public campaign that may have changed (the export job)."""

import os
from typing import Any

from django.core.management.base import BaseCommand

from undersigned.web.exports import build_exports


def idle_priority() -> bool:
    """Run this process only when no other wants the CPU (Linux's SCHED_IDLE); elsewhere,
    at the lowest nice level. True if SCHED_IDLE took."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return True
    except (AttributeError, OSError):
        os.nice(19)
        return False


class Command(BaseCommand):
    help = "Write the downloads (CSV, XLSX, JSON) of the public campaigns that changed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--nice", type=int, default=0, help="lower this process's priority")
        parser.add_argument(
            "--idle",
            action="store_true",
            help="use the CPU only when nothing else wants it (SCHED_IDLE on Linux)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["idle"]:
            idle_priority()  # a signer waking up takes the CPU from it at once
        elif options["nice"]:
            os.nice(options["nice"])  # the app servers come first on a busy machine
        self.stdout.write(f"campaigns written: {build_exports()}")
