import pytest

from yuxi_campaign.env import ConfigError, env_bool, env_int, env_list, parse_database_url


def test_bad_environment_values_fail_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ConfigError, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", True)
    monkeypatch.setenv("PERIODIC_JOB_SECONDS", "often")
    with pytest.raises(ConfigError, match="not an integer"):
        env_int("PERIODIC_JOB_SECONDS", 60)
    monkeypatch.setenv("ALLOWED_HOSTS", " , ")
    with pytest.raises(ConfigError, match="lists nothing"):
        env_list("ALLOWED_HOSTS", [])


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/", "sqlite://", "sqlite://host/x.db"])
def test_unusable_database_urls_are_refused(url):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        parse_database_url(url, base_dir="/srv")


def test_database_urls_are_understood():
    pg = parse_database_url(
        "postgres://app:s%40cret@db.local:5433/campaign?pool=true&sslmode=require", base_dir="/srv"
    )
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "campaign",
        "app",
        "s@cret",
        "db.local",
        "5433",
    )
    assert pg["OPTIONS"] == {"pool": {"min_size": 1, "max_size": 8, "timeout": 10}, "sslmode": "require"}
    assert pg["CONN_MAX_AGE"] == 0


def test_postgres_is_pooled_by_default_and_bounded():
    """Each process holds at most DB_POOL_SIZE connections, whatever its threads do; without the
    pool no connection outlives its request."""
    pooled = parse_database_url("postgres://app@db/campaign", base_dir="/srv", pool_size=3, pool_timeout=5)
    assert pooled["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 3, "timeout": 5}
    plain = parse_database_url("postgres://app@db/campaign?pool=false", base_dir="/srv")
    assert "pool" not in plain["OPTIONS"] and plain["CONN_MAX_AGE"] == 0
    with pytest.raises(ConfigError, match="DB_POOL_SIZE"):
        parse_database_url("postgres://app@db/campaign", base_dir="/srv", pool_size=0)
    lite = parse_database_url("sqlite:///db.sqlite3", base_dir="/srv")
    assert lite["NAME"] == "/srv/db.sqlite3" and lite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update(DEBUG="0", DJANGO_SETTINGS_MODULE="yuxi_campaign.settings")
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DEBUG="0", SECRET_KEY="k" * 60 + "-production-like-secret-Xy9", ALLOWED_HOSTS="campaign.example.cn"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("debug", "devtools", "installed"),
    [("1", None, True), ("0", None, False), ("0", "1", True), ("1", "0", False)],
)
def test_devtools_are_installed_with_debug_unless_the_flag_says_otherwise(debug, devtools, installed):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEVTOOLS"}}
    env.update(DEBUG=debug, SECRET_KEY="k" * 60, DJANGO_SETTINGS_MODULE="yuxi_campaign.settings")
    if devtools is not None:
        env["DEVTOOLS"] = devtools
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.apps import apps; "
            "print(apps.is_installed('devtools'))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(installed)
