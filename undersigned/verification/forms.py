"""The public form where an official enters the confirmation code a verifier sent them."""

from django import forms
from django.utils.translation import gettext_lazy as _

CODE_MAX_LENGTH = 40


class ConfirmCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("The code a verifier sent you, for example 7K3M-Q9XD-2HRT."),
        error_messages={"required": _("Enter the code you received.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
