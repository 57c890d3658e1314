from django.core.exceptions import ValidationError

from tests.base import PersonaTestCase
from undersigned.audit.models import AuditEvent
from undersigned.sharing.actions import create_share_channel
from undersigned.sharing.models import ShareChannel, clean_code


class ShareChannelTest(PersonaTestCase):
    def test_created_with_audit_record(self) -> None:
        channel = create_share_channel(
            self.campaign, "deputies-chat", "Deputies' chat", actor=self.organizer
        )
        assert channel.link_query() == "?via=deputies-chat"
        assert AuditEvent.objects.filter(
            action="sharing.channel_created", object_id=str(channel.pk)
        ).exists()

    def test_bad_or_taken_codes_refused_and_nothing_changes(self) -> None:
        create_share_channel(self.campaign, "twitter", "Twitter", actor=self.organizer)
        for code in ("twitter", "", "Has Space", "x" * 33, "-lead", "кириллица"):
            with self.assertRaises(ValidationError):
                create_share_channel(self.campaign, code, "label", actor=self.organizer)
        assert ShareChannel.objects.count() == 1

    def test_same_code_on_another_campaign_is_allowed(self) -> None:
        other = self.make_campaign("other")
        create_share_channel(self.campaign, "vk", "VK", actor=self.organizer)
        create_share_channel(other, "vk", "VK", actor=self.organizer)
        assert ShareChannel.objects.filter(code="vk").count() == 2

    def test_clean_code(self) -> None:
        assert clean_code(" VK ") == "vk"
        assert clean_code("a" * 32) == "a" * 32
        for bad in ("", "a" * 33, "<script>", "a b", "a/b", "-x"):
            assert clean_code(bad) == ""
