"""The bot's outbox when Telegram refuses: the real bot against the fake Bot API, with a
fault before every send and edit (429 with retry_after, 5xx, timeouts), at Telegram's
limits. The state follows what was done; a receipt link Telegram would not take comes
again with /status. Transcripts are written to artifacts/bot/."""

import re
import time

import pyrage

from harness.fake_telegram import text_update
from tests.base import OLGA
from tests.bot.botcase import CHAT, TRANSCRIPTS, BotTestCase
from undersigned.bot.models import BotConversation, BotReceipt
from undersigned.bot.outbox import ATTEMPTS
from undersigned.signatures.models import Signature
from undersigned.vault.actions import add_verifier_key

TOKEN = re.compile(r"https://petition\.example/r/[A-Za-z0-9_-]+/")


class OutboxTest(BotTestCase):
    def sign(self, chat: int = CHAT, language: str = "en") -> list[str]:
        self.say(f"/start {self.campaign.slug}", chat, language)
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality):
            self.say(answer, chat, language)
        self.say("Санкт-Петербург" if language == "ru" else "Saint Petersburg", chat, language)
        self.press("pub:named", chat, language)
        self.press("upd:no", chat, language)
        return self.press("sign:yes", chat, language)

    def test_every_send_and_edit_refused_once_still_makes_the_same_conversation(self) -> None:
        self.telegram.flaky = {"sendMessage", "editMessageText", "editMessageReplyMarkup"}
        for language, chat in (("en", CHAT), ("ru", CHAT + 1)):
            self.transcript = []
            replies = self.sign(chat, language)
            self.write_transcript(f"outbox-every-send-refused-once-{language}")
            assert Signature.objects.filter(language=language).count() == 1
            assert TOKEN.search(replies[0]), replies
            # Every reply reached her once the fault had passed, in order: the question after
            # signing is the last message of the chat.
            assert self.telegram.in_chat(chat)[-1] == replies[-1]
        kinds = {given.split(": ")[1] for given in self.telegram.faults_given}
        assert kinds == {"429", "500", "502", "timeout"}
        faulted = {given.split(": ")[0] for given in self.telegram.faults_given}
        assert faulted == {"sendMessage", "editMessageText"}  # every send, every closed button
        assert self.telegram.refused_for_pace == 0
        # Every receipt link reached its chat: no sealed copy of a token is kept.
        assert not BotReceipt.objects.filter(sealed_token__isnull=False).exists()

    def test_thanks_refused_with_retry_after_is_sent_again_and_cancel_tells_the_truth(
        self,
    ) -> None:
        self.sign_up_to_confirm()
        self.telegram.failures[CHAT] = [429]  # the thanks, with its receipt link
        self.press("sign:yes")
        # Sent again after the pause Telegram asked for: the link is in the chat.
        assert TOKEN.search(self.telegram.in_chat(CHAT)[-1])
        assert self.telegram.faults_given == [] and self.outbox.refused == 1
        assert Signature.objects.count() == 1
        assert not BotConversation.objects.exists()  # the conversation ended when she signed
        # The Cancel of the confirm message, pressed after signing: never "nothing was sent".
        replies = self.press("sign:no")
        assert replies[0] == "This button belongs to a finished conversation."
        assert self.say("/cancel") == [
            "No signing is under way; there is nothing to cancel. A signature already made "
            "stays: /withdraw takes it back."
        ]
        self.write_transcript("outbox-thanks-refused-429")

    def test_with_a_contact_cancel_after_a_refused_thanks_says_it_is_recorded(self) -> None:
        # The case of the report: Telegram refuses the thanks (429), she presses Cancel.
        identity = pyrage.x25519.Identity.generate()
        add_verifier_key(str(identity.to_public()), "Vera's laptop", campaign=self.campaign)
        self.sign_up_to_confirm()
        self.press("ck:email")
        self.say("olga@example.org")
        self.telegram.failures[CHAT] = [429]
        self.press("sign:yes")
        # Signed with its contact: nothing of the conversation is kept.
        assert hasattr(Signature.objects.get(), "contact")
        assert not BotConversation.objects.exists()
        assert TOKEN.search(self.telegram.in_chat(CHAT)[-1])
        assert self.press("sign:no")[0] == "This button belongs to a finished conversation."
        assert self.say("/cancel") == [
            "No signing is under way; there is nothing to cancel. A signature already made "
            "stays: /withdraw takes it back."
        ]
        self.write_transcript("outbox-thanks-refused-then-cancel")

    def sign_up_to_confirm(self, chat: int = CHAT, language: str = "en") -> None:
        self.say(f"/start {self.campaign.slug}", chat, language)
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality):
            self.say(answer, chat, language)
        self.say("Санкт-Петербург" if language == "ru" else "Saint Petersburg", chat, language)
        self.press("pub:named", chat, language)
        self.press("upd:no", chat, language)

    def test_a_receipt_link_telegram_never_took_comes_again_with_status(self) -> None:
        for language, chat in (("en", CHAT), ("ru", CHAT + 1)):
            self.transcript = []
            self.sign_up_to_confirm(chat, language)
            # Telegram refuses the thanks every time the outbox tries.
            self.telegram.failures[chat] = [500] * ATTEMPTS
            self.press("sign:yes", chat, language)
            assert not any(TOKEN.search(text) for text in self.telegram.in_chat(chat))
            signature = Signature.objects.get(language=language)
            # Signed, whatever was delivered: the conversation is over, Cancel is told so.
            assert not BotConversation.objects.exists()
            assert BotReceipt.objects.filter(sealed_token__isnull=False).count() == 1
            # Sealed, not in clear: the token is nowhere in the row.
            receipt = BotReceipt.objects.get(sealed_token__isnull=False)
            [status] = self.say("/status", chat, language)
            link = TOKEN.search(status)
            assert link, status
            assert signature.receipt_hash  # the link is the signature's own
            assert link.group(0).split("/")[-2] not in bytes(receipt.sealed_token).decode("latin-1")
            # Delivered now: the sealed copy goes, and /status no longer shows a link.
            assert not BotReceipt.objects.filter(sealed_token__isnull=False).exists()
            [status] = self.say("/status", chat, language)
            assert not TOKEN.search(status)
            self.write_transcript(f"outbox-receipt-link-again-{language}")


class PaceTest(BotTestCase):
    """Under load: Telegram's limits at a clock five times faster (not twenty: jitter between
    threads of one process would then be larger than a burst), and a patient bot."""

    speed = 5.0
    bot_timeout = 30

    def test_fifty_rapid_messages_and_two_hundred_chats_at_once_get_every_reply(self) -> None:
        # Telegram's limits on the fake, the bot's pace in the outbox, both at SPEED.
        one_chat = [text_update(CHAT, f"hello {n}") for n in range(50)]
        chats = [7_000_000 + n for n in range(200)]
        starts = [
            text_update(chat, f"/start {self.campaign.slug}", "ru" if chat % 2 else "en")
            for chat in chats
        ]
        since = len(self.telegram.calls)
        started = time.monotonic()
        self.converse(*one_chat, *starts)
        elapsed = time.monotonic() - started
        delivered = sum(len(self.telegram.in_chat(chat)) - 1 for chat in chats)
        sent = [m for m, _ in self.telegram.calls[since:] if m == "sendMessage"]
        # No reply refused for pace, none lost: two to each of the 50, three to each start.
        assert self.telegram.refused_for_pace == 0, self.telegram.faults_given[:5]
        assert self.outbox.refused == 0
        assert len(self.telegram.in_chat(CHAT)) == 50 + 2 * 50
        assert delivered == 3 * 200
        assert len(sent) == 2 * 50 + 3 * 200
        # One chat's replies come in the order of its messages.
        replies = [text for text in self.telegram.in_chat(CHAT) if not text.startswith("hello")]
        assert replies[0].startswith("No signing is under way") and replies[1].startswith("This")
        assert all(
            conversation.state == "sign:full_name" for conversation in BotConversation.objects.all()
        )
        assert BotConversation.objects.count() == 200
        TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
        (TRANSCRIPTS / "outbox-pace.txt").write_text(
            f"speed {self.speed:g}x (Telegram's limits and the bot's pace on the same clock)\n"
            f"50 messages from one chat and /start from 200 chats at once\n"
            f"messages sent: {len(sent)}, refused for pace: {self.telegram.refused_for_pace}\n"
            f"elapsed: {elapsed:.1f} s, the bot's own work on this machine included\n",
            encoding="utf-8",
        )
