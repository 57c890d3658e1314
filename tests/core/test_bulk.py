"""Many rows in a few statements (undersigned/core/bulk.py): each row as given, of every
kind of column the count job and the public log write, on either database."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.base import PersonaTestCase
from undersigned.core.bulk import MAX_ROWS_PER_STATEMENT, insert_rows
from undersigned.ledger.models import LogEntry, LogNode
from undersigned.signatures.models import Tally


class InsertRowsTest(PersonaTestCase):
    def test_rows_are_written_as_given_text_numbers_and_bytes(self) -> None:
        rows = [
            (
                self.campaign.pk,
                n,
                f'{{"n": {n}, "name": "Иванова"}}',
                f"handle-{n}",
                bytes([n]) * 32,
            )
            for n in range(3)
        ]
        insert_rows(LogEntry, ["campaign", "index", "data", "handle", "leaf_hash"], rows)
        stored = LogEntry.objects.filter(campaign=self.campaign).order_by("index")
        assert [
            (e.campaign_id, e.index, e.data, e.handle, bytes(e.leaf_hash)) for e in stored
        ] == rows

    def test_a_row_whose_key_exists_adds_to_it(self) -> None:
        columns = ["campaign", "key", "state", "n"]
        conflict = (["campaign", "key", "state"], "n")
        insert_rows(Tally, columns, [(self.campaign.pk, "bulk", "verified", 5)])
        insert_rows(
            Tally,
            columns,
            [(self.campaign.pk, "bulk", "verified", -2), (self.campaign.pk, "bulk", "pending", 1)],
            add_on_conflict=conflict,
        )
        assert dict(
            Tally.objects.filter(campaign=self.campaign, key="bulk").values_list("state", "n")
        ) == {"verified": 3, "pending": 1}

    def test_more_rows_than_one_statement_of_values_takes_are_all_written(self) -> None:
        count = MAX_ROWS_PER_STATEMENT + 7
        rows = [(self.campaign.pk, n, bytes(32)) for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            insert_rows(LogNode, ["campaign", "position", "hash"], rows)
        assert LogNode.objects.filter(campaign=self.campaign).count() == count
        inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
        # 1,000 rows a statement; SQLite takes at most 999 parameters in one.
        assert len(inserts) == (2 if connection.vendor == "postgresql" else 4)

    def test_nothing_to_insert_sends_nothing(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            insert_rows(LogNode, ["campaign", "position", "hash"], [])
        assert queries.captured_queries == []
