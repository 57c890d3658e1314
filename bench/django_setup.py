"""Django in a benchmark's own process, on a scratch directory of its own.

The database is SQLite in that directory, or BENCH_DATABASE_URL when it is set.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(name: str, *, migrate: bool = False, **environ: str) -> Path:
    """Set Django up for benchmark `name`, with these extra settings; the scratch directory."""
    scratch = Path(tempfile.mkdtemp(prefix=f"undersigned-bench-{name}-"))
    os.environ["VAR_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = (
        os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    )
    os.environ.update(environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "undersigned.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return scratch
