"""Configuration read from the environment when the app is created."""

import os
import secrets
from pathlib import Path
from typing import Any

#: The project folder (app.py, content/, static/, templates/, translations/).
BASE_DIR = Path(__file__).resolve().parents[2]

#: Interface languages: code -> (native name, text direction).
LANGUAGES: dict[str, tuple[str, str]] = {
    "id": ("Bahasa Indonesia", "ltr"),
    "en": ("English", "ltr"),
    "tl": (
        "Tagalog",
        "ltr",
    ),  # Babel calls it fil_PH: its catalogue is translations/fil
    "vi": ("Tiếng Việt", "ltr"),
    "ar": ("العربية", "rtl"),
}


def default_config(instance_path: Path) -> dict[str, Any]:
    """Return the configuration taken from environment variables, with safe defaults."""
    env = os.environ
    return {
        "SECRET_KEY": env.get("SECRET_KEY")
        or instance_secret_key(instance_path, "secret_key"),
        # Keys the stored hashes of personal codes; kept out of the database so a
        # copy of it alone does not reveal codes. Machines that sync share it.
        "CODE_KEY": env.get("CODE_KEY")
        or instance_secret_key(instance_path, "code_key"),
        # Each enrolled laptop's signing key is derived from this (never stored).
        "SYNC_KEY": env.get("SYNC_KEY")
        or instance_secret_key(instance_path, "sync_key"),
        # Where an enrolled laptop keeps its enrolment (default: instance folder).
        "SYNC_ENROLMENT_FILE": env.get("SYNC_ENROLMENT_FILE") or None,
        # Records per push request (a cut connection costs at most one chunk).
        "SYNC_CHUNK_RECORDS": int(env.get("SYNC_CHUNK_RECORDS", "200")),
        # How long a SQLite writer waits for the lock before the request gives up
        # (503, "try again"); a class of sixty writes in well under a second.
        # Learners of sessions closed this many days ago are anonymised
        # (`flask retention apply`, e.g. nightly from cron); reports keep counts.
        "RETENTION_DAYS": int(env.get("RETENTION_DAYS", "365")),
        "SQLITE_BUSY_MS": int(env.get("SQLITE_BUSY_MS", "30000")),
        "DATABASE_URL": env.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'jaring.sqlite3'}",
        "CONTENT_DIR": Path(env.get("CONTENT_DIR") or BASE_DIR / "content"),
        # Re-read content when a file changes (make run); off in production.
        "CONTENT_RELOAD": env.get("CONTENT_RELOAD", "") == "1",
        "LANGUAGES": list(LANGUAGES),
        "BABEL_DEFAULT_LOCALE": env.get("DEFAULT_LANGUAGE", "id"),
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),
        "QUICK_EXIT_URL": env.get("QUICK_EXIT_URL", "https://www.bbc.com/weather"),
        "CONTACT_MAX_AGE_DAYS": int(env.get("CONTACT_MAX_AGE_DAYS", "365")),
        # A help contact whose newest source is older than this, undated or only
        # partly verified is shown with "confirm before relying on it".
        "CONTACT_SOURCE_MAX_AGE_DAYS": int(
            env.get("CONTACT_SOURCE_MAX_AGE_DAYS", str(3 * 365 + 1))
        ),
        # Time and memory limits for parsing one content file (start-up, content check)
        # and one editor's preview; a real module needs well under a second.
        "CONTENT_SECONDS_PER_FILE": float(env.get("CONTENT_SECONDS_PER_FILE", "10")),
        "PREVIEW_SECONDS": float(env.get("PREVIEW_SECONDS", "3")),
        "PREVIEW_MEMORY_MB": int(env.get("PREVIEW_MEMORY_MB", "512")),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # How many reverse proxies (nginx, a load balancer) stand in front of the app
        # and may be trusted to say the client's address (X-Forwarded-For) and scheme.
        # 0 (the default) trusts none: set it only when every request passes them.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # Failed sign-ins from one address (a school router) are slowed, never refused.
        "SLOW_AFTER_FAILURES": int(env.get("SLOW_AFTER_FAILURES", "20")),
        "SLOW_MAX_SECONDS": float(env.get("SLOW_MAX_SECONDS", "2")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "") == "1",
        "WTF_CSRF_TIME_LIMIT": None,  # a class may keep a quiz open for an hour
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ],
        "COMPRESS_MIN_SIZE": 300,
        "SEND_FILE_MAX_AGE_DEFAULT": 0,
    }


def instance_secret_key(instance_path: Path, name: str) -> str:
    """Return the key kept in instance/`name`, creating it once if missing."""
    key_file = instance_path / name
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: if two workers start at once, the loser reads the winner's key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
