# The decisions' model now belongs to the signatures app (signatures 0010): the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('verification', '0002_evidence_signer_contact'),
        ('signatures', '0010_decision'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Decision')],
            database_operations=[],
        ),
    ]
