"""Olga signs through the Telegram bot (aiogram, long polling against the fake Bot API
server), checks her signature with /status and takes it back with /withdraw."""

import pyrage
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.base import OLGA, PersonaTestCase
from tests.bot.botcase import CHAT, BotTestCase
from undersigned.bot.models import BotConversation, BotReceipt
from undersigned.campaigns.actions import close_campaign
from undersigned.sharing.actions import create_share_channel, fold_share_hits
from undersigned.sharing.models import ShareChannel, ShareHit
from undersigned.signatures.models import Signature, Tally
from undersigned.updates.actions import handle_subscription_requests, publish_update
from undersigned.updates.models import Subscription
from undersigned.vault.actions import add_verifier_key, revoke_verifier_key
from undersigned.vault.models import VerifierKey

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
        replies = self.press("pub:conditional")
        assert self.buttons(since) == ["thr:2", "thr:3", "nav:back"]
        assert replies[0] == (
            "After how many verified signatures may your name be shown?\n"
            "So far 0 signatures are verified."
        )
        # Offered with the count of the moment, as the campaign page's tallies have it.
        Tally.objects.create(campaign=self.campaign, key=Tally.ALL, state=Signature.VERIFIED, n=1)
        self.press("nav:back")
        replies = self.press("pub:conditional")
        assert replies[0].endswith("\nSo far 1 signature is verified.")
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
            f"• Deputies' appeal: Received, being checked\n   signed {date}, "
            "name to be shown once verified"
        ]
        since = len(self.telegram.calls)
        self.say("/withdraw")
        [choice, none] = self.buttons(since)
        assert none == "wdno:0"
        replies = self.press(choice)
        assert (
            f"Withdraw your signature? Campaign: “Deputies' appeal”; signed {date}." in replies[0]
        )
        assert Signature.objects.get().state == Signature.RECEIVED
        replies = self.press(choice.replace("wd:", "wdyes:"))
        assert replies == [
            "Your signature was withdrawn. Campaign: “Deputies' appeal”.\n"
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

    def reach_contact_step(self, language: str = "en") -> None:
        self.say(f"/start {self.campaign.slug}", language=language)
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality, "RU-SPE"):
            self.say(answer, language=language)
        self.press("pub:named", language=language)
        since = len(self.telegram.calls)
        replies = self.press("upd:no", language=language)
        # The contact, optional, is asked before [Sign]: it goes in with the signature.
        assert not Signature.objects.exists()
        if language == "en":
            assert replies[0].startswith("One more, optional question: a contact")
            assert "Until you press Sign it waits on the server encrypted" in replies[0]
            assert "Telegram, though, sees what you type here." in replies[0]
        assert self.buttons(since) == ["ck:phone", "ck:email", "ck:telegram", "ck:none", "nav:back"]
        self.press("ck:phone", language=language)

    def assert_sealed_in_conversation(self, *digits: str) -> None:
        conversations = list(BotConversation.objects.all())
        assert conversations
        for conversation in conversations:
            assert conversation.data.get("sealed_contact")
            for part in digits:
                assert part not in str(conversation.data)

    def test_the_contact_is_sealed_until_sign_then_encrypted_with_the_signature(self) -> None:
        self.reach_contact_step()
        replies = self.say("call me maybe")
        web_error = "Enter a phone number with its country code, e.g. +7 912 345-67-89."
        assert replies[0] == web_error
        # A number cut short is refused before anything is kept, and deleted.
        replies = self.say("8 912 345")
        assert replies[0] == (
            "This number has 7 digits: too few for a phone number with its country code. "
            "It was not stored.\nI have deleted your message from this chat."
        )
        assert "sealed_contact" not in BotConversation.objects.get().data
        # The right one, typed the local way, is echoed masked and kept sealed to the chat.
        replies = self.say("8 912 345-67-89")
        assert replies[0] == (
            "Is this your number: +7 912 ***-**-89?\nI have deleted your message from this chat."
        )
        self.assert_sealed_in_conversation("9123456789", "912 345", "345-67-89")
        replies = self.press("cph:yes")
        assert replies[0].startswith("Ready to sign with these answers:")
        assert "• Contact for verification: Phone" in replies[0]
        self.assert_sealed_in_conversation("9123456789", "912 345", "345-67-89")
        assert not Signature.objects.exists()
        replies = self.press("sign:yes")
        assert "Signed. Thank you." in replies[0]
        assert "Your contact was encrypted to the verifiers' keys with your signature" in replies[0]
        assert "+7 912 345-67-89" not in self.telegram.in_chat(CHAT)
        signature = Signature.objects.get()
        ciphertext = bytes(signature.contact.ciphertext)
        assert b"9123456789" not in ciphertext
        assert b"+79123456789" in pyrage.decrypt(ciphertext, [self.identity])
        # Signed: the conversation, and the sealed contact in it, are gone.
        assert not BotConversation.objects.exists()
        # A correction a second later is answered, not taken for something else, and deleted.
        replies = self.say("+7 912 345-67-80")
        assert replies[0].startswith("No signing is under way: this message was not stored.")
        assert replies[0].endswith("\nI have deleted your message from this chat.")
        assert "+7 912 345-67-80" not in self.telegram.in_chat(CHAT)
        assert b"+79123456789" in pyrage.decrypt(
            bytes(Signature.objects.get().contact.ciphertext), [self.identity]
        )
        self.write_transcript("en-contact")

    def test_the_contact_goes_through_the_submission_as_every_channel_s(self) -> None:
        from undersigned.signatures import signing

        seen: list[tuple[str, str] | None] = []
        submit = signing.submit_signature

        def watching(campaign, submission, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(submission.contact)
            return submit(campaign, submission, **kwargs)

        signing.submit_signature = watching
        try:
            self.reach_contact_step("ru")
            self.say("ivanova", language="ru")
            self.press("ck:email", language="ru")
            replies = self.say("olga@example.org", language="ru")
            assert replies[0].endswith("Я удалил ваше сообщение из этого чата.")
            assert "• Контакт для проверки: Электронная почта" in replies[0]
            self.assert_sealed_in_conversation("olga", "example")
            replies = self.press("sign:yes", language="ru")
        finally:
            signing.submit_signature = submit
        assert seen == [("email", "olga@example.org")]
        assert "Ваш контакт зашифрован" in replies[0]
        plain = pyrage.decrypt(bytes(Signature.objects.get().contact.ciphertext), [self.identity])
        assert b"olga@example.org" in plain

    def test_a_contact_given_then_cancelled_is_deleted_with_the_answers(self) -> None:
        self.reach_contact_step()
        self.say("+7 912 345-67-89")
        self.press("cph:yes")
        self.assert_sealed_in_conversation("9123456789", "912 345", "345-67-89")
        assert self.say("/cancel") == ["Cancelled; nothing was sent."]
        assert not BotConversation.objects.exists()
        assert not Signature.objects.exists()

    def test_a_contact_the_campaign_no_longer_takes_is_said_not_stored(self) -> None:
        self.reach_contact_step()
        self.say("+7 912 345-67-89")
        self.press("cph:yes")
        revoke_verifier_key(VerifierKey.objects.get())
        replies = self.press("sign:yes")
        assert (
            "The campaign no longer takes contacts: yours was not stored. "
            "Your signature is recorded." in replies[0]
        )
        assert not hasattr(Signature.objects.get(), "contact")

    def test_a_number_she_says_is_not_hers_is_asked_again(self) -> None:
        self.reach_contact_step()
        self.say("+44 20 7946 0958")
        [again] = self.press("cph:no")
        assert again.startswith("Your phone number, with its country code.")
        assert "sealed_contact" not in BotConversation.objects.get().data
        [check] = self.say("+44 20 7946 0958")
        assert check.startswith("Is this your number: +4420 ***-**-58?")
        assert self.say("/cancel")[0] == "Cancelled; nothing was sent."
        assert not BotConversation.objects.exists()
        assert not Signature.objects.exists()

    def test_commands_are_read_whatever_their_case(self) -> None:
        # A phone capitalises the first letter of a message.
        self.reach_contact_step()
        replies = self.say("/Skip")
        assert replies[0].startswith("Ready to sign with these answers:")
        assert "• Contact for verification: —" in replies[0]
        assert self.say("/Status")[0] == "No signature of yours from this chat stands."

    def test_the_contact_may_be_left_out(self) -> None:
        self.reach_contact_step()
        self.press("nav:back")
        self.press("ck:none")
        replies = self.press("sign:yes")
        assert "Signed. Thank you." in replies[0]
        assert "contact" not in replies[0].lower()
        assert not hasattr(Signature.objects.get(), "contact")
        assert not BotConversation.objects.exists()


class ShareChannelThroughTheBotTest(BotTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        create_share_channel(self.campaign, "deputies-chat", "Deputies' chat", actor=self.organizer)

    def sign_from(self, start: str, chat: int, language: str = "en") -> list[str]:
        replies = self.say(start, chat, language)
        for answer in (OLGA.full_name, OLGA.office, OLGA.body, OLGA.municipality, "RU-SPE"):
            self.say(answer, chat, language)
        self.press("pub:anonymous", chat, language)
        self.press("upd:no", chat, language)
        self.press("sign:yes", chat, language)
        return replies

    def test_a_share_code_in_the_start_link_counts_the_signature_for_its_channel(self) -> None:
        slug = self.campaign.slug
        # The deep link of a page reached through ?via=deputies-chat, and the code typed by hand.
        replies = self.sign_from(f"/start {slug}_deputies-chat", CHAT)
        assert "Deputies' appeal" in replies[0]
        self.sign_from(f"/start {slug} deputies-chat", CHAT + 1, "ru")
        # A made-up code, and words after the campaign, open it and count for no channel.
        replies = self.sign_from(f"/start {slug}_nobody", CHAT + 2)
        assert "Deputies' appeal" in replies[0]
        replies = self.sign_from(f"/start {slug} please sign", CHAT + 3)
        assert "Deputies' appeal" in replies[0]
        assert Signature.objects.count() == 4
        fold_share_hits()
        channel = ShareChannel.objects.get(code="deputies-chat")
        assert (channel.visits, channel.signatures) == (0, 2)
        assert not ShareHit.objects.exists()

    def test_a_share_code_never_reaches_the_signature_or_the_chat_s_receipt(self) -> None:
        self.sign_from(f"/start {self.campaign.slug}_deputies-chat", CHAT)
        signature = Signature.objects.get()
        assert "deputies" not in str(model_to_dict(signature))
        assert not BotConversation.objects.exists()
