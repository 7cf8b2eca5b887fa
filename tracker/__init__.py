"""Backstretch: a back-pain stretching tracker.

``create_app`` builds the Flask app: configuration, extensions, blueprints, error
handlers and CLI commands, nothing else.
"""
from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import config as config_module
from tracker.instance_files import instance_secret

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type | Mapping | None = None) -> Flask:
    """``config``: a config class, its name ("development", "testing", "production"),
    or a mapping of settings applied over the class named by its "ENV" key (default:
    $TRACKER_ENV, else development). TRACKER_* environment variables override the
    class; a mapping overrides both."""
    with _collector_paused():
        return _build(config)


def _build(config: str | type | Mapping | None) -> Flask:
    from flask import Flask  # here, so that its import runs with the collector paused

    overrides: Mapping = config if isinstance(config, Mapping) else {}
    cls = _config_class(overrides.get("ENV") if overrides else config)
    app = Flask(__name__, static_folder="../static", template_folder="../templates",
                instance_relative_config=True, instance_path=_instance_path(overrides, cls))
    app.config.from_object(cls)
    app.config.from_prefixed_env("TRACKER")
    app.config.update(overrides)
    _refuse_unsafe_production(app, cls)
    _finish_config(app)

    from tracker.cli import register_commands
    from tracker.errors import register_error_handlers
    from tracker.extensions import register_extensions
    from tracker.scheduler import start_if_wanted
    from tracker.web import register_blueprints

    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    start_if_wanted(app)
    return app


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Building the app makes some 300,000 objects that live as long as the process
    (modules, classes, mappers, schemas, routes); the cyclic garbage collector would
    walk them again and again while they are made, for nothing (README, "Start-up",
    has the measurement). It pauses meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _config_class(choice: str | type | None) -> type:
    if isinstance(choice, type):
        return choice
    name = (choice or os.environ.get("TRACKER_ENV") or "development").lower()
    try:
        return config_module.CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown config {name!r}; one of {sorted(config_module.CONFIGS)}")


def _refuse_unsafe_production(app: Flask, cls: type) -> None:
    """Production mails reset links only to its own public address: without one it
    does not start (a link built from a request's Host header could point anywhere)."""
    if issubclass(cls, config_module.ProductionConfig) and app.config.get("MAIL_SERVER") \
            and not app.config.get("PUBLIC_URL"):
        raise RuntimeError(
            "TRACKER_PUBLIC_URL is not set: in production, links in mail (password "
            "resets) point at this address, never at the Host a request names. Set it, "
            "e.g. TRACKER_PUBLIC_URL=https://stretch.example.org, or unset "
            "TRACKER_MAIL_SERVER to send no mail.")
    if issubclass(cls, config_module.ProductionConfig) and not app.config.get("PUBLIC_URL") \
            and not app.config.get("SERVER_NAME"):
        app.logger.warning(
            "TRACKER_PUBLIC_URL is not set: a reminder's tap opens %s on browsers that show "
            "the notification themselves (Safari). Set it to this site's address.",
            "http://127.0.0.1:5000")


def _instance_path(overrides: Mapping, cls: type) -> str | None:
    """The instance folder (default database, secret and VAPID keys) a setting names:
    INSTANCE_PATH of the mapping, else $TRACKER_INSTANCE_PATH, else the class's, made
    absolute. It is needed before the app exists, so it is read here rather than from
    ``app.config``. None: Flask's ``instance/`` beside the code."""
    chosen = (overrides.get("INSTANCE_PATH") or os.environ.get("TRACKER_INSTANCE_PATH")
              or getattr(cls, "INSTANCE_PATH", None))
    return os.path.abspath(os.path.expanduser(chosen)) if chosen else None


def _finish_config(app: Flask) -> None:
    """Derive settings that depend on the instance folder or on other settings."""
    app.config["INSTANCE_PATH"] = app.instance_path  # the folder in use, absolute
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.setdefault("MIGRATIONS_DIR", str(ROOT / "migrations"))
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'tracker.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        # A SQLite connection is a file handle, never a dropped socket: pinging it
        # before every checkout is a wasted statement per request.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), "pool_pre_ping": False}
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path) / "secret_key")
    proxies = int(app.config.get("PROXY_FIX", 0) or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
