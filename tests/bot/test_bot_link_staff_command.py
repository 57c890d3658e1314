"""`manage.py bot_link_staff USERNAME`, and the code sent to the bot as `/staff CODE`."""

from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command

from tests.bot.botcase import CHAT, BotTestCase
from undersigned.bot.models import StaffChat, StaffLinkCode


class BotLinkStaffCommandTest(BotTestCase):
    def code_for(self, username: str) -> str:
        out = StringIO()
        call_command("bot_link_staff", username, stdout=out)
        return out.getvalue().split("/staff ")[1].strip()

    def test_a_code_links_the_chat_once(self) -> None:
        code = self.code_for("vera")
        assert self.say(f"/staff {code}") == [
            "Linked: staff notifications for your campaigns will come here."
        ]
        assert StaffChat.objects.get(user=self.verifier).chat_id == CHAT
        assert self.say(f"/staff {code}", CHAT + 1) == ["This code is not valid or has expired."]
        assert not StaffChat.objects.filter(chat_id=CHAT + 1).exists()

    def test_wrong_and_expired_codes_link_nothing(self) -> None:
        assert self.say("/staff 0123456789abcdef") == ["This code is not valid or has expired."]
        assert self.say("/staff") == ["This code is not valid or has expired."]
        code = self.code_for("vera")
        StaffLinkCode.objects.update(
            expires_at=StaffLinkCode.objects.get().expires_at - timedelta(hours=2)
        )
        assert self.say(f"/staff {code}") == ["This code is not valid or has expired."]
        assert not StaffChat.objects.exists()

    def test_a_new_code_replaces_the_old_one(self) -> None:
        first = self.code_for("vera")
        second = self.code_for("vera")
        assert self.say(f"/staff {first}") == ["This code is not valid or has expired."]
        assert self.say(f"/staff {second}")[0].startswith("Linked")

    def test_unknown_or_inactive_accounts(self) -> None:
        with self.assertRaises(CommandError):
            call_command("bot_link_staff", "nobody")
        self.outsider.is_active = False
        self.outsider.save()
        with self.assertRaises(CommandError):
            call_command("bot_link_staff", "otto")
        assert not StaffLinkCode.objects.exists()
