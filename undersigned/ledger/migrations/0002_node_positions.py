# Tree nodes keyed by one packed number, (level << 56) | index, fetched with one IN lookup.

from django.db import migrations, models


def pack_positions(apps, schema_editor):
    LogNode = apps.get_model("ledger", "LogNode")
    for node in LogNode.objects.all().iterator():
        node.position = (node.level << 56) | node.index
        node.save(update_fields=["position"])


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_public_log"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="lognode", name="log_node_unique_position"),
        migrations.AddField(
            model_name="lognode", name="position", field=models.BigIntegerField(null=True)
        ),
        migrations.RunPython(pack_positions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="lognode", name="position", field=models.BigIntegerField()
        ),
        migrations.RemoveField(model_name="lognode", name="level"),
        migrations.RemoveField(model_name="lognode", name="index"),
        migrations.AlterField(
            model_name="lognode",
            name="campaign",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.PROTECT,
                to="campaigns.campaign",
            ),
        ),
        migrations.AddConstraint(
            model_name="lognode",
            constraint=models.UniqueConstraint(
                fields=("campaign", "position"), name="log_node_unique_position"
            ),
        ),
    ]
