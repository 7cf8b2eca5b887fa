"""Configuration: the config classes, TRACKER_* environment overrides, mapping
overrides, and the secret key generated once into the instance folder.

Every app here gets a temporary instance folder (``instance_path``) and a clean
environment (no TRACKER_* variables from the calling shell), so what is asserted is
what the code chooses, not what the machine happens to have set.
"""
from __future__ import annotations

import os
import stat

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from tracker import create_app, instance_files
from tracker import scheduler


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, instance_path):
    for name in list(os.environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)
    # Development would start the in-process scheduler; these tests are about config.
    monkeypatch.setenv("TRACKER_SCHEDULER", "off")


def test_defaults_run_on_sqlite_in_the_instance_folder(instance_path):
    app = create_app("development")
    assert app.instance_path == str(instance_path)
    assert instance_path.is_dir()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance_path / 'tracker.db'}"
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    assert app.config["RATELIMIT_ENABLED"] is True
    assert app.config["MAX_CONTENT_LENGTH"] == 1_000_000
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("choice, cls", [
    ("development", config.DevelopmentConfig),
    ("testing", config.TestingConfig),
    ("production", config.ProductionConfig),
    ("PRODUCTION", config.ProductionConfig),
    (config.TestingConfig, config.TestingConfig),
])
def test_config_chosen_by_name_or_class(choice, cls):
    app = create_app(choice)
    assert app.config["SESSION_COOKIE_SECURE"] is cls.SESSION_COOKIE_SECURE
    assert app.config["AUTH_RATE_LIMIT"] == cls.AUTH_RATE_LIMIT
    assert app.config.get("TESTING", False) is getattr(cls, "TESTING", False)


def test_class_named_by_tracker_env(monkeypatch):
    monkeypatch.setenv("TRACKER_ENV", "testing")
    app = create_app()
    assert app.config["TESTING"] is True
    assert app.config["AUTH_RATE_LIMIT"] == config.TestingConfig.AUTH_RATE_LIMIT


def test_mapping_env_key_names_the_class():
    app = create_app({"ENV": "production", "SCHEDULER": "off"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


@pytest.mark.parametrize("via", ["mapping", "environment"])
def test_audit_5_production_with_mail_but_no_public_url_refuses_to_start(monkeypatch, via):
    """Issue 20, finding 5: reset links in mail must not come from a request's Host."""
    if via == "mapping":
        settings = {"ENV": "production", "MAIL_SERVER": "smtp.example.org"}
    else:
        monkeypatch.setenv("TRACKER_ENV", "production")
        monkeypatch.setenv("TRACKER_MAIL_SERVER", "smtp.example.org")
        settings = None
    with pytest.raises(RuntimeError, match="TRACKER_PUBLIC_URL is not set"):
        create_app(settings)


@pytest.mark.parametrize("settings", [
    {"ENV": "production", "MAIL_SERVER": "smtp.example.org",
     "PUBLIC_URL": "https://stretch.example.org"},
    {"ENV": "production"},  # no mail, no links to point anywhere
    {"ENV": "development", "MAIL_SERVER": "smtp.example.org"},
    {"ENV": "testing", "MAIL_SERVER": "smtp.example.org"},
])
def test_public_url_is_needed_only_by_production_mail(settings):
    assert create_app(settings).config.get("MAIL_SERVER") == settings.get("MAIL_SERVER")


@pytest.mark.parametrize("name", ["staging", "dev", "prod"])
def test_unknown_config_name_is_refused(name):
    with pytest.raises(ValueError, match="unknown config"):
        create_app(name)


@pytest.mark.parametrize("env_name, raw, key, expected", [
    ("TRACKER_DATABASE_URL", "sqlite:////tmp/elsewhere.db", "SQLALCHEMY_DATABASE_URI",
     "sqlite:////tmp/elsewhere.db"),
    ("TRACKER_DATABASE_URL", "postgresql+psycopg://u@db.invalid:5432/tracker",
     "SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://u@db.invalid:5432/tracker"),
    ("TRACKER_SECRET_KEY", "from-the-environment", "SECRET_KEY", "from-the-environment"),
    ("TRACKER_SCHEDULER", "off", "SCHEDULER", "off"),
    ("TRACKER_RATELIMIT_ENABLED", "false", "RATELIMIT_ENABLED", False),
    ("TRACKER_RATELIMIT_ENABLED", "true", "RATELIMIT_ENABLED", True),
    ("TRACKER_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15", "RATELIMIT_STORAGE_URI",
     "redis://127.0.0.1:6379/15"),
    ("TRACKER_MAX_CONTENT_LENGTH", "2000000", "MAX_CONTENT_LENGTH", 2_000_000),
    ("TRACKER_AUTH_RATE_LIMIT", "3 per minute", "AUTH_RATE_LIMIT", "3 per minute"),
    ("TRACKER_SQLITE_BUSY_TIMEOUT", "2.5", "SQLITE_BUSY_TIMEOUT", 2.5),
    ("TRACKER_PAGE_SIZE_DEFAULT", "20", "PAGE_SIZE_DEFAULT", 20),
    ("TRACKER_SESSION_COOKIE_SECURE", "true", "SESSION_COOKIE_SECURE", True),
])
def test_every_setting_overridable_from_the_environment(monkeypatch, env_name, raw, key,
                                                          expected):
    monkeypatch.setenv(env_name, raw)
    app = create_app("development")
    assert app.config[key] == expected
    assert type(app.config[key]) is type(expected)


def test_scheduler_off_from_environment_beats_development_default():
    assert config.DevelopmentConfig.SCHEDULER == "on"
    create_app("development")
    assert not scheduler.is_running()


def test_scheduler_on_starts_the_background_scheduler(monkeypatch):
    monkeypatch.setenv("TRACKER_SCHEDULER", "on")
    try:
        app = create_app("testing")
        assert scheduler.is_running()
        response = app.test_client().get("/healthz")
        assert response.get_json()["scheduler"] == "running"
    finally:
        if scheduler.is_running():
            scheduler.get_scheduler().shutdown(wait=False)


def test_proxy_fix_wraps_the_app_when_asked(monkeypatch):
    assert not isinstance(create_app("testing").wsgi_app, ProxyFix)
    monkeypatch.setenv("TRACKER_PROXY_FIX", "1")
    assert isinstance(create_app("testing").wsgi_app, ProxyFix)


def test_mapping_overrides_beat_the_environment(monkeypatch):
    monkeypatch.setenv("TRACKER_MAX_CONTENT_LENGTH", "2000")
    app = create_app({"ENV": "testing", "MAX_CONTENT_LENGTH": 3000})
    assert app.config["MAX_CONTENT_LENGTH"] == 3000


def test_environment_beats_the_class(monkeypatch):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "env-secret")
    assert create_app("testing").config["SECRET_KEY"] == "env-secret"


def test_database_url_in_mapping_is_used():
    app = create_app({"ENV": "testing", "DATABASE_URL": "sqlite:////tmp/mapped.db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/mapped.db"


# --- the secret key ---------------------------------------------------------------


def test_secret_key_generated_once_into_instance_and_reused(instance_path):
    first = create_app("development")
    key_file = instance_path / "secret_key"
    assert key_file.exists()
    key = first.config["SECRET_KEY"]
    assert key == key_file.read_text().strip()
    assert len(key) == 64 and int(key, 16) >= 0  # 32 random bytes, hex
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = create_app("development")
    assert second.config["SECRET_KEY"] == key
    # No temporary files left behind.
    assert sorted(p.name for p in instance_path.iterdir()) == ["secret_key"]


def test_sessions_survive_a_restart_with_the_generated_key(instance_path):
    """A cookie signed by one process is accepted by the next (the key is shared)."""
    first = create_app("development")
    second = create_app("development")
    serializer_a = first.session_interface.get_signing_serializer(first)
    serializer_b = second.session_interface.get_signing_serializer(second)
    assert serializer_b.loads(serializer_a.dumps({"hello": "world"})) == {"hello": "world"}


def test_different_instance_folders_get_different_keys(tmp_path, monkeypatch):
    from flask import Flask

    keys = []
    for name in ("one", "two"):
        monkeypatch.setattr(Flask, "auto_find_instance_path",
                            lambda self, name=name: str(tmp_path / name))
        keys.append(create_app("development").config["SECRET_KEY"])
    assert keys[0] != keys[1]


def test_configured_secret_key_writes_no_file(instance_path, monkeypatch):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "configured")
    app = create_app("development")
    assert app.config["SECRET_KEY"] == "configured"
    assert not (instance_path / "secret_key").exists()


def test_secret_key_race_loser_uses_the_winners_key(tmp_path, monkeypatch):
    """Two processes starting at once: the one whose hard link fails reads the key the
    other one wrote, so both sign sessions with the same key."""
    path = tmp_path / "secret_key"
    real_link = os.link

    def link_after_someone_else(src, dst):  # noqa: ANN001
        path.write_text("winner-key\n")
        real_link(src, dst)  # raises FileExistsError, as in a real race

    monkeypatch.setattr(instance_files.os, "link", link_after_someone_else)
    assert instance_files.instance_secret(path) == "winner-key"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


@pytest.mark.parametrize(("url", "ping"), [
    ("sqlite:///x.db", False),  # a file: nothing to go stale
    ("postgresql+psycopg://u@h/db", True),  # a socket: check it before use
])
def test_pre_ping_only_for_servers(instance_path, url, ping):
    from tracker import create_app

    app = create_app({"ENV": "testing", "DATABASE_URL": url, "SCHEDULER": "off"})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is ping


# --- the instance folder (issue 20, finding 11) -----------------------------------


@pytest.mark.parametrize("how", ["environment", "mapping"])
def test_instance_path_setting_moves_every_instance_file(tmp_path, monkeypatch, how,
                                                         instance_path):
    elsewhere = tmp_path / "data" / "backstretch"
    settings = {"ENV": "development"}
    if how == "environment":
        monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(elsewhere))
    else:
        settings["INSTANCE_PATH"] = str(elsewhere)
    app = create_app(settings)
    assert app.instance_path == app.config["INSTANCE_PATH"] == str(elsewhere)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{elsewhere / 'tracker.db'}"
    assert (elsewhere / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o700
    assert not instance_path.exists()  # the default folder is never made


def test_relative_instance_path_is_taken_from_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", "var/data")
    app = create_app("development")
    assert app.instance_path == str(tmp_path / "var" / "data")
    assert (tmp_path / "var" / "data" / "secret_key").exists()


def test_mapping_instance_path_beats_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "from-env"))
    app = create_app({"ENV": "testing", "INSTANCE_PATH": str(tmp_path / "from-mapping")})
    assert app.instance_path == str(tmp_path / "from-mapping")
    assert not (tmp_path / "from-env").exists()


def test_instance_secret_is_never_readable_by_others(tmp_path, monkeypatch):
    """The key is written into a file made owner-only at creation, not chmod-ed after
    its content is already on disk."""
    seen = []
    real_write = instance_files.Path.write_text

    def write_text(self, data, *args, **kwargs):  # noqa: ANN001
        seen.append(stat.S_IMODE(self.stat().st_mode) if self.exists() else None)
        return real_write(self, data, *args, **kwargs)

    monkeypatch.setattr(instance_files.Path, "write_text", write_text)
    old = os.umask(0o022)
    try:
        instance_files.instance_secret(tmp_path / "secret_key")
    finally:
        os.umask(old)
    assert seen == [0o600]
