# The journal's model now belongs to the signatures app (signatures 0004): the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_pending_by_count_change'),
        ('signatures', '0004_pendinglogevent'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PendingLogEvent')],
            database_operations=[],
        ),
    ]
