"""The "check your answers" page, rendered once per shape of answers and filled in per signer.

Rendering the page costs more than everything else in the first step. What it says
depends on the campaign, the language and the shape of the answers (the publication
choice and threshold, which optional answers were given); what one signer typed goes
into placeholders, escaped as the template would have escaped it. No answer can forge a
placeholder: escaping turns its angle brackets into entities.
"""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from undersigned.web.signing import SigningCampaign

MAX_FRAMES = 512
# Answers shown as typed, and the other values of one signer's page.
TYPED = ("full_name", "office", "body", "municipality", "updates_email")
LANGS = ("name_lang", "office_lang", "body_lang", "municipality_lang")
VALUES = ("region_name", *LANGS, "answers", "form_issued", "via", "csrf_token")
_frames: dict[tuple[object, ...], str] = {}


def _slot(name: str) -> SafeString:
    return mark_safe(f"<answer-{name}>")  # noqa: S308  # a fixed name of ours


def render_check_page(
    request: HttpRequest, recent: SigningCampaign, language: str, context: dict[str, Any]
) -> str:
    """web/sign_check.html for `context` (what `_check_answers` gives it), from a frame."""
    data = context["data"]
    values: dict[str, str] = {name: str(data.get(name) or "") for name in TYPED}
    values.update({name: str(context.get(name) or "") for name in VALUES})
    shape = (
        language,
        str(data.get("publication")),
        data.get("reveal_threshold"),
        bool(data.get("contact")),
        *(bool(values[name]) for name in (*TYPED, *VALUES)),
        *recent.fingerprint,
    )
    frame = _frames.get(shape)
    if frame is None:
        slots = {name: _slot(name) if values[name] else "" for name in (*TYPED, *VALUES)}
        frame_data = {
            **{name: slots[name] for name in TYPED},
            "publication": data.get("publication"),
            "reveal_threshold": data.get("reveal_threshold"),
            "contact": bool(data.get("contact")),
        }
        frame_context = {
            **context,
            **{name: slots[name] for name in VALUES},
            "data": frame_data,
        }
        frame = render_to_string("web/sign_check.html", frame_context, request=request)
        if len(_frames) >= MAX_FRAMES:
            _frames.clear()
        _frames[shape] = frame
    page = frame
    for name, value in values.items():
        if value:
            # The lang attributes are markup of ours; everything else is escaped.
            page = page.replace(_slot(name), value if name in LANGS else escape(value))
    return page


def forget_frames(**kwargs: Any) -> None:
    """Signal receiver, beside the signing campaigns' own: a campaign or a text changed."""
    _frames.clear()
