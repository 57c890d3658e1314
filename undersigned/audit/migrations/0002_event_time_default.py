# An event's time is a default taken when the event is made, not a value forced on insert:
# the signing path gives a sealed signer's events their day. Neither is in the database's
# schema, so only Django's state changes (no table is rebuilt).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='auditevent',
                    name='at',
                    field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
            database_operations=[],
        ),
    ]
