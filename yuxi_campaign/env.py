"""Small typed readers of the environment that fail loudly on a bad value."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, unquote, urlsplit


class ConfigError(RuntimeError):
    """A setting in the environment has a value we cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ConfigError(f"{name} is set but lists nothing: give comma-separated values")
    return items


def parse_database_url(url: str, *, base_dir: str, pool_size: int = 8, pool_timeout: int = 10) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry.

    PostgreSQL goes through psycopg's pool unless ``?pool=false``: each process holds at most
    ``pool_size`` connections (one idle), whatever its threads do, so neither runserver (a thread
    per request) nor gunicorn's workers can exhaust ``max_connections``; a request that finds the
    pool busy for ``pool_timeout`` seconds gets a 503. Without the pool, connections are not kept
    between requests (CONN_MAX_AGE 0): a thread's connection closes when its request ends.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:
            raise ConfigError(f"DATABASE_URL={url!r}: write sqlite:///relative.db or sqlite:////absolute.db")
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise ConfigError(f"DATABASE_URL={url!r} names no SQLite file")
        if not os.path.isabs(path) and path != ":memory:":
            path = os.path.join(base_dir, path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                # IMMEDIATE makes a writer take the lock at BEGIN, so two simultaneous transitions
                # queue instead of failing with "database is locked" half-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError(f"DATABASE_URL={url!r} names no database")
        options = dict(parse_qsl(parts.query))
        pool = options.pop("pool", "true").lower() not in {"0", "false", "no", "off"}
        db_options: dict = dict(options)
        if pool and pool_size < 1:
            raise ConfigError(f"DB_POOL_SIZE={pool_size}: the pool needs at least one connection")
        if pool:
            db_options["pool"] = {"min_size": 1, "max_size": pool_size, "timeout": pool_timeout}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 0,
            "OPTIONS": db_options,
        }
    raise ConfigError(f"DATABASE_URL={url!r}: only sqlite:/// and postgres:// are supported")


def evidence_storage_from_env() -> dict:
    """The STORAGES entry of the evidence files, from EVIDENCE_STORAGE: ``local`` (the default, a
    folder under PRIVATE_MEDIA_ROOT on this host) or ``s3`` (a bucket of an S3-compatible object
    store that every host shares, configured by the EVIDENCE_S3_* variables)."""
    kind = env_str("EVIDENCE_STORAGE", "local").strip().lower()
    if kind == "local":
        return {"BACKEND": "assessments.storage.PrivateFileSystemStorage"}
    if kind != "s3":
        raise ConfigError(f"EVIDENCE_STORAGE={kind!r}: use local or s3")
    bucket = env_str("EVIDENCE_S3_BUCKET").strip()
    if not bucket:
        raise ConfigError("EVIDENCE_STORAGE=s3 needs EVIDENCE_S3_BUCKET (the bucket's name)")
    access_key, secret_key = env_str("EVIDENCE_S3_ACCESS_KEY"), env_str("EVIDENCE_S3_SECRET_KEY")
    if bool(access_key) != bool(secret_key):
        raise ConfigError(
            "EVIDENCE_S3_ACCESS_KEY and EVIDENCE_S3_SECRET_KEY go together: set both or neither"
        )
    return {
        "BACKEND": "assessments.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: Amazon S3 itself; an on-premises store gives its address (https://s3.intra:9000).
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("EVIDENCE_S3_REGION") or None,
            # Neither: boto3's own chain (AWS_ACCESS_KEY_ID and so on, an instance role).
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": env_str("EVIDENCE_S3_PREFIX", "evidence"),  # key prefix inside the bucket
            # Path-style addresses (host/bucket/key) work with every S3-compatible server.
            "addressing_style": env_str("EVIDENCE_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            # A CA bundle for a store whose certificate an internal authority signed.
            "verify": env_str("EVIDENCE_S3_CA_BUNDLE") or None,
            "default_acl": None,  # no ACL sent: objects stay as private as the bucket
            "querystring_auth": True,  # never an unsigned link (and the storage refuses any link)
            "file_overwrite": True,  # names are fresh uuid4s: no existence check per upload
            # A download is read from the store into memory up to 1 MB, into a temporary file above.
            "max_memory_size": 1024 * 1024,
        },
    }


def exports_storage_from_env() -> dict:
    """The STORAGES entry of the export files: wherever the evidence is (EVIDENCE_STORAGE), under
    their own folder (PRIVATE_MEDIA_ROOT/exports) or key prefix (EXPORT_S3_PREFIX, ``exports``)."""
    evidence = evidence_storage_from_env()
    if "OPTIONS" not in evidence:
        return {"BACKEND": "yuxi_campaign.core.files.PrivateFolderStorage", "OPTIONS": {"folder": "exports"}}
    options = {**evidence["OPTIONS"], "location": env_str("EXPORT_S3_PREFIX", "exports")}
    return {**evidence, "OPTIONS": options}
