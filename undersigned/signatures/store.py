"""Writing a new signature together with the rows that go with it.

A new signature is written with its pending count change, its public-log event and
its audit events. On PostgreSQL they go in one statement of data-modifying WITH
clauses: one round trip, atomic by itself, so that a signature taken outside any
transaction needs no BEGIN and COMMIT either. Other databases get the same rows from
the ORM in one transaction. A duplicate signature fails the whole write with
IntegrityError and leaves nothing behind.
"""

from contextlib import nullcontext
from typing import Any

from django.db import DatabaseError, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from undersigned.audit.models import AuditEvent
from undersigned.ledger.models import PendingLogEvent
from undersigned.signatures.models import CountChange, Signature


def insert_new_signature(
    signature: Signature,
    change: CountChange,
    log_event: PendingLogEvent | None,
    audit_events: list[AuditEvent],
) -> None:
    """Insert `signature` and its companions, filling in the ids that tie them together."""
    connection = connections[router.db_for_write(Signature)]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=connection.alias):
            signature.save(using=connection.alias)
            change.save(using=connection.alias)
            if log_event is not None:
                log_event.count_change_id = change.pk
                log_event.save(using=connection.alias)
            for audit_event in audit_events:
                audit_event.object_id = str(signature.pk)
            AuditEvent.objects.using(connection.alias).bulk_create(audit_events)
        return
    clauses, params = [], []
    for name, rows, refs in (
        ("new_signature", [signature], {}),
        ("new_change", [change], {}),
        ("new_event", [log_event] if log_event else [], {"count_change_id": "new_change"}),
        ("new_audit", audit_events, {"object_id": "new_signature"}),
    ):
        if rows:
            sql, row_params = _insert(connection, rows, refs)
            clauses.append(f"{name} AS ({sql})")
            params += row_params
    # Identifiers from the models' own metadata, quoted; every value is a parameter.
    statement = (
        f"WITH {', '.join(clauses)} "  # noqa: S608
        "SELECT (SELECT id FROM new_signature), (SELECT id FROM new_change)"
    )
    with (
        transaction.atomic(using=connection.alias) if connection.in_atomic_block else nullcontext()
    ):
        row = _execute_prepared(connection, statement, params)
    if row is None:
        raise DatabaseError("inserting a signature returned no ids")
    signature.pk, change.pk = row
    for obj in (signature, change):
        obj._state.adding = False
        obj._state.db = connection.alias
    if log_event is not None:
        log_event.count_change_id = change.pk
    for audit_event in audit_events:
        audit_event.object_id = str(signature.pk)


def _execute_prepared(
    connection: BaseDatabaseWrapper, statement: str, params: list[Any]
) -> tuple[Any, ...] | None:
    """Run `statement` as a prepared statement with parameters bound by the server: this
    connection parses and plans it once, not for every signature. (A savepoint, when
    the caller holds a transaction, keeps that transaction usable after a duplicate.)"""
    # Django's cursors bind parameters on the client; a plain psycopg cursor of the same
    # connection binds them on the server, which is what preparing needs. Its errors
    # are turned into Django's (IntegrityError for a duplicate) as Django's own are.
    with (
        connection.cursor() as wrapper,
        connection.wrap_database_errors,
        wrapper.connection.cursor() as cursor,
    ):
        cursor.execute(statement, params, prepare=True)
        return cursor.fetchone()


def _insert(
    connection: BaseDatabaseWrapper, rows: list[Any], refs: dict[str, str]
) -> tuple[str, list[Any]]:
    """An INSERT of model instances of one model, every concrete column but the key.

    `refs` maps a field to an earlier WITH clause whose new id it takes."""
    meta = type(rows[0])._meta
    fields: list[models.Field[Any, Any]] = [
        field for field in meta.concrete_fields if not field.primary_key and field.column
    ]
    quote = connection.ops.quote_name
    values, params = [], []
    for row in rows:
        placeholders = []
        for field in fields:
            if field.attname in refs:
                cast = "::text" if field.get_internal_type() in {"CharField", "TextField"} else ""
                placeholders.append(f"(SELECT id FROM {refs[field.attname]}){cast}")  # noqa: S608
            else:
                placeholders.append("%s")
                params.append(
                    field.get_db_prep_save(field.pre_save(row, add=True), connection=connection)
                )
        values.append(f"({', '.join(placeholders)})")
    columns = ", ".join(quote(str(field.column)) for field in fields)
    table, key = quote(meta.db_table), quote(meta.pk.column or "id")
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join(values)} RETURNING {key} AS id"  # noqa: S608
    return sql, params
