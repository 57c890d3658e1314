"""A new signature written with its count change and audit events: in one
statement on PostgreSQL, in one transaction elsewhere; all or nothing."""

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy
from psycopg import _queries as psycopg_queries

from tests.base import OLGA, PersonaTestCase
from undersigned.audit.actions import event
from undersigned.audit.models import AuditEvent
from undersigned.signatures.actions import NOT_COUNTED, count_change
from undersigned.signatures.models import CountChange, PendingLogEvent, Signature
from undersigned.signatures.store import _fields, _values, insert_new_signature


class InsertNewSignatureTest(PersonaTestCase):
    def new_signature(self) -> Signature:
        signature = Signature(
            campaign=self.campaign,
            full_name=OLGA.full_name,
            region_code="RU-SPE",
            claims_key=OLGA.key(),
        )
        signature.verify()
        return signature

    def insert(self, signature: Signature) -> None:
        change = count_change(signature, NOT_COUNTED)
        assert change is not None
        insert_new_signature(
            signature,
            change,
            [
                event("signature.received", signature, campaign=self.campaign),
                event("signature.verified", signature, campaign=self.campaign, note="n"),
            ],
        )

    def test_every_row_is_written_and_tied_to_the_others(self) -> None:
        signature = self.new_signature()
        self.insert(signature)
        stored = Signature.objects.get(pk=signature.pk)
        assert stored.state == Signature.VERIFIED and stored.handle == signature.handle
        change = CountChange.objects.get()
        assert (change.from_state, change.to_state) == ("", Signature.VERIFIED)
        assert change.region_code == "RU-SPE" and change.handle == signature.handle
        # Its public-log event waits for the count job to fold the change.
        assert not PendingLogEvent.objects.exists()
        audit = AuditEvent.objects.filter(object_type="signatures.signature")
        assert [(a.action, a.object_id, a.note) for a in audit] == [
            ("signature.received", str(signature.pk), ""),
            ("signature.verified", str(signature.pk), "n"),
        ]
        assert all(a.at is not None and a.campaign_id == self.campaign.pk for a in audit)
        # The instance is saved: a later save updates it.
        signature.publication = Signature.ANONYMOUS
        signature.save(update_fields=["publication"])
        assert Signature.objects.count() == 1

    def test_a_failed_write_writes_nothing_and_leaves_the_transaction_usable(self) -> None:
        first = self.new_signature()
        self.insert(first)
        before = [
            model.objects.count() for model in (Signature, CountChange, PendingLogEvent, AuditEvent)
        ]
        with transaction.atomic():
            clash = self.new_signature()
            clash.handle = first.handle  # unique: the signature's insert fails
            try:
                self.insert(clash)
            except IntegrityError:
                pass
            else:
                raise AssertionError("two signatures were stored under one handle")
            assert Signature.objects.count() == 1  # the transaction still answers
        after = [
            model.objects.count() for model in (Signature, CountChange, PendingLogEvent, AuditEvent)
        ]
        assert after == before

    def test_on_postgresql_the_statement_is_prepared_once_per_connection(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("prepared statements are PostgreSQL's; SQLite takes the ORM's path")
        for n in range(3):
            signature = self.new_signature()
            signature.claims_key = f"{n:02d}{signature.claims_key[2:]}"
            self.insert(signature)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements"
                " WHERE statement LIKE 'WITH new_signature AS%%'"
            )
            assert cursor.fetchone() == (1,)
        assert Signature.objects.count() == 3

    def test_on_postgresql_the_statement_is_turned_into_postgresqls_form_once(self) -> None:
        """psycopg keeps the conversion of a query of at most 50 parameters: a signature
        with its companions stays within it."""
        if connection.vendor != "postgresql":
            self.skipTest("prepared statements are PostgreSQL's; SQLite takes the ORM's path")
        self.insert(self.new_signature())
        before = psycopg_queries._query2pg.cache_info()
        second = self.new_signature()
        second.claims_key = f"99{second.claims_key[2:]}"
        self.insert(second)
        after = psycopg_queries._query2pg.cache_info()
        assert (after.hits, after.misses) == (before.hits + 1, before.misses)

    def test_row_values_are_those_django_would_write(self) -> None:
        signature = self.new_signature()
        change = count_change(signature, NOT_COUNTED)
        assert change is not None
        signature.pk = 41  # as if inserted: the companions point at it
        rows = [
            signature,
            change,
            event("signature.received", signature, campaign=self.campaign),
        ]
        for row in rows:
            fields = _fields(type(row))
            django = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields]
            ours = _values(connection, row, {})
            for field, expected, value in zip(fields, django, ours, strict=True):
                if getattr(field, "auto_now_add", False):  # stamped again: a moment later
                    assert type(value) is type(expected) and value >= expected
                else:
                    assert value == expected, field.name

    def test_a_naive_time_is_prepared_as_django_would_an_aware_one_kept(self) -> None:
        import warnings
        from datetime import UTC, datetime

        signature = self.new_signature()
        aware = signature.created_at
        signature.state_changed_at = datetime(2026, 1, 2, 3, 4, 5)  # noqa: DTZ001 - naive on purpose
        names = [f.attname for f in _fields(Signature)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # Django's naive-datetime warning
            values = dict(zip(names, _values(connection, signature, {}), strict=True))
        if connection.vendor == "postgresql":
            assert values["created_at"] is aware
            assert values["state_changed_at"] == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert values["verified_at"] == Signature._meta.get_field("verified_at").get_db_prep_save(
            signature.verified_at, connection
        )

    def test_a_value_of_another_type_is_prepared_by_its_field(self) -> None:
        signature = self.new_signature()
        signature.full_name = gettext_lazy("Ольга")  # a lazy string, not a str
        signature.reveal_threshold = "7"  # type: ignore[assignment]
        names = [f.attname for f in _fields(Signature)]
        values = dict(zip(names, _values(connection, signature, {}), strict=True))
        assert type(values["full_name"]) is str and values["full_name"] == "Ольга"
        assert values["reveal_threshold"] == 7
