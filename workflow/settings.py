"""Settings, read once from ``YIDE_*`` environment variables and validated before anything starts.

One frozen dataclass per concern, each field with its environment variable and a line saying what it
is for. ``load_settings()`` raises :class:`SettingsError` naming the variable at fault, which the
CLI turns into one clear line and a non-zero exit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A setting has a value yide cannot use; the message names the variable."""


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 10**9) -> int:
    raw = _env(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not an integer") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name}={value} must be between {minimum} and {maximum}")
    return value


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0").lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    """YIDE_DATABASE_URL: ``sqlite:///path/to/file.sqlite`` (default, under the data dir),
    ``postgresql://user@host:5432/db`` or ``cockroach://user@host:26257/db`` (untested)."""
    pool_size: int = 10
    """YIDE_DB_POOL_SIZE: connections per worker process on PostgreSQL."""
    sqlite_timeout: int = 30
    """YIDE_SQLITE_TIMEOUT: seconds a SQLite writer waits for the write lock before failing."""

    @property
    def engine(self) -> str:
        """``sqlite``, ``postgres`` or ``cockroach``: Piccolo's engine family for the URL."""
        return _ENGINE_BY_SCHEME[urlsplit(self.url).scheme]

    @property
    def sqlite_path(self) -> Path:
        if self.engine != "sqlite":
            raise SettingsError("sqlite_path asked of a non-SQLite database")
        parts = urlsplit(self.url)
        return Path(parts.netloc + parts.path) if parts.netloc else Path(parts.path.removeprefix("/"))


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    """YIDE_HOST: address to listen on; loopback by default, put a reverse proxy in front."""
    port: int = 8000
    """YIDE_PORT: TCP port."""
    workers: int = 1
    """YIDE_WORKERS: uvicorn worker processes; workers keep no state of their own."""
    public_url: str = "http://127.0.0.1:8000"
    """YIDE_PUBLIC_URL: the address people type, printed on credential sheets and 公示 QR codes."""
    trusted_proxies: tuple[str, ...] = ()
    """YIDE_TRUSTED_PROXIES: comma-separated proxy IPs whose X-Forwarded-For is believed."""


@dataclass(frozen=True)
class SecuritySettings:
    secret_key: str = ""
    """YIDE_SECRET_KEY: signs session tokens; if empty, one is generated in the data dir (0600).
    Every worker and machine behind one load balancer must share it."""
    session_minutes: int = 480
    """YIDE_SESSION_MINUTES: how long a login lasts."""
    login_max_failures: int = 5
    """YIDE_LOGIN_MAX_FAILURES: consecutive failed passwords before the account locks."""
    lockout_minutes: int = 15
    """YIDE_LOCKOUT_MINUTES: how long a locked account stays locked."""
    login_ip_limit: int = 30
    """YIDE_LOGIN_IP_LIMIT: failed logins one client address may make per 15 minutes."""
    secure_cookies: bool = False
    """YIDE_SECURE_COOKIES: mark cookies Secure; turn on whenever yide is served over HTTPS."""


@dataclass(frozen=True)
class SelectionSettings:
    otp_minutes: int = 5
    """YIDE_OTP_MINUTES: how long a one-time code sent to a phone stays valid."""
    otp_attempts: int = 5
    """YIDE_OTP_ATTEMPTS: wrong codes allowed before the code is void."""
    otp_per_phone_per_hour: int = 5
    """YIDE_OTP_PHONE_HOURLY: codes one phone number may request per hour (per campaign)."""
    otp_per_ip_per_hour: int = 120
    """YIDE_OTP_IP_HOURLY: codes one client address may request per hour (a hospital NAT is many people)."""
    vote_token_minutes: int = 15
    """YIDE_VOTE_TOKEN_MINUTES: how long a verified phone may keep voting without a new code."""
    rejections_per_ip_per_hour: int = 200
    """YIDE_BALLOT_REJECTIONS_HOURLY: rejected staff ballots one client address may send per campaign
    and hour before its ballots are refused unlogged (429): a flood cannot fill the public log."""
    batch_window_ms: int = 2
    """YIDE_BALLOT_BATCH_MS: how long ballot ingest gathers concurrent ballots into one commit."""
    batch_max: int = 256
    """YIDE_BALLOT_BATCH_MAX: most ballots committed (and logged) in one transaction."""
    scheduler_seconds: int = 10
    """YIDE_SCHEDULER_SECONDS: how often each worker looks for scheduled phase changes (0: never)."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    """YIDE_DATA_DIR: holds the SQLite database, the log signing keys and uploads."""
    database: DatabaseSettings
    server: ServerSettings = field(default_factory=ServerSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    selection: SelectionSettings = field(default_factory=SelectionSettings)
    log_name: str = "yide.local"
    """YIDE_LOG_NAME: the origin prefix of every transparency log (e.g. ``wjw.example.gov.cn/yide``);
    checkpoints are named ``<log_name>/<scope>``. Choose it once: it is part of every signature."""
    upload_max_bytes: int = 5 * 1024 * 1024
    """YIDE_UPLOAD_MAX_BYTES: largest accepted photo or attachment."""


_ENGINE_BY_SCHEME = {
    "sqlite": "sqlite",
    "postgresql": "postgres",
    "postgres": "postgres",
    "cockroach": "cockroach",
    "cockroachdb": "cockroach",
}


def _database_url(data_dir: Path) -> str:
    default = f"sqlite:///{data_dir / 'yide.sqlite'}"
    url = _env("YIDE_DATABASE_URL", default) or default
    parts = urlsplit(url)
    if parts.scheme not in _ENGINE_BY_SCHEME:
        raise SettingsError(
            f"YIDE_DATABASE_URL={url!r} is not a database URL; expected sqlite:///file.sqlite, "
            "postgresql://user@host:5432/db or cockroach://user@host:26257/db"
        )
    if parts.scheme == "sqlite" and not (parts.netloc + parts.path).strip("/"):
        raise SettingsError(f"YIDE_DATABASE_URL={url!r} names no SQLite file")
    if parts.scheme != "sqlite":
        if not parts.hostname and "host=" not in parts.query:
            raise SettingsError(f"YIDE_DATABASE_URL={url!r} names no host")
        try:
            _ = parts.port
        except ValueError:
            raise SettingsError(f"YIDE_DATABASE_URL={url!r} has an invalid port") from None
        if not parts.path.strip("/"):
            raise SettingsError(f"YIDE_DATABASE_URL={url!r} names no database")
    return url


def load_settings() -> Settings:
    """Read and validate every setting; raise SettingsError on the first bad one."""
    data_dir = Path(_env("YIDE_DATA_DIR", "yide-data")).expanduser()
    proxies = tuple(p.strip() for p in _env("YIDE_TRUSTED_PROXIES", "").split(",") if p.strip())
    host = _env("YIDE_HOST", "127.0.0.1")
    port = _env_int("YIDE_PORT", 8000, minimum=1, maximum=65535)
    return Settings(
        data_dir=data_dir,
        database=DatabaseSettings(
            url=_database_url(data_dir),
            pool_size=_env_int("YIDE_DB_POOL_SIZE", 10, minimum=1, maximum=500),
            sqlite_timeout=_env_int("YIDE_SQLITE_TIMEOUT", 30, minimum=1, maximum=600),
        ),
        server=ServerSettings(
            host=host,
            port=port,
            workers=_env_int("YIDE_WORKERS", 1, minimum=1, maximum=64),
            public_url=_env("YIDE_PUBLIC_URL", f"http://{host}:{port}").rstrip("/"),
            trusted_proxies=proxies,
        ),
        security=SecuritySettings(
            secret_key=_env("YIDE_SECRET_KEY", ""),
            session_minutes=_env_int("YIDE_SESSION_MINUTES", 480, minimum=5, maximum=7 * 24 * 60),
            login_max_failures=_env_int("YIDE_LOGIN_MAX_FAILURES", 5, minimum=1, maximum=100),
            lockout_minutes=_env_int("YIDE_LOCKOUT_MINUTES", 15, minimum=1, maximum=24 * 60),
            login_ip_limit=_env_int("YIDE_LOGIN_IP_LIMIT", 30, minimum=1, maximum=100_000),
            secure_cookies=_env_bool("YIDE_SECURE_COOKIES", False),
        ),
        selection=SelectionSettings(
            otp_minutes=_env_int("YIDE_OTP_MINUTES", 5, minimum=1, maximum=60),
            otp_attempts=_env_int("YIDE_OTP_ATTEMPTS", 5, minimum=1, maximum=20),
            otp_per_phone_per_hour=_env_int("YIDE_OTP_PHONE_HOURLY", 5, minimum=1, maximum=100),
            otp_per_ip_per_hour=_env_int("YIDE_OTP_IP_HOURLY", 120, minimum=1, maximum=1_000_000),
            vote_token_minutes=_env_int("YIDE_VOTE_TOKEN_MINUTES", 15, minimum=1, maximum=24 * 60),
            rejections_per_ip_per_hour=_env_int(
                "YIDE_BALLOT_REJECTIONS_HOURLY", 200, minimum=1, maximum=1_000_000
            ),
            batch_window_ms=_env_int("YIDE_BALLOT_BATCH_MS", 2, minimum=0, maximum=1000),
            batch_max=_env_int("YIDE_BALLOT_BATCH_MAX", 256, minimum=1, maximum=5000),
            scheduler_seconds=_env_int("YIDE_SCHEDULER_SECONDS", 10, minimum=0, maximum=3600),
        ),
        log_name=_env("YIDE_LOG_NAME", "yide.local"),
        upload_max_bytes=_env_int("YIDE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024, minimum=1024, maximum=1 << 30),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once."""
    return load_settings()
