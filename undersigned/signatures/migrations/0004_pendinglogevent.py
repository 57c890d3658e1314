# The public log's journal is written by the signatures' transitions: its model moves here
# from the ledger app. The table stays as it is; only Django's state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('ledger', '0003_pending_by_count_change'),
        ('signatures', '0003_api_channel'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PendingLogEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event', models.CharField(max_length=16)),
                        ('handle', models.CharField(max_length=32)),
                        ('region_code', models.CharField(blank=True, max_length=16)),
                        ('count_change_id', models.BigIntegerField(blank=True, db_index=True, null=True)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='campaigns.campaign')),
                    ],
                    options={
                        'db_table': 'ledger_pendinglogevent',
                        'ordering': ['id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
