"""Write the downloads of every public campaign that may have changed (the export job)."""

import os
from typing import Any

from django.core.management.base import BaseCommand

from undersigned.web.exports import build_exports


class Command(BaseCommand):
    help = "Write the downloads (CSV, XLSX, JSON) of the public campaigns that changed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--nice", type=int, default=0, help="lower this process's priority")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["nice"]:
            os.nice(options["nice"])  # the app servers come first on a busy machine
        self.stdout.write(f"campaigns written: {build_exports()}")
