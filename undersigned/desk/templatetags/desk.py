"""The desk's labels for signature states: one form (a signature is…) wherever they show."""

from django import template
from django.utils.translation import pgettext_lazy

from undersigned.signatures.models import Signature

register = template.Library()

STATE_LABELS = {
    Signature.RECEIVED: pgettext_lazy("a signature is", "received"),
    Signature.MATCHED: pgettext_lazy("a signature is", "matched"),
    Signature.VERIFIED: pgettext_lazy("a signature is", "verified"),
    Signature.REJECTED: pgettext_lazy("a signature is", "rejected"),
    Signature.WITHDRAWN: pgettext_lazy("a signature is", "withdrawn"),
}


@register.filter
def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
