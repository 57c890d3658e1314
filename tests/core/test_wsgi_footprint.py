"""What an app server loads: every URL's view, but not the libraries only the task worker
and the export process draw files with (PDF, spreadsheets, QR codes), about 23 MB a
worker, nor the API's (django-ninja, pydantic, about 12 MB) until a request asks for it."""

import json
import subprocess
import sys

from harness import ROOT

LOADED = """
import json, sys
import django
django.setup()
from undersigned.wsgi import application
from django.test import Client
from django.urls import get_resolver, reverse
get_resolver().url_patterns
reverse("campaign", args=["deputies"])  # as every signature's redirect does
loaded = {"site": sorted({name.split(".")[0] for name in sys.modules})}
assert Client().get("/api/v1/openapi.json").status_code == 200
loaded["api"] = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps(loaded))
"""


def loaded() -> dict[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=ROOT,
        env={
            "DJANGO_SETTINGS_MODULE": "undersigned.settings",
            "ALLOWED_HOSTS": "testserver",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        check=True,
    )
    return {k: set(v) for k, v in json.loads(result.stdout).items()}


def test_app_server_leaves_the_drawing_libraries_and_the_api_until_asked() -> None:
    modules = loaded()
    assert "undersigned" in modules["site"] and "captcha" in modules["site"]  # the views
    assert not modules["site"] & {"fpdf", "fontTools", "openpyxl", "qrcode", "ninja", "pydantic"}
    assert {"ninja", "pydantic"} <= modules["api"]  # the first API request loads the API
    assert not modules["api"] & {"fpdf", "fontTools", "openpyxl", "qrcode"}
