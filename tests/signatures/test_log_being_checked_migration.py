"""The migration that starts the log's being-checked figure: signatures already waiting
when the log began recording arrivals are journaled as arrivals, run on older data."""

from datetime import UTC, datetime

from tests.base import OLGA, MigrationTestCase

BEFORE = [("signatures", "0008_named_list_index")]
AFTER = [("signatures", "0009_log_being_checked")]
AT = datetime(2026, 11, 20, 14, 37, 12, tzinfo=UTC)


class LogBeingCheckedMigrationTest(MigrationTestCase):
    def test_waiting_signatures_are_journaled_as_arrivals(self) -> None:
        self.create_personas()
        apps = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        Signature = apps.get_model("signatures", "Signature")
        PendingLogEvent = apps.get_model("signatures", "PendingLogEvent")
        PendingLogEvent.objects.all().delete()

        def old(name: str, state: str, **extra: object) -> object:
            return Signature.objects.create(
                campaign_id=self.campaign.pk,
                full_name=name,
                body=OLGA.body,
                region_code="RU-SPE",
                claims_key=f"key-{name}",
                state=state,
                created_at=AT,
                state_changed_at=AT,
                **extra,
            )

        received = old("Ждущая Получена", "received")
        matched = old("Ждущий Сопоставлен", "matched")
        old("Проверенный", "verified", verified_at=AT)
        old("Отклонённый", "rejected")
        old("Отложенная", "received", held=True)
        old("Дубликат", "received", merged_into=received)

        apps = self.migrate(AFTER).loader.project_state(AFTER).apps
        PendingLogEvent = apps.get_model("signatures", "PendingLogEvent")
        journaled = sorted(
            PendingLogEvent.objects.values_list("event", "handle", "region_code", "campaign_id")
        )
        assert journaled == sorted(
            ("received", s.handle, "RU-SPE", self.campaign.pk) for s in (received, matched)
        )
