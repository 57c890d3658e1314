"""Many rows written in a few multi-row parameterised statements.

Building a model instance per row costs more than the row itself in a batch of
thousands, and one statement per row costs the database more again. Identifiers come
from the model; every value is a parameter.
"""

from typing import Any

from django.db import connection, models

MAX_ROWS_PER_STATEMENT = 1000


def insert_rows(
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    *,
    add_on_conflict: tuple[list[str], str] | None = None,
) -> None:
    """Insert `rows` (values in `columns` order). `add_on_conflict` = (unique columns,
    column): a row whose unique columns exist already adds its value to that column."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = {field.name: field for field in model._meta.concrete_fields}
    column = {name: quote(str(fields[name].column)) for name in columns}
    table = quote(model._meta.db_table)
    suffix = ""
    if add_on_conflict is not None:
        unique, added = add_on_conflict
        target = column[added]
        suffix = (
            f" ON CONFLICT ({', '.join(column[name] for name in unique)})"
            f" DO UPDATE SET {target} = {table}.{target} + excluded.{target}"
        )
    row_marks = f"({', '.join(['%s'] * len(columns))})"
    per_statement = max(
        1, min(MAX_ROWS_PER_STATEMENT, connection.ops.bulk_batch_size(columns, rows))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(column.values())})"  # noqa: S608 - names from the model, values are parameters
                f" VALUES {', '.join([row_marks] * len(chunk))}{suffix}",
                [value for row in chunk for value in row],
            )
