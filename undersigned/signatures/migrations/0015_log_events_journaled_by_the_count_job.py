# The public log's events are journaled by the count job as it folds each count change,
# not written beside the change by the transition. A change carries its signature's handle
# for that. A change still waiting when this runs hands its journaled event back: the
# event is removed and the change takes its handle, so the fold journals it once, in order.

from django.db import migrations, models

from undersigned.signatures.journal import count_change_event


def hand_back_waiting_events(apps, schema_editor):
    CountChange = apps.get_model("signatures", "CountChange")
    PendingLogEvent = apps.get_model("signatures", "PendingLogEvent")
    waiting = PendingLogEvent.objects.filter(
        count_change_id__in=CountChange.objects.values("id")
    ).order_by("id")
    for event in waiting.iterator():
        CountChange.objects.filter(pk=event.count_change_id).update(handle=event.handle)
    waiting.delete()


def journal_waiting_changes(apps, schema_editor):
    CountChange = apps.get_model("signatures", "CountChange")
    PendingLogEvent = apps.get_model("signatures", "PendingLogEvent")
    for change in CountChange.objects.exclude(handle="").order_by("id").iterator():
        event = count_change_event(change.from_state or None, change.to_state or None)
        if event is not None:
            PendingLogEvent.objects.create(
                campaign_id=change.campaign_id,
                event=event,
                handle=change.handle,
                region_code=change.region_code,
                count_change_id=change.pk,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0014_partial_indexes_where_set"),
    ]

    operations = [
        migrations.AddField(
            model_name="countchange",
            name="handle",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.RunPython(hand_back_waiting_events, journal_waiting_changes),
    ]
