"""The schedule: every periodic job, each under a lock that a second runner respects, so
two runners at once do each job's work once."""

from dataclasses import replace
from functools import partial
from typing import Any

from django.conf import settings
from django.test import override_settings

from harness.smtp import SMTPServer
from tests.base import PersonaTestCase, make_claims
from undersigned.core.periodic import PeriodicJob, PeriodicRunner
from undersigned.jobs import counts as count_job
from undersigned.jobs.schedule import SCHEDULE
from undersigned.signatures.public import counts_for
from undersigned.updates import actions as updates
from undersigned.updates.delivery import send_confirmation
from undersigned.updates.models import SubscriptionRequest


def _job(name: str) -> PeriodicJob:
    return next(job for job in SCHEDULE if job.name == name)


class ScheduleTest(PersonaTestCase):
    def test_every_job_has_an_interval_a_lock_and_one_entry(self) -> None:
        names = [job.name for job in SCHEDULE]
        assert len(names) == len(set(names)) == 11
        for job in SCHEDULE:
            assert job.every_seconds > 0, job.name
            assert job.lock, job.name
            if job.setting:
                assert job.every_seconds == float(getattr(settings, job.setting))
        assert _job("counts").run is count_job.run_count_job
        assert _job("reconcile").run is count_job.run_reconciliation
        # Both move the tallies, and both are followed by the same steps: never at once.
        assert _job("counts").lock == _job("reconcile").lock

    def test_the_table_in_the_schedules_docstring_is_the_schedule(self) -> None:
        from undersigned.jobs import schedule

        units = {"s": 1, "min": 60, "hour": 3600}
        rows = [
            [cell.strip() for cell in line.strip("|").split("|")]
            for line in (schedule.__doc__ or "").splitlines()
            if line.startswith("| ") and not line.startswith(("| job ", "| ---"))
        ]
        assert [row[0] for row in rows] == [job.name for job in SCHEDULE]
        for (name, every, setting, lock, _inside), job in zip(rows, SCHEDULE, strict=True):
            amount, unit = every.split()
            assert float(amount) * units[unit] == job.every_seconds, name
            assert (setting or None) == job.setting, name
            assert (lock or f"periodic:{name}") == job.lock, name

    def test_a_setting_changes_its_jobs_interval(self) -> None:
        with override_settings(UPDATES_REQUEST_SECONDS=42):
            assert _job("updates.subscription_requests").every_seconds == 42

    def test_the_runner_waits_until_the_next_job_is_due(self) -> None:
        ran: list[str] = []
        fast = PeriodicJob("fast", partial(ran.append, "fast"), seconds=1)
        slow = PeriodicJob("slow", partial(ran.append, "slow"), seconds=60)
        runner = PeriodicRunner([fast, slow])
        assert runner.seconds_to_next(now=100.0) == 0.0  # nothing has run yet
        assert runner.run_due(now=100.0) == ["fast", "slow"]
        assert runner.seconds_to_next(now=100.25) == 0.75
        assert runner.run_due(now=100.5) == []
        assert runner.run_due(now=101.0) == ["fast"]
        assert ran == ["fast", "slow", "fast"]

    def test_while_one_runner_is_inside_a_job_a_second_runner_skips_it(self) -> None:
        """For every job: a first runner is in the middle of it when a second runner starts
        the whole schedule; the second does the other jobs, never that one."""
        self.sign_verified(make_claims(1))
        for job in SCHEDULE:
            second_ran: list[str] = []

            def inside(job: PeriodicJob = job, second_ran: list[str] = second_ran) -> None:
                second_ran.extend(PeriodicRunner(SCHEDULE).run_due())
                job.run()

            first = PeriodicRunner([replace(job, run=inside)])
            assert first.run_due() == [job.name]
            assert job.name not in second_ran
            sharing_the_lock = {other.name for other in SCHEDULE if other.lock == job.lock}
            assert set(second_ran) == {j.name for j in SCHEDULE} - sharing_the_lock
        assert counts_for(self.campaign).verified == 1

    def test_two_runners_at_once_send_one_confirmation(self) -> None:
        """Two runners reach the subscription job together: the second starts while the
        first is about to send. One confirmation goes to the address, not two."""
        updates.request_email_subscription(self.campaign, "reader@example.org", "en")
        job = _job("updates.subscription_requests")
        second = PeriodicRunner(SCHEDULE)
        second_ran: list[str] = []

        def send_while_a_second_runner_starts(*args: Any) -> None:
            second_ran.extend(second.run_due())
            send_confirmation(*args)

        first = PeriodicRunner(
            [
                replace(
                    job,
                    run=partial(
                        updates.handle_subscription_requests, send=send_while_a_second_runner_starts
                    ),
                )
            ]
        )
        with SMTPServer() as smtp, override_settings(**smtp.settings()):
            assert first.run_due() == [job.name]
            assert len(smtp.received) == 1
            assert job.name not in second_ran
            # The request is handled: the next runs of either runner send nothing more.
            assert PeriodicRunner(SCHEDULE).run_due()
        assert len(smtp.received) == 1
        assert not SubscriptionRequest.objects.exists()
