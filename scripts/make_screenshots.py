"""Make the two screenshots the web app manifest shows in the install dialog
(static/screenshots/today.png and log.png, 390x844), from the app itself with a
month of demo data, in Debian's headless Chromium.

    PYTHONPATH=. .venv/bin/python scripts/make_screenshots.py
"""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tracker import create_app

OUT = Path(__file__).resolve().parent.parent / "static" / "screenshots"


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{folder / 'shots.db'}",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
    app.test_cli_runner().invoke(args=["demo", "seed", "--days", "30", "--email", "demo@example.com",
                                       "--password", "demo password 1"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(base_url=f"http://127.0.0.1:{server.server_port}",
                                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page.goto("/login")
        page.fill("#email", "demo@example.com")
        page.fill("#password", "demo password 1")
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        for name, path in (("today", "/"), ("log", "/log")):
            page.goto(path)
            page.screenshot(path=str(OUT / f"{name}.png"))
            print(OUT / f"{name}.png")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
