"""The bot's conversation logic without Telegram: limits per chat, as the web form's per client."""

from django.test import override_settings

from tests.base import OLGA, PersonaTestCase, make_claims
from undersigned.bot import conversation
from undersigned.bot.models import BotReceipt
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature

CHAT = 31337


def answers(claims: Claims, slug: str) -> dict[str, object]:
    return {
        "slug": slug,
        "lang": "en",
        "full_name": claims.full_name,
        "office": claims.office,
        "body": claims.body,
        "municipality": claims.municipality,
        "region": "RU-SPE",
        "publication": Signature.NAMED,
        "updates": False,
    }


@override_settings(RATE_CLIENT_HOLD_AFTER=1, RATE_CLIENT_LIMIT=2)
class ChatLimitsTest(PersonaTestCase):
    def confirm(self, claims: Claims, chat: int = CHAT) -> list[str]:
        outcome = conversation.on_choice(
            chat, "en", "sign:confirm", answers(claims, self.campaign.slug), "sign:yes"
        )
        return [reply.text for reply in outcome.replies]

    def test_a_flooding_chat_is_held_back_then_refused(self) -> None:
        assert "Signed. Thank you." in self.confirm(OLGA)[0]
        assert "Signed. Thank you." in self.confirm(make_claims(1))[0]  # same words when held
        refused = self.confirm(make_claims(2))
        assert refused[0].startswith("So many signatures came from this chat just now")
        held = dict(Signature.objects.values_list("full_name", "held"))
        assert held == {OLGA.full_name: False, make_claims(1).full_name: True}
        assert BotReceipt.objects.count() == 2
        assert "Signed. Thank you." in self.confirm(make_claims(3), CHAT + 1)[0]  # another chat

    def test_a_forged_button_cannot_skip_a_step(self) -> None:
        data = answers(OLGA, self.campaign.slug)
        outcome = conversation.on_choice(CHAT, "en", "sign:full_name", data, "sign:yes")
        assert outcome.state == "sign:full_name"
        assert not Signature.objects.exists()
        outcome = conversation.on_choice(CHAT, "en", "sign:threshold", data, "thr:999")
        assert outcome.state == "sign:threshold"

    def test_a_contact_question_left_from_after_signing_is_closed_and_its_answer_deleted(
        self,
    ) -> None:
        # A conversation that was at the contact question after Sign, as the bot once asked it.
        data = {"slug": self.campaign.slug, "lang": "en", "receipt": 1, "contact_kind": "phone"}
        outcome = conversation.on_text(CHAT, "en", "signed:contact", data, "+7 912 345-67-89")
        assert outcome.state is None
        assert outcome.delete_received
        assert outcome.replies[0].text == "No signing is under way: this message was not stored."
        outcome = conversation.on_choice(CHAT, "en", "signed:contact_kind", data, "ck:phone")
        assert outcome.state is None
        assert outcome.replies[0].text == "This button belongs to a finished conversation."
