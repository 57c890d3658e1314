"""The signing form and the receipt forms: parsing and checking what signers send."""

import copy
import re
import secrets
import unicodedata
from typing import Any, cast

from captcha.fields import BaseCaptchaTextInput, CaptchaField
from captcha.models import CaptchaStore
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from undersigned.campaigns.models import Campaign
from undersigned.core.canonical import strip_controls
from undersigned.officials.regions import region_choices, regions_by_code
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature
from undersigned.signatures.signing import Submission
from undersigned.vault.actions import campaign_accepts_contacts
from undersigned.vault.forms import CONTACT_MAX_LENGTH, clean_contact, contact_kind_choices


def clean_claim(value: str, *, required: bool, max_length: int, missing: Any = None) -> str:
    """Normalise a typed claim: NFC, no control or direction-override characters, single spaces."""
    text = " ".join(strip_controls(unicodedata.normalize("NFC", value or "")).split())
    if required and not text:
        raise forms.ValidationError(missing or _("This field is required."), code="required")
    if "\ufffd" in text:  # what the browser sent was not valid UTF-8
        raise forms.ValidationError(
            _("Some characters could not be read. Please type this again."), code="encoding"
        )
    if len(text) > max_length:
        raise forms.ValidationError(
            _("At most %(n)d characters, please."), code="max_length", params={"n": max_length}
        )
    return text


class ClaimField(forms.CharField):
    def __init__(self, *, required: bool = True, max_length: int = 200, **kwargs: Any):
        # The browser limit is generous; the exact limit is checked after normalising.
        super().__init__(required=required, max_length=max_length * 4, strip=False, **kwargs)
        self.claim_max_length = max_length

    def clean(self, value: Any) -> str:
        text = clean_claim(
            value or "",
            required=self.required,
            max_length=self.claim_max_length,
            missing=self.error_messages["required"],
        )
        self.run_validators(text)
        return text


# Characters that show as nothing (Unicode's Default_Ignorable_Code_Point) and the Hangul
# fillers, which Unicode counts as letters: a name made of them would be listed blank.
INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),  # Braille blank: a filler that looks like a space
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


INVISIBLE = re.compile(
    "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in INVISIBLE_RANGES) + "]"
)


def check_full_name(value: str) -> None:
    """A first name and a surname: two words with letters, the invisible ones not counted."""
    visible = INVISIBLE.sub(" ", value)
    words = [word for word in visible.split() if any(ch.isalpha() for ch in word)]
    letters = [ch for ch in visible if ch.isalpha()]
    if len(letters) < 2 or len(words) < 2:
        raise forms.ValidationError(
            _("Please give your first name and surname as they appear in official records."),
            code="full_name",
        )


class RegionField(forms.ChoiceField):
    """A region code, checked against every region whatever the choices shown."""

    def valid_value(self, value: str) -> bool:
        return value in regions_by_code()


def _region_options(language: str) -> list[tuple[str, str]]:
    return [("", str(_("— choose your region —"))), *region_choices(language)]


class SharedFields(dict[str, forms.Field]):
    """A signing form's fields, set up once for every form of the same kind: Django copies
    a form's fields deeply for each instance, which cost about a sixth of a post's time.
    These are never changed once set up, so each form takes a shallow copy of them."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


MAX_SHARED_FIELDS = 256
_shared: dict[tuple[object, ...], SharedFields] = {}


def _shared_fields(campaign: Campaign, language: str, accepts_contacts: bool) -> SharedFields:
    thresholds = tuple(campaign.thresholds or ())
    key = (language, accepts_contacts, thresholds, campaign.eligibility)
    fields = _shared.get(key)
    if fields is not None:
        return fields
    fields = SharedFields(copy.deepcopy(SignForm.base_fields))
    if accepts_contacts:
        cast(forms.ChoiceField, fields["contact_kind"]).choices = contact_kind_choices()
    else:
        del fields["contact_kind"], fields["contact"]
    with translation.override(language):
        cast(forms.ChoiceField, fields["region"]).choices = _region_options(language)
    publications = [
        (Signature.NAMED, _("Show my name")),
        (Signature.ANONYMOUS, _("Count me, but do not show my name")),
    ]
    if thresholds:
        publications.append(
            (Signature.CONDITIONAL, _("Show my name only once enough others have signed"))
        )
        cast(forms.ChoiceField, fields["reveal_threshold"]).choices = [
            (n, str(n)) for n in thresholds
        ]
    else:
        del fields["reveal_threshold"]
    cast(forms.ChoiceField, fields["publication"]).choices = publications
    if campaign.eligibility == Campaign.ELIGIBLE_OFFICIALS:
        for name in ("office", "body", "municipality"):
            fields[name].required = True
    if len(_shared) >= MAX_SHARED_FIELDS:
        _shared.clear()
    _shared[key] = fields
    return fields


CHALLENGE_FIELDS = ("captcha", "question")


def carries_challenge(data: Any) -> bool:
    """Whether posted data came from a form that showed the captcha (its keys are there)."""
    return any(f"{name}_0" in data for name in CHALLENGE_FIELDS)


def challenge_fields() -> dict[str, forms.Field]:
    """The captcha, wherever one is asked (the sign form, the desk's sign-in): either will
    do, the picture or a question in words for whoever cannot see it."""
    return {
        "captcha": CaptchaField(
            label=_("Type the letters in the picture"),
            required=False,
            error_messages={
                "invalid": _(
                    "The letters do not match the picture. Type the letters of the new "
                    "picture, or answer the question."
                )
            },
        ),
        "question": CaptchaField(
            label=_("Or answer this question"),
            required=False,
            widget=QuestionInput(),
            error_messages={
                "invalid": _(
                    "That is not the answer. Answer the new question, or type the letters."
                )
            },
        ),
    }


def require_an_answer(form: forms.Form) -> None:
    """A form that asked for the captcha gets an answer to one of its two fields."""
    if not any(str(form.data.get(f"{name}_1", "")).strip() for name in CHALLENGE_FIELDS):
        form.add_error("captcha", _("Type the letters in the picture, or answer the question."))


# Numbers as words: a question a screen reader reads out, for whoever cannot see the picture.
# What it stops: a bot that posts forms without reading them (a generic spammer, a fuzzer).
# What it does not stop: a script written for this site. Its questions are the 81 sums of
# two of these words, one sentence per language, and a regex answers them (a test does).
# Against a targeted flood the limits per client, the hold-back and the verifiers stand,
# not this question (SECURITY.md, "Captcha").
NUMBER_WORDS = (
    _("zero"),
    _("one"),
    _("two"),
    _("three"),
    _("four"),
    _("five"),
    _("six"),
    _("seven"),
    _("eight"),
    _("nine"),
)


class QuestionInput(BaseCaptchaTextInput):
    """The captcha's alternative: a sum in words, in the page's language, stored like a
    captcha (one try, then it expires), so no picture, sound or third party is needed."""

    template_name = "web/widgets/question.html"

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
        store = CaptchaStore.objects.create(
            challenge=f"{first}+{second}", response=str(first + second)
        )
        context = super().get_context(name, [store.hashkey, ""], attrs)
        context["question"] = _("How much is %(a)s plus %(b)s? Answer in digits.") % {
            "a": NUMBER_WORDS[first],
            "b": NUMBER_WORDS[second],
        }
        return context


class SignForm(forms.Form):
    full_name = ClaimField(
        label=_("Full name"),
        validators=[check_full_name],
        help_text=_("Surname, first name and patronymic, as in official records."),
        error_messages={"required": _("Enter your full name.")},
    )
    office = ClaimField(
        label=_("Position"),
        required=False,
        help_text=_("For example: deputy, head of the municipality."),
        error_messages={"required": _("Enter your position.")},
    )
    body = ClaimField(
        label=_("Council or body"),
        required=False,
        help_text=_("For example: Council of deputies of municipal district Semyonovsky."),
        error_messages={"required": _("Enter your council or body.")},
    )
    municipality = ClaimField(
        label=_("Municipality"),
        required=False,
        error_messages={"required": _("Enter your municipality.")},
    )
    region = RegionField(label=_("Region"), error_messages={"required": _("Choose your region.")})
    # No default: a published name cannot be taken back, so the signer must choose.
    publication = forms.ChoiceField(
        label=_("How may we show your signature?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how your signature may be shown.")},
    )
    reveal_threshold = forms.TypedChoiceField(
        label=_("Name me once this many verified signatories have signed"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    # Offered only when the campaign has verifier keys: it is encrypted to them on arrival.
    contact_kind = forms.ChoiceField(label=_("Contact for verification (optional)"), required=False)
    contact = forms.CharField(
        label=_("Your phone number, e-mail address or Telegram username"),
        required=False,
        max_length=CONTACT_MAX_LENGTH,
        help_text=_(
            "A verifier may use it to confirm that it was you who signed. It is encrypted "
            "on arrival to the verifiers' own keys, which this server does not hold: the "
            "server cannot read it. It is destroyed after the campaign."
        ),
    )
    # Kept apart from the signature (undersigned.updates): no link between the two is stored.
    updates_email = forms.EmailField(
        label=_("Send me the spokesperson's updates by e-mail (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            "This address is stored in clear, because the server must be able to write "
            "to it; it is kept apart from your signature and deleted when the campaign is "
            "over. Every e-mail has a link to stop them."
        ),
    )
    # A trap for robots: hidden from sighted people by CSS, labelled for everyone else.
    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(
        self,
        *args: Any,
        campaign: Campaign,
        language: str,
        challenge: bool = False,
        accepts_contacts: bool | None = None,
        **kwargs: Any,
    ):
        self.campaign = campaign
        self.accepts_contacts = (
            campaign_accepts_contacts(campaign) if accepts_contacts is None else accepts_contacts
        )
        # Read by Django as the fields to copy for this form: these, shallowly.
        self.base_fields = _shared_fields(campaign, language, self.accepts_contacts)  # type: ignore[misc]
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        if challenge:
            self.fields.update(challenge_fields())

    def _clean_fields(self) -> None:
        # Django's own loop without a BoundField for each field, which only rendering needs:
        # the one signing post of most signers validates the form and renders nothing.
        for name, field in self.fields.items():
            if field.disabled:
                value = self.get_initial_for_field(field, name)
            else:
                value = field.widget.value_from_datadict(
                    self.data, self.files, self.add_prefix(name)
                )
            try:
                self.cleaned_data[name] = field.clean(value)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except forms.ValidationError as error:
                self.add_error(name, error)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.challenge:
            require_an_answer(self)
        if data.get("publication") == Signature.CONDITIONAL and not data.get("reveal_threshold"):
            self.add_error(
                "reveal_threshold", _("Choose after how many signatories your name may be shown.")
            )
        contact = self.cleaned_data.get("contact")
        if contact:
            kind = self.cleaned_data.get("contact_kind", "")
            try:
                self.cleaned_data["contact"] = clean_contact(kind, contact)
            except forms.ValidationError as error:
                self.add_error("contact", error)
        return data

    def contact_to_encrypt(self) -> tuple[str, str] | None:
        """(kind, contact) when the signer left one."""
        value = self.cleaned_data.get("contact")
        return (self.cleaned_data["contact_kind"], value) if value else None

    def honeypot_filled(self) -> bool:
        return bool(self.cleaned_data.get("leave_empty"))

    def submission(self, language: str) -> Submission:
        """What a valid form submits, for `signing.submit_signature`."""
        data = self.cleaned_data
        return Submission(
            claims=self.claims(),
            publication=data["publication"],
            reveal_threshold=data.get("reveal_threshold"),
            contact=self.contact_to_encrypt(),
            language=language,
            honeypot=self.honeypot_filled(),
        )

    def claims(self) -> Claims:
        data = self.cleaned_data
        region = regions_by_code()[data["region"]]
        return Claims(
            full_name=data["full_name"],
            office=data["office"],
            body=data["body"],
            municipality=data["municipality"],
            region=region.name_ru,
            region_code=region.code,
        )


class PublicationForm(forms.Form):
    """A signer lowers their visibility from the receipt page."""

    publication = forms.ChoiceField(
        label=_("Show my signature as"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how your signature may be shown.")},
    )
    reveal_threshold = forms.TypedChoiceField(
        label=_("Name me once this many verified signatories have signed"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, signature: Signature, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.signature = signature
        thresholds = signature.campaign.thresholds
        floor = signature.reveal_threshold or 0
        # Only what is less visible than now, nothing chosen in advance.
        higher = [n for n in thresholds if n > floor]
        choices: list[tuple[str, Any]] = []
        if signature.publication == Signature.NAMED and thresholds:
            choices.append(
                (Signature.CONDITIONAL, _("Show my name only once enough others have signed"))
            )
        elif signature.publication == Signature.CONDITIONAL and higher:
            choices.append(
                (Signature.CONDITIONAL, _("Show my name only once more others have signed"))
            )
        if signature.publication != Signature.ANONYMOUS:
            choices.append((Signature.ANONYMOUS, _("Count me, but do not show my name")))
        cast(forms.ChoiceField, self.fields["publication"]).choices = choices
        cast(forms.ChoiceField, self.fields["reveal_threshold"]).choices = [
            (n, str(n))
            for n in (higher if signature.publication == Signature.CONDITIONAL else thresholds)
        ]

    @property
    def offers_anything(self) -> bool:
        """Whether the signer can still become less visible (an unnamed one cannot)."""
        return bool(cast(forms.ChoiceField, self.fields["publication"]).choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("publication") == Signature.CONDITIONAL and not data.get("reveal_threshold"):
            self.add_error(
                "reveal_threshold", _("Choose after how many signatories your name may be shown.")
            )
        return data
