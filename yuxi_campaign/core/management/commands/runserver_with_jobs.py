"""`runserver` plus the periodic jobs in a background thread, for the embedded default with no
Celery broker: the jobs of ``settings.PERIODIC_JOBS`` still run, each on its own period."""

import threading

from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand

from yuxi_campaign.core.jobs import run_due_jobs


class Command(RunserverCommand):
    help = "runserver, plus the periodic jobs of settings.PERIODIC_JOBS when no Celery broker is set."

    def inner_run(self, *args, **options):
        if not settings.CELERY_BROKER_URL:
            stop = threading.Event()
            last_run: dict[str, float] = {}

            def loop():
                while not stop.wait(settings.PERIODIC_JOB_SECONDS):
                    run_due_jobs(last_run)

            threading.Thread(target=loop, name="periodic-jobs", daemon=True).start()
            names = "、".join(settings.PERIODIC_JOBS)
            self.stdout.write(f"后台定时任务已启动（无消息队列模式）：{names}")
        return super().inner_run(*args, **options)
