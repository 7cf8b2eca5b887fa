"""The log form on a phone in a real Chromium: short before anything is ticked,
no sideways scrolling at 360 px, and errors that take the person to their field."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

SCREEN_H = 844
# The whole form before ticking, with the usual plan of four stretches.
MAX_FORM_SCREENS = 1.5


def sign_in(page, user):
    page.goto("/login")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()


def test_log_form_before_ticking_fits_in_one_and_a_half_screens(page, user):
    sign_in(page, user)
    page.goto("/log")
    form = page.locator("main form")
    height = form.evaluate("f => f.getBoundingClientRect().height")
    if os.environ.get("TRACKER_REPORT_HEIGHT"):
        print(f"log form height before ticking: {height:.0f}px = {height / SCREEN_H:.2f} screens")
    shot(page, "log-form-unticked")
    assert height <= MAX_FORM_SCREENS * SCREEN_H
