"""Update: texts per language with the original as fallback; published by an action that audits."""

from tests.base import PersonaTestCase
from undersigned.audit.models import AuditEvent
from undersigned.updates.actions import publish_update


class UpdateModelTest(PersonaTestCase):
    def test_text_for_falls_back_to_the_original(self) -> None:
        update = publish_update(
            self.campaign,
            author=self.spokesperson,
            texts=[
                {"language": "en", "title": "Original", "body": "In English first."},
                {"language": "ru", "title": "Перевод", "body": "Перевод."},
            ],
        )
        assert update.text_for("ru").title == "Перевод"
        assert update.text_for("de").title == "Original"
        assert update.text_for("de").is_original

    def test_publishing_is_audited_and_needs_a_text(self) -> None:
        update = publish_update(
            self.campaign,
            author=self.spokesperson,
            texts=[{"language": "ru", "title": "T", "body": "B"}],
        )
        event = AuditEvent.objects.get(action="update.published")
        assert event.actor == self.spokesperson
        assert event.object_id == str(update.pk)
        with self.assertRaises(ValueError):
            publish_update(self.campaign, author=self.spokesperson, texts=[])
