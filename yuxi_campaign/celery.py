"""The Celery app. Tasks live in each app's tasks.py; beat reads its schedule from the database."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuxi_campaign.settings")

app = Celery("yuxi_campaign")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
if not app.conf.broker_url:
    # No broker: tasks run in process (eager). An in-memory transport keeps Celery from reaching
    # for an AMQP server on localhost and warning about it on every queued task.
    app.conf.broker_url = "memory://localhost/"
