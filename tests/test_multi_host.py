"""What two web hosts must share, as the settings choose it from the environment: with Redis
(CACHE_URL) the cache and thus the API's throttles are shared and sessions are cached in it and
kept in the database; without it sessions live in the database alone; login lockouts are counted
in the database either way; evidence goes to local disk or, with EVIDENCE_STORAGE=s3, to a bucket."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import override_settings

from tests.helpers import login
from yuxi_campaign.env import ConfigError, evidence_storage_from_env

# Any Redis will do: the test's keys carry their own prefix and only they are removed.
REDIS_URL = os.environ.get("CACHE_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/8"
CHOICES = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "from rest_framework.throttling import SimpleRateThrottle as T; "
    "print(json.dumps({'session': s.SESSION_ENGINE, 'cache': s.CACHES['default']['BACKEND'], "
    "'cache_location': s.CACHES['default'].get('LOCATION'), "
    "'throttle_cache': getattr(T.cache, '_servers', None), "
    "'axes': s.AXES_HANDLER, 'evidence': s.STORAGES['evidence']}))"
)


def settings_with(**variables) -> dict:
    """The choices the settings make in a fresh process with these environment variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CACHE_URL"} and not k.startswith("EVIDENCE_")
    }
    env.update(DJANGO_SETTINGS_MODULE="yuxi_campaign.settings", **variables)
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", CHOICES], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_redis_sessions_stay_in_the_database_and_evidence_on_local_disk():
    chosen = settings_with()
    assert chosen["session"] == "django.contrib.sessions.backends.db"
    assert chosen["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert chosen["axes"] == "axes.handlers.database.AxesDatabaseHandler"
    assert chosen["evidence"] == {"BACKEND": "assessments.storage.PrivateFileSystemStorage"}


def test_with_redis_every_host_shares_the_cache_throttles_and_sessions():
    chosen = settings_with(CACHE_URL=REDIS_URL)
    assert chosen["session"] == "django.contrib.sessions.backends.cached_db"
    assert chosen["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert chosen["cache_location"] == REDIS_URL
    assert chosen["throttle_cache"] == [REDIS_URL]  # DRF's throttles count in the shared cache
    assert chosen["axes"] == "axes.handlers.database.AxesDatabaseHandler"  # lockouts: the database


def test_with_an_object_store_evidence_goes_to_the_bucket_privately():
    chosen = settings_with(
        EVIDENCE_STORAGE="s3",
        EVIDENCE_S3_BUCKET="campaign-evidence",
        EVIDENCE_S3_ENDPOINT_URL="https://s3.intra.example:9000",
        EVIDENCE_S3_ACCESS_KEY="AK",
        EVIDENCE_S3_SECRET_KEY="SK",
        EVIDENCE_S3_REGION="cn-yuxi-1",
    )["evidence"]
    assert chosen["BACKEND"] == "assessments.storage.PrivateS3Storage"
    options = chosen["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "campaign-evidence",
        "https://s3.intra.example:9000",
        "cn-yuxi-1",
    )
    assert (options["access_key"], options["secret_key"]) == ("AK", "SK")
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["location"] == "evidence" and options["addressing_style"] == "path"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EVIDENCE_STORAGE": "nfs"}, "use local or s3"),
        ({"EVIDENCE_STORAGE": "s3"}, "needs EVIDENCE_S3_BUCKET"),
        (
            {"EVIDENCE_STORAGE": "s3", "EVIDENCE_S3_BUCKET": "b", "EVIDENCE_S3_ACCESS_KEY": "AK"},
            "set both or neither",
        ),
    ],
)
def test_an_unusable_evidence_storage_fails_loudly(monkeypatch, variables, message):
    for name in (
        "EVIDENCE_STORAGE",
        "EVIDENCE_S3_BUCKET",
        "EVIDENCE_S3_ACCESS_KEY",
        "EVIDENCE_S3_SECRET_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        evidence_storage_from_env()


def test_a_server_with_an_unusable_evidence_storage_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("EVIDENCE_")}
    env.update(DJANGO_SETTINGS_MODULE="yuxi_campaign.settings", EVIDENCE_STORAGE="s3")
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "needs EVIDENCE_S3_BUCKET" in result.stderr


# --- the sessions, against Redis ------------------------------------------------------------------


@pytest.fixture
def redis_sessions():
    """The settings that CACHE_URL chooses, against Redis, under a prefix of this test's own."""
    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
    }
    with override_settings(
        CACHES={"default": redis_cache}, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        cache = caches["default"]
        try:
            cache.set("probe", 1)
        except Exception as exc:  # noqa: BLE001 - any connection error means: no Redis here
            if os.environ.get("REQUIRE_BROKER"):
                pytest.fail(f"REQUIRE_BROKER is set but Redis at {REDIS_URL} does not answer: {exc}")
            pytest.skip(f"needs Redis at {REDIS_URL}: {exc}")
        yield cache
        cache.delete("probe")


def test_a_session_is_in_redis_and_survives_losing_it_there(world, redis_sessions):
    """Cached in Redis, so hosts read it without the database; written to the database too, so an
    evicted or flushed cache (a Redis restart) signs nobody out; a logout removes both."""
    client = login(world.operator)
    key = client.session.session_key
    cached = f"django.contrib.sessions.cached_db{key}"
    assert redis_sessions.get(cached) is not None
    assert Session.objects.filter(session_key=key).exists()
    redis_sessions.delete(cached)  # evicted
    assert client.get("/assessments/").status_code == 200  # still signed in
    assert redis_sessions.get(cached) is not None  # and cached again
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert redis_sessions.get(cached) is None
