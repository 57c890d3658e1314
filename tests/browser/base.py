"""The base case of the browser tests: the personas, a live server, Chromium and a folder
for screenshots."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from tests.base import Personas


@pytest.mark.browser
class BrowserCase(Personas, StaticLiveServerTestCase):
    browser: Any
    shots: Path

    @pytest.fixture(autouse=True)
    def _browser(self, browser: Any, screenshots: Path) -> None:
        self.browser = browser
        self.shots = screenshots

    def setUp(self) -> None:
        self.create_personas()
