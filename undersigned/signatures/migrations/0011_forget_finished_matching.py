# Finished registry-matching tasks left their rows in the task queue: each names a signature
# (its id in the arguments), times it to the microsecond and says how it matched. They are
# removed now, as the worker removes each one as it finishes from here on.

from django.db import migrations

MATCH_TASK_PATH = "undersigned.signatures.registry_match.match_signature_task"
FINISHED = ["SUCCESSFUL", "FAILED"]


def forget_finished_matching(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=MATCH_TASK_PATH, status__in=FINISHED).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("signatures", "0010_decision"),
    ]

    operations = [migrations.RunPython(forget_finished_matching, migrations.RunPython.noop)]
