"""The signing dialogue: the campaign's text, one question per step (the claims, the region,
how the signature is shown and after how many others, updates, a contact for verification
when the campaign takes one), then [Sign], which signs.

Every answer is checked by the web form's own fields, so the bot refuses what the web
form refuses, with the same words.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from undersigned.bot import actions as bot_actions
from undersigned.bot import contact_step
from undersigned.bot.keys import chat_key
from undersigned.bot.models import BotReceipt
from undersigned.bot.replies import (
    CLAIM_STEPS,
    MAX_REGION_SUGGESTIONS,
    MAX_TEXT_MESSAGES,
    SKIP,
    Buttons,
    Outcome,
    Reply,
    campaign_by_slug,
    campaign_url,
    closed,
    day_signed,
    finished_note,
    help_reply,
    press_a_button,
    quoted,
    shorten_title,
    shown_as,
    sign_form,
    title_of,
    unknown_command,
)
from undersigned.bot.signatures_menu import visibility_buttons
from undersigned.bot.signing_questions import edit_menu, prompt, step_order, with_back
from undersigned.campaigns.models import Campaign
from undersigned.core.canonical import fold
from undersigned.core.telegram import split_text
from undersigned.officials.regions import all_regions, find_region_code, regions_by_code
from undersigned.sharing.actions import note_signature
from undersigned.sharing.models import known_code
from undersigned.signatures import signing
from undersigned.signatures.abuse import Sender
from undersigned.signatures.forms import SignForm
from undersigned.signatures.models import Signature
from undersigned.updates import actions as update_actions
from undersigned.vault.models import ContactCiphertext


def _ask(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Outcome:
    return Outcome([prompt(step, campaign, language, data)], f"sign:{step}", data)


def _advance(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Outcome:
    order = step_order(campaign, data)
    # A step no longer asked (the campaign stopped taking contacts) leads to the review.
    following = order[order.index(step) + 1] if step in order else "confirm"
    if data.get("editing") and following != "threshold":
        following = "confirm"
        data = {key: value for key, value in data.items() if key != "editing"}
    return _ask(following, campaign, language, data)


def _again(
    step: str, campaign: Campaign, language: str, data: dict[str, Any], error: str
) -> Outcome:
    return Outcome([Reply(error), prompt(step, campaign, language, data)], f"sign:{step}", data)


def _campaign_text(campaign: Campaign, language: str) -> list[Reply]:
    text = campaign.text_for(language)
    # The addressee reads as a line of its own ("To the President of ..."), never "To: To ...".
    addressee = text.addressee or campaign.addressee
    heading = f"{text.title}\n{addressee}" if addressee else text.title
    parts = split_text(f"{heading}\n\n{text.body}")
    replies = [Reply(part) for part in parts[:MAX_TEXT_MESSAGES]]
    if len(parts) > MAX_TEXT_MESSAGES:
        replies.append(
            Reply(
                _("The rest of the text is on the campaign's page: %(url)s")
                % {"url": campaign_url(campaign)}
            )
        )
    return replies


def _before_signing(campaign: Campaign) -> Reply:
    return Reply(
        _(
            "Before you sign:\n"
            "• Telegram sees this chat: your answers, your account and your phone number. "
            "You can also sign on the campaign's page, without Telegram: %(url)s\n"
            "• Anyone holding your unlocked phone can read this chat. When you have finished, "
            "send /forget to delete our messages, then delete the chat itself.\n"
            "\n"
            "To sign, answer a few questions. Nothing is sent until you press Sign; "
            "/cancel stops at any time."
        )
        % {"url": campaign_url(campaign)}
    )


def already_signed(
    campaign: Campaign, language: str, standing: list[tuple[BotReceipt, Signature]]
) -> Outcome:
    """This chat's own receipts show a standing signature of the campaign: say so, to this
    chat only, and offer to lower its visibility instead of signing again."""
    receipt, signature = standing[-1]
    lines = [
        _(
            "You already signed from this chat on %(date)s (%(shown)s). Campaign: %(title)s. "
            "Signing again from here would change nothing."
        )
        % {
            "title": quoted(title_of(campaign, language)),
            "date": day_signed(signature),
            "shown": shown_as(signature),
        },
    ]
    buttons = visibility_buttons(receipt, signature)
    if buttons:
        lines.append(_("To be shown less, press a button below."))
    lines.append(_("/withdraw takes the signature back."))
    buttons.append([(_("Someone else signs here"), f"other:{campaign.slug}")])
    return Outcome([Reply("\n".join(lines), buttons)])


def start_payload(args: str) -> tuple[str, str]:
    """The campaign and share code of `/start <slug>_<code>` (a deep link: Telegram allows
    no other separator) or `/start <slug> <code>` typed by hand; anything further is ignored."""
    words = args.split()
    if not words:
        return "", ""
    slug, _sep, code = words[0].partition("_")
    if not code and len(words) > 1:
        code = words[1]
    return slug, code


def start(chat_id: int, language: str, args: str, *, check_chat: bool = True) -> Outcome:
    """`/start <slug>`: show the campaign's text, what Telegram sees, and the first question."""
    slug, via = start_payload(args)
    with translation.override(language):
        if not slug:
            return Outcome([help_reply()])
        campaign = campaign_by_slug(slug)
        if campaign is None:
            return Outcome(
                [
                    Reply(
                        _(
                            "Campaign not found. Please check the link, or ask whoever sent it "
                            "for a new one."
                        )
                    ),
                    help_reply(),
                ]
            )
        if not campaign.accepts_signatures:
            return closed()
        if check_chat:
            standing = bot_actions.standing_signatures_of_chat(chat_id, campaign)
            if standing:
                return already_signed(campaign, language, standing)
        data = {"slug": campaign.slug, "lang": language}
        code = known_code(campaign.slug, via)  # a made-up code is not kept
        if code:
            data["via"] = code
        return Outcome(
            [
                *_campaign_text(campaign, language),
                _before_signing(campaign),
                prompt("full_name", campaign, language, data),
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
        [(shorten_title(region.name(language)), f"region:{region.code}")]
        for region in found[:MAX_REGION_SUGGESTIONS]
    ]


def _submit(campaign: Campaign, form: SignForm, language: str, chat_id: int) -> signing.Submitted:
    """The bot's one call of the signing action: the web form's abuse rules, per chat."""
    return signing.submit_signature(
        campaign,
        form.submission(language),
        channel=Signature.TELEGRAM,
        sender=Sender(f"chat:{chat_key(chat_id)}", kept=False),
    )


def _sign(chat_id: int, language: str, campaign: Campaign, data: dict[str, Any]) -> Outcome:
    # Her contact, unsealed only now, goes in as the web form's fields do: checked by them,
    # and carried by the submission to be encrypted as the signature is recorded.
    contact_kind, contact = contact_step.contact_of(chat_id, data)
    form = sign_form(
        campaign,
        language,
        {
            **{name: data.get(name, "") for name in CLAIM_STEPS},
            "region": data.get("region", ""),
            "publication": data.get("publication", ""),
            "reveal_threshold": str(data.get("reveal_threshold") or ""),
            "contact_kind": contact_kind,
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
            [Reply("\n".join(errors)), prompt("full_name", campaign, language, data)],
            "sign:full_name",
            {key: data[key] for key in ("slug", "lang", "via") if key in data},
        )
    # Told from this chat's own receipts only: the same answers again from here.
    claims_key = form.claims().key()
    standing = [
        (receipt, signature)
        for receipt, signature in bot_actions.standing_signatures_of_chat(chat_id, campaign)
        if signature.claims_key == claims_key
    ]
    if standing:
        return already_signed(campaign, language, standing)
    submitted = _submit(campaign, form, language, chat_id)
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
        return closed()
    receipt = bot_actions.keep_receipt(chat_id, submitted.token)
    if data.get("via"):
        # Counted for the share channel as the web form's `?via=` is; nothing ties it to her.
        note_signature(campaign.slug, data["via"])
    if data.get("updates"):
        update_actions.request_telegram_subscription(campaign, chat_id, language)
    receipt_url = settings.SITE_URL + reverse("receipt", args=[submitted.token])
    thanks = [_("Signed. Thank you.")]
    if campaign.requires_verification:
        thanks.append(_("Your signature will be counted once a verifier has checked it."))
    thanks.append(
        _(
            "Your private receipt: %(url)s\n"
            "It shows your signature's state and lets you withdraw it; anyone who has the link "
            "can do the same, so keep it somewhere safe. Here, /status shows your signatures "
            "and /withdraw takes one back."
        )
        % {"url": receipt_url}
    )
    if contact and ContactCiphertext.objects.filter(signature=submitted.signature).exists():
        thanks.append(
            _(
                "Your contact was encrypted to the verifiers' keys with your signature; the "
                "server cannot read it. It cannot be changed here: if it is wrong, take the "
                "signature back with /withdraw and sign again."
            )
        )
    elif contact:
        thanks.append(
            _(
                "The campaign no longer takes contacts: yours was not stored. "
                "Your signature is recorded."
            )
        )
    thanks.append(finished_note())
    return Outcome([Reply("\n".join(thanks))], receipts=[receipt.pk])


CONTACT_STEPS = ("contact_value", "contact_check")


def _typed_back(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Outcome:
    order = step_order(campaign, data)
    if step in order[1:]:
        return _ask(order[order.index(step) - 1], campaign, language, data)
    if step in CONTACT_STEPS:
        return _ask("contact", campaign, language, contact_step.without_contact(data))
    first = _("This is the first question: there is nothing before it.")
    return _again(step, campaign, language, data, first)


def answer_text(
    chat_id: int,
    language: str,
    state: str,
    step: str,
    campaign: Campaign,
    data: dict[str, Any],
    text: str,
    command: str,
) -> Outcome:
    """Something typed at a step of the signing dialogue."""
    if not command and fold(text.strip(" .!")) in {fold(w) for w in (_("Back"), "back", "назад")}:
        # The Back button's word typed: never recorded as an answer.
        return _typed_back(step, campaign, language, data)
    if step in CONTACT_STEPS:
        typed = contact_step.contact_typed(chat_id, state, data, text, command)
        if isinstance(typed, Outcome):
            return typed
        outcome = _advance("contact", campaign, language, typed)
        # Her contact, now sealed, does not stay in the chat either.
        outcome.delete_received = bool(typed.get("sealed_contact"))
        return outcome
    if command and command != SKIP:
        return Outcome(
            [Reply(unknown_command(command)), prompt(step, campaign, language, data)],
            state,
            data,
        )
    answer = "" if text.strip().lower() == SKIP else text
    if step in CLAIM_STEPS:
        value, error = _check_claim(sign_form(campaign, language), step, answer)
        if error:
            return _again(step, campaign, language, data, error)
        return _advance(step, campaign, language, {**data, step: value})
    if step == "region":
        code = find_region_code(answer)
        if code:
            return _advance(step, campaign, language, {**data, "region": code})
        suggestions = _region_suggestions(answer, language)
        unknown = _("This region is not recognised.")
        if suggestions:
            choose = _("Choose it below or write it again.")
            return Outcome(
                [with_back(Reply(f"{unknown} {choose}", suggestions), step)], state, data
            )
        write_again = _("Please write it again.")
        return _again(step, campaign, language, data, f"{unknown} {write_again}")
    # A step answered with buttons.
    return _again(step, campaign, language, data, press_a_button())


def answer_choice(
    chat_id: int,
    language: str,
    state: str,
    step: str,
    campaign: Campaign,
    data: dict[str, Any],
    kind: str,
    value: str,
) -> Outcome:
    """A button pressed at a step of the signing dialogue."""
    if kind == "nav" and value == "back" and step == "contact_value":
        return _ask("contact", campaign, language, contact_step.without_contact(data))
    if step in ("contact", *CONTACT_STEPS) and kind == "ck":  # another kind, while typing
        chosen = contact_step.kind_chosen(data, value)
        if chosen is not None:
            return chosen
        return _advance("contact", campaign, language, contact_step.without_contact(data))
    if step == "contact_check" and kind == "cph":
        checked = contact_step.phone_checked(data, value)
        return checked or _advance("contact", campaign, language, data)
    if kind == "nav" and value == "back" and step in step_order(campaign, data)[1:]:
        order = step_order(campaign, data)
        return _ask(order[order.index(step) - 1], campaign, language, data)
    if kind == "nav" and value == "edit" and step == "confirm":
        return Outcome([edit_menu(campaign, language, data)], state, data)
    if kind == "edit" and step == "confirm" and value in step_order(campaign, data):
        return _ask(value, campaign, language, {**data, "editing": True})
    if step == "region" and kind == "region" and value in regions_by_code():
        return _advance(step, campaign, language, {**data, "region": value})
    publications = {Signature.NAMED, Signature.ANONYMOUS}
    if campaign.thresholds:
        publications.add(Signature.CONDITIONAL)
    if step == "publication" and kind == "pub" and value in publications:
        answered = {**data, "publication": value}
        if value != Signature.CONDITIONAL:
            answered.pop("reveal_threshold", None)
        return _advance(step, campaign, language, answered)
    thresholds = [str(n) for n in campaign.thresholds]
    if step == "threshold" and kind == "thr" and value in thresholds:
        return _advance(step, campaign, language, {**data, "reveal_threshold": int(value)})
    if step == "updates" and kind == "upd":
        return _advance(step, campaign, language, {**data, "updates": value == "yes"})
    if step == "confirm" and kind == "sign":
        if value == "yes":
            return _sign(chat_id, language, campaign, data)
        return Outcome([Reply(_("Cancelled; nothing was sent."))])
    if step:
        return Outcome(
            [
                Reply(_("That button is from an earlier question.")),
                prompt(step, campaign, language, data),
            ],
            state,
            data,
        )
    return Outcome([help_reply()])
