"""A chat's own signatures: `/status`, `/withdraw`, and lowering a signature's visibility."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from undersigned.bot import actions as bot_actions
from undersigned.bot.models import BotReceipt
from undersigned.bot.replies import (
    Buttons,
    Outcome,
    Reply,
    day_signed,
    quoted,
    shorten_title,
    shown_as,
    title_of,
)
from undersigned.campaigns.models import TransitionError
from undersigned.signatures import actions as signature_actions
from undersigned.signatures.models import Signature
from undersigned.updates.models import Subscription


def visibility_buttons(receipt: BotReceipt, signature: Signature) -> Buttons:
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
        undelivered: list[int] = []
        for receipt, signature in found:
            lines.append(
                _("• %(title)s: %(state)s\n   signed %(date)s, %(shown)s")
                % {
                    "title": title_of(signature.campaign, language),
                    "date": day_signed(signature),
                    "shown": shown_as(signature),
                    "state": _state_label(signature),
                }
            )
            token = bot_actions.undelivered_token(chat_id, receipt)
            if token:
                # Telegram refused the message that carried it: given again, here only.
                undelivered.append(receipt.pk)
                lines.append(
                    "   "
                    + _("Your private receipt, which did not reach you before: %(url)s")
                    % {"url": settings.SITE_URL + reverse("receipt", args=[token])}
                )
        return Outcome([Reply("\n".join(lines))], receipts=undelivered)


def withdraw_menu(chat_id: int, language: str) -> Outcome:
    with translation.override(language):
        standing = _standing(chat_id)
        if not standing:
            return Outcome([Reply(_("You have no signature to withdraw here."))])
        buttons = [
            [(shorten_title(title_of(signature.campaign, language)), f"wd:{receipt.pk}")]
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
        title = quoted(title_of(signature.campaign, language))
        if kind == "wd":
            return Outcome(
                [
                    Reply(
                        _(
                            "Withdraw your signature? Campaign: %(title)s; signed %(date)s. It "
                            "will no longer be shown or counted anywhere. This cannot be undone."
                        )
                        % {"title": title, "date": day_signed(signature)},
                        [[(_("Yes, withdraw it"), f"wdyes:{value}"), (_("No"), "wdno:0")]],
                    )
                ]
            )
        signature_actions.withdraw_signature(signature)
        # The title stands alone, never inflected into a sentence.
        lines = [_("Your signature was withdrawn. Campaign: %(title)s.") % {"title": title}]
        # Signing again is what the bot itself advises for a wrong contact: say what waits.
        lines.append(
            _(
                "If you sign again from this chat within %(minutes)d minutes, the new signature "
                "may wait for a verifier before it counts: the bot cannot show the check the "
                "web form uses to tell a person from a program."
            )
            % {"minutes": max(1, settings.RATE_WINDOW_SECONDS // 60)}
        )
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
                    % {"shown": shown_as(signature)}
                )
            ]
        )
