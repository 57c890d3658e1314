"""Olga signs through the Telegram bot (aiogram, long polling against the fake Bot API
server), checks her signature with /status and takes it back with /withdraw."""

import pyrage
from django.urls import reverse

from tests.base import OLGA, PersonaTestCase
from tests.bot.botcase import CHAT, BotTestCase
from undersigned.bot.models import BotConversation, BotReceipt
from undersigned.campaigns.actions import close_campaign
from undersigned.signatures.models import Signature
from undersigned.updates.actions import publish_update
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
        assert self.buttons(since) == ["upd:yes", "upd:no"]
        since = len(self.telegram.calls)
        self.press(updates)
        assert self.buttons(since) == ["sign:yes", "sign:no"]
        return self.press("sign:yes")

    def test_a_signature_made_in_the_bot_reaches_the_desk_queue(self) -> None:
        replies = self.sign_as_olga()
        signature = Signature.objects.get()
        assert signature.channel == Signature.TELEGRAM
        assert signature.state == Signature.RECEIVED
        assert signature.full_name == OLGA.full_name
        assert signature.region_code == "RU-SPE"
        assert signature.language == "en"
        assert "Thank you for signing" in replies[0]
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
        assert replies[1].startswith("Чтобы подписать, ответьте на несколько вопросов.")
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
        assert self.buttons(since) == ["thr:2", "thr:3"]
        self.press("thr:3")
        self.press("upd:no")
        self.press("sign:yes")
        signature = Signature.objects.get()
        assert signature.publication == Signature.CONDITIONAL
        assert signature.reveal_threshold == 3

    def test_opting_in_subscribes_the_chat_not_the_signature(self) -> None:
        self.sign_as_olga(updates="upd:yes")
        subscription = Subscription.objects.get()
        assert subscription.channel == Subscription.TELEGRAM
        assert subscription.telegram_chat_id == CHAT
        assert subscription.campaign == self.campaign
        replies = self.say("/stop")
        assert replies == ["You will receive no more updates here."]
        assert not Subscription.objects.exists()

    def test_an_update_reaches_the_signer_who_opted_in_through_the_bot(self) -> None:
        self.sign_as_olga(updates="upd:yes")
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
        assert replies == ["Your signatures:\n• Deputies' appeal: Received, being checked"]
        since = len(self.telegram.calls)
        self.say("/withdraw")
        [choice] = self.buttons(since)
        replies = self.press(choice)
        assert "Withdraw your signature from «Deputies' appeal»?" in replies[0]
        assert Signature.objects.get().state == Signature.RECEIVED
        replies = self.press(choice.replace("wd:", "wdyes:"))
        assert replies == ["Your signature was withdrawn from «Deputies' appeal»."]
        assert Signature.objects.get().state == Signature.WITHDRAWN
        assert self.say("/status") == [
            "Your signatures:\n• Deputies' appeal: Withdrawn: not shown or counted anywhere"
        ]

    def test_another_chat_sees_and_withdraws_nothing(self) -> None:
        self.sign_as_olga()
        receipt = BotReceipt.objects.get()
        stranger = CHAT + 1
        assert self.say("/status", stranger) == ["You have not signed anything through this bot."]
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
        assert "/status" in replies[0]  # the help, since no conversation is under way
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
            assert replies[0] == "Welcome."
            assert "secret" not in " ".join(replies)


class DuplicateThroughTheBotTest(BotTestCase):
    def test_signing_twice_counts_once_and_both_chats_see_a_receipt(self) -> None:
        PersonaTestCase.sign(self)  # Olga already signed on the web
        self.say(f"/start {self.campaign.slug}")
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality, "RU-SPE"):
            self.say(answer)
        self.press("pub:named")
        self.press("upd:no")
        replies = self.press("sign:yes")
        assert "Thank you for signing" in replies[0]
        assert Signature.objects.filter(merged_into__isnull=True).count() == 1
        assert self.say("/status")[0].endswith("Received, being checked")


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
        self.press("sign:yes")
        assert self.buttons(since) == ["ck:none", "ck:phone", "ck:email", "ck:telegram"]
        self.press("ck:phone")

    def test_the_contact_is_encrypted_and_never_kept_in_clear(self) -> None:
        self.reach_contact_step()
        replies = self.say("call me maybe")
        web_error = "Enter a phone number with its country code, e.g. +7 912 345-67-89."
        assert replies[0] == web_error
        assert not Signature.objects.exists()
        replies = self.say("+7 912 345-67-89")
        assert "Thank you for signing" in replies[0]
        signature = Signature.objects.get()
        ciphertext = bytes(signature.contact.ciphertext)
        assert b"912" not in ciphertext
        assert b"+79123456789" in pyrage.decrypt(ciphertext, [self.identity])
        assert not BotConversation.objects.exists()

    def test_the_contact_may_be_left_out(self) -> None:
        self.reach_contact_step()
        replies = self.say("/skip")
        assert "Thank you for signing" in replies[0]
        assert not hasattr(Signature.objects.get(), "contact")
