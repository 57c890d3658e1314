"""`{% confirmation_form signature token %}`: a receipt's code form, while a code is pending."""

from typing import Any

from django import template

from undersigned.signatures.models import Signature
from undersigned.verification.forms import ConfirmCodeForm
from undersigned.verification.models import ConfirmationCode

register = template.Library()


@register.inclusion_tag("verification/_receipt_confirm.html", takes_context=True)
def confirmation_form(context: dict[str, Any], signature: Signature, token: str) -> dict[str, Any]:
    request = context.get("request")
    confirmed = request is not None and request.GET.get("confirmed") == "1"
    pending = (
        signature.is_checking
        and ConfirmationCode.objects.filter(
            signature=signature, used_at__isnull=True, revoked_at__isnull=True
        ).exists()
    )
    return {"show": pending, "confirmed": confirmed, "form": ConfirmCodeForm(), "token": token}
