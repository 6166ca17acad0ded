"""Settings of the benchmark's gunicorn: the project's, with the development tools on and the
baseline views mounted."""

import os

os.environ["DEVTOOLS"] = "1"

from yuxi_campaign.settings import *  # noqa: E402, F403

ROOT_URLCONF = "devtools.bench.urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
