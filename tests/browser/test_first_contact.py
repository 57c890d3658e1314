"""First contact, in Chromium with JavaScript off, at a phone's 390 px and a desktop's
1280 px: a frightened signer signs the demo's appeal, checks what will be public first,
keeps the receipt; pages fit 320 px; axe-core finds nothing on any public or desk page,
in Russian and in English. axe-core comes from the pinned axe-playwright-python package
and is injected by the test itself: the pages never load it, and nothing is fetched.
axe-core runs on timers, which a page with JavaScript off never fires: each page is
audited in a second browser context with JavaScript on, where these pages render the
same (the signing page's one script acts only once the form is sent)."""

import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from captcha.models import CaptchaStore
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature

WIDTHS = (390, 1280)
LANGUAGES = ("ru", "en")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PAGE_BACKGROUND = (253, 253, 251)  # --paper
CITIZENS = 1100
SIGNERS = {
    (390, "ru"): "Петрова Ксения Андреевна",
    (390, "en"): "Орлова Дарья Игоревна",
    (1280, "ru"): "Белов Кирилл Юрьевич",
    (1280, "en"): "Гусева Ирина Олеговна",
}
AUDITED_SIGNERS = {
    "ru": ("Куликова Дарья Олеговна", "Гусев Олег Павлович"),
    "en": ("Титова Любовь Романовна", "Ильин Роман Егорович"),
}
# Every signature here comes from one address: the limits stay out of the way but one test.
QUIET = {
    "RATE_CLIENT_CAPTCHA_AFTER": 1000,
    "RATE_CLIENT_HOLD_AFTER": 1000,
    "RATE_CLIENT_LIMIT": 1000,
}  # signatures of the closed parks petition: a count with a thousands separator

MISSING_DESCRIPTIONS = """() => [...document.querySelectorAll('[aria-describedby]')]
  .flatMap(e => e.getAttribute('aria-describedby').split(/\\s+/))
  .filter(id => id && !document.getElementById(id))"""
SUMMARY_TARGETS = """() => [...document.querySelectorAll('.error-summary a')]
  .map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))"""
SMALL_FIELDS = """() => [...document.querySelectorAll(
  'input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea')]
  .filter(e => e.offsetParent !== null && parseFloat(getComputedStyle(e).fontSize) < 16)
  .map(e => e.name)"""


def luminance(rgb: tuple[int, ...]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: tuple[int, ...], two: tuple[int, ...]) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", css)[:3])


@pytest.mark.browser
@override_settings(**QUIET)
class FirstContactTest(StaticLiveServerTestCase):
    @pytest.fixture(autouse=True)
    def _browser(self, browser: Any, screenshots: Path) -> None:
        self.browser = browser
        self.shots = screenshots

    def setUp(self) -> None:
        call_command("load_demo", "--citizen-signatures", str(CITIZENS), verbosity=0)
        self.requested: list[str] = []

    # Helpers
    def page(self, width: int = 390, language: str = "en", *, scripts: bool = False) -> Any:
        context = self.browser.new_context(
            java_script_enabled=scripts,
            viewport={"width": width, "height": 900},
            locale="ru-RU" if language == "ru" else "en-US",
        )
        page = context.new_page()
        page.on("request", lambda request: self.requested.append(request.url))
        return page

    def go(self, page: Any, path: str, language: str) -> Any:
        separator = "&" if "?" in path else "?"
        return page.goto(f"{self.live_server_url}{path}{separator}lang={language}")

    def assert_fits(self, page: Any, what: str) -> None:
        page.wait_for_load_state()  # a click may have started a navigation
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{what} is {width} px wide"

    def assert_described(self, page: Any) -> None:
        assert page.evaluate(MISSING_DESCRIPTIONS) == [], page.url

    def assert_no_foreign_requests(self) -> None:
        foreign = [url for url in self.requested if not url.startswith(self.live_server_url)]
        assert foreign == [], foreign

    def axe(self, page: Any) -> None:
        """axe-core's WCAG 2.2 A and AA rules and its best practices: no violation at all.
        `page` must have JavaScript on (axe-core runs on timers)."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    def sign_in_to_desk(self, page: Any, language: str) -> None:
        # A device per sign-in: a TOTP code is accepted once, and these come within 30 s.
        key = secrets.token_hex(20)
        user = get_user_model().objects.get(username="verifier")
        TOTPDevice.objects.create(user=user, name="browser", confirmed=True, key=key)
        self.go(page, "/desk/login/", language)
        page.locator("#id_username").fill("verifier")
        page.locator("#id_password").fill("demo-password")
        page.locator("form button[type=submit]").last.click()
        page.locator("#id_token").fill(f"{totp(bytes.fromhex(key)):06d}")
        page.locator("form button[type=submit]").last.click()
        assert "/desk/login/" not in page.url and "/desk/otp/" not in page.url

    def fill_sign_form(self, page: Any, name: str, publication: str) -> None:
        page.locator("#id_full_name").fill(name)
        page.locator("#id_office").fill("депутат")
        page.locator("#id_body").fill("Муниципальный совет МО Семёновский")
        page.locator("#id_municipality").fill("МО Семёновский")
        page.locator("#id_region").select_option("RU-SPE")
        page.locator(f"input[name=publication][value={publication}]").check()
        if publication == "conditional":
            page.locator("input[name=reveal_threshold][value='50']").check()

    # The signer
    def test_a_signer_checks_what_will_be_public_then_keeps_the_receipt(self) -> None:
        for width in WIDTHS:
            for language in LANGUAGES:
                self.sign_once(width, language)
        self.assert_no_foreign_requests()

    def sign_once(self, width: int, language: str) -> None:
        english = language == "en"
        stored = Signature.objects.count()
        page = self.page(width, language)
        shots = self.shots / f"after-{width}"
        shots.mkdir(exist_ok=True)

        self.go(page, "/c/deputies-appeal/", language)
        self.assert_fits(page, "campaign page")
        page.screenshot(path=str(shots / f"{language}-1-campaign.png"), full_page=True)
        feed = page.locator('head link[rel=alternate][type="application/atom+xml"]')
        assert feed.get_attribute("href") == "/c/deputies-appeal/updates.atom"
        other = page.locator("nav.languages a")
        assert other.inner_text() == ("Русский" if english else "English")
        assert other.get_attribute("lang") == ("ru" if english else "en")
        kind = page.locator(".kind").inner_text()
        if english:
            assert "To the President of the Russian Federation" in kind
            assert " to To" not in kind
            names = page.locator(".signatories .name")
            assert names.count() > 0
            assert page.locator(".signatories .name[lang=ru]").count() == names.count()
        assert page.locator(".tally .verified strong").inner_text() == "19"
        assert page.locator("progress").get_attribute("max") == "50"
        update = "another 84 signatures have been received, now we will check them"
        if english:
            assert update in page.content().lower()
        share = page.locator("section.share")
        assert share.locator("a[href^='https://t.me/share/url?']").count() == 1
        assert share.locator("a[href^='https://vk.com/share.php?']").count() == 1
        assert share.locator("a[href^='mailto:?']").count() == 1
        link = share.locator("input[readonly]").input_value()
        assert link.endswith("/c/deputies-appeal/")

        page.locator("a.button").click()
        self.assert_fits(page, "sign form")
        assert page.evaluate(SMALL_FIELDS) == []
        assert page.locator("input[name=publication]:checked").count() == 0
        thresholds = page.locator("input[name=reveal_threshold]")
        assert thresholds.count() == 3 and not thresholds.first.is_visible()
        page.locator("#id_full_name").focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
        assert contrast(rgb(outline), PAGE_BACKGROUND) >= 3
        page.screenshot(path=str(shots / f"{language}-2-sign-form.png"), full_page=True)

        page.locator("form button[type=submit]").click()  # nothing filled in
        assert page.title().startswith("Error:" if english else "Ошибка:")
        assert page.evaluate("document.activeElement.className") == "error-summary"
        summary = page.locator(".error-summary li")
        expected = "Choose how your signature may be shown." if english else "Выберите, как"
        assert expected in page.locator(".error-summary").inner_text()
        assert summary.count() == 6  # name, position, council, municipality, region, choice
        assert page.evaluate(SUMMARY_TARGETS) == []
        self.assert_described(page)
        assert page.locator("#id_full_name").get_attribute("aria-describedby") == (
            "id_full_name_helptext id_full_name_error"
        )
        assert Signature.objects.count() == stored  # an error stores nothing
        self.assert_fits(page, "sign form with errors")
        page.screenshot(path=str(shots / f"{language}-3-sign-errors.png"), full_page=True)

        name = SIGNERS[width, language]
        page.locator("#id_full_name").fill(name)
        page.locator("#id_office").fill("депутат")
        page.locator("#id_body").fill("Муниципальный совет МО Семёновский")
        page.locator("#id_municipality").fill("МО Семёновский")
        page.locator("#id_region").select_option("RU-SPE")
        page.locator("input[name=publication][value=conditional]").check()
        assert thresholds.first.is_visible()  # shown under the conditional choice only
        page.locator("input[name=reveal_threshold][value='50']").check()
        page.screenshot(path=str(shots / f"{language}-4-sign-filled.png"), full_page=True)
        page.locator("form button[type=submit]").click()

        assert page.locator("h1").inner_text() == (
            "Check your answers before signing" if english else "Проверьте ответы перед подписью"
        )
        preview = page.locator(".public-preview .preview").inner_text()
        assert name in preview and "Муниципальный совет МО Семёновский" in preview
        assert "50" in page.locator(".public-preview").inner_text()
        assert Signature.objects.count() == stored  # nothing before confirming
        self.assert_fits(page, "check page")
        page.screenshot(path=str(shots / f"{language}-5-check.png"), full_page=True)
        page.locator("button[name=confirm]").click()

        signature = Signature.objects.get(full_name=name)
        assert (signature.publication, signature.reveal_threshold) == (Signature.CONDITIONAL, 50)
        assert "/r/" in page.url
        receipt = page.url.split("?")[0]
        assert page.locator("#receipt-address").input_value() == receipt
        assert page.get_by_role(
            "heading", name="What happens next" if english else "Что дальше"
        ).is_visible()
        download = page.locator("a[href$='/receipt.txt']").get_attribute("href")
        answer = page.context.request.get(f"{self.live_server_url}{download}")
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["content-disposition"].startswith("attachment")
        assert receipt in answer.text()
        assert page.locator("input[name=publication]:checked").count() == 0  # nothing pre-ticked
        self.assert_fits(page, "receipt")
        page.screenshot(path=str(shots / f"{language}-6-receipt.png"), full_page=True)

        page.locator("form[action$='/withdraw/'] button").click()
        button = page.locator("form button.danger").bounding_box()
        keep = page.locator("form a.button").bounding_box()
        beside = keep["x"] - (button["x"] + button["width"])
        below = keep["y"] - (button["y"] + button["height"])
        assert beside >= 8 or below >= 8
        page.screenshot(path=str(shots / f"{language}-7-withdraw.png"), full_page=True)
        page.context.close()

    def test_an_unnamed_signer_is_offered_nothing_meaningless(self) -> None:
        page = self.page()
        self.go(page, "/c/deputies-appeal/sign/", "en")
        self.fill_sign_form(page, "Тихонов Борис Петрович", "anonymous")
        page.locator("form button[type=submit]").click()
        assert "Your name will not be published." in page.content()
        assert page.locator(".public-preview .preview").count() == 0
        page.locator("button[name=change]").click()  # back to the form, as it was filled
        assert page.locator("#id_full_name").input_value() == "Тихонов Борис Петрович"
        assert page.locator("input[name=publication][value=anonymous]").is_checked()
        page.locator("form button[type=submit]").click()
        page.locator("button[name=confirm]").click()
        section = page.locator("section[aria-labelledby=publication-heading]")
        assert section.locator("input[type=radio]").count() == 0
        assert "already the least visible choice" in section.inner_text()
        page.context.close()

    @override_settings(**dict(QUIET, RATE_CLIENT_CAPTCHA_AFTER=0))
    def test_the_captcha_has_a_question_in_the_pages_language(self) -> None:
        page = self.page(390, "ru")
        self.go(page, "/c/deputies-appeal/sign/", "ru")
        image = page.locator("img.captcha")
        assert image.get_attribute("alt").startswith("Буквы, которые нужно ввести")
        question = page.locator("label.question")
        assert question.inner_text().startswith("Или ответьте на вопрос: Сколько будет")
        audit = self.page(390, "ru", scripts=True)
        self.go(audit, "/c/deputies-appeal/sign/", "ru")
        assert audit.locator("label.question").count() == 1
        self.axe(audit)
        audit.context.close()
        key = page.locator("input[name=question_0]").input_value()
        self.fill_sign_form(page, "Жданова Вера Ильинична", "named")
        question.click()  # the label leads to the answer's field
        page.keyboard.type(CaptchaStore.objects.get(hashkey=key).response)
        page.screenshot(path=str(self.shots / "after-390" / "ru-captcha.png"), full_page=True)
        page.locator("form button[type=submit]").click()
        page.locator("button[name=confirm]").click()
        assert "/r/" in page.url
        assert Signature.objects.filter(full_name="Жданова Вера Ильинична").exists()
        page.context.close()

    # Every page
    def test_every_page_fits_320_px_and_passes_axe_in_both_languages(self) -> None:
        appeal = Campaign.objects.get(slug="deputies-appeal")
        waiting = Signature.objects.filter(campaign=appeal, state=Signature.MATCHED).first()
        assert waiting is not None  # the queue shows a "matched" cell, checked for contrast
        public = [
            "/",
            "/?q=parks&state=closed",
            "/c/deputies-appeal/",
            "/c/citizens-parks/",
            "/c/district-letter/",
            "/c/citizens-parks/signatories/",
            "/c/deputies-appeal/sign/",
            "/c/citizens-parks/sign/",
            "/c/citizens-parks/compare/",
            "/c/deputies-appeal/embed/",
            "/confirm/",
            f"/c/deputies-appeal/cite/{appeal.checkpoints.latest().size}/",
        ]
        desk = [
            "/desk/",
            "/desk/c/deputies-appeal/",
            "/desk/c/deputies-appeal/queue/",
            f"/desk/s/{waiting.pk}/",
            "/desk/c/deputies-appeal/updates/",
            "/desk/c/deputies-appeal/invalidate/",
            "/desk/c/deputies-appeal/sharing/",
            "/desk/telegram/",
        ]
        for language in LANGUAGES:
            page = self.page(320, language)  # JavaScript off: what is checked by hand
            audit = self.page(320, language, scripts=True)  # the same, for axe-core

            def both(
                path: str, tabs: tuple[Any, ...] = (page, audit), lang: str = language
            ) -> None:
                for tab in tabs:
                    self.go(tab, path, lang)

            both("/desk/login/")
            self.assert_fits(page, "desk login")
            self.axe(audit)
            for path in public:
                both(path)
                self.assert_fits(page, path)
                self.assert_described(page)
                self.axe(audit)
                if path == "/c/citizens-parks/":
                    tally = page.locator(".tally .verified strong").inner_text()
                    assert tally.replace("\xa0", " ") == ("1 100" if language == "ru" else "1,100")
                    day = page.locator("table.timeline tbody th").first.inner_text()
                    assert re.fullmatch(
                        r"\d\d\.\d\d\.\d{4}" if language == "ru" else r"\d\d/\d\d/\d{4}", day
                    )
                    chart = page.locator("figure.chart:not(.map) img").first.bounding_box()
                    assert chart["width"] >= 600  # labels at their drawn size, in their box
                if path == "/c/citizens-parks/sign/":
                    assert page.title().startswith("Закрыт" if language == "ru" else "Closed")
                    assert "Save the city parks" in page.title() or "парки" in page.title()
                if path == "/":
                    titles = page.locator("ul.campaigns > li > a").all_inner_texts()
                    assert len(titles) == 3
                    assert titles[-1] in ("Save the city parks", "Сохраним городские парки")
                if path.startswith("/?q="):
                    assert page.locator("ul.campaigns > li").count() == 1

            # The pages a signer reaches by posting: errors, the check page, the receipt.
            for tab in (page, audit):
                self.go(tab, "/c/deputies-appeal/sign/", language)
                tab.locator("form button[type=submit]").click()
            self.assert_fits(page, "sign errors")
            self.axe(audit)
            for tab, who in zip((page, audit), AUDITED_SIGNERS[language], strict=True):
                self.fill_sign_form(tab, who, "conditional")
                if tab is audit:  # past the page's own check: the server's check page
                    with tab.expect_navigation():
                        tab.evaluate("document.querySelector('form[data-check]').submit()")
                else:
                    tab.locator("form button[type=submit]").click()
            self.assert_fits(page, "check page")
            self.axe(audit)
            for tab in (page, audit):
                tab.locator("button[name=confirm]").click()
            self.assert_fits(page, "receipt")
            self.assert_described(page)
            self.axe(audit)
            for tab in (page, audit):
                tab.locator("form[action$='/withdraw/'] button").click()
            self.assert_fits(page, "withdraw")
            self.axe(audit)
            for tab in (page, audit):
                self.go(tab, "/confirm/", language)
                tab.locator("#id_code").fill("nonsense")
                tab.locator("form button[type=submit]").last.click()
            self.assert_described(page)
            self.axe(audit)

            self.sign_in_to_desk(page, language)
            self.sign_in_to_desk(audit, language)
            for path in desk:
                both(path)
                self.assert_fits(page, path)
                self.assert_described(page)
                self.axe(audit)
            self.go(page, "/desk/c/deputies-appeal/queue/", language)
            labels = page.locator(".by-state a").all_inner_texts()
            expected = "Сопоставлена" if language == "ru" else "Matched"
            assert any(label.startswith(expected) for label in labels), labels
            page.context.close()
            audit.context.close()
        self.assert_no_foreign_requests()
