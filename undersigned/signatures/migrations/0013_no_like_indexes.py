"""The signature's handle, receipt hash and client hash lose PostgreSQL's LIKE indexes.

Declared unique or indexed on the field, a text column gets a second index on
PostgreSQL for LIKE queries; nothing asks them of these three random values, and each
signature wrote all three. The uniqueness and the plain index stay as they are, now
declared in the model's Meta under the names they already have (the client hash's
index renamed to fit Django's limit): nothing is rebuilt.
"""

from django.db import migrations, models

from undersigned.signatures.models import new_handle

LIKE_INDEXES = {
    "signatures_signature_handle_65bb0fab_like": "handle",
    "signatures_signature_receipt_hash_a0645110_like": "receipt_hash",
    "signatures_signature_client_hash_2598892c_like": "client_hash",
}
OLD_CLIENT_INDEX = "signatures_signature_client_hash_2598892c"
NEW_CLIENT_INDEX = "signature_client_hash"


def drop_like_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for name in LIKE_INDEXES:
            execute(f'DROP INDEX IF EXISTS "{name}"')
        execute(f'ALTER INDEX IF EXISTS "{OLD_CLIENT_INDEX}" RENAME TO "{NEW_CLIENT_INDEX}"')
    else:
        execute(f'DROP INDEX IF EXISTS "{OLD_CLIENT_INDEX}"')
        execute(f'CREATE INDEX "{NEW_CLIENT_INDEX}" ON "signatures_signature" ("client_hash")')


def restore_like_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(f'ALTER INDEX IF EXISTS "{NEW_CLIENT_INDEX}" RENAME TO "{OLD_CLIENT_INDEX}"')
        for name, column in LIKE_INDEXES.items():
            execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "signatures_signature"'
                f' ("{column}" varchar_pattern_ops)'
            )
    else:
        execute(f'DROP INDEX IF EXISTS "{NEW_CLIENT_INDEX}"')
        execute(f'CREATE INDEX "{OLD_CLIENT_INDEX}" ON "signatures_signature" ("client_hash")')


class Migration(migrations.Migration):
    dependencies = [("signatures", "0012_fewer_indexes_per_signature")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_like_indexes, restore_like_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="signature",
                    name="handle",
                    field=models.CharField(default=new_handle, editable=False, max_length=32),
                ),
                migrations.AlterField(
                    model_name="signature",
                    name="receipt_hash",
                    field=models.CharField(blank=True, max_length=64, null=True),
                ),
                migrations.AlterField(
                    model_name="signature",
                    name="client_hash",
                    field=models.CharField(blank=True, max_length=64),
                ),
                migrations.AddConstraint(
                    model_name="signature",
                    constraint=models.UniqueConstraint(
                        fields=("handle",), name="signatures_signature_handle_key"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="signature",
                    constraint=models.UniqueConstraint(
                        fields=("receipt_hash",), name="signatures_signature_receipt_hash_key"
                    ),
                ),
                migrations.AddIndex(
                    model_name="signature",
                    index=models.Index(fields=["client_hash"], name="signature_client_hash"),
                ),
            ],
        ),
    ]
