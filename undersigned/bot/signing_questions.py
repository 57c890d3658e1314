"""The signing dialogue's questions: each step's prompt and buttons, the summary of the
answers before Sign, and the menu of answers to change."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from undersigned.bot import contact_step
from undersigned.bot.contact_step import contact_kind_prompt
from undersigned.bot.replies import (
    CLAIM_STEPS,
    Buttons,
    Reply,
    optional_note,
    press_a_button,
    sign_form,
)
from undersigned.campaigns.models import Campaign
from undersigned.officials.regions import regions_by_code
from undersigned.signatures.counts import verified_count
from undersigned.signatures.models import Signature


# The choices of how a signature is shown, in the bot's own short words (buttons are narrow).
def _publication_buttons(campaign: Campaign) -> Buttons:
    rows = [
        [(_("Show my name"), f"pub:{Signature.NAMED}")],
        [(_("Count me, don't name me"), f"pub:{Signature.ANONYMOUS}")],
    ]
    if campaign.thresholds:
        rows.append([(_("Name me once others sign"), f"pub:{Signature.CONDITIONAL}")])
    return rows


def _publication_text(campaign: Campaign) -> str:
    lines = [
        _("How may we show your signature?"),
        "",
        _("Show my name: your name is in the public list of signatories."),
        _(
            "Count me, don't name me: you are counted, and your name is published nowhere. "
            "The campaign's verifiers and organizers still see it, to check that you are an "
            "official; so could whoever seized the server."
        ),
    ]
    if campaign.thresholds:
        lines.append(
            _(
                "Name me once others sign: your name stays hidden until as many verified "
                "officials as you choose have signed, then it is shown."
            )
        )
    return "\n".join(lines)


def _verified_so_far(campaign: Campaign) -> str:
    """Today's verified count, as the campaign page shows it: the thresholds mean little
    without it."""
    n = verified_count(campaign.pk)
    return ngettext(
        "So far %(n)d signature is verified.", "So far %(n)d signatures are verified.", n
    ) % {"n": n}


def step_order(campaign: Campaign, data: dict[str, Any]) -> list[str]:
    order = [*CLAIM_STEPS, "region", "publication"]
    if data.get("publication") == Signature.CONDITIONAL:
        order.append("threshold")
    order.append("updates")
    if _takes_contacts(campaign, data):
        order.append("contact")
    return [*order, "confirm"]


def _takes_contacts(campaign: Campaign, data: dict[str, Any]) -> bool:
    return "contact_kind" in sign_form(campaign, data.get("lang", "ru")).fields


def with_back(reply: Reply, step: str) -> Reply:
    if step == CLAIM_STEPS[0]:
        return reply
    return Reply(reply.text, [*(reply.buttons or []), [(_("Back"), "nav:back")]])


def prompt(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Reply:
    """The question of a step; each names the field as the web form does."""
    form = sign_form(campaign, language)
    if step in CLAIM_STEPS:
        form_field = form.fields[step]
        lines = [str(form_field.label)]
        if form_field.help_text:
            lines.append(str(form_field.help_text))
        if not form_field.required:
            lines.append(optional_note())
        return with_back(Reply("\n".join(lines)), step)
    if step == "region":
        return with_back(Reply(_("Region, for example: Irkutsk Oblast, Saint Petersburg.")), step)
    if step == "publication":
        return with_back(Reply(_publication_text(campaign), _publication_buttons(campaign)), step)
    if step == "threshold":
        return with_back(
            Reply(
                "\n".join(
                    [
                        _("After how many verified signatures may your name be shown?"),
                        _verified_so_far(campaign),
                    ]
                ),
                [[(str(n), f"thr:{n}") for n in campaign.thresholds]],
            ),
            step,
        )
    if step == "updates":
        return with_back(
            Reply(
                _(
                    "Would you like the spokesperson's updates on this campaign here? Each "
                    "update starts with a neutral line; the campaign's name and link come "
                    "further down in it. Yes keeps this chat's number on the server, in clear, "
                    "so that updates can be sent, apart from your signature; /stop ends them "
                    "and deletes it."
                ),
                [[(_("Yes"), "upd:yes"), (_("No"), "upd:no")]],
            ),
            step,
        )
    if step == "contact":
        return with_back(contact_kind_prompt(), step)
    if step == "contact_value":
        return with_back(contact_step.value_prompt(data.get("contact_kind", "")), step)
    if step == "contact_check":
        return Reply(press_a_button())
    # confirm: every answer once more, as it will be signed.
    return Reply(
        "\n".join(
            [
                _("Ready to sign with these answers:"),
                *_summary(campaign, language, data),
                "",
                _(
                    "Nothing is signed until you press Sign. Until then your answers wait on "
                    "the server, for a day after your last one at most, and are deleted if you "
                    "cancel."
                ),
            ]
        ),
        [
            [(_("Sign"), "sign:yes")],
            [(_("Change an answer"), "nav:edit"), (_("Cancel"), "sign:no")],
        ],
    )


def _summary(campaign: Campaign, language: str, data: dict[str, Any]) -> list[str]:
    """The answers given, one line each, named as the web form names its fields."""
    form = sign_form(campaign, language)
    lines = [
        f"• {form.fields[step].label}: {data.get(step) or '—'}"
        for step in CLAIM_STEPS
        if step in form.fields
    ]
    region = regions_by_code().get(data.get("region", ""))
    lines.append(f"• {form.fields['region'].label}: {region.name(language) if region else '—'}")
    publication = data.get("publication", "")
    if publication == Signature.CONDITIONAL:
        n = int(data.get("reveal_threshold") or 0)
        shown = ngettext(
            "name shown after %(n)d verified signature",
            "name shown after %(n)d verified signatures",
            n,
        ) % {"n": n}
    elif publication == Signature.NAMED:
        shown = _("name shown")
    else:
        shown = _("counted, name not shown")
    lines.append(f"• {_('How you are shown')}: {shown}")
    lines.append(f"• {_('Updates')}: {_('Yes') if data.get('updates') else _('No')}")
    if _takes_contacts(campaign, data):
        kind = data.get("contact_kind", "") if data.get("sealed_contact") else ""
        lines.append(f"• {contact_step.summary_line()}: {contact_step.kind_label(kind)}")
    return lines


def edit_menu(campaign: Campaign, language: str, data: dict[str, Any]) -> Reply:
    form = sign_form(campaign, language)
    short = {
        "full_name": str(form.fields["full_name"].label),
        "office": str(form.fields["office"].label),
        "body": str(form.fields["body"].label),
        "municipality": str(form.fields["municipality"].label),
        "region": str(form.fields["region"].label),
        "publication": _("How you are shown"),
        "updates": _("Updates"),
    }
    if _takes_contacts(campaign, data):
        short["contact"] = contact_step.summary_line()
    return Reply(
        _("Which answer do you want to change?"),
        [[(label, f"edit:{step}")] for step, label in short.items()],
    )
