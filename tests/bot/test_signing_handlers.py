"""Olga signs through the Telegram bot (aiogram, long polling against the fake Bot API
server), checks her signature with /status and takes it back with /withdraw."""

import pyrage
from django.urls import reverse

from tests.base import OLGA, PersonaTestCase
from tests.bot.botcase import CHAT, BotTestCase
from undersigned.bot.models import BotConversation, BotReceipt
from undersigned.bot.outbox import ATTEMPTS
from undersigned.campaigns.actions import close_campaign
from undersigned.signatures.models import Signature
from undersigned.updates.actions import handle_subscription_requests, publish_update
from undersigned.updates.models import Subscription
from undersigned.vault.actions import add_verifier_key

NAME_ERROR = "Please give your first name and surname as they appear in official records."


class SigningThroughTheBotTest(BotTestCase):
    def answer_claims(self, chat: int = CHAT) -> None:
        self.say(OLGA.full_name, chat)
        self.say(OLGA.office, chat)
        self.say(OLGA.body, chat)
        self.say(OLGA.municipality, chat)
        self.say("Санкт-Петербург", chat)

    def sign_as_olga(self, *, updates: str = "upd:no") -> list[str]:
        replies = self.say(f"/start {self.campaign.slug}")
        assert "Deputies' appeal" in replies[0]
        assert "We demand." in replies[0]
        self.answer_claims()
        since = len(self.telegram.calls)
        self.press("pub:named")
        assert self.buttons(since) == ["upd:yes", "upd:no", "nav:back"]
        since = len(self.telegram.calls)
        self.press(updates)
        assert self.buttons(since) == ["sign:yes", "nav:edit", "sign:no"]
        return self.press("sign:yes")

    def test_a_signature_made_in_the_bot_reaches_the_desk_queue(self) -> None:
        replies = self.sign_as_olga()
        signature = Signature.objects.get()
        assert signature.channel == Signature.TELEGRAM
        assert signature.state == Signature.RECEIVED
        assert signature.full_name == OLGA.full_name
        assert signature.region_code == "RU-SPE"
        assert signature.language == "en"
        assert "Signed. Thank you." in replies[0]
        assert "https://petition.example/r/" in replies[0]
        queue = Signature.objects.filter(
            campaign=self.campaign, state__in=Signature.CHECKING_STATES, held=False
        )
        assert signature in queue
        # The link the bot gave is the signer's receipt.
        token = replies[0].split("https://petition.example/r/")[1].split("/")[0]
        page = self.client.get(reverse("receipt", args=[token]) + "?lang=en")
        assert "Received, being checked" in page.content.decode()
        # Nothing of the conversation is kept once it is over.
        assert not BotConversation.objects.exists()
        assert BotReceipt.objects.count() == 1
        assert str(CHAT) not in BotReceipt.objects.get().chat_key

    def test_the_text_is_shown_in_the_users_language(self) -> None:
        replies = self.say(f"/start {self.campaign.slug}", language="ru")
        assert "Обращение депутатов" in replies[0]
        assert "Мы требуем." in replies[0]
        assert replies[1].startswith("Прежде чем подписать:")
        replies = self.say(f"/start {self.campaign.slug}", language="de")
        assert "Обращение депутатов" in replies[0]

    def test_a_one_word_name_is_refused_with_the_web_forms_words(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        replies = self.say("Olga")
        assert replies[0] == NAME_ERROR
        web = self.client.post(
            reverse("sign", args=[self.campaign.slug]) + "?lang=en", {"full_name": "Olga"}
        )
        assert NAME_ERROR in web.content.decode()
        replies = self.say(OLGA.full_name)
        assert replies[0].startswith("Position")
        assert not Signature.objects.exists()

    def test_required_claims_cannot_be_skipped(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.say(OLGA.full_name)
        replies = self.say("/skip")
        assert replies[0] == "Enter your position."
        assert replies[1].startswith("Position")

    def test_an_unknown_region_is_asked_again_with_suggestions(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality):
            self.say(answer)
        replies = self.say("Atlantis")
        assert "region is not recognised" in replies[0]
        since = len(self.telegram.calls)
        replies = self.say("Иркут")
        assert "region is not recognised" in replies[0]
        assert "region:RU-IRK" in self.buttons(since)
        replies = self.press("region:RU-IRK")
        assert replies[0].startswith("How may we show your signature?")

    def test_conditional_publication_asks_for_a_threshold(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.answer_claims()
        since = len(self.telegram.calls)
        self.press("pub:conditional")
        assert self.buttons(since) == ["thr:2", "thr:3", "nav:back"]
        self.press("thr:3")
        self.press("upd:no")
        self.press("sign:yes")
        signature = Signature.objects.get()
        assert signature.publication == Signature.CONDITIONAL
        assert signature.reveal_threshold == 3

    def test_opting_in_subscribes_the_chat_not_the_signature(self) -> None:
        self.sign_as_olga(updates="upd:yes")
        # The chat waits, apart from the signature, for the subscription job.
        assert not Subscription.objects.exists()
        assert handle_subscription_requests() == 1
        subscription = Subscription.objects.get()
        assert subscription.channel == Subscription.TELEGRAM
        assert subscription.telegram_chat_id == CHAT
        assert subscription.campaign == self.campaign
        replies = self.say("/stop")
        assert replies == ["You will receive no more updates here."]
        assert not Subscription.objects.exists()

    def test_an_update_reaches_the_signer_who_opted_in_through_the_bot(self) -> None:
        self.sign_as_olga(updates="upd:yes")
        handle_subscription_requests()
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
        [message] = self.telegram.sent_messages(since)
        assert int(message["chat_id"]) == CHAT
        assert "The appeal was delivered." in message["text"]  # she signed in English

    def test_status_and_withdraw(self) -> None:
        self.sign_as_olga()
        replies = self.say("/status")
        date = f"{Signature.objects.get().created_at:%-d %B %Y}"
        assert replies == [
            "Your signatures from this chat:\n"
            f"• Deputies' appeal: Received, being checked\n   signed {date}, name shown"
        ]
        since = len(self.telegram.calls)
        self.say("/withdraw")
        [choice, none] = self.buttons(since)
        assert none == "wdno:0"
        replies = self.press(choice)
        assert f"Withdraw your signature from “Deputies' appeal”, signed {date}?" in replies[0]
        assert Signature.objects.get().state == Signature.RECEIVED
        replies = self.press(choice.replace("wd:", "wdyes:"))
        assert replies == [
            "Your signature was withdrawn from “Deputies' appeal”.\n"
            "If you sign again from this chat within 10 minutes, the new signature may wait "
            "for a verifier before it counts: the bot cannot show the check the web form uses "
            "to tell a person from a program."
        ]
        assert Signature.objects.get().state == Signature.WITHDRAWN
        # A withdrawn signature is no longer listed for whoever holds the phone.
        assert self.say("/status") == ["No signature of yours from this chat stands."]

    def test_another_chat_sees_and_withdraws_nothing(self) -> None:
        self.sign_as_olga()
        receipt = BotReceipt.objects.get()
        stranger = CHAT + 1
        assert self.say("/status", stranger) == ["No signature of yours from this chat stands."]
        replies = self.press(f"wdyes:{receipt.pk}", stranger)
        assert replies == ["You have no signature to withdraw here."]
        assert Signature.objects.get().state == Signature.RECEIVED

    def test_cancel_forgets_the_answers(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.say(OLGA.full_name)
        assert BotConversation.objects.exists()
        assert self.say("/cancel") == ["Cancelled; nothing was sent."]
        assert not BotConversation.objects.exists()
        replies = self.say("Some text")
        assert replies[0] == "No signing is under way: this message was not stored."
        assert "/status" in replies[1]  # the help
        assert not Signature.objects.exists()

    def test_a_closed_campaign_refuses_like_the_web(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        self.answer_claims()
        close_campaign(self.campaign, actor=self.organizer)
        replies = self.press("pub:named")
        assert replies == ["This campaign is closed to new signatures."]
        assert self.say(f"/start {self.campaign.slug}") == [
            "This campaign is closed to new signatures."
        ]
        assert not Signature.objects.exists()

    def test_drafts_and_unknown_campaigns_are_not_opened(self) -> None:
        self.make_campaign("secret-draft", open_it=False)
        for slug in ("secret-draft", "no-such-campaign"):
            replies = self.say(f"/start {slug}")
            assert replies[0].startswith("Campaign not found.")
            assert "secret" not in " ".join(replies)


class DuplicateThroughTheBotTest(BotTestCase):
    def test_signing_twice_stands_apart_and_both_see_a_receipt(self) -> None:
        PersonaTestCase.sign(self)  # Olga already signed on the web
        self.say(f"/start {self.campaign.slug}")
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality, "RU-SPE"):
            self.say(answer)
        self.press("pub:named")
        self.press("upd:no")
        replies = self.press("sign:yes")
        assert "Signed. Thank you." in replies[0]
        # Stored apart, same claims key: a verifier rejects one as a duplicate.
        web, bot = Signature.objects.order_by("id")
        assert web.claims_key == bot.claims_key
        assert "Received, being checked" in self.say("/status")[0]


class ContactThroughTheBotTest(BotTestCase):
    def setUp(self) -> None:
        super().setUp()
        identity = pyrage.x25519.Identity.generate()
        self.identity = identity
        add_verifier_key(str(identity.to_public()), "Vera's laptop", campaign=self.campaign)

    def reach_contact_step(self) -> None:
        self.say(f"/start {self.campaign.slug}")
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality, "RU-SPE"):
            self.say(answer)
        self.press("pub:named")
        self.press("upd:no")
        since = len(self.telegram.calls)
        replies = self.press("sign:yes")
        # [Sign] signs: the contact, optional, comes after and is attached to the signature.
        assert replies[0].startswith("Signed. Thank you.")
        assert Signature.objects.get().state == Signature.RECEIVED
        assert "Telegram, though, sees what you type here." in replies[1]
        assert self.buttons(since) == ["ck:phone", "ck:email", "ck:telegram", "ck:none"]
        self.press("ck:phone")

    def test_the_contact_is_encrypted_confirmed_and_deleted_from_the_chat(self) -> None:
        self.reach_contact_step()
        replies = self.say("call me maybe")
        web_error = "Enter a phone number with its country code, e.g. +7 912 345-67-89."
        assert replies[0] == web_error
        assert not hasattr(Signature.objects.get(), "contact")
        # A number cut short is refused before anything is stored, and deleted.
        replies = self.say("8 912 345")
        assert replies[0] == (
            "This number has 7 digits: too few for a phone number with its country code. "
            "It was not stored.\nI have deleted your message from this chat."
        )
        assert not hasattr(Signature.objects.get(), "contact")
        # The right one, typed the local way, is echoed masked and stored once she says so.
        replies = self.say("8 912 345-67-89")
        assert replies[0] == (
            "Is this your number: +7 912 ***-**-89?\nI have deleted your message from this chat."
        )
        assert not hasattr(Signature.objects.get(), "contact")
        for conversation in BotConversation.objects.all():
            assert "912" not in str(conversation.data)  # sealed while she answers
        replies = self.press("cph:yes")
        assert replies[0].startswith("Contact attached to your signature, encrypted")
        assert "+7 912 345-67-89" not in self.telegram.in_chat(CHAT)
        signature = Signature.objects.get()
        ciphertext = bytes(signature.contact.ciphertext)
        assert b"912" not in ciphertext
        assert b"+79123456789" in pyrage.decrypt(ciphertext, [self.identity])
        for conversation in BotConversation.objects.all():
            assert "912" not in str(conversation.data)
        # A correction a second later is answered, not taken for something else, and deleted.
        replies = self.say("+7 912 345-67-80")
        assert replies[0].startswith("Your signature and its contact are already recorded")
        assert replies[0].endswith("\nI have deleted your message from this chat.")
        assert "+7 912 345-67-80" not in self.telegram.in_chat(CHAT)
        assert b"+79123456789" in pyrage.decrypt(
            bytes(Signature.objects.get().contact.ciphertext), [self.identity]
        )
        self.write_transcript("en-contact")

    def test_after_a_refused_reply_to_her_contact_sending_it_again_says_the_truth(self) -> None:
        self.reach_contact_step()
        self.say("+7 912 345-67-89")
        # Telegram refuses "Contact attached" every time the outbox tries.
        self.telegram.failures[CHAT] = [500] * ATTEMPTS
        self.press("cph:yes")
        assert not any("Contact attached" in text for text in self.telegram.in_chat(CHAT))
        assert hasattr(Signature.objects.get(), "contact")
        replies = self.say("+7 912 345-67-89")
        assert replies[0].startswith("Your signature and its contact are already recorded")
        self.write_transcript("contact-reply-refused-then-sent-again")

    def test_a_number_she_says_is_not_hers_is_asked_again(self) -> None:
        self.reach_contact_step()
        self.say("+44 20 7946 0958")
        [again] = self.press("cph:no")
        assert again.startswith("Your phone number, with its country code.")
        assert not hasattr(Signature.objects.get(), "contact")
        [check] = self.say("+44 20 7946 0958")
        assert check.startswith("Is this your number: +4420 ***-**-58?")
        assert self.say("/cancel")[0].endswith(
            "The contact question is closed: no contact was stored."
        )
        assert not hasattr(Signature.objects.get(), "contact")

    def test_commands_are_read_whatever_their_case(self) -> None:
        # A phone capitalises the first letter of a message.
        self.reach_contact_step()
        self.press("ck:phone")
        assert self.say("/Skip")[0].startswith("No contact, then. Your signature stands.")
        assert self.say("/Status")[0].startswith("Your signatures from this chat:")

    def test_the_contact_may_be_left_out(self) -> None:
        self.reach_contact_step()
        replies = self.say("/skip")
        assert replies[0].startswith("No contact, then. Your signature stands.")
        assert not hasattr(Signature.objects.get(), "contact")
        assert not BotConversation.objects.exists()

    def test_cancel_after_signing_does_not_claim_nothing_was_sent(self) -> None:
        self.reach_contact_step()
        replies = self.say("/cancel")
        assert replies == [
            "Your signature is already recorded: /cancel does not undo it. "
            "/withdraw takes it back.\nThe contact question is closed: no contact was stored."
        ]
        assert Signature.objects.get().state == Signature.RECEIVED
