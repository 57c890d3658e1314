"""What the bot says and does, as plain synchronous functions over the database.

Each function takes the chat, the signer's language, the conversation's state and
answers so far, and what the person sent; it returns the replies and the new state.
The aiogram handlers (handlers.py) only carry these to and from Telegram.

Every answer is checked by the web form's own fields, so the bot refuses what the
web form refuses, with the same words. The steps, in order: the claims, the region,
how the signature is shown (and after how many others), updates, then [Sign], which
signs. A contact for verification is asked after signing and attached to the
signature at once, encrypted: it is never kept in the conversation.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from undersigned.access import access_public_campaign
from undersigned.bot import actions as bot_actions
from undersigned.bot.keys import chat_key
from undersigned.bot.models import BotReceipt
from undersigned.campaigns.models import Campaign, TransitionError
from undersigned.core.canonical import fold
from undersigned.core.telegram import split_text
from undersigned.officials.regions import all_regions, find_region_code, regions_by_code
from undersigned.signatures import actions as signature_actions
from undersigned.signatures import signing
from undersigned.signatures.abuse import Sender
from undersigned.signatures.forms import SignForm
from undersigned.signatures.models import Signature
from undersigned.updates import actions as update_actions
from undersigned.updates.models import Subscription
from undersigned.vault.actions import NoVerifierKeys, attach_contact
from undersigned.vault.forms import clean_contact
from undersigned.vault.models import ContactCiphertext

CLAIM_STEPS = ("full_name", "office", "body", "municipality")
SKIP = "/skip"
MAX_REGION_SUGGESTIONS = 6
MAX_TEXT_MESSAGES = 3  # a longer campaign text is cut there, with a link to the rest
BUTTON_TITLE_LENGTH = 28

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
    # The message just received holds something that should not stay in the chat.
    delete_received: bool = False


def language_of(code: str | None) -> str:
    """Telegram's language code of the user, mapped to a language of the site (Russian else)."""
    return "en" if (code or "").lower().startswith("en") else "ru"


def _campaign(slug: str) -> Campaign | None:
    # Campaign addresses are lower case; a link typed or forwarded may not be.
    slug = slug.strip().lower()
    if not slug or len(slug) > 80:
        return None
    try:
        return access_public_campaign(slug)
    except Http404:
        return None


def _form(campaign: Campaign, language: str, data: dict[str, Any] | None = None) -> SignForm:
    return SignForm(data, campaign=campaign, language=language)


def _title(campaign: Campaign, language: str) -> str:
    return campaign.text_for(language).title


def _short(text: str, length: int = BUTTON_TITLE_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _quoted(title: str) -> str:
    # Russian quotes in Russian, plain ones in English.
    return _("“%(title)s”") % {"title": title}


def _date(signature: Signature) -> str:
    return date_format(localtime(signature.created_at), "j E Y")


def _help() -> Reply:
    return Reply(
        _(
            "This bot signs open letters and petitions. To sign one, open its link: "
            "the bot starts with that campaign.\n"
            "\n"
            "/status: your signatures from this chat\n"
            "/withdraw: take a signature back\n"
            "/stop: stop updates sent here\n"
            "/forget: delete our recent messages and what the bot keeps about this chat\n"
            "/cancel: stop signing before anything is sent\n"
            "\n"
            "Is this anonymous?\n"
            "Not towards Telegram: it sees this chat, your account and your phone number. "
            "If you choose not to be named, the public does not see your name, but the "
            "campaign's verifiers and organizers do: they check that signers are who they say.\n"
            "\n"
            "Who can read what I wrote here?\n"
            "Telegram, and anyone holding your unlocked phone. /forget deletes the messages "
            "of the last 48 hours; delete the chat itself for the rest.\n"
            "\n"
            "Can I take my signature back?\n"
            "Yes, at any time: /withdraw here, or your receipt link.\n"
            "\n"
            "Can I sign without Telegram?\n"
            "Yes: every campaign has a form on its web page."
        )
    )


def _closed() -> Outcome:
    return Outcome([Reply(_("This campaign is closed to new signatures."))])


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


def _shown_as(signature: Signature) -> str:
    if signature.publication == Signature.NAMED:
        return _("name shown")
    if signature.publication == Signature.CONDITIONAL:
        n = signature.reveal_threshold or 0
        return ngettext(
            "name shown after %(n)d verified signature",
            "name shown after %(n)d verified signatures",
            n,
        ) % {"n": n}
    return _("counted, name not shown")


CONTACT_KINDS = {
    ContactCiphertext.PHONE: gettext_noop("Phone"),
    ContactCiphertext.EMAIL: gettext_noop("E-mail"),
    ContactCiphertext.TELEGRAM: gettext_noop("Telegram username"),
}
CONTACT_PROMPTS = {
    ContactCiphertext.PHONE: gettext_noop("Your phone number, with its country code."),
    ContactCiphertext.EMAIL: gettext_noop("Your e-mail address."),
    ContactCiphertext.TELEGRAM: gettext_noop("Your Telegram username, e.g. @olga_semyonova."),
}


def _order(campaign: Campaign, data: dict[str, Any]) -> list[str]:
    order = [*CLAIM_STEPS, "region", "publication"]
    if data.get("publication") == Signature.CONDITIONAL:
        order.append("threshold")
    return [*order, "updates", "confirm"]


def _with_back(reply: Reply, step: str) -> Reply:
    if step == CLAIM_STEPS[0]:
        return reply
    return Reply(reply.text, [*(reply.buttons or []), [(_("Back"), "nav:back")]])


def _optional() -> str:
    return _("Optional: send /skip to leave it empty.")


def _prompt(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Reply:
    """The question of a step; each names the field as the web form does."""
    form = _form(campaign, language)
    if step in CLAIM_STEPS:
        form_field = form.fields[step]
        lines = [str(form_field.label)]
        if form_field.help_text:
            lines.append(str(form_field.help_text))
        if not form_field.required:
            lines.append(_optional())
        return _with_back(Reply("\n".join(lines)), step)
    if step == "region":
        return _with_back(Reply(_("Region, for example: Irkutsk Oblast, Saint Petersburg.")), step)
    if step == "publication":
        return _with_back(Reply(_publication_text(campaign), _publication_buttons(campaign)), step)
    if step == "threshold":
        return _with_back(
            Reply(
                _("After how many verified signatures may your name be shown?"),
                [[(str(n), f"thr:{n}") for n in campaign.thresholds]],
            ),
            step,
        )
    if step == "updates":
        return _with_back(
            Reply(
                _(
                    "Would you like the spokesperson's updates on this campaign here? Their "
                    "notifications will not show the campaign's name; /stop ends them."
                ),
                [[(_("Yes"), "upd:yes"), (_("No"), "upd:no")]],
            ),
            step,
        )
    # confirm: the answers are in the chat above; they are not repeated.
    return Reply(
        _("Ready to sign with the answers above. Nothing has been sent yet."),
        [
            [(_("Sign"), "sign:yes")],
            [(_("Change an answer"), "nav:edit"), (_("Cancel"), "sign:no")],
        ],
    )


def _edit_menu(campaign: Campaign, language: str, data: dict[str, Any]) -> Reply:
    form = _form(campaign, language)
    short = {
        "full_name": str(form.fields["full_name"].label),
        "office": str(form.fields["office"].label),
        "body": str(form.fields["body"].label),
        "municipality": str(form.fields["municipality"].label),
        "region": str(form.fields["region"].label),
        "publication": _("How you are shown"),
        "updates": _("Updates"),
    }
    return Reply(
        _("Which answer do you want to change?"),
        [[(label, f"edit:{step}")] for step, label in short.items()],
    )


def _ask(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Outcome:
    return Outcome([_prompt(step, campaign, language, data)], f"sign:{step}", data)


def _advance(step: str, campaign: Campaign, language: str, data: dict[str, Any]) -> Outcome:
    order = _order(campaign, data)
    following = order[order.index(step) + 1]
    if data.get("editing") and following != "threshold":
        following = "confirm"
        data = {key: value for key, value in data.items() if key != "editing"}
    return _ask(following, campaign, language, data)


def _again(
    step: str, campaign: Campaign, language: str, data: dict[str, Any], error: str
) -> Outcome:
    return Outcome([Reply(error), _prompt(step, campaign, language, data)], f"sign:{step}", data)


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
                % {"url": _url(campaign)}
            )
        )
    return replies


def _url(campaign: Campaign) -> str:
    return settings.SITE_URL + reverse("campaign", args=[campaign.slug])


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
        % {"url": _url(campaign)}
    )


def _already_signed(
    campaign: Campaign, language: str, standing: list[tuple[BotReceipt, Signature]]
) -> Outcome:
    """This chat's own receipts show a standing signature of the campaign: say so, to this
    chat only, and offer to lower its visibility instead of signing again."""
    receipt, signature = standing[-1]
    lines = [
        _(
            "You already signed %(title)s from this chat on %(date)s (%(shown)s). "
            "Signing again from here would change nothing."
        )
        % {
            "title": _quoted(_title(campaign, language)),
            "date": _date(signature),
            "shown": _shown_as(signature),
        },
    ]
    buttons = _visibility_buttons(receipt, signature)
    if buttons:
        lines.append(_("To be shown less, press a button below."))
    lines.append(_("/withdraw takes the signature back."))
    buttons.append([(_("Someone else signs here"), f"other:{campaign.slug}")])
    return Outcome([Reply("\n".join(lines), buttons)])


def _visibility_buttons(receipt: BotReceipt, signature: Signature) -> Buttons:
    """The ways to be shown less than now: a signer may only lower their visibility."""
    if signature.publication == Signature.ANONYMOUS:
        return []
    rows: Buttons = [[(_("Don't show my name"), f"vis:{receipt.pk}:{Signature.ANONYMOUS}:0")]]
    floor = (signature.reveal_threshold or 0) + 1
    for n in signature.campaign.thresholds:
        if signature.publication == Signature.NAMED or n >= floor:
            label = ngettext("Name me after %(n)d signature", "Name me after %(n)d signatures", n)
            label %= {"n": n}
            rows.append([(label, f"vis:{receipt.pk}:{Signature.CONDITIONAL}:{n}")])
    return rows


def start(chat_id: int, language: str, slug: str, *, check_chat: bool = True) -> Outcome:
    """`/start <slug>`: show the campaign's text, what Telegram sees, and the first question."""
    with translation.override(language):
        if not slug.strip():
            return Outcome([_help()])
        campaign = _campaign(slug)
        if campaign is None:
            return Outcome(
                [
                    Reply(
                        _(
                            "Campaign not found. Please check the link, or ask whoever sent it "
                            "for a new one."
                        )
                    ),
                    _help(),
                ]
            )
        if not campaign.accepts_signatures:
            return _closed()
        if check_chat:
            standing = bot_actions.standing_signatures_of_chat(chat_id, campaign)
            if standing:
                return _already_signed(campaign, language, standing)
        data = {"slug": campaign.slug, "lang": language}
        return Outcome(
            [
                *_campaign_text(campaign, language),
                _before_signing(campaign),
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
        [(_short(region.name(language)), f"region:{region.code}")]
        for region in found[:MAX_REGION_SUGGESTIONS]
    ]


def _unknown_command(command: str) -> str:
    return _("There is no command %(command)s; your message was not saved as an answer.") % {
        "command": command[:40]
    }


def _press_a_button() -> str:
    return _("Please press one of the buttons.")


def on_text(
    chat_id: int, language: str, state: str | None, data: dict[str, Any], text: str
) -> Outcome:
    """Something typed while a conversation is (or is not) under way."""
    language = data.get("lang", language)
    with translation.override(language):
        command = text.split()[0] if text.startswith("/") and text.strip() else ""
        if state and state.startswith("signed:"):
            return _after_signing_text(chat_id, language, state, data, text, command)
        step = (state or "").removeprefix("sign:")
        campaign = _campaign(data.get("slug", "")) if state else None
        if campaign is None:
            if command:
                return Outcome([Reply(_unknown_command(command)), _help()])
            return Outcome(
                [Reply(_("No signing is under way: this message was not stored.")), _help()]
            )
        if not campaign.accepts_signatures:
            return _closed()
        if command and command != SKIP:
            return Outcome(
                [Reply(_unknown_command(command)), _prompt(step, campaign, language, data)],
                state,
                data,
            )
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
            if suggestions:
                choose = _("Choose it below or write it again.")
                return Outcome(
                    [_with_back(Reply(f"{unknown} {choose}", suggestions), step)], state, data
                )
            write_again = _("Please write it again.")
            return _again(step, campaign, language, data, f"{unknown} {write_again}")
        # A step answered with buttons.
        return _again(step, campaign, language, data, _press_a_button())


def on_choice(
    chat_id: int, language: str, state: str | None, data: dict[str, Any], choice: str
) -> Outcome:
    """A button pressed."""
    kind, _sep, value = choice.partition(":")
    if kind in {"wd", "wdyes", "wdno"}:
        return withdraw_choice(chat_id, language, kind, value)
    if kind == "vis":
        return lower_visibility(chat_id, language, value)
    if kind == "other":
        return start(chat_id, language, value, check_chat=False)
    if state and state.startswith("signed:"):
        return _after_signing_choice(chat_id, language, state, data, kind, value)
    language = data.get("lang", language)
    with translation.override(language):
        step = (state or "").removeprefix("sign:")
        campaign = _campaign(data.get("slug", "")) if state else None
        if campaign is None:
            return Outcome([Reply(_("This button belongs to a finished conversation.")), _help()])
        if not campaign.accepts_signatures:
            return _closed()
        if kind == "nav" and value == "back" and step in _order(campaign, data)[1:]:
            order = _order(campaign, data)
            return _ask(order[order.index(step) - 1], campaign, language, data)
        if kind == "nav" and value == "edit" and step == "confirm":
            return Outcome([_edit_menu(campaign, language, data)], state, data)
        if kind == "edit" and step == "confirm" and value in _order(campaign, data):
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
                    _prompt(step, campaign, language, data),
                ],
                state,
                data,
            )
        return Outcome([_help()])


def _submit(campaign: Campaign, form: SignForm, language: str, chat_id: int) -> signing.Submitted:
    """The bot's one call of the signing action: the web form's abuse rules, per chat."""
    return signing.submit_signature(
        campaign,
        form.submission(language),
        channel=Signature.TELEGRAM,
        sender=Sender(f"chat:{chat_key(chat_id)}", kept=False),
    )


def _sign(chat_id: int, language: str, campaign: Campaign, data: dict[str, Any]) -> Outcome:
    form = _form(
        campaign,
        language,
        {
            **{name: data.get(name, "") for name in CLAIM_STEPS},
            "region": data.get("region", ""),
            "publication": data.get("publication", ""),
            "reveal_threshold": str(data.get("reveal_threshold") or ""),
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
    # Told from this chat's own receipts only: the same answers again from here.
    claims_key = form.claims().key()
    standing = [
        (receipt, signature)
        for receipt, signature in bot_actions.standing_signatures_of_chat(chat_id, campaign)
        if signature.claims_key == claims_key
    ]
    if standing:
        return _already_signed(campaign, language, standing)
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
        return _closed()
    receipt = bot_actions.keep_receipt(chat_id, submitted.token)
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
    if "contact_kind" not in _form(campaign, language).fields:
        thanks.append(_finished())
        return Outcome([Reply("\n".join(thanks))])
    after = {"slug": campaign.slug, "lang": language, "receipt": receipt.pk}
    return Outcome([Reply("\n".join(thanks)), _contact_kind_prompt()], "signed:contact_kind", after)


def _finished() -> str:
    return _(
        "When you have finished: /forget deletes our messages from this chat; then delete "
        "the chat itself."
    )


# After signing: an optional contact for verification, attached to the signature at once.
def _contact_kind_prompt() -> Reply:
    return Reply(
        _(
            "One more, optional step: a contact for verification. A verifier may use it to "
            "confirm that it was you who signed. It is encrypted to the verifiers' own keys as "
            "soon as it arrives, and the server cannot read it. Telegram, though, sees what "
            "you type here."
        ),
        [
            *[[(_(label), f"ck:{kind}")] for kind, label in CONTACT_KINDS.items()],
            [(_("No contact"), "ck:none")],
        ],
    )


def _after_signing_choice(
    chat_id: int, language: str, state: str, data: dict[str, Any], kind: str, value: str
) -> Outcome:
    with translation.override(data.get("lang", language)):
        if state == "signed:contact_kind" and kind == "ck" and value in CONTACT_KINDS:
            return Outcome(
                [Reply(f"{_(CONTACT_PROMPTS[value])}\n{_optional()}")],
                "signed:contact",
                {**data, "contact_kind": value},
            )
        if state == "signed:contact_kind" and kind == "ck":
            return Outcome(
                [Reply(_("No contact, then. Your signature stands.") + "\n" + _finished())]
            )
        return Outcome(
            [Reply(_("Your signature is already recorded; that button does nothing now."))],
            state,
            data,
        )


def _after_signing_text(
    chat_id: int,
    language: str,
    state: str,
    data: dict[str, Any],
    text: str,
    command: str,
) -> Outcome:
    kind = data.get("contact_kind", "")
    if state == "signed:contact" and command == SKIP:
        return Outcome([Reply(_("No contact, then. Your signature stands.") + "\n" + _finished())])
    if command:
        return Outcome([Reply(_unknown_command(command))], state, data)
    if state == "signed:contact_kind":
        return Outcome([Reply(_press_a_button()), _contact_kind_prompt()], state, data)
    if state == "signed:contact":
        try:
            contact = clean_contact(kind, text)
        except forms.ValidationError as error:
            prompt = f"{_(CONTACT_PROMPTS.get(kind, ''))}\n{_optional()}"
            return Outcome([Reply(" ".join(error.messages)), Reply(prompt)], state, data)
        signature = bot_actions.signature_of_chat(chat_id, int(data.get("receipt") or 0))
        if signature is None:
            return Outcome(
                [Reply(_("Your signature is no longer found here; the contact was not stored."))],
                delete_received=True,
            )
        try:
            attach_contact(signature, kind, contact)
        except (NoVerifierKeys, IntegrityError):
            return Outcome(
                [
                    Reply(
                        _(
                            "The contact could not be attached; it was not stored. "
                            "Your signature stands."
                        )
                    )
                ],
                delete_received=True,
            )
        return Outcome(
            [
                Reply(
                    _(
                        "Contact attached to your signature, encrypted for the verifiers. "
                        "It cannot be changed here: if it is wrong, take the signature back "
                        "with /withdraw and sign again."
                    )
                ),
                Reply(_finished()),
            ],
            "signed:done",
            {key: value for key, value in data.items() if key != "contact_kind"},
            delete_received=True,
        )
    # signed:done: a correction, or anything else, sent after the contact.
    looks_like_contact = bool(kind) or _is_contact(text)
    return Outcome(
        [
            Reply(
                _(
                    "Your signature and its contact are already recorded; this message was not "
                    "added to them. If the contact was wrong, take the signature back with "
                    "/withdraw and sign again."
                )
            )
        ],
        state,
        data,
        delete_received=looks_like_contact,
    )


def _is_contact(text: str) -> bool:
    for kind in CONTACT_KINDS:
        try:
            clean_contact(kind, text)
        except forms.ValidationError:
            continue
        return True
    return False


def on_other(
    chat_id: int, language: str, state: str | None, data: dict[str, Any], kind: str
) -> Outcome:
    """Something other than text: a photo, a file, a shared contact, a sticker, a voice message."""
    language = data.get("lang", language)
    with translation.override(language):
        if kind in {"photo", "document"}:
            said = _(
                "Please do not send photos or files here, and above all no pictures of "
                "documents: signing needs none, and Telegram keeps whatever is sent."
            )
        elif kind == "contact":
            said = _(
                "Please do not share your contact card here: it holds your phone number, and "
                "signing does not need it."
            )
            if state == "signed:contact" and data.get("contact_kind") == ContactCiphertext.PHONE:
                said += " " + _("To leave your phone number for verification, type it.")
        elif kind == "voice":
            said = _("I cannot listen to voice messages. Please type your answer.")
        else:
            said = _("I understand only text and buttons.")
        replies = [Reply(said)]
        step = (state or "").removeprefix("sign:")
        campaign = _campaign(data.get("slug", "")) if state and state.startswith("sign:") else None
        if campaign is not None and campaign.accepts_signatures:
            replies.append(_prompt(step, campaign, language, data))
        return Outcome(
            replies,
            state,
            data,
            delete_received=kind in {"photo", "document", "contact"},
        )


def deletion_note(language: str, deleted: bool) -> Reply:
    """Said after trying to delete a message the person sent."""
    with translation.override(language):
        if deleted:
            return Reply(_("I have deleted your message from this chat."))
        return Reply(_("I could not delete your message: please delete it yourself."))


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


def _standing(chat_id: int) -> list[tuple[BotReceipt, Signature]]:
    return [
        (receipt, signature)
        for receipt, signature in bot_actions.signatures_of_chat(chat_id)
        if signature.state != Signature.WITHDRAWN
    ]


def status(chat_id: int, language: str) -> Outcome:
    with translation.override(language):
        found = _standing(chat_id)
        if not found:
            return Outcome([Reply(_("No signature of yours from this chat stands."))])
        lines = [_("Your signatures from this chat:")]
        for _receipt, signature in found:
            lines.append(
                _("• %(title)s: %(state)s\n   signed %(date)s, %(shown)s")
                % {
                    "title": _title(signature.campaign, language),
                    "date": _date(signature),
                    "shown": _shown_as(signature),
                    "state": _state_label(signature),
                }
            )
        return Outcome([Reply("\n".join(lines))])


def withdraw_menu(chat_id: int, language: str) -> Outcome:
    with translation.override(language):
        standing = _standing(chat_id)
        if not standing:
            return Outcome([Reply(_("You have no signature to withdraw here."))])
        buttons = [
            [(_short(_title(signature.campaign, language)), f"wd:{receipt.pk}")]
            for receipt, signature in standing
        ]
        buttons.append([(_("Keep them all"), "wdno:0")])
        return Outcome([Reply(_("Which signature do you want to withdraw?"), buttons)])


def withdraw_choice(chat_id: int, language: str, kind: str, value: str) -> Outcome:
    with translation.override(language):
        if kind == "wdno":
            return Outcome([Reply(_("Nothing was withdrawn."))])
        signature = bot_actions.signature_of_chat(chat_id, int(value)) if value.isdigit() else None
        if signature is None or signature.state == Signature.WITHDRAWN:
            return Outcome([Reply(_("You have no signature to withdraw here."))])
        title = _quoted(_title(signature.campaign, language))
        if kind == "wd":
            return Outcome(
                [
                    Reply(
                        _(
                            "Withdraw your signature from %(title)s, signed %(date)s? It will no "
                            "longer be shown or counted anywhere. This cannot be undone."
                        )
                        % {"title": title, "date": _date(signature)},
                        [[(_("Yes, withdraw it"), f"wdyes:{value}"), (_("No"), "wdno:0")]],
                    )
                ]
            )
        signature_actions.withdraw_signature(signature)
        lines = [_("Your signature was withdrawn from %(title)s.") % {"title": title}]
        subscribed = Subscription.objects.filter(
            channel=Subscription.TELEGRAM,
            telegram_chat_id=chat_id,
            campaign=signature.campaign,
        ).exists()
        if subscribed:
            lines.append(_("This campaign's updates still come here: /stop ends them."))
        return Outcome([Reply("\n".join(lines))])


def lower_visibility(chat_id: int, language: str, value: str) -> Outcome:
    """A button of the "already signed" message: be shown less."""
    with translation.override(language):
        receipt_id, _sep, rest = value.partition(":")
        publication, _sep, threshold = rest.partition(":")
        signature = (
            bot_actions.signature_of_chat(chat_id, int(receipt_id))
            if receipt_id.isdigit()
            else None
        )
        if signature is None or signature.state not in Signature.ACTIVE_STATES:
            return Outcome([Reply(_("You have no signature to change here."))])
        try:
            signature = signature_actions.change_publication(
                signature,
                publication,
                int(threshold)
                if publication == Signature.CONDITIONAL and threshold.isdigit()
                else None,
            )
        except TransitionError:
            return Outcome([Reply(_("A signature can only be shown less, not more."))])
        return Outcome(
            [
                Reply(
                    _("Done: your signature is now shown as: %(shown)s.")
                    % {"shown": _shown_as(signature)}
                )
            ]
        )


def forget_question(language: str) -> Outcome:
    with translation.override(language):
        return Outcome(
            [
                Reply(
                    _(
                        "Forget this chat? The bot will:\n"
                        "• delete from this chat our messages of the last 48 hours, yours and "
                        "mine (Telegram lets it go no further back);\n"
                        "• forget which signatures were made from here: /status and /withdraw "
                        "will no longer find them. Your signatures stay, and your receipt links "
                        "still work: keep them elsewhere first if you may want to withdraw;\n"
                        "• stop the updates sent here."
                    ),
                    [[(_("Yes, forget"), "forget:yes"), (_("No"), "forget:no")]],
                )
            ]
        )


def forgotten(language: str, kept: int) -> Outcome:
    with translation.override(language):
        lines = [_("Done: the bot keeps nothing about this chat any more.")]
        if kept:
            lines.append(_("Some messages could not be deleted."))
        lines.append(
            _("Now delete the chat itself: only you can remove what is older than 48 hours.")
        )
        return Outcome([Reply("\n".join(lines))])


def not_forgotten(language: str) -> Outcome:
    with translation.override(language):
        return Outcome([Reply(_("Nothing was deleted."))])


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


def cancel(language: str, state: str | None) -> Outcome:
    with translation.override(language):
        if state and state.startswith("signed:"):
            return Outcome(
                [
                    Reply(
                        _(
                            "Your signature is already recorded: /cancel does not undo it. "
                            "/withdraw takes it back."
                        )
                    )
                ]
            )
        if state:
            return Outcome([Reply(_("Cancelled; nothing was sent."))])
        return Outcome([Reply(_("No signing is under way; there is nothing to cancel."))])


def help_text(language: str) -> Outcome:
    with translation.override(language):
        return Outcome([_help()])
