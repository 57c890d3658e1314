# A log event no longer names a count change: the count job journals it as it folds one
# (0015). Its own migration, so that going back rebuilds the column's index before 0015
# writes the events that name their changes again.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0015_log_events_journaled_by_the_count_job"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="pendinglogevent",
            name="count_change_id",
        ),
    ]
