"""The "check your answers" page from its frame is the page the template renders, for every
shape of answers, and what a signer typed cannot become markup or fill another slot."""

from typing import Any

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from tests.base import SIGN_FORM_OLGA, PersonaTestCase
from undersigned.campaigns.models import Campaign
from undersigned.officials.regions import regions_by_code
from undersigned.signatures.forms import SignForm
from undersigned.signatures.models import Signature
from undersigned.web.check_page import render_check_page
from undersigned.web.signing import signing_campaign
from undersigned.web.templatetags.undersigned import written_in


class CheckPageTest(PersonaTestCase):
    def setUp(self) -> None:
        # Anyone may sign: the council's answers are optional, so their absence is a shape.
        self.campaign.eligibility = Campaign.ELIGIBLE_ANYONE
        self.campaign.reveal_thresholds = [50, 100]
        self.campaign.save()

    def context(self, language: str, **answers: str) -> dict[str, Any]:
        recent = signing_campaign(self.campaign.slug)
        form = SignForm(
            {**SIGN_FORM_OLGA, **answers},
            campaign=recent.campaign,
            language=language,
            accepts_contacts=recent.accepts_contacts,
        )
        assert form.is_valid(), form.errors
        data = form.cleaned_data
        return {
            "campaign": recent.campaign,
            "text": recent.campaign.text_for(language),
            "form": form,
            "data": data,
            "name_lang": written_in(data["full_name"]),
            "office_lang": written_in(data["office"]),
            "body_lang": written_in(data["body"]),
            "municipality_lang": written_in(data["municipality"]),
            "region_name": regions_by_code()[data["region"]].name(language),
            "answers": "signed-answers.token",
            "form_issued": answers.get("issued", ""),
            "via": answers.get("via", ""),
            "csrf_token": "a" * 64,
        }

    def both(self, language: str, **answers: str) -> tuple[str, str]:
        request = RequestFactory().post(f"/c/{self.campaign.slug}/sign/")
        with translation.override(language):
            context = self.context(language, **answers)
            framed = render_check_page(
                request, signing_campaign(self.campaign.slug), language, context
            )
            direct = render_to_string("web/sign_check.html", context, request=request)
        return framed, direct

    def test_every_shape_renders_as_the_template_does(self) -> None:
        shapes: list[dict[str, str]] = [
            {},
            {"publication": Signature.ANONYMOUS},
            {"publication": Signature.CONDITIONAL, "reveal_threshold": "100"},
            {"office": "", "body": "", "municipality": ""},
            {"updates_email": "olga@example.org", "issued": "29123456.abc"},
            {"full_name": "Olga Semyonova", "region": "RU-MOW"},
        ]
        for language in ("ru", "en"):
            for answers in shapes:
                framed, direct = self.both(language, **answers)
                assert framed == direct, (language, answers)
        # The second time comes from the frame kept, with another signer's answers in it.
        framed, direct = self.both("en", full_name="Иванова Мария Петровна", office="глава")
        assert framed == direct
        assert "Иванова Мария Петровна" in framed and ' lang="ru"' in framed
        # The position and council typed in Russian are marked too, for screen readers.
        assert '<dd lang="ru">глава</dd>' in framed
        assert f'<dd lang="ru">{SIGN_FORM_OLGA["body"]}</dd>' in framed
        framed, direct = self.both("ru", office="глава")
        assert framed == direct and 'lang="ru">глава' not in framed

    def test_typed_markup_is_escaped_and_fills_no_other_slot(self) -> None:
        name = 'Семёнова <script>x</script> "<answer-office>" Ольга'
        framed, direct = self.both("en", full_name=name, office="депутат")
        assert framed == direct
        assert "<script>" not in framed and "&lt;script&gt;" in framed
        assert "&lt;answer-office&gt;" in framed
        assert "<answer-" not in framed
