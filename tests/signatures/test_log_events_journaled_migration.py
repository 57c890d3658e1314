"""The migration after which the count job journals the public log's events: an event
written beside a change still waiting is handed back to the change, and journaled once,
in order, when the change is folded; back again, each such change gets its event."""

from django.db import connection

from tests.base import MigrationTestCase
from undersigned.signatures.counts import fold_changes
from undersigned.signatures.models import CountChange, PendingLogEvent

BEFORE = [("signatures", "0014_partial_indexes_where_set")]
AFTER = [("signatures", "0016_no_count_change_on_log_events")]
DAY = "2026-12-01"


class LogEventsJournaledMigrationTest(MigrationTestCase):
    def test_waiting_changes_take_their_events_back(self) -> None:
        self.create_personas()
        apps = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        OldChange = apps.get_model("signatures", "CountChange")
        OldEvent = apps.get_model("signatures", "PendingLogEvent")
        campaign = self.campaign.pk
        # Folded already: its event waits for the log only.
        OldEvent.objects.create(
            campaign_id=campaign, event="received", handle="a" * 32, count_change_id=999_999
        )
        arrival = OldChange.objects.create(
            campaign_id=campaign, region_code="RU-SPE", to_state="received", created_on=DAY
        )
        OldEvent.objects.create(
            campaign_id=campaign,
            event="received",
            handle="b" * 32,
            region_code="RU-SPE",
            count_change_id=arrival.pk,
        )
        # A region's tally moving: no event.
        OldChange.objects.create(
            campaign_id=campaign, region_code="RU-MOW", to_state="received", created_on=DAY
        )

        self.migrate(AFTER)
        with connection.cursor() as cursor:
            cursor.execute("SELECT event, handle FROM ledger_pendinglogevent ORDER BY id")
            assert cursor.fetchall() == [("received", "a" * 32)]
            cursor.execute("SELECT handle FROM signatures_countchange ORDER BY id")
            assert [handle for (handle,) in cursor.fetchall()] == ["b" * 32, ""]

        self.migrate(BEFORE)
        events = apps.get_model("signatures", "PendingLogEvent").objects.order_by("id")
        assert [(e.handle, e.region_code, e.count_change_id) for e in events] == [
            ("a" * 32, "", None),  # folded: no change to name
            ("b" * 32, "RU-SPE", arrival.pk),
        ]

        self.migrate_to_latest()
        # The waiting change's event is journaled when it is folded, after the folded one.
        fold_changes()
        assert not CountChange.objects.exists()
        assert list(PendingLogEvent.objects.values_list("event", "handle", "region_code")) == [
            ("received", "a" * 32, ""),
            ("received", "b" * 32, "RU-SPE"),
        ]
