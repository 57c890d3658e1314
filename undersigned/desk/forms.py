"""Forms of the desk: sign-in, decisions, queue filters, campaigns, bulk invalidation."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from undersigned.campaigns.models import Campaign, StaffRole
from undersigned.officials.regions import region_choices
from undersigned.signatures.forms import (
    ClaimField,
    challenge_fields,
    check_full_name,
    require_an_answer,
)
from undersigned.signatures.models import Signature
from undersigned.verification.models import Decision, web_link

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), max_length=200, widget=forms.PasswordInput)

    def __init__(self, *args: Any, challenge: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        if challenge:  # checked before the password, which costs a hash
            self.fields = {**challenge_fields(), **self.fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.challenge:
            require_an_answer(self)
        return data


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        max_length=40,
        help_text=_("The one-time code you were given with your account, like ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ChoicesMixin:
    fields: dict[str, forms.Field]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])


NOTE = forms.CharField(
    label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
)


class NoteForm(forms.Form):
    note = NOTE


class MatchForm(forms.Form):
    official = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = NOTE


class VerifyForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Evidence"), choices=Decision.MANUAL_METHODS, widget=forms.RadioSelect
    )
    link = forms.URLField(
        label=_("Link to the public statement"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[web_link],
    )
    note = NOTE
    sealed_check = forms.BooleanField(
        label=_(
            "I searched a fresh sealed bundle with the offline tool (--official with the "
            "registry id): this official has not signed already"
        ),
        required=False,
    )

    def __init__(self, *args: Any, sealed_signers: bool = False, **kwargs: Any):
        kwargs.setdefault("auto_id", "verify_%s")
        super().__init__(*args, **kwargs)
        if not sealed_signers:
            del self.fields["sealed_check"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == Decision.PUBLIC_STATEMENT and not data.get("link"):
            self.add_error("link", _("Give the link to the public statement."))
        return data


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[r for r in Signature.REJECT_REASONS if r[0] != Signature.REJECT_INVALIDATED],
        widget=forms.RadioSelect,
    )
    note = NOTE

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "reject_%s")
        super().__init__(*args, **kwargs)


class QueueFilterForm(ChoicesMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    held = forms.ChoiceField(
        label=_("Held back"),
        required=False,
        choices=[("", _("any")), ("yes", _("held back only")), ("no", _("not held back"))],
    )

    def __init__(self, *args: Any, language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choice_field("state").choices = [
            ("", _("being checked")),
            ("all", _("all")),
            *Signature.STATES,
        ]
        self._choice_field("region").choices = [("", _("all regions")), *region_choices(language)]


class InvalidationForm(ChoicesMixin, forms.Form):
    received_from = forms.DateTimeField(
        label=_("Received from (UTC)"),
        required=False,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    received_to = forms.DateTimeField(
        label=_("Received before (UTC)"),
        required=False,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    body_contains = forms.CharField(
        label=_("Claimed council or body contains"), required=False, max_length=200
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    client_hash = forms.RegexField(
        label=_("Hashed client"),
        required=False,
        regex=r"^[0-9a-f]{64}$",
        help_text=_("The keyed hash of the sender's address, as a signature's page shows it."),
        error_messages={"invalid": _("A client hash is 64 hexadecimal characters.")},
    )
    states = forms.MultipleChoiceField(
        label=_("States"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[s for s in Signature.STATES if s[0] in Signature.ACTIVE_STATES],
        help_text=_("None ticked: every standing signature (received, matched, verified)."),
    )
    held = forms.ChoiceField(
        label=_("Held back"),
        required=False,
        choices=[("", _("any")), ("yes", _("held back only")), ("no", _("not held back"))],
    )
    note = NOTE

    def __init__(self, *args: Any, language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choice_field("region").choices = [("", _("all regions")), *region_choices(language)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start >= end:
            self.add_error("received_to", _("The end of the window must come after its start."))
        narrowing = (
            "received_from",
            "received_to",
            "body_contains",
            "region",
            "client_hash",
            "states",
            "held",
        )
        if not self.errors and not any(data.get(name) for name in narrowing):
            raise forms.ValidationError(
                _("Choose at least one criterion: a whole campaign is never invalidated at once.")
            )
        return data


class ConfirmInvalidationForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the preview: invalidate these signatures.")
    )


def _language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def registry_source_choices() -> list[tuple[str, Any]]:
    """The registry sources imported here, each with its number of officials."""
    from django.db.models import Count

    from undersigned.officials.models import Official

    rows = Official.objects.values("source").annotate(n=Count("id")).order_by("source")
    return [("", _("none: signers are not matched to a registry"))] + [
        (row["source"], f"{row['source']} ({row['n']})") for row in rows
    ]


def future_closing_date(closes_at: Any) -> Any:
    from django.utils import timezone

    if closes_at is not None and closes_at <= timezone.now():
        raise forms.ValidationError(_("The closing date must be in the future."))
    return closes_at


class ClosingDateForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Closing date and time (UTC)"),
        required=False,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("Leave empty to remove the closing date."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "closing_%s")
        super().__init__(*args, **kwargs)

    def clean_closes_at(self) -> Any:
        return future_closing_date(self.cleaned_data.get("closes_at"))


class RegionCountsForm(forms.Form):
    published = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])


class CloseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Close the campaign: it takes no more signatures."),
    )


class VerifierKeyForm(forms.Form):
    label = forms.CharField(
        label=_("Whose key"), max_length=100, help_text=_("For example the verifier's name.")
    )
    public_key = forms.CharField(
        label=_("age public key"),
        max_length=100,
        help_text=_("The line age-keygen printed, starting with age1. Never the private key."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_public_key(self) -> str:
        from undersigned.vault.models import parse_public_key

        return parse_public_key(str(self.cleaned_data["public_key"]))


class RevokeKeyForm(forms.Form):
    key = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RegistrySearchForm(ChoicesMixin, forms.Form):
    q = forms.CharField(label=_("Name, council or registry id"), required=False, max_length=200)
    source = forms.ChoiceField(label=_("Registry source"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choice_field("source").choices = [
            ("", _("all sources")),
            *registry_source_choices()[1:],
        ]


class CampaignForm(ChoicesMixin, forms.Form):
    slug = forms.SlugField(
        label=_("Address (slug)"),
        max_length=80,
        help_text=_("Latin letters, digits and hyphens; part of the public address."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.KINDS)
    addressee = forms.CharField(label=_("Addressee"), required=False, max_length=300)
    eligibility = forms.ChoiceField(label=_("Who may sign"), choices=Campaign.ELIGIBILITY)
    registry_source = forms.ChoiceField(
        label=_("Registry source"),
        required=False,
        help_text=_(
            "The imported registry signers are matched against; when set, "
            "a signature must be matched before it can be verified."
        ),
    )
    closes_at = forms.DateTimeField(
        label=_("Closing date and time (UTC)"),
        required=False,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("No signature is taken after it. Leave empty to close by hand."),
    )
    publish_region_counts = forms.BooleanField(
        label=_("Publish counts by region"),
        required=False,
        initial=True,
        help_text=_(
            "When off, no region is published and a hidden signer's region is not kept once "
            "sealed. Fixed once the campaign is open."
        ),
    )
    requires_verification = forms.BooleanField(
        label=_("Signatures count only once verified"), required=False, initial=True
    )
    four_eyes = forms.BooleanField(
        label=_("Two different verifiers must confirm each signature"), required=False
    )
    reveal_thresholds = forms.CharField(
        label=_("Reveal thresholds"),
        required=False,
        max_length=100,
        help_text=_(
            "Comma-separated numbers of verified signatories after which a cautious signer "
            "may be named, e.g. 50, 100, 500."
        ),
    )
    original_language = forms.ChoiceField(label=_("Language of the original text"))
    title = forms.CharField(label=_("Title (original)"), max_length=300)
    body = forms.CharField(label=_("Text (original)"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choice_field("original_language").choices = _language_choices()
        self._choice_field("registry_source").choices = registry_source_choices()

    def clean_closes_at(self) -> Any:
        return future_closing_date(self.cleaned_data.get("closes_at"))

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"]).lower()
        if Campaign.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A campaign with this address exists already."))
        return slug

    def clean_reveal_thresholds(self) -> list[int]:
        raw = str(self.cleaned_data.get("reveal_thresholds") or "")
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if not all(p.isdigit() and 0 < int(p) < 10_000_000 for p in parts):
            raise forms.ValidationError(
                _("Thresholds are positive whole numbers, separated by commas.")
            )
        return sorted({int(p) for p in parts})


class TextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    addressee = forms.CharField(
        label=_("Addressee, in this language"), required=False, max_length=300
    )


class RoleForm(forms.Form):
    username = forms.CharField(label=_("Username of an existing staff account"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.ROLES)


class RevokeRoleForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    role = forms.ChoiceField(choices=StaffRole.ROLES, widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("open", "open"), ("close", "close"), ("archive", "archive")]
    )


class NamesHiddenForm(forms.Form):
    hidden = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])


class OpeningSignatoryForm(ChoicesMixin, forms.Form):
    NO_OFFICIAL = "none"

    full_name = ClaimField(label=_("Full name"), validators=[check_full_name])
    office = ClaimField(label=_("Position"), required=False)
    body = ClaimField(label=_("Council or body"), required=False)
    municipality = ClaimField(label=_("Municipality"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    publication = forms.ChoiceField(
        label=_("Shown as"),
        widget=forms.RadioSelect,
        initial=Signature.NAMED,
        choices=[(Signature.NAMED, _("named")), (Signature.ANONYMOUS, _("counted but not named"))],
    )
    # Empty on the first step; then a registry official's id, or "none".
    official = forms.RegexField(
        regex=r"^(none|[0-9]{1,12})?$", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choice_field("region").choices = [("", _("— region —")), *region_choices(language)]


class RematchForm(forms.Form):
    official = forms.RegexField(regex=r"^(none|[0-9]{1,12})$")


class ImportSignaturesForm(forms.Form):
    """Signatures received elsewhere: a file, or lines pasted one claim a line."""

    channel = forms.ChoiceField(
        label=_("Where they were received"),
        choices=[
            (Signature.TELEGRAM, _("Telegram messages")),
            (Signature.EMAIL, _("e-mails")),
            (Signature.PAPER, _("on paper")),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        required=False,
        help_text=_(
            "The first row names the columns: full_name, and any of office, body, municipality, "
            "region, publication (named or anonymous), contact."
        ),
    )
    text = forms.CharField(
        label=_("Or paste the claims, one a line"),
        required=False,
        max_length=60_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("For example: Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the claims."))
        return data


class ConfirmImportForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)
