"""A conditional reveal from end to end, in Chromium with JavaScript off.

Two deputies sign through the form asking to be named once 2 have signed; they are
verified and sealed, so the server keeps no name. The count job sees the threshold
reached: Vera is told on Telegram (the fake Bot API server) and on the desk. She downloads
the sealed bundle, opens it on her own machine with the offline tool (no Django, no
database), uploads the reveal file it writes, and the two names appear on the public page.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from harness.fake_telegram import BOT_USERNAME, TOKEN, FakeTelegram
from tests.browser.base import BrowserCase
from tests.vault.keys import make_identity
from undersigned.bot.models import StaffChat
from undersigned.jobs.counts import run_count_job
from undersigned.signatures.models import Signature
from undersigned.vault.actions import add_verifier_key
from undersigned.verification import actions as decide
from undersigned.verification import throttle

DECRYPT = Path(__file__).resolve().parents[2] / "undersigned" / "vault" / "decrypt.py"
SIGNERS = [
    ("Порогова Смелая Ивановна", "Совет МО Пороговский"),
    ("Двоеглазов Решительный Петрович", "Совет МО Двоеглазовский"),
]
VERA_CHAT = 7001


class ConditionalRevealTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.letter = self.make_campaign("reveal", reveal_thresholds=[2])
        self.keys = Path(tempfile.mkdtemp())
        self.identity, public = make_identity(self.keys, "vera")
        add_verifier_key(public, "Vera", campaign=self.letter)
        StaffChat.objects.create(user=self.verifier, chat_id=VERA_CHAT)
        self.telegram = FakeTelegram().start()
        self.bot = override_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BOT_USERNAME=BOT_USERNAME,
            TELEGRAM_API_URL=self.telegram.url,
        )
        self.bot.enable()
        for scope in (throttle.login_by_username(), throttle.login_by_client()):
            scope.reset("vera")

    def tearDown(self) -> None:
        self.bot.disable()
        self.telegram.stop()

    def offline_reveal(self, bundle: Path) -> Path:
        """Vera's own machine: the one file of the tool, run where Django cannot be imported."""
        alone = self.keys / "alone"
        alone.mkdir()
        shutil.copy(DECRYPT, alone / "decrypt.py")
        reveal = alone / "reveal.json"
        result = subprocess.run(
            [
                sys.executable,
                "-I",
                "decrypt.py",
                "--identity",
                str(self.identity),
                str(bundle),
                "--reveal",
                str(reveal),
            ],
            cwd=alone,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 0, result.stderr
        assert "2 signers to name" in result.stderr
        return reveal

    def test_signers_threshold_notice_offline_decrypt_upload_names(self) -> None:
        context = self.browser.new_context(
            java_script_enabled=False, locale="en-US", accept_downloads=True
        )
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))

        # Two deputies sign, each to be named once 2 have signed.
        for name, council in SIGNERS:
            page.goto(f"{self.live_server_url}/c/{self.letter.slug}/sign/?lang=en")
            page.get_by_label("Full name").fill(name)
            page.get_by_label("Position").fill("депутат")
            page.get_by_label("Council or body").fill(council)
            page.get_by_label("Municipality").fill(council.removeprefix("Совет "))
            page.locator("select[name='region']").select_option("RU-SPE")
            page.locator("input[name='publication'][value='conditional']").check()
            page.locator("input[name='reveal_threshold'][value='2']").check()
            with page.expect_navigation():
                page.locator("form button[type='submit']").last.click()
            # What will be public, before anything is sent.
            assert "Check your answers before signing" in page.content()
            with page.expect_navigation():
                page.locator("button[name='confirm']").click()
            assert "Thank you for signing" in page.content()
        signatures = list(Signature.objects.filter(campaign=self.letter))
        assert len(signatures) == 2
        for signature in signatures:
            decide.verify(signature, actor=self.verifier, method="known")
        assert all(
            s.is_sealed and s.full_name == ""
            for s in Signature.objects.filter(campaign=self.letter)
        )

        # The count job: the threshold is reached; nobody can be named from the server.
        since = len(self.telegram.calls)
        run_count_job()
        told = [m for m in self.telegram.sent_messages(since) if int(m["chat_id"]) == VERA_CHAT]
        assert told and "2" in told[0]["text"]
        page.goto(f"{self.live_server_url}/c/{self.letter.slug}/?lang=en")
        assert all(name not in page.content() for name, _ in SIGNERS)

        # Vera signs in to the desk and sees that two wait to be named.
        device = TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        page.goto(f"{self.live_server_url}/desk/?lang=en")
        page.get_by_label("Username").fill("vera")
        page.get_by_label("Password").fill("verifier-pass")
        with page.expect_navigation():
            page.get_by_label("Password").press("Enter")
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        page.get_by_label("Six-digit code from your authenticator app").fill(code)
        with page.expect_navigation():
            page.get_by_label("Six-digit code from your authenticator app").press("Enter")
        page.goto(f"{self.live_server_url}/desk/c/{self.letter.slug}/?lang=en")
        assert "2 conditional signers wait to be named" in page.content()
        page.get_by_role(
            "link", name="Sealed signers: bundle, reveal upload, find by handle"
        ).click()
        page.screenshot(path=str(self.shots / "desk-sealed.png"), full_page=True)

        # The sealed bundle, opened offline; the reveal file uploaded.
        with page.expect_download() as download:
            page.get_by_role(
                "link", name="Download the sealed bundle (encrypted to the verifiers' keys)"
            ).click()
        bundle = self.keys / "sealed.age"
        download.value.save_as(bundle)
        assert all(name.encode() not in bundle.read_bytes() for name, _ in SIGNERS)
        reveal = self.offline_reveal(bundle)
        page.locator("input[type='file'][name='reveal_file']").set_input_files(str(reveal))
        with page.expect_navigation():
            page.get_by_role("button", name="Upload and publish").click()
        assert "2 signers named; 0 entries refused" in page.content()

        # The names are on the public page.
        page.goto(f"{self.live_server_url}/c/{self.letter.slug}/?lang=en")
        page.screenshot(path=str(self.shots / "reveal-public.png"), full_page=True)
        assert all(name in page.content() for name, _ in SIGNERS)
        assert all(url.startswith(self.live_server_url) for url in requested)
        context.close()
