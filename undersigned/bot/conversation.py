"""What the bot says and does, as plain synchronous functions over the database.

Each function takes the chat, the signer's language, the conversation's state and
answers so far, and what the person sent; it returns the replies and the new state.
The aiogram handlers (handlers.py) only carry these to and from Telegram.

Every answer is checked by the web form's own fields, so the bot refuses what the
web form refuses, with the same words.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from undersigned.access import access_public_campaign
from undersigned.bot import actions as bot_actions
from undersigned.bot.keys import chat_key
from undersigned.campaigns.models import Campaign
from undersigned.core.canonical import fold
from undersigned.officials.regions import all_regions, find_region_code, regions_by_code
from undersigned.signatures import actions as signature_actions
from undersigned.signatures import signing
from undersigned.signatures.abuse import Sender
from undersigned.signatures.forms import SignForm
from undersigned.signatures.models import Signature
from undersigned.updates import actions as update_actions
from undersigned.vault.forms import clean_contact

CLAIM_STEPS = ("full_name", "office", "body", "municipality")
SKIP = "/skip"
MAX_REGION_SUGGESTIONS = 6

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)


@dataclass
class Reply:
    text: str
    buttons: Buttons | None = None


@dataclass
class Outcome:
    replies: list[Reply]
    state: str | None = None  # None ends the conversation
    data: dict[str, Any] = field(default_factory=dict)


def language_of(code: str | None) -> str:
    """Telegram's language code of the user, mapped to a language of the site (Russian else)."""
    return "en" if (code or "").lower().startswith("en") else "ru"


def _campaign(slug: str) -> Campaign | None:
    try:
        return access_public_campaign(slug)
    except Http404:
        return None


def _form(campaign: Campaign, language: str, data: dict[str, Any] | None = None) -> SignForm:
    return SignForm(data, campaign=campaign, language=language)


def _help() -> Reply:
    return Reply(
        _(
            "Open a campaign's link (it starts the bot with the campaign) to sign it.\n"
            "/status: your signatures and their state\n"
            "/withdraw: take a signature back\n"
            "/stop: stop updates sent here\n"
            "/cancel: stop signing; nothing is sent"
        )
    )


def _closed() -> Outcome:
    return Outcome([Reply(_("This campaign is closed to new signatures."))])


def _choices(form: SignForm, name: str) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in getattr(form.fields[name], "choices", [])]


# The steps of signing, in order. Each prompt names the field as the web form does.
def _prompt(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Reply:
    form = _form(campaign, language)
    if step in CLAIM_STEPS:
        form_field = form.fields[step]
        lines = [str(form_field.label)]
        if form_field.help_text:
            lines.append(str(form_field.help_text))
        if not form_field.required:
            lines.append(_("Optional: send /skip to leave it empty."))
        return Reply("\n".join(lines))
    if step == "region":
        return Reply(_("Region (for example: Санкт-Петербург, Irkutsk Oblast)."))
    if step == "publication":
        choices = _choices(form, "publication")
        return Reply(
            str(form.fields["publication"].label),
            [[(str(label), f"pub:{value}")] for value, label in choices],
        )
    if step == "threshold":
        choices = _choices(form, "reveal_threshold")
        return Reply(
            str(form.fields["reveal_threshold"].label),
            [[(str(label), f"thr:{value}") for value, label in choices]],
        )
    if step == "contact_kind":
        kinds = form.fields["contact_kind"]
        return Reply(
            f"{kinds.label}\n{form.fields['contact'].help_text}",
            [
                [(str(label), f"ck:{value or 'none'}")]
                for value, label in _choices(form, "contact_kind")
            ],
        )
    if step == "contact":
        return Reply(
            "\n".join(
                [str(form.fields["contact"].label), _("Optional: send /skip to leave it empty.")]
            )
        )
    if step == "updates":
        return Reply(
            _("Send you the spokesperson's updates on this campaign here?"),
            [[(_("Yes, send me updates"), "upd:yes"), (_("No"), "upd:no")]],
        )
    return Reply(
        _summary(campaign, language, data),
        [[(_("Sign"), "sign:yes"), (_("Cancel"), "sign:no")]],
    )


def _summary(campaign: Campaign, language: str, data: dict[str, Any]) -> str:
    form = _form(campaign, language)
    lines = [_("Please check, then sign:")]
    for name in CLAIM_STEPS:
        if data.get(name):
            lines.append(f"{form.fields[name].label}: {data[name]}")
    region = regions_by_code().get(data.get("region", ""))
    if region:
        lines.append(f"{form.fields['region'].label}: {region.name(language)}")
    publications = dict(_choices(form, "publication"))
    choice = str(publications.get(data.get("publication", ""), ""))
    if data.get("publication") == Signature.CONDITIONAL:
        choice += f" ({data.get('reveal_threshold')})"
    lines.append(choice)
    if _offers_contact(campaign):
        lines.append(
            _("Next you may leave a contact for verification; then your signature is recorded.")
        )
    return "\n".join(lines)


def _next_step(step: str, campaign: Campaign, data: dict[str, Any]) -> str:
    order = [*CLAIM_STEPS, "region", "publication"]
    if data.get("publication") == Signature.CONDITIONAL:
        order.append("threshold")
    # The contact comes last and is never stored: signing happens on the message holding it.
    order += ["updates", "confirm", "contact_kind", "contact"]
    return order[order.index(step) + 1]


def _offers_contact(campaign: Campaign) -> bool:
    """Whether the campaign has verifier keys, so the web form asks for a contact."""
    return "contact_kind" in _form(campaign, "ru").fields


def _advance(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Outcome:
    following = _next_step(step, campaign, data)
    return Outcome([_prompt(following, campaign, language, data)], f"sign:{following}", data)


def _again(
    step: str, campaign: Campaign, language: str, data: dict[str, Any], error: str
) -> Outcome:
    return Outcome([Reply(error), _prompt(step, campaign, language, data)], f"sign:{step}", data)


def start(chat_id: int, language: str, slug: str) -> Outcome:
    """`/start <slug>`: show the campaign's text and ask for the first answer."""
    with translation.override(language):
        campaign = _campaign(slug.strip()) if slug else None
        if campaign is None:
            return Outcome([Reply(_("Welcome.")), _help()])
        if not campaign.accepts_signatures:
            return _closed()
        text = campaign.text_for(language)
        addressee = text.addressee or campaign.addressee
        to = _("To")
        heading = f"{text.title}\n{to}: {addressee}" if addressee else text.title
        data = {"slug": campaign.slug, "lang": language}
        return Outcome(
            [
                Reply(f"{heading}\n\n{text.body}"),
                Reply(_("To sign, answer a few questions. Send /cancel at any time to stop.")),
                _prompt("full_name", campaign, language, data),
            ],
            "sign:full_name",
            data,
        )


def _check_claim(form: SignForm, name: str, value: str) -> tuple[str, str]:
    """The answer as the web form cleans it, and the web form's error ("" when none)."""
    try:
        return form.fields[name].clean(value), ""
    except forms.ValidationError as error:
        return "", " ".join(error.messages)


def _region_suggestions(text: str, language: str) -> Buttons:
    wanted = fold(text)
    if len(wanted) < 3:
        return []
    found = [
        region
        for region in all_regions()
        if any(wanted in fold(name) for name in (region.name_ru, region.name_en, *region.aliases))
    ]
    return [
        [(region.name(language), f"region:{region.code}")]
        for region in found[:MAX_REGION_SUGGESTIONS]
    ]


def on_text(
    chat_id: int, language: str, state: str | None, data: dict[str, Any], text: str
) -> Outcome:
    """Something typed while a conversation is (or is not) under way."""
    language = data.get("lang", language)
    with translation.override(language):
        step = (state or "").removeprefix("sign:")
        campaign = _campaign(data.get("slug", "")) if state else None
        if campaign is None:
            return Outcome([_help()])
        if not campaign.accepts_signatures:
            return _closed()
        answer = "" if text.strip() == SKIP else text
        if step in CLAIM_STEPS:
            value, error = _check_claim(_form(campaign, language), step, answer)
            if error:
                return _again(step, campaign, language, data, error)
            return _advance(step, campaign, language, {**data, step: value})
        if step == "region":
            code = find_region_code(answer)
            if code:
                return _advance(step, campaign, language, {**data, "region": code})
            suggestions = _region_suggestions(answer, language)
            unknown = _("This region is not recognised.")
            write_again = _("Please write it again.")
            if suggestions:
                choose = _("Choose it below or write it again.")
                return Outcome([Reply(f"{unknown} {choose}", suggestions)], state, data)
            return _again(step, campaign, language, data, f"{unknown} {write_again}")
        if step == "contact":
            if not answer.strip():
                return _sign(chat_id, language, campaign, data, "")
            try:
                contact = clean_contact(data.get("contact_kind", ""), answer)
            except forms.ValidationError as error:
                return _again(step, campaign, language, data, " ".join(error.messages))
            return _sign(chat_id, language, campaign, data, contact)
        # A step answered with buttons: show them again.
        return Outcome([_prompt(step, campaign, language, data)], state, data)


def on_choice(
    chat_id: int, language: str, state: str | None, data: dict[str, Any], choice: str
) -> Outcome:
    """A button pressed."""
    kind, _sep, value = choice.partition(":")
    if kind in {"wd", "wdyes"}:
        return withdraw_choice(chat_id, language, kind, value)
    language = data.get("lang", language)
    with translation.override(language):
        step = (state or "").removeprefix("sign:")
        campaign = _campaign(data.get("slug", "")) if state else None
        if campaign is None:
            return Outcome([_help()])
        if not campaign.accepts_signatures:
            return _closed()
        form = _form(campaign, language)
        if step == "region" and kind == "region" and value in regions_by_code():
            return _advance(step, campaign, language, {**data, "region": value})
        publications = dict(_choices(form, "publication"))
        if step == "publication" and kind == "pub" and value in publications:
            return _advance(step, campaign, language, {**data, "publication": value})
        thresholds = [str(n) for n in campaign.thresholds]
        if step == "threshold" and kind == "thr" and value in thresholds:
            return _advance(step, campaign, language, {**data, "reveal_threshold": int(value)})
        if step == "contact_kind" and kind == "ck" and "contact_kind" in form.fields:
            chosen = "" if value == "none" else value
            if not chosen:
                return _sign(chat_id, language, campaign, data, "")
            if chosen in dict(_choices(form, "contact_kind")):
                return _advance(step, campaign, language, {**data, "contact_kind": chosen})
        if step == "updates" and kind == "upd":
            return _advance(step, campaign, language, {**data, "updates": value == "yes"})
        if step == "confirm" and kind == "sign":
            if value == "yes" and _offers_contact(campaign):
                return _advance(step, campaign, language, data)
            if value == "yes":
                return _sign(chat_id, language, campaign, data, "")
            return Outcome([Reply(_("Cancelled; nothing was sent."))])
        if step:
            return Outcome([_prompt(step, campaign, language, data)], state, data)
        return Outcome([_help()])


def _sign(
    chat_id: int, language: str, campaign: Campaign, data: dict[str, Any], contact: str
) -> Outcome:
    form = _form(
        campaign,
        language,
        {
            **{name: data.get(name, "") for name in CLAIM_STEPS},
            "region": data.get("region", ""),
            "publication": data.get("publication", ""),
            "reveal_threshold": str(data.get("reveal_threshold") or ""),
            "contact_kind": data.get("contact_kind", "") if contact else "",
            "contact": contact,
        },
    )
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label}: {' '.join(map(str, messages))}"
            if name in form.fields
            else " ".join(map(str, messages))
            for name, messages in form.errors.items()
        ]
        return Outcome(
            [Reply("\n".join(errors)), _prompt("full_name", campaign, language, data)],
            "sign:full_name",
            {"slug": campaign.slug, "lang": language},
        )
    # The web form's abuse rules, per chat instead of per address.
    submitted = signing.submit_signature(
        campaign,
        form.submission(language),
        channel=Signature.TELEGRAM,
        sender=Sender(f"chat:{chat_key(chat_id)}", kept=False),
    )
    if submitted.outcome == signing.Outcome.REFUSED:
        return Outcome(
            [
                Reply(
                    _(
                        "So many signatures came from this chat just now that no more are taken "
                        "for a while. Nothing was stored. Please try again in %(n)d minutes."
                    )
                    % {"n": submitted.retry_minutes}
                )
            ]
        )
    if submitted.outcome != signing.Outcome.SIGNED:
        return _closed()
    token = submitted.token
    bot_actions.keep_receipt(chat_id, token)
    if data.get("updates"):
        update_actions.request_telegram_subscription(campaign, chat_id, language)
    receipt_url = settings.SITE_URL + reverse("receipt", args=[token])
    thanks = _(
        "Thank you for signing. Your private receipt: %(url)s\n"
        "Keep it: it shows your signature's state and lets you withdraw it, and anyone who has it "
        "can do the same. Here, /status shows your signatures and /withdraw takes one back.\n"
        "This chat keeps what you wrote: delete it if your phone may be searched."
    ) % {"url": receipt_url}
    if campaign.requires_verification:
        thanks = _("Your signature will be counted once it is verified.") + "\n" + thanks
    return Outcome([Reply(thanks)])


# The receipt page's words for each state.
STATE_LABELS = {
    Signature.RECEIVED: gettext_noop("Received, being checked"),
    Signature.MATCHED: gettext_noop("Received, being checked"),
    Signature.VERIFIED: gettext_noop("Verified: counted as signed"),
    Signature.REJECTED: gettext_noop("Not accepted"),
    Signature.WITHDRAWN: gettext_noop("Withdrawn: not shown or counted anywhere"),
}


def _state_label(signature: Signature) -> str:
    return _(STATE_LABELS[signature.state])


def status(chat_id: int, language: str) -> Outcome:
    with translation.override(language):
        found = bot_actions.signatures_of_chat(chat_id)
        if not found:
            return Outcome([Reply(_("You have not signed anything through this bot."))])
        lines = [_("Your signatures:")]
        for _receipt, signature in found:
            title = signature.campaign.text_for(language).title
            lines.append(f"• {title}: {_state_label(signature)}")
        return Outcome([Reply("\n".join(lines))])


def withdraw_menu(chat_id: int, language: str) -> Outcome:
    with translation.override(language):
        standing = [
            (receipt, signature)
            for receipt, signature in bot_actions.signatures_of_chat(chat_id)
            if signature.state != Signature.WITHDRAWN
        ]
        if not standing:
            return Outcome([Reply(_("You have no signature to withdraw here."))])
        buttons = [
            [(signature.campaign.text_for(language).title[:60], f"wd:{receipt.pk}")]
            for receipt, signature in standing
        ]
        return Outcome([Reply(_("Which signature do you want to withdraw?"), buttons)])


def withdraw_choice(chat_id: int, language: str, kind: str, value: str) -> Outcome:
    with translation.override(language):
        signature = bot_actions.signature_of_chat(chat_id, int(value)) if value.isdigit() else None
        if signature is None or signature.state == Signature.WITHDRAWN:
            return Outcome([Reply(_("You have no signature to withdraw here."))])
        title = signature.campaign.text_for(language).title
        if kind == "wd":
            return Outcome(
                [
                    Reply(
                        _(
                            "Withdraw your signature from «%(title)s»? It will no longer be shown "
                            "or counted anywhere. This cannot be undone."
                        )
                        % {"title": title},
                        [[(_("Yes, withdraw it"), f"wdyes:{value}")]],
                    )
                ]
            )
        signature_actions.withdraw_signature(signature)
        return Outcome(
            [Reply(_("Your signature was withdrawn from «%(title)s».") % {"title": title})]
        )


def link_staff(chat_id: int, language: str, code: str) -> Outcome:
    with translation.override(language):
        user = bot_actions.link_staff_chat(code, chat_id)
        if user is None:
            return Outcome([Reply(_("This code is not valid or has expired."))])
        return Outcome([Reply(_("Linked: staff notifications for your campaigns will come here."))])


def stop_updates(chat_id: int, language: str) -> Outcome:
    with translation.override(language):
        removed = update_actions.unsubscribe_telegram_chat(chat_id)
        if removed:
            return Outcome([Reply(_("You will receive no more updates here."))])
        return Outcome([Reply(_("You receive no updates here."))])


def cancel(language: str) -> Outcome:
    with translation.override(language):
        return Outcome([Reply(_("Cancelled; nothing was sent."))])


def help_text(language: str) -> Outcome:
    with translation.override(language):
        return Outcome([_help()])
