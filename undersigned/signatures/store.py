"""Writing a new signature together with the rows that go with it.

A new signature is written with its pending count change (its public-log event follows
when the count job folds the change) and its audit event. On PostgreSQL they go in one
statement of data-modifying WITH clauses: one round trip, atomic by itself, so that a
signature taken outside any transaction needs no BEGIN and COMMIT either. Other
databases get the same rows from the ORM in one transaction. A duplicate signature fails
the whole write with IntegrityError and leaves nothing behind.
"""

from contextlib import nullcontext
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import psycopg
from django.db import DatabaseError, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import CountChange, Signature


def insert_new_signature(
    signature: Signature, change: CountChange, audit_events: list[AuditEvent]
) -> None:
    """Insert `signature` and its companions, filling in the ids that tie them together."""
    connection = connections[router.db_for_write(Signature)]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=connection.alias):
            signature.save(using=connection.alias)
            change.save(using=connection.alias)
            for audit_event in audit_events:
                audit_event.object_id = str(signature.pk)
            AuditEvent.objects.using(connection.alias).bulk_create(audit_events)
        return
    clauses = (
        ("new_signature", [signature], ()),
        ("new_change", [change], ()),
        ("new_audit", audit_events, (("object_id", "new_signature"),)),
    )
    shape = tuple((name, type(rows[0]), len(rows), refs) for name, rows, refs in clauses if rows)
    statement = _statement(connection, shape)
    params = [
        value
        for _, rows, refs in clauses
        for row in rows
        for value in _values(connection, row, dict(refs))
    ]
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
    for audit_event in audit_events:
        audit_event.object_id = str(signature.pk)


def _execute_prepared(
    connection: BaseDatabaseWrapper, statement: str, params: list[Any]
) -> tuple[Any, ...] | None:
    """Run `statement` as a prepared statement with parameters bound by the server: this
    connection parses and plans it once, not for every signature. (A savepoint, when
    the caller holds a transaction, keeps that transaction usable after a duplicate.)"""
    # Django's cursors bind parameters on the client; a psycopg.Cursor on the same
    # connection binds them on the server, which is what preparing needs. Its errors
    # are turned into Django's (IntegrityError for a duplicate) as Django's own are.
    with (
        connection.cursor() as wrapper,
        connection.wrap_database_errors,
        psycopg.Cursor(wrapper.connection) as cursor,
    ):
        cursor.execute(statement, params, prepare=True)
        return cursor.fetchone()


Shape = tuple[tuple[str, type[models.Model], int, tuple[tuple[str, str], ...]], ...]


@lru_cache(maxsize=32)
def _fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    """The columns an insert writes: every concrete one but the key."""
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.column)


# Fields whose value, once of this type, is written as it is: their pre_save is the plain
# attribute and preparing such a value returns it unchanged.
_PLAIN: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.AutoField: int,  # through a foreign key: the row it points at
    models.BigAutoField: int,
}


# PostgreSQL's adapter takes dates and aware datetimes as they are (a naive datetime is
# prepared, as Django would); a field that sets its own time on save is always prepared.
_PLAIN_WHEN_NOT_AUTO: dict[type[models.Field[Any, Any]], type] = {
    models.DateTimeField: datetime,
    models.DateField: date,
}


@lru_cache(maxsize=32)
def _columns(
    model: type[models.Model], vendor: str
) -> tuple[tuple[models.Field[Any, Any], type | None], ...]:
    """`_fields` with, for each, the type of value it takes as it is, None too (None:
    prepare every value)."""
    columns = []
    for field in _fields(model):
        target = field.target_field if isinstance(field, models.ForeignKey) else field
        plain = _PLAIN.get(type(target))
        sets_own_time = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if plain is None and vendor == "postgresql" and not sets_own_time:
            plain = _PLAIN_WHEN_NOT_AUTO.get(type(target))
        columns.append((field, plain))
    return tuple(columns)


@lru_cache(maxsize=32)
def _statement(connection: BaseDatabaseWrapper, shape: Shape) -> str:
    """The WITH statement for these clauses: (name, model, rows, refs), where `refs` maps a
    field to an earlier clause whose new id it takes. Made once per shape, from the
    models' own metadata (identifiers quoted); every value is a parameter."""
    quote = connection.ops.quote_name
    clauses = []
    for name, model, count, refs in shape:
        fields, ref = _fields(model), dict(refs)
        placeholders = []
        for field in fields:
            if field.attname in ref:
                cast = "::text" if field.get_internal_type() in {"CharField", "TextField"} else ""
                placeholders.append(f"(SELECT id FROM {ref[field.attname]}){cast}")  # noqa: S608
            else:
                placeholders.append("%s")
        row = f"({', '.join(placeholders)})"
        columns = ", ".join(quote(str(field.column)) for field in fields)
        table, key = quote(model._meta.db_table), quote(str(model._meta.pk.column))
        clauses.append(
            f"{name} AS (INSERT INTO {table} ({columns}) VALUES {', '.join([row] * count)}"  # noqa: S608
            f" RETURNING {key} AS id)"
        )
    return (
        f"WITH {', '.join(clauses)} "  # noqa: S608
        "SELECT (SELECT id FROM new_signature), (SELECT id FROM new_change)"
    )


def _values(connection: BaseDatabaseWrapper, row: models.Model, refs: dict[str, str]) -> list[Any]:
    """The parameters of one row, in `_statement`'s column order: plain values as they
    are, every other one prepared by its field as Django's own insert would."""
    values = []
    for field, plain in _columns(type(row), connection.vendor):
        if field.attname in refs:
            continue
        value = row.__dict__.get(field.attname)
        if plain is None or not (
            value is None
            or (type(value) is plain and (plain is not datetime or value.tzinfo is not None))  # type: ignore[attr-defined]
        ):
            value = field.get_db_prep_save(field.pre_save(row, add=True), connection=connection)
        values.append(value)
    return values
