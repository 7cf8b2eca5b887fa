"""gunicorn's settings for serving Backstretch (README, "Scaling out"):

    .venv/bin/gunicorn -c gunicorn.conf.py

Each setting can be changed by the usual environment variables: WEB_CONCURRENCY (worker
processes, default 2), GUNICORN_THREADS (threads per worker, default 16),
GUNICORN_BIND (default 127.0.0.1:8000), or gunicorn's own GUNICORN_CMD_ARGS. The web
workers run no scheduler (TRACKER_SCHEDULER=off, the production default): run
``flask --app tracker scheduler run`` beside them.

Threads, not sync workers: a sync worker serves one connection from its first byte to
its last, so two clients sending a body at a byte a second stopped a 2-worker site.
With ``gthread`` a slow client holds one thread of 16, and idle keep-alive connections
wait in the worker's poller, not in a thread. A proxy that buffers request bodies
(nginx, see README "Scaling out") remains the defence against many such clients."""
import os

wsgi_app = "tracker:create_app()"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
keepalive = 5


def when_ready(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    """Rate-limit counters are shared by every worker by default (the app's database,
    or Redis when configured). Kept in memory, as TRACKER_RATELIMIT_STORAGE_URI=memory://
    asks, each of N workers counts alone and every limit is N times as loose: say so
    once, at start."""
    storage = os.environ.get("TRACKER_RATELIMIT_STORAGE_URI", "")
    enabled = os.environ.get("TRACKER_RATELIMIT_ENABLED", "true").lower() not in ("false", "0")
    if server.cfg.workers > 1 and storage.startswith("memory://") and enabled:
        server.log.warning(
            "TRACKER_RATELIMIT_STORAGE_URI=memory:// while %d worker processes serve: each "
            "counts alone, so every limit is %d times as loose. Leave it unset to share the "
            "counters in the database, or use redis://localhost:6379/0.", server.cfg.workers,
            server.cfg.workers)


# The app is built once, in the master, and the workers are forked from it: they start
# at once and share its memory (README, "Start-up": four workers take about half the
# memory they take when each builds its own app).
preload_app = True


def post_fork(server, worker) -> None:  # noqa: ANN001, ARG001
    """Each worker opens database connections of its own, never one the master's pool
    made before the fork (SQLAlchemy's advice for forked processes)."""
    app = server.app.wsgi()
    db = getattr(app, "extensions", {}).get("sqlalchemy")  # Flask-SQLAlchemy's extension
    if db is None:
        return
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
