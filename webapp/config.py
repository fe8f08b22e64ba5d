"""Configuration read from the environment inside create_app, never at import time."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from models.db import default_url
from webapp.mail import mail_settings

MIN_SECRET_BYTES = 32


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the app config from the environment, then apply test overrides."""
    production = os.environ.get("JIEBANG_ENV", "development") == "production"
    config = {
        "JIEBANG_ENV": "production" if production else "development",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_url(instance_path),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "PER_PAGE": 20,
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000"),
        "MATCHING_INDEX_DIR": os.environ.get("MATCHING_INDEX_DIR") or str(Path(instance_path) / "index"),
        "TRUSTED_PROXIES": _count(os.environ.get("TRUSTED_PROXIES", "0"), "TRUSTED_PROXIES"),
        "SIGNIN_ACCOUNT_LIMIT": _count(os.environ.get("SIGNIN_ACCOUNT_LIMIT", "10"), "SIGNIN_ACCOUNT_LIMIT"),
        "SIGNIN_ADDRESS_LIMIT": _count(os.environ.get("SIGNIN_ADDRESS_LIMIT", "50"), "SIGNIN_ADDRESS_LIMIT"),
        "FILE_STORAGE": os.environ.get("FILE_STORAGE", "local"),  # local | s3
        "FILE_DIR": os.environ.get("FILE_DIR") or str(Path(instance_path) / "files"),
        "S3_BUCKET": os.environ.get("S3_BUCKET", "jiebang-files"),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL"),  # e.g. a MinIO or Ceph gateway; AWS when unset
        "S3_REGION": os.environ.get("S3_REGION"),
        **mail_settings(dict(os.environ)),
    }
    config.update(overrides or {})
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError("SECRET_KEY must be set when JIEBANG_ENV=production")
        config["SECRET_KEY"] = _development_secret(instance_path)
    if production and len(config["SECRET_KEY"].encode()) < MIN_SECRET_BYTES:
        raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes when JIEBANG_ENV=production "
                          "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')")
    if config["FILE_STORAGE"] not in ("local", "s3"):
        raise ConfigError(f"FILE_STORAGE must be local or s3, not {config['FILE_STORAGE']!r}")
    return config


def _count(value: str, name: str) -> int:
    """A non-negative whole number from the environment."""
    if not value.strip().isdigit():
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    return int(value)


def _development_secret(instance_path: str) -> str:
    """A random key kept in the instance folder so every worker signs cookies alike."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
