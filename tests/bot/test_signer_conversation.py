"""The bot as a frightened deputy meets it: the real bot (aiogram, long polling) against the
fake Bot API server, one test per thing she could trip over. The Russian and English
conversations are written to artifacts/bot/ as transcripts, to be read as she would."""

import re
from typing import Any

import pyrage
from django.test import override_settings

from harness.fake_telegram import (
    contact_update,
    edited_update,
    forwarded_update,
    location_update,
    photo_update,
    sticker_update,
    voice_update,
)
from tests.base import OLGA
from tests.bot.botcase import CHAT, BotTestCase
from undersigned.bot.models import BotConversation, BotMessage, BotReceipt
from undersigned.campaigns import actions as campaign_actions
from undersigned.signatures.models import Signature
from undersigned.updates.actions import (
    handle_subscription_requests,
    publish_update,
    write_queued_requests,
)
from undersigned.updates.models import Subscription, SubscriptionRequest, TelegramUpdateMessage
from undersigned.vault.actions import add_verifier_key

OTHER_CHAT = CHAT + 7
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
TOKEN = re.compile(r"/r/[A-Za-z0-9_-]+/")
AGAIN = (
    "If you sign again from this chat within 10 minutes, the new signature may wait for a "
    "verifier before it counts: the bot cannot show the check the web form uses to tell a "
    "person from a program."
)


class SignerConversationTest(BotTestCase):
    def answer_claims(self, chat: int = CHAT, language: str = "en") -> None:
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality):
            self.say(answer, chat, language)
        self.say("Санкт-Петербург" if language == "ru" else "Saint Petersburg", chat, language)

    def sign(self, chat: int = CHAT, language: str = "en", publication: str = "named") -> list[str]:
        self.say(f"/start {self.campaign.slug}", chat, language)
        self.answer_claims(chat, language)
        self.press(f"pub:{publication}", chat, language)
        if publication == "conditional":
            self.press("thr:2", chat, language)
        self.press("upd:yes", chat, language)
        return self.press("sign:yes", chat, language)

    def sent(self, since: int) -> list[dict[str, Any]]:
        return self.telegram.sent_messages(since)

    # 1. /cancel after signing
    def test_cancel_after_signing_does_not_say_nothing_was_sent(self) -> None:
        self.sign()
        assert Signature.objects.count() == 1
        assert self.say("/cancel") == [
            "No signing is under way; there is nothing to cancel. A signature already made "
            "stays: /withdraw takes it back."
        ]
        assert Signature.objects.get().state == Signature.RECEIVED

    # 2. Signing again
    def test_signing_again_from_the_same_chat_is_told_and_offers_to_be_shown_less(self) -> None:
        self.sign()
        date = f"{Signature.objects.get().created_at:%-d %B %Y}"
        since = len(self.telegram.calls)
        replies = self.say(f"/start {self.campaign.slug}")
        assert replies == [
            f"You already signed from this chat on {date} (name to be shown once verified). "
            "Campaign: “Deputies' appeal”. "
            "Signing again from here would change nothing.\n"
            "To be shown less, press a button below.\n"
            "/withdraw takes the signature back."
        ]
        receipt = BotReceipt.objects.get()
        assert self.buttons(since) == [
            f"vis:{receipt.pk}:anonymous:0",
            f"vis:{receipt.pk}:conditional:2",
            f"vis:{receipt.pk}:conditional:3",
            f"other:{self.campaign.slug}",
        ]
        replies = self.press(f"vis:{receipt.pk}:anonymous:0")
        assert replies == ["Done: your signature is now shown as: name not to be shown."]
        assert Signature.objects.get().publication == Signature.ANONYMOUS
        assert "name not to be shown" in self.say("/status")[0]
        # Someone else on the same phone may still sign; the same answers again are told.
        self.press(f"other:{self.campaign.slug}")
        self.answer_claims()
        self.press("pub:named")
        self.press("upd:no")
        replies = self.press("sign:yes")
        assert replies[0].startswith("You already signed from this chat")
        assert "Campaign: “Deputies' appeal”." in replies[0]
        assert Signature.objects.count() == 1
        # A button of this chat pressed in another chat changes nothing.
        assert self.press(f"vis:{receipt.pk}:anonymous:0", OTHER_CHAT) == [
            "You have no signature to change here."
        ]

    def test_a_repeated_signature_from_another_chat_reads_as_a_first_one(self) -> None:
        since = len(self.telegram.calls)
        first = self.sign(CHAT)
        first_status = self.say("/status", CHAT)
        repeated = self.sign(OTHER_CHAT)
        repeated_status = self.say("/status", OTHER_CHAT)
        # Stored apart, as any repeat: verifiers find it by its claims and reject it.
        first_stored, repeat_stored = Signature.objects.order_by("id")
        assert first_stored.claims_key == repeat_stored.claims_key
        assert [TOKEN.sub("/r/TOKEN/", text) for text in repeated] == [
            TOKEN.sub("/r/TOKEN/", text) for text in first
        ]
        assert repeated_status == first_status
        # Every message of the two conversations is the same, but for the receipt link.
        by_chat: dict[int, list[str]] = {CHAT: [], OTHER_CHAT: []}
        for message in self.sent(since):
            by_chat[int(message["chat_id"])].append(TOKEN.sub("/r/TOKEN/", message["text"]))
        assert by_chat[CHAT] == by_chat[OTHER_CHAT]

    # 3. A long campaign text
    def long_campaign(self, length: int) -> Any:
        paragraph = "We, the undersigned deputies, demand an answer. " * 20
        body = "\n\n".join([paragraph.strip()] * (length // len(paragraph) + 1))[:length]
        campaign = campaign_actions.create_campaign(
            organizer=self.organizer,
            slug="long-letter",
            texts=[{"language": "en", "title": "A long letter", "body": body}],
            eligibility="anyone",
            requires_verification=True,
        )
        return campaign_actions.open_campaign(campaign, actor=self.organizer), body

    def test_a_text_of_ten_thousand_characters_is_sent_in_parts(self) -> None:
        _campaign, body = self.long_campaign(10_000)
        since = len(self.telegram.calls)
        replies = self.say("/start long-letter")
        assert all(len(text) <= 4096 for text in replies)
        text_parts = replies[:3]
        assert text_parts[0].startswith("A long letter\n\n")
        words = " ".join(" ".join(text_parts).split())
        assert " ".join(body.split()) in words
        assert replies[3].startswith("Before you sign:")
        assert replies[4].startswith("Full name")
        assert [m["reply_markup"] for m in self.sent(since) if m.get("reply_markup")] == []
        assert self.say(OLGA.full_name)[0].startswith("Position")

    def test_a_longer_text_ends_with_a_link_to_the_rest(self) -> None:
        self.long_campaign(20_000)
        replies = self.say("/start long-letter")
        assert len(replies) == 6
        assert replies[3] == (
            "The rest of the text is on the campaign's page: "
            "https://petition.example/c/long-letter/"
        )

    def test_a_message_refused_for_good_does_not_hold_back_the_question_after_it(self) -> None:
        # The campaign's text is refused (400); the question after it still reaches her, and
        # the conversation is where the question she read says it is.
        self.telegram.failures[CHAT] = [400]
        replies = self.say(f"/start {self.campaign.slug}")
        assert replies[-1].startswith("Full name")
        assert BotConversation.objects.get().state == "sign:full_name"
        assert self.say(OLGA.full_name)[0].startswith("Position")
        assert not Signature.objects.exists()

    # 4. Updates
    def test_updates_start_with_a_neutral_line_and_withdrawal_mentions_stop(self) -> None:
        self.sign()
        handle_subscription_requests()  # the subscription job, on its own schedule
        since = len(self.telegram.calls)
        with self.captureOnCommitCallbacks(execute=True):
            publish_update(
                self.campaign,
                author=self.spokesperson,
                texts=[
                    {"language": "ru", "title": "Передано", "body": "Обращение передано."},
                    {"language": "en", "title": "Delivered", "body": "The appeal was delivered."},
                ],
            )
        [message] = self.sent(since)
        first_line = message["text"].splitlines()[0]
        assert first_line == "A new message."
        assert "Deputies' appeal" in message["text"]  # further down, not on the lock screen
        receipt = BotReceipt.objects.get()
        self.press(f"wd:{receipt.pk}")
        replies = self.press(f"wdyes:{receipt.pk}")
        assert replies == [
            "Your signature was withdrawn. Campaign: “Deputies' appeal”.\n" + AGAIN + "\n"
            "This campaign's updates still come here: /stop ends them."
        ]
        assert self.say("/stop") == ["You will receive no more updates here."]

    # 5. [Sign] signs (the contact step, after it, is in test_signing_handlers)
    def test_sign_signs_at_once_without_a_contact_step(self) -> None:
        replies = self.sign()
        assert replies[0].startswith("Signed. Thank you.")
        assert Signature.objects.get().channel == Signature.TELEGRAM
        assert not BotConversation.objects.exists()

    # 6. What stays in the chat
    def test_the_warning_comes_before_the_questions_and_the_review_shows_every_answer(
        self,
    ) -> None:
        replies = self.say(f"/start {self.campaign.slug}")
        assert replies[1].startswith("Before you sign:\n• Telegram sees this chat")
        assert "/forget" in replies[1]
        assert "https://petition.example/c/deputies/" in replies[1]  # the form without Telegram
        assert replies[2].startswith("Full name")
        self.answer_claims()
        self.press("pub:named")
        [review] = self.press("upd:no")
        assert review.startswith("Ready to sign with these answers:\n• Full name")
        for claim in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality):
            assert claim in review
        assert "Saint Petersburg" in review and "name shown" in review
        # What waits is said as it is: her answers are on the server until she signs.
        assert "your answers wait on the server, for a day after your last one" in review
        assert "Nothing has been sent" not in review

    def test_forget_deletes_the_messages_it_can_and_the_chats_receipts(self) -> None:
        self.sign()
        # The subscription waits for its job, apart from the signature.
        write_queued_requests()  # with Redis, it waits there until the job writes it
        assert SubscriptionRequest.objects.filter(telegram_chat_id=CHAT).exists()
        assert len(self.telegram.in_chat(CHAT)) > 10
        since = len(self.telegram.calls)
        self.say("/forget")
        assert self.buttons(since) == ["forget:yes", "forget:no"]
        replies = self.press("forget:yes")
        assert replies == [
            "Done: the bot keeps nothing about this chat any more.\n"
            "Now delete the chat itself: only you can remove what is older than 48 hours."
        ]
        assert self.telegram.in_chat(CHAT) == [replies[0]]
        assert not BotReceipt.objects.exists()
        assert not BotMessage.objects.exists()
        assert not Subscription.objects.exists()
        assert not SubscriptionRequest.objects.exists()  # nor will the job subscribe it later
        assert Signature.objects.get().state == Signature.RECEIVED  # the signature stays
        assert self.say("/status") == ["No signature of yours from this chat stands."]

    def test_forget_deletes_the_updates_sent_to_the_chat_too(self) -> None:
        self.sign()
        handle_subscription_requests()
        with self.captureOnCommitCallbacks(execute=True):
            publish_update(
                self.campaign,
                author=self.spokesperson,
                texts=[
                    {"language": "ru", "title": "Передано", "body": "Обращение передано."},
                    {"language": "en", "title": "Delivered", "body": "The appeal was delivered."},
                ],
            )
        assert any("The appeal was delivered." in text for text in self.telegram.in_chat(CHAT))
        self.say("/forget")
        [done] = self.press("forget:yes")
        # Nothing the product sent is left: not the updates, which name the campaign.
        assert self.telegram.in_chat(CHAT) == [done]
        assert not TelegramUpdateMessage.objects.exists()
        self.write_transcript("forget-deletes-updates")

    def test_a_forwarded_invitation_is_never_her_full_name(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        replies = self.converse(forwarded_update(CHAT, "Olga, please sign: start deputies"))
        assert replies[0] == (
            "A forwarded message is not taken as an answer: please type your answer yourself."
        )
        assert replies[1].startswith("Full name")
        assert BotConversation.objects.get().data.get("full_name") is None
        self.write_transcript("forwarded-not-an-answer")

    def test_start_without_its_slash_and_a_pasted_link_open_the_campaign(self) -> None:
        for text in (
            f"start {self.campaign.slug}",
            f"Start {self.campaign.slug}",
            f"https://petition.example/c/{self.campaign.slug}/",
            f"https://t.me/undersigned_test_bot?start={self.campaign.slug}",
        ):
            BotConversation.objects.all().delete()
            replies = self.say(text)
            assert replies[0].startswith("Deputies' appeal"), (text, replies)
            assert BotConversation.objects.get().state == "sign:full_name"
        # Even halfway through her answers, it is not taken as her name.
        self.say(f"start {self.campaign.slug}")
        assert BotConversation.objects.get().data.get("full_name") is None

    def test_an_edited_answer_is_refused_with_a_word(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.say("Olga Semyonva")
        replies = self.converse(edited_update(CHAT, OLGA.full_name))
        assert replies[0] == (
            "An edited message is not read: your answer stays as you first sent it. "
            "Before you sign, “Change an answer” corrects it."
        )
        conversation = BotConversation.objects.get()
        assert conversation.data["full_name"] == "Olga Semyonva"
        assert conversation.state == "sign:office"

    def test_the_updates_question_says_what_yes_keeps_and_what_an_update_shows(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.answer_claims()
        [question] = self.press("pub:named")
        assert "the campaign's name and link come further down" in question
        assert "keeps this chat's number on the server, in clear" in question
        assert "will not show the campaign's name" not in question

    def test_withdraw_and_sign_again_is_told_it_may_wait_for_a_verifier(self) -> None:
        # What the withdrawal says is what happens: the fourth signature from one chat within
        # the window is held for a verifier (the bot cannot show a captcha).
        for attempt in range(4):
            self.sign()
            signature = Signature.objects.latest("pk")
            assert signature.held is (attempt == 3), attempt
            receipt = BotReceipt.objects.latest("pk")
            self.press(f"wd:{receipt.pk}")
            [withdrawn] = self.press(f"wdyes:{receipt.pk}")
            assert AGAIN in withdrawn
        self.write_transcript("withdraw-and-sign-again")

    def test_forget_says_what_it_could_not_delete(self) -> None:
        self.say("/help")
        self.telegram.age(CHAT, 49 * 3600)
        self.say("/forget")
        replies = self.press("forget:yes")
        assert "Some messages could not be deleted." in replies[0]
        assert any("/status" in text for text in self.telegram.in_chat(CHAT))

    def test_forget_can_be_declined(self) -> None:
        self.sign()
        self.say("/forget")
        assert self.press("forget:no") == ["Nothing was deleted."]
        assert BotReceipt.objects.exists()

    # 7. Input it mishandled
    def test_a_mistyped_command_is_not_saved_as_an_answer(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.say(OLGA.full_name)
        replies = self.say("/stauts")
        assert replies[0] == "There is no command /stauts; your message was not saved as an answer."
        assert replies[1].startswith("Position")
        self.say(OLGA.office)
        assert BotConversation.objects.get().data["office"] == OLGA.office
        assert self.say("/stauts")[0].startswith("There is no command /stauts")

    def test_stickers_voice_photos_and_contacts_get_an_answer(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        replies = self.converse(sticker_update(CHAT))
        assert replies[0] == "I understand only text and buttons."
        assert replies[1].startswith("Full name")
        replies = self.converse(voice_update(CHAT))
        assert replies[0] == "I cannot listen to voice messages. Please type your answer."
        replies = self.converse(photo_update(CHAT, caption=OLGA.full_name))
        assert replies[0].startswith("Please do not send photos or files here")
        assert replies[0].endswith("\nI have deleted your message from this chat.")
        assert replies[1].startswith("Full name")
        assert not any(OLGA.full_name in text for text in self.telegram.in_chat(CHAT))
        replies = self.converse(contact_update(CHAT, "+79123456789"))
        assert replies[0].startswith("Please do not share your contact card here")
        assert replies[0].endswith("\nI have deleted your message from this chat.")
        assert not any("[contact]" in text for text in self.telegram.in_chat(CHAT))
        # Someone else's card is not called hers; a location goes from the chat too.
        replies = self.converse(contact_update(CHAT, "+79120000000", user_id=CHAT + 99))
        assert replies[0].startswith("Please do not share contact cards here")
        assert replies[0].endswith("\nI have deleted your message from this chat.")
        replies = self.converse(location_update(CHAT))
        assert replies[0].startswith("Please do not send your location here")
        assert replies[0].endswith("\nI have deleted your message from this chat.")
        assert not any("[location]" in text for text in self.telegram.in_chat(CHAT))
        # None of it was taken as an answer.
        assert BotConversation.objects.get().state == "sign:full_name"

    def test_a_photo_that_cannot_be_deleted_is_asked_to_be(self) -> None:
        update = photo_update(CHAT, caption="my passport")
        update["message"]["date"] -= 49 * 3600  # as Telegram would refuse: too old to delete
        replies = self.converse(update)
        assert replies[0].endswith("\nI could not delete your message: please delete it yourself.")

    def test_typing_at_a_button_step_says_press_a_button(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.answer_claims()
        replies = self.say("named please")
        assert replies[0] == "Please press one of the buttons."
        assert replies[1].startswith("How may we show your signature?")

    def test_unknown_and_upper_case_campaign_links(self) -> None:
        replies = self.say("/start no-such-thing")
        assert replies[0] == (
            "Campaign not found. Please check the link, or ask whoever sent it for a new one."
        )
        replies = self.say("/start DEPUTIES")
        assert replies[0].startswith("Deputies' appeal")

    def test_back_and_change_an_answer(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.say(OLGA.full_name)
        self.say("deputy of the typo")
        replies = self.press("nav:back")
        assert replies[0].startswith("Position")
        self.say(OLGA.office)
        for answer in (OLGA.body, OLGA.municipality, "Saint Petersburg"):
            self.say(answer)
        self.press("pub:named")
        self.press("upd:no")
        since = len(self.telegram.calls)
        self.press("nav:edit")
        assert self.buttons(since) == [
            "edit:full_name",
            "edit:office",
            "edit:body",
            "edit:municipality",
            "edit:region",
            "edit:publication",
            "edit:updates",
        ]
        self.press("edit:body")
        replies = self.say("Муниципальный совет МО Семёновский, Санкт-Петербург")
        assert replies[0].startswith("Ready to sign")
        self.press("sign:yes")
        signature = Signature.objects.get()
        assert signature.office == OLGA.office
        assert signature.body == "Муниципальный совет МО Семёновский, Санкт-Петербург"

    def test_back_typed_is_never_recorded_as_an_answer(self) -> None:
        self.say(f"/start {self.campaign.slug}", language="ru")
        replies = self.say("Назад", language="ru")
        assert replies[0] == "Это первый вопрос: до него ничего нет."
        self.say(OLGA.full_name, language="ru")
        replies = self.say("назад", language="ru")  # typed at the office question
        assert replies[0].startswith("Фамилия, имя, отчество")
        assert "назад" not in str(BotConversation.objects.get().data).lower()
        self.say(OLGA.full_name, language="ru")
        self.say(OLGA.office, language="ru")
        replies = self.say("Back.", language="en")
        assert "назад" not in str(BotConversation.objects.get().data).lower()
        assert "back" not in str(BotConversation.objects.get().data).lower()
        assert BotConversation.objects.get().state == "sign:office"

    # 8. Wording
    def test_not_named_says_who_still_sees_the_name(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality):
            self.say(answer)
        since = len(self.telegram.calls)
        [question] = self.say("Saint Petersburg")
        assert "Count me, don't name me: you are counted, and your name is published" in question
        assert "The campaign's verifiers and organizers still see it" in question
        assert self.buttons(since) == [
            "pub:named",
            "pub:anonymous",
            "pub:conditional",
            "nav:back",
        ]

    def test_the_withdraw_confirmation_has_a_no(self) -> None:
        self.sign()
        receipt = BotReceipt.objects.get()
        since = len(self.telegram.calls)
        self.press(f"wd:{receipt.pk}")
        assert self.buttons(since) == [f"wdyes:{receipt.pk}", "wdno:0"]
        assert self.press("wdno:0") == ["Nothing was withdrawn."]
        assert Signature.objects.get().state == Signature.RECEIVED

    def test_the_addressee_is_its_own_line(self) -> None:
        campaign = campaign_actions.create_campaign(
            organizer=self.organizer,
            slug="to-the-president",
            texts=[
                {
                    "language": "ru",
                    "title": "Открытое письмо",
                    "body": "Просим.",
                    "addressee": "Президенту Российской Федерации",
                },
                {
                    "language": "en",
                    "title": "Open letter",
                    "body": "We ask.",
                    "addressee": "To the President of the Russian Federation",
                },
            ],
        )
        campaign_actions.open_campaign(campaign, actor=self.organizer)
        replies = self.say("/start to-the-president")
        assert replies[0] == "Open letter\nTo the President of the Russian Federation\n\nWe ask."
        replies = self.say("/start to-the-president", language="ru")
        assert replies[0] == "Открытое письмо\nПрезиденту Российской Федерации\n\nПросим."

    # 9. What a well-made bot has
    def test_pressed_buttons_are_closed_with_the_answer(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.answer_claims()
        self.press("pub:named")
        edits = [params for method, params in self.telegram.calls if method == "editMessageText"]
        assert edits[-1]["text"].endswith("\n\n✓ Show my name")
        assert "reply_markup" not in edits[-1]

    def test_help_answers_the_questions_she_has(self) -> None:
        [answer] = self.say("/help")
        assert "Is this anonymous?\nNot towards Telegram" in answer
        assert "Can I take my signature back?" in answer
        assert "/forget" in answer

    # The whole conversation, in both languages, as she reads it.
    def converse_fully(self, language: str) -> list[dict[str, Any]]:
        identity = pyrage.x25519.Identity.generate()
        add_verifier_key(str(identity.to_public()), "Vera's laptop", campaign=self.campaign)
        since = len(self.telegram.calls)
        self.say(f"/start {self.campaign.slug}", language=language)
        self.say(OLGA.full_name, language=language)
        self.say("/stauts", language=language)
        self.say("депутатт", language=language)
        self.press("nav:back", language=language)
        self.say(OLGA.office, language=language)
        self.converse(sticker_update(CHAT, language))
        self.say(OLGA.body, language=language)
        self.say("/skip", language=language)
        self.say("МО Семёновскй", language=language)
        self.say("Иркут", language=language)
        self.press("region:RU-IRK", language=language)
        self.say("не показывать" if language == "ru" else "don't show", language=language)
        self.press("pub:conditional", language=language)
        self.press("thr:2", language=language)
        self.press("upd:yes", language=language)
        self.press("ck:phone", language=language)
        self.say("+7 912 345-67-89", language=language)
        self.press("cph:yes", language=language)
        self.press("nav:edit", language=language)
        self.press("edit:municipality", language=language)
        self.say(OLGA.municipality, language=language)
        self.converse(photo_update(CHAT, caption="паспорт", language=language))
        self.press("sign:yes", language=language)
        self.say("+7 912 345-67-80", language=language)  # a correction, a second later
        self.say("/status", language=language)
        self.say(f"/start {self.campaign.slug}", language=language)
        self.say("/withdraw", language=language)
        self.press("wdno:0", language=language)
        self.say("/cancel", language=language)
        self.say("/help", language=language)
        self.say("/forget", language=language)
        self.press("forget:yes", language=language)
        return self.sent(since)

    def assert_reads_well(self, sent: list[dict[str, Any]]) -> None:
        for message in sent:
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    assert len(button["text"]) <= 30, button["text"]
                    assert not button["text"].startswith("—"), button["text"]
            assert "To: " not in message["text"]

    def test_the_russian_conversation(self) -> None:
        sent = self.converse_fully("ru")
        self.write_transcript("ru-signing")
        self.assert_reads_well(sent)
        signature = Signature.objects.get()
        assert hasattr(signature, "contact")
        assert (signature.language, signature.region_code, signature.reveal_threshold) == (
            "ru",
            "RU-IRK",
            2,
        )
        texts = [message["text"] for message in sent]
        assert "Команды /stauts нет; ваше сообщение не сохранено как ответ." in texts
        assert any(text.startswith("Прежде чем подписать:") for text in texts)
        assert any(text.endswith("\nПока проверено 0 подписей.") for text in texts)
        # The title stands alone, never inflected into the sentence.
        assert any(
            text.startswith("Вы уже подписали из этого чата")
            and "Кампания: «Обращение депутатов»." in text
            for text in texts
        )

    def test_the_english_conversation(self) -> None:
        sent = self.converse_fully("en")
        self.write_transcript("en-signing")
        self.assert_reads_well(sent)
        for message in sent:
            # The campaign's region names and her own answers aside, no Russian, no «».
            text = message["text"].replace("Irkutsk Oblast", "")
            assert "«" not in text and "»" not in text, text
            if text.startswith("Ready to sign with these answers:"):
                # Her own answers, in the summary, are hers: the rest is English.
                text = "\n".join(line for line in text.splitlines() if not line.startswith("• "))
            if not text.startswith("You already signed"):
                assert not CYRILLIC.search(text), text
        assert Signature.objects.get().language == "en"


@override_settings(RATE_CLIENT_HOLD_AFTER=100, RATE_CLIENT_LIMIT=100)
class StatusTest(BotTestCase):
    def test_status_lists_only_standing_signatures_with_date_and_choice(self) -> None:
        second = campaign_actions.open_campaign(
            campaign_actions.create_campaign(
                organizer=self.organizer,
                slug="second",
                texts=[{"language": "en", "title": "Second letter", "body": "Also."}],
                requires_verification=True,
            ),
            actor=self.organizer,
        )
        for campaign in (self.campaign, second):
            self.say(f"/start {campaign.slug}")
            for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality, "RU-SPE"):
                self.say(answer)
            self.press("pub:anonymous")
            self.press("upd:no")
            self.press("sign:yes")
        first = BotReceipt.objects.order_by("pk").first()
        assert first is not None
        self.press(f"wd:{first.pk}")
        self.press(f"wdyes:{first.pk}")
        [status] = self.say("/status")
        date = f"{Signature.objects.first().created_at:%-d %B %Y}"  # type: ignore[union-attr]
        assert status == (
            "Your signatures from this chat:\n"
            f"• Second letter: Received, being checked\n   signed {date}, name not to be shown"
        )
