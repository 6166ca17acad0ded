"""`runserver` plus the periodic jobs in a background thread, for the embedded default with no
Celery broker: notices still close and overdue rectifications are still flagged under `make run`."""

import threading

from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand

from yuxi_campaign.jobs import run_periodic_jobs


class Command(RunserverCommand):
    help = "runserver, plus the periodic jobs every PERIODIC_JOB_SECONDS when no Celery broker is set."

    def inner_run(self, *args, **options):
        if not settings.CELERY_BROKER_URL:
            stop = threading.Event()

            def loop():
                while not stop.wait(settings.PERIODIC_JOB_SECONDS):
                    run_periodic_jobs()

            threading.Thread(target=loop, name="periodic-jobs", daemon=True).start()
            self.stdout.write(
                f"后台定时任务已启动：每 {settings.PERIODIC_JOB_SECONDS} 秒运行一次（无消息队列模式）"
            )
        return super().inner_run(*args, **options)
