from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.base import PersonaTestCase
from undersigned.sharing.actions import fold_share_hits, note_visit
from undersigned.sharing.models import ShareChannel


class ShareChannelCommandTest(PersonaTestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("share_channel", *args, stdout=out)
        return out.getvalue()

    def test_organizer_adds_and_lists(self) -> None:
        out = self.run_command("add", "deputies", "vk", "VK", "--as", "oleg")
        assert "/c/deputies/?via=vk" in out
        note_visit("deputies", "vk")
        fold_share_hits()
        assert "vk\tVK\tvisits 1\tsignatures 0" in self.run_command("list", "deputies")

    def test_outsider_and_verifier_may_not_add(self) -> None:
        for username in ("otto", "vera"):
            with pytest.raises(CommandError, match="only an organizer"):
                self.run_command("add", "deputies", "vk", "VK", "--as", username)
        assert not ShareChannel.objects.exists()

    def test_bad_input_is_refused(self) -> None:
        with pytest.raises(CommandError, match="no such campaign"):
            self.run_command("add", "nope", "vk", "VK", "--as", "oleg")
        with pytest.raises(CommandError, match="no such user"):
            self.run_command("add", "deputies", "vk", "VK", "--as", "nobody")
        with pytest.raises(CommandError, match="lowercase"):
            self.run_command("add", "deputies", "Bad Code", "VK", "--as", "oleg")
        assert not ShareChannel.objects.exists()
