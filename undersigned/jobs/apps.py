from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "undersigned.jobs"
    label = "jobs"

    def ready(self) -> None:
        from django.conf import settings

        from undersigned.core import periodic
        from undersigned.jobs import counts

        periodic.register("counts", settings.COUNT_INTERVAL_SECONDS, counts.run_count_job)
