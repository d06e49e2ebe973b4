from __future__ import annotations

from pathlib import Path

import pytest

from workflow.settings import SettingsError, load_settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("YIDE_DATABASE_URL", "YIDE_DATA_DIR", "YIDE_PORT", "YIDE_SECURE_COOKIES", "YIDE_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_use_sqlite_in_the_data_dir(env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.database.engine == "sqlite"
    assert settings.database.sqlite_path == Path("yide-data") / "yide.sqlite"
    assert settings.server.port == 8000 and settings.server.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgresql://u@db.example:5432/yide", "postgres"),
        ("postgres://u@db/yide", "postgres"),
        ("cockroach://root@crdb:26257/yide", "cockroach"),
        ("sqlite:////var/lib/yide/y.sqlite", "sqlite"),
    ],
)
def test_database_urls_name_their_engine(env: pytest.MonkeyPatch, url: str, engine: str) -> None:
    env.setenv("YIDE_DATABASE_URL", url)
    assert load_settings().database.engine == engine


@pytest.mark.parametrize(
    "url",
    [
        "mysql://x/y",
        "not a url",
        "postgresql://u@host:99999/db",
        "postgresql:///",
        "sqlite://",
        "postgresql://host",
    ],
)
def test_malformed_database_url_names_the_variable(env: pytest.MonkeyPatch, url: str) -> None:
    env.setenv("YIDE_DATABASE_URL", url)
    with pytest.raises(SettingsError, match="YIDE_DATABASE_URL"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"), [("YIDE_PORT", "eighty"), ("YIDE_PORT", "0"), ("YIDE_SECURE_COOKIES", "maybe")]
)
def test_bad_values_name_their_variable(env: pytest.MonkeyPatch, name: str, value: str) -> None:
    env.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()
