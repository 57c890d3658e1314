"""What a signer with other needs meets: buttons keep their outline in Windows'
high-contrast mode, the compare page never scrolls sideways on a phone in Russian,
Russian names and councils on English pages are marked `lang="ru"`, the list pages each
have their own title, the captcha's hint and question agree, and the embed's focus ring
stands out 3:1 and more. Scripts on and off; axe-core finds nothing."""

import re

from django.core.cache import cache
from django.test import override_settings

from tests.base import make_claims
from tests.browser.base import BrowserCase
from tests.browser.phone import audit, phone, shot
from undersigned.campaigns import actions as campaign_actions
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature

# Titles as long as real ones, with the long words Russian has.
LONG_TITLES = [
    "Обращение депутатов муниципальных образований Санкт-Петербурга о незамедлительном прекращении",
    "Межмуниципальное обращение представительных органов местного самоуправления",
    "Открытое письмо депутатов Законодательного собрания Иркутской области",
    "Требование муниципальных депутатов Владивостокского городского округа",
]
PAPER = (253, 253, 251)  # the embed's background


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


BUTTON_BORDERS = """() => [...document.querySelectorAll('button, .button')]
  .filter(b => b.offsetParent !== null)
  .map(b => { const s = getComputedStyle(b);
    return {text: b.textContent.trim(), style: s.borderTopStyle, width: s.borderTopWidth}; })"""


class ForcedColoursAndLanguagesTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.citizens = self.make_campaign(
            "citizens", eligibility=Campaign.ELIGIBLE_ANYONE, requires_verification=False
        )

    def test_buttons_keep_their_outline_in_forced_colours(self) -> None:
        for scripts in (True, False):
            page = phone(self.browser, scripts=scripts)
            page.emulate_media(forced_colors="active")
            _, token = self.sign(make_claims(1), self.citizens)
            for address in ("/c/citizens/sign/?lang=en", f"/r/{token}/?lang=en", "/?lang=en"):
                page.goto(f"{self.live_server_url}{address}")
                borders = page.evaluate(BUTTON_BORDERS)
                assert borders, address
                for border in borders:
                    assert border["style"] != "none" and border["width"] != "0px", (
                        f"{address}: {border}"
                    )
            page.context.close()

    def make_titled(self, slug: str, title: str) -> Campaign:
        campaign = campaign_actions.create_campaign(
            organizer=self.organizer,
            slug=slug,
            eligibility=Campaign.ELIGIBLE_ANYONE,
            requires_verification=True,
            texts=[
                {"language": "ru", "title": title, "body": "Мы требуем."},
                {"language": "en", "title": title, "body": "We demand."},
            ],
        )
        return campaign_actions.open_campaign(campaign, actor=self.organizer)

    def test_the_compare_page_never_scrolls_sideways_in_russian(self) -> None:
        campaigns = [self.make_titled(f"long-{n}", t) for n, t in enumerate(LONG_TITLES)]
        for n, campaign in enumerate(campaigns):
            for m in range(n + 1):
                self.sign_verified(make_claims(10 * n + m), campaign)
        self.refresh_counts()
        for scripts in (False, True):
            for width in (375, 390, 414, 430, 480):
                page = phone(self.browser, scripts=scripts, width=width)
                page.goto(f"{self.live_server_url}/c/long-0/compare/?lang=ru")
                sideways = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
                assert sideways <= 0, f"{width} px: the page scrolls {sideways} px sideways"
                if width == 390:
                    shot(page, f"compare-ru-{width}-{'js' if scripts else 'nojs'}")
                    audit(self.browser, page, scripts=scripts)
                page.context.close()

    def test_russian_names_and_councils_are_marked_on_english_pages(self) -> None:
        claims = make_claims(7)
        self.sign(claims, self.citizens)
        self.refresh_counts()
        page = phone(self.browser, scripts=False)
        page.goto(f"{self.live_server_url}/c/citizens/?lang=en")
        item = page.locator(".signatories li").first
        assert item.locator(".name").get_attribute("lang") == "ru"
        marked = item.locator("[lang=ru]").all_inner_texts()
        assert claims.office in marked and claims.body in marked, marked
        audit(self.browser, page, scripts=False)
        page.context.close()

        for scripts in (False, True):
            page = phone(self.browser, scripts=scripts)
            page.goto(f"{self.live_server_url}/c/citizens/sign/?lang=en")
            page.get_by_label("Full name").fill(claims.full_name)
            page.get_by_label("Position").fill(claims.office)
            page.get_by_label("Council or body").fill(claims.body)
            page.get_by_label("Region").select_option("RU-IRK")
            page.get_by_label("Show my name", exact=True).check()
            page.locator("#sign-form > button[type=submit]").click()
            for value in (claims.full_name, claims.office, claims.body):
                shown = page.locator(".answers dd, .answers [data-slot]").filter(has_text=value)
                assert shown.first.evaluate("e => e.closest('[lang]').lang") == "ru", value
            english = page.locator(".answers dt").first
            assert english.evaluate("e => e.closest('[lang]').lang") == "en"
            audit(self.browser, page, scripts=scripts)
            page.context.close()

    def test_the_list_pages_each_have_their_own_title(self) -> None:
        titles = {}
        for scripts in (False, True):
            page = phone(self.browser, scripts=scripts)
            for address in ("/?lang=en", "/?q=appeal&lang=en", "/?state=open&lang=en"):
                page.goto(f"{self.live_server_url}{address}")
                titles[address] = page.title()
            page.goto(f"{self.live_server_url}/?state=closed&q=appeal&lang=en")
            titles["both"] = page.title()
            audit(self.browser, page, scripts=scripts)
            page.context.close()
        assert titles == {
            "/?lang=en": "Open letters and petitions · undersigned",
            "/?q=appeal&lang=en": "Search: “appeal” · undersigned",
            "/?state=open&lang=en": "Open campaigns · undersigned",
            "both": "Search: “appeal” · Closed only · undersigned",
        }

    @override_settings(RATE_CLIENT_CAPTCHA_AFTER=0)
    def test_the_captcha_hint_and_question_agree(self) -> None:
        for scripts in (False, True):
            page = phone(self.browser, scripts=scripts)
            page.goto(f"{self.live_server_url}/c/citizens/sign/?lang=en")
            hint = page.locator("#id_challenge_helptext").inner_text()
            question = page.locator("label.question").inner_text()
            assert "Answer in digits." in question
            assert "in digits" in hint and "in words" not in hint, hint
            audit(self.browser, page, scripts=scripts)
            page.context.close()
        assert not Signature.objects.exists()

    def test_the_embeds_focus_ring_stands_out(self) -> None:
        page = phone(self.browser, scripts=True, width=320)
        page.goto(f"{self.live_server_url}/c/citizens/embed/?lang=en")
        page.keyboard.press("Tab")
        ring = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
            return {colour: s.outlineColor, style: s.outlineStyle, width: s.outlineWidth}; }"""
        )
        assert ring["style"] == "solid" and ring["width"] == "3px", ring
        assert contrast(rgb(ring["colour"]), PAPER) >= 3, ring
        shot(page, "embed-focus")
        page.context.close()
