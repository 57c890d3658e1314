# The decisions' model now belongs to the signatures app (signatures 0009): the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('verification', '0001_initial'),
        ('signatures', '0009_decision'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Decision')],
            database_operations=[],
        ),
    ]
