"""The floor every figure is divided by: a bare Flask JSON hello-world, served by the
same gunicorn command as the app (``gunicorn bench.hello:app``)."""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return {"hello": "world"}
