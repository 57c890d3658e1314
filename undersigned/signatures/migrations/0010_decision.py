# The verifiers' decisions now belong to the signatures app, beside the transitions that
# seal them: their model moves here from the verification app. The table stays as it is;
# only Django's state changes.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('officials', '0001_initial'),
        ('signatures', '0009_log_being_checked'),
        ('verification', '0002_evidence_signer_contact'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('match', 'matched to a registry official'), ('unmatch', 'registry match undone'), ('verify', 'confirmed'), ('reject', 'rejected'), ('reopen', 'reopened')], max_length=16)),
                        ('method', models.CharField(blank=True, choices=[('code', 'confirmation code'), ('phone', "phone call to the office's public number"), ('in_person', 'in person'), ('public_statement', 'public statement (link)'), ('known', 'known to the verifier'), ('signer_contact', 'reached the signer through the contact they left')], max_length=20)),
                        ('reason', models.CharField(blank=True, choices=[('not_official', 'not an official'), ('impersonation', 'impersonation'), ('duplicate', 'duplicate'), ('invalidated', 'invalidated in bulk'), ('other', 'other')], max_length=16)),
                        ('link', models.URLField(blank=True, max_length=500)),
                        ('note', models.TextField(blank=True)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('official', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='officials.official')),
                        ('signature', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='signatures.signature')),
                        ('verifier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'verification_decision',
                        'ordering': ['id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
