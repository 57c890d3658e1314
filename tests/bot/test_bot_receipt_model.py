"""BotReceipt: a chat finds its own signatures; the database alone links no chat to one."""

from datetime import timedelta

from django.utils import timezone

from tests.base import OLGA, PersonaTestCase, make_claims
from undersigned.bot import actions
from undersigned.bot.models import BotReceipt
from undersigned.signatures.models import hash_token

CHAT = 123456789


class BotReceiptModelTest(PersonaTestCase):
    def test_a_chat_finds_its_signatures_and_no_other(self) -> None:
        mine, token = self.sign(OLGA)
        actions.keep_receipt(CHAT, token)
        _other, other_token = self.sign(make_claims(1))
        actions.keep_receipt(CHAT + 1, other_token)
        found = actions.signatures_of_chat(CHAT)
        assert [signature for _, signature in found] == [mine]
        other_receipt = BotReceipt.objects.exclude(pk=found[0][0].pk).get()
        assert actions.signature_of_chat(CHAT, other_receipt.pk) is None

    def test_nothing_stored_names_the_chat_or_the_receipt(self) -> None:
        _signature, token = self.sign(OLGA)
        receipt = actions.keep_receipt(CHAT, token)
        receipt.refresh_from_db()
        stored = (
            receipt.chat_key.encode()
            + bytes(receipt.sealed_receipt)
            + bytes(receipt.sealed_token or b"")
        )
        assert str(CHAT).encode() not in stored
        assert hash_token(token).encode() not in stored
        assert token.encode() not in stored

    def test_keys_change_with_the_server_secret(self) -> None:
        _signature, token = self.sign(OLGA)
        actions.keep_receipt(CHAT, token)
        with self.settings(SECRET_KEY="another-secret-key-" * 3):
            assert actions.signatures_of_chat(CHAT) == []

    def test_the_token_is_kept_sealed_until_delivered_and_a_day_at_most(self) -> None:
        _signature, token = self.sign(OLGA)
        receipt = actions.keep_receipt(CHAT, token)
        assert actions.undelivered_token(CHAT, receipt) == token
        assert actions.undelivered_token(CHAT + 1, receipt) == ""  # another chat opens nothing
        actions.receipts_delivered(CHAT + 1, [receipt.pk])  # not that chat's receipt
        receipt.refresh_from_db()
        assert receipt.sealed_token is not None
        actions.receipts_delivered(CHAT, [receipt.pk])
        receipt.refresh_from_db()
        assert receipt.sealed_token is None
        assert actions.undelivered_token(CHAT, receipt) == ""
        # Never delivered: gone after a day all the same.
        _other, other_token = self.sign(make_claims(1))
        late = actions.keep_receipt(CHAT, other_token)
        assert actions.forget_undelivered_tokens() == 0
        BotReceipt.objects.filter(pk=late.pk).update(
            created_at=timezone.now() - actions.UNDELIVERED_LIFETIME - timedelta(minutes=1)
        )
        assert actions.forget_undelivered_tokens() == 1
        late.refresh_from_db()
        assert late.sealed_token is None
        assert actions.signature_of_chat(CHAT, late.pk) is not None  # the receipt stays
