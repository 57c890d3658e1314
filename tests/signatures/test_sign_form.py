"""The signing form's fields, set up once per kind of form and shared by its instances."""

from django import forms
from django.utils import translation

from tests.base import SIGN_FORM_OLGA, PersonaTestCase
from undersigned.campaigns.models import Campaign
from undersigned.signatures.forms import SignForm


class SignFormFieldsTest(PersonaTestCase):
    def form(self, data: dict[str, str] | None = None, **kwargs: object) -> SignForm:
        options: dict[str, object] = {"campaign": self.campaign, "language": "ru"}
        options.update(kwargs)
        return SignForm(data, **options)  # type: ignore[arg-type]

    def test_forms_of_one_kind_share_their_fields_but_not_the_mapping(self) -> None:
        first, second = self.form(), self.form(SIGN_FORM_OLGA)
        assert first.fields["full_name"] is second.fields["full_name"]
        assert first.fields is not second.fields
        assert second.is_valid(), second.errors

    def test_a_captcha_is_added_to_one_form_only(self) -> None:
        challenged = self.form(challenge=True)
        assert "captcha" in challenged.fields
        assert "captcha" not in self.form().fields
        assert "captcha" not in SignForm.base_fields

    def test_kinds_differ_by_language_contacts_thresholds_and_eligibility(self) -> None:
        russian = self.form()
        english = self.form(language="en")
        assert russian.fields["region"] is not english.fields["region"]
        with translation.override("en"):  # each kind's choices are in its own language
            assert dict(russian.fields["region"].choices)["RU-MOW"] == "Москва"  # type: ignore[attr-defined]
        assert "contact" in self.form(accepts_contacts=True).fields
        assert "contact" not in self.form(accepts_contacts=False).fields

        citizens = self.make_campaign(
            "citizens", eligibility=Campaign.ELIGIBLE_ANYONE, reveal_thresholds=[10, 50]
        )
        open_form = self.form(campaign=citizens)
        assert not open_form.fields["office"].required
        assert self.form().fields["office"].required
        assert [value for value, _ in open_form.fields["reveal_threshold"].choices] == [10, 50]  # type: ignore[attr-defined]
        without = self.make_campaign("no-thresholds", reveal_thresholds=[])
        assert "reveal_threshold" not in self.form(campaign=without).fields

    def test_the_declared_fields_are_never_changed(self) -> None:
        self.form(accepts_contacts=False)
        assert "contact" in SignForm.base_fields and "reveal_threshold" in SignForm.base_fields
        assert not SignForm.base_fields["office"].required


class SignFormValidationTest(PersonaTestCase):
    """The form cleans its fields without a BoundField each; it must clean them exactly as
    Django's own loop does."""

    POSTS = (
        SIGN_FORM_OLGA,
        {**SIGN_FORM_OLGA, "full_name": "  Иванова  Ольга Петровна ", "updates_email": "o@x.ru"},
        {**SIGN_FORM_OLGA, "publication": "conditional", "reveal_threshold": "3"},
        {**SIGN_FORM_OLGA, "publication": "conditional", "reveal_threshold": "7"},
        {**SIGN_FORM_OLGA, "region": "RU-NOWHERE", "updates_email": "not an address"},
        {**SIGN_FORM_OLGA, "full_name": "", "publication": "", "leave_empty": "bot"},
        {},
    )

    def cleaned(self, data: dict[str, str], djangos_own: bool, **kwargs: object) -> SignForm:
        form = SignForm(data, campaign=self.campaign, language="ru", **kwargs)  # type: ignore[arg-type]
        if djangos_own:
            form._clean_fields = lambda: forms.Form._clean_fields(form)  # type: ignore[method-assign]
        form.is_valid()
        return form

    def test_cleaned_data_and_errors_are_djangos_own(self) -> None:
        for data in self.POSTS:
            for kwargs in ({}, {"accepts_contacts": True}, {"challenge": True}):
                with self.subTest(data=data, **kwargs):
                    ours = self.cleaned(data, djangos_own=False, **kwargs)
                    theirs = self.cleaned(data, djangos_own=True, **kwargs)
                    assert ours.cleaned_data == theirs.cleaned_data
                    assert ours.errors.get_json_data() == theirs.errors.get_json_data()
        assert self.cleaned(SIGN_FORM_OLGA, djangos_own=False).is_valid()
        assert not self.cleaned(self.POSTS[4], djangos_own=False).is_valid()
