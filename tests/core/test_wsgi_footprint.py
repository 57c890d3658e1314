"""What an app server loads: every URL's view, but not the libraries only the task worker
and the export process draw files with (PDF, spreadsheets, QR codes), about 23 MB a worker."""

import json
import subprocess
import sys

from harness import ROOT

LOADED = """
import json, sys
import django
django.setup()
from undersigned.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_app_server_leaves_the_drawing_libraries_to_the_workers() -> None:
    result = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "undersigned.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=True,
    )
    loaded = set(json.loads(result.stdout))
    assert "undersigned" in loaded and "ninja" in loaded  # the views are there
    assert not loaded & {"fpdf", "fontTools", "openpyxl", "qrcode"}
