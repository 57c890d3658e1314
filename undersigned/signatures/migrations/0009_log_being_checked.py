# The public log now records arrivals and every other change of the being-checked figure.
# Signatures already waiting when it started are journaled as arrivals, so that the log's
# being-checked figure starts from what the tallies count.

from django.db import migrations


def journal_waiting(apps, schema_editor):
    Signature = apps.get_model("signatures", "Signature")
    PendingLogEvent = apps.get_model("signatures", "PendingLogEvent")
    waiting = Signature.objects.filter(
        state__in=["received", "matched"], merged_into__isnull=True, held=False
    ).order_by("id")
    batch = []
    for campaign_id, handle, region_code in waiting.values_list(
        "campaign_id", "handle", "region_code"
    ).iterator():
        batch.append(
            PendingLogEvent(
                campaign_id=campaign_id, event="received", handle=handle, region_code=region_code
            )
        )
        if len(batch) == 5000:
            PendingLogEvent.objects.bulk_create(batch)
            batch = []
    PendingLogEvent.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0008_named_list_index"),
    ]

    operations = [
        migrations.RunPython(journal_waiting, migrations.RunPython.noop),
    ]
