"""Measuring a straight-leg raise with the phone (static/js/measure.js) in a real
Chromium at 390x844 with touch: the motion sensors are overridden through DevTools
(the accelerometer behind DeviceMotion's accelerationIncludingGravity, and the
orientation behind DeviceOrientation's beta), the angle is measured, saved through
the log form and read back from the API with its method."""
from __future__ import annotations

import math
import random
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, shot, sign_in

pytestmark = pytest.mark.e2e

G = 9.80665


def screen(page, name: str) -> None:
    """What the phone's screen shows (the measuring view covers it), for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


class Sensors:
    """The phone's accelerometer, set through the DevTools protocol."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Emulation.setSensorOverrideEnabled", {"enabled": True, "type": "accelerometer"})

    def tilt(self, elevation: float, roll: float = 0, noise: float = 0, rng=random.Random(11)):
        """The reading of a still phone whose long axis is ``elevation``° above the horizontal."""
        e, r = math.radians(elevation), math.radians(roll)
        x, y, z = G * math.cos(e) * math.sin(r), G * math.sin(e), G * math.cos(e) * math.cos(r)
        x, y, z = (v + rng.uniform(-noise, noise) for v in (x, y, z))
        self.cdp.send("Emulation.setSensorOverrideReadings",
                      {"type": "accelerometer", "reading": {"xyz": {"x": x, "y": y, "z": z}}})

    def hold(self, page, elevation: float, seconds: float, **kw):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.tilt(elevation, **kw)
            page.wait_for_timeout(40)

    def raise_to(self, page, elevation: float, seconds: float, **kw):
        steps = max(1, int(seconds / 0.05))
        for i in range(1, steps + 1):
            self.tilt(elevation * i / steps, **kw)
            page.wait_for_timeout(50)


def tick(card):
    """Tick a stretch card: its fields (angles, measure buttons) open, both legs ticked."""
    card.locator("input[name$='[done]']").check()
    expect(card.locator("[data-card-fields]")).to_have_attribute("open", "")


def open_view(page, user, side: str):
    """Sign in, open the log form and the measuring view of the strap raise's ``side``."""
    sign_in(page, user)
    page.goto("/log")
    card = page.locator("#card-slr-strap")
    tick(card)
    card.get_by_role("button", name=f"Measure {side} leg with phone").click()
    return card, page.get_by_role("dialog", name=f"Measure the {side} leg")


def save(page, button: str = "Save session") -> dict[str, dict]:
    """Submit the log form; the saved strap-raise entries by side, read through the API."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text("Session saved.")).to_be_visible()
    response = page.request.get("/api/v1/sessions")
    assert response.ok
    return {e["side"]: e for s in response.json()["items"] for e in s["entries"]
            if e["stretch"] == "slr-strap"}


def test_measure_a_raise_with_the_phone(page, users, user):
    sensors = Sensors(page)
    sensors.tilt(0)
    sign_in(page, user)
    page.goto("/log")
    card = page.locator("#card-slr-strap")
    # Unticked, the card is short: its angles and measure buttons wait behind the tick.
    expect(card.get_by_role("button", name="Measure left leg with phone")).to_be_hidden()
    tick(card)
    angle = card.locator("input[name$='[angle_left]']")
    measure = card.get_by_role("button", name="Measure left leg with phone")
    expect(measure).to_have_attribute("aria-controls", angle.get_attribute("id"))
    expect(card.get_by_role("button", name="Measure right leg with phone")).to_be_visible()
    card.locator("input[name$='[done]']").uncheck()  # measuring ticks it again
    card.scroll_into_view_if_needed()
    screen(page, "measure-buttons")
    measure.click()

    view = page.get_by_role("dialog", name="Measure the left leg")
    expect(view).to_be_visible()
    expect(view.get_by_text("flat on the shin")).to_be_visible()
    sensors.hold(page, 0, 0.5)
    expect(view.locator(".measure-digits")).to_have_text("0")
    view.get_by_role("button", name="Set zero").click()
    screen(page, "measure-zero")

    sensors.raise_to(page, 45, 1.0, noise=0.2)
    view.get_by_role("button", name="Start").click()  # the guided 10 s hold
    sensors.hold(page, 45, 3.0, noise=0.2)
    expect(view.locator(".measure-best")).to_contain_text("Highest angle held 2 s")
    shown = float(view.locator(".measure-digits").inner_text().replace("−", "-"))
    assert abs(shown - 45) <= 1
    status = view.get_by_role("status").filter(has_text="degrees")
    expect(status).to_have_count(1)
    screen(page, "measure-holding")
    page.emulate_media(color_scheme="dark")
    screen(page, "measure-holding-dark")
    page.emulate_media(color_scheme="light")

    view.get_by_role("button", name="Use this angle").click()
    expect(view).to_be_hidden()
    value = float(angle.input_value())
    assert abs(value - 45) <= 1 and value * 2 == int(value * 2)  # half degrees
    expect(card.locator("input[name$='[angle_method_left]']")).to_have_value("phone")
    expect(card.locator("input[name$='[angle_method_right]']")).to_have_value("manual")
    expect(card.locator("input[name$='[done]']")).to_be_checked()
    card.locator("input[name$='[angle_right]']").fill("50")
    entries = save(page)
    expect(page.get_by_text("measured with phone")).to_have_count(1)
    shot(page, "measure-session-saved")
    assert abs(entries["left"]["angle_deg"] - 45) <= 1
    assert entries["left"]["angle_method"] == "phone"
    assert (entries["right"]["angle_deg"], entries["right"]["angle_method"]) == (50, "manual")

    # Editing keeps the method; typing over the measured value makes it manual.
    page.get_by_role("link", name="History").click()
    expect(page.locator(".badge.phone")).to_have_count(1)
    page.emulate_media(color_scheme="dark")
    screen(page, "measure-history-dark")
    page.emulate_media(color_scheme="light")
    page.locator(".history-line a").filter(has_text="measured with phone").click()
    page.get_by_role("link", name="Edit").click()
    card = page.locator("#card-slr-strap")
    expect(card.locator("input[name$='[angle_method_left]']")).to_have_value("phone")
    expect(card.get_by_role("button", name="Measure left leg with phone")).to_be_visible()
    card.locator("input[name$='[angle_left]']").fill("47")
    expect(card.locator("input[name$='[angle_method_left]']")).to_have_value("manual")
    entries = save(page, "Save changes")
    assert (entries["left"]["angle_deg"], entries["left"]["angle_method"]) == (47, "manual")


def test_cancel_changes_nothing_and_rolling_does_not_matter(page, users, user):
    sensors = Sensors(page)
    sensors.tilt(0, roll=20)
    sign_in(page, user)
    page.goto("/log")
    card = page.locator("#card-supine-hamstring")
    tick(card)
    card.locator("input[name$='[angle_right]']").fill("30")
    card.get_by_role("button", name="Measure right leg with phone").click()
    view = page.get_by_role("dialog", name="Measure the right leg")
    sensors.hold(page, 0, 0.5, roll=20)
    view.get_by_role("button", name="Set zero").click()
    sensors.hold(page, 60, 2.6, roll=20)
    expect(view.locator(".measure-digits")).to_have_text(re.compile(r"^(59\.5|60|60\.5)$"))
    view.get_by_role("button", name="Cancel").click()
    expect(view).to_be_hidden()
    expect(card.locator("input[name$='[angle_right]']")).to_have_value("30")
    expect(card.locator("input[name$='[angle_method_right]']")).to_have_value("manual")


def test_orientation_beta_when_motion_is_missing(page, users, user):
    cdp = page.context.new_cdp_session(page)
    cdp.send("DeviceOrientation.setDeviceOrientationOverride", {"alpha": 0, "beta": 0, "gamma": 0})
    card, view = open_view(page, user, "right")
    expect(view.locator(".measure-digits")).to_have_text("0")
    view.get_by_role("button", name="Set zero").click()
    cdp.send("DeviceOrientation.setDeviceOrientationOverride", {"alpha": 0, "beta": 38, "gamma": 15})
    expect(view.locator(".measure-best")).to_contain_text("38°", timeout=6000)
    view.get_by_role("button", name="Use this angle").click()
    expect(card.locator("input[name$='[angle_right]']")).to_have_value("38")
    expect(card.locator("input[name$='[angle_method_right]']")).to_have_value("phone")
    # A value changed without an input event (autofill, a script) is no measurement.
    card.locator("input[name$='[angle_right]']").evaluate("el => { el.value = '39'; }")
    card.locator("input[name$='[angle_left]']").fill("20")
    entries = save(page)
    assert (entries["right"]["angle_deg"], entries["right"]["angle_method"]) == (39, "manual")


def test_without_sensors_it_says_so_and_typing_still_works(page, users, user):
    card, view = open_view(page, user, "left")
    expect(view.get_by_role("alert")).to_contain_text("no motion readings")
    expect(view.get_by_role("button", name="Use this angle")).to_be_hidden()
    screen(page, "measure-no-sensors")
    view.get_by_role("button", name="Close").click()
    expect(view).to_be_hidden()
    card.locator("input[name$='[angle_left]']").fill("42.5")
    entries = save(page)
    expect(page.get_by_text("measured with phone")).to_have_count(0)
    assert [(e["side"], e["angle_deg"], e["angle_method"]) for e in entries.values()] == [
        ("left", 42.5, "manual"), ("right", None, None)]


# iOS asks for motion permission, and only from a tap: stand in for its API (a
# browser's, not ours) and record whether the page asked inside the user's gesture.
IOS_PERMISSION = """
window.permissionAsks = [];
for (const Type of [DeviceMotionEvent, DeviceOrientationEvent]) {
  Type.requestPermission = () => {
    window.permissionAsks.push(navigator.userActivation.isActive);
    return Promise.resolve(%s);
  };
}
"""


@pytest.mark.parametrize("answer", ["granted", "denied"])
def test_ios_permission_is_asked_from_the_tap(page, users, user, answer):
    sensors = Sensors(page)
    sensors.tilt(30)
    page.add_init_script(IOS_PERMISSION % f'"{answer}"')
    card, view = open_view(page, user, "left")
    if answer == "granted":
        expect(view.locator(".measure-digits")).to_have_text("30")
    else:
        expect(view.get_by_role("alert")).to_contain_text("not allowed")
        expect(view.locator(".measure-digits")).to_be_hidden()
        screen(page, "measure-refused")
    assert page.evaluate("window.permissionAsks") == [True, True]
    view.get_by_role("button", name=re.compile("^(Cancel|Close)$")).click()
    expect(card.locator("input[name$='[angle_left]']")).to_have_value("")


def test_readout_for_screen_readers_speaks_at_most_every_few_seconds(page, users, user):
    sensors = Sensors(page)
    sensors.tilt(0)
    card, view = open_view(page, user, "left")
    expect(view.locator(".measure-digits")).to_have_text("0")
    page.evaluate("""() => {
      window.spoken = [];
      const status = document.querySelector("dialog.measure [role=status]");
      new MutationObserver(() => window.spoken.push([performance.now(), status.textContent]))
        .observe(status, { childList: true, characterData: true, subtree: true });
    }""")
    sensors.raise_to(page, 70, 6.5)  # the number changes all the time
    spoken = page.evaluate("window.spoken")
    texts = [t for _, t in spoken if t]
    assert 2 <= len(texts) <= 3, spoken
    assert all(re.fullmatch(r"−?\d+(\.5)? degrees(, steady)?", t) for t in texts), texts
    times = [at for at, t in spoken if t]
    assert all(b - a >= 2900 for a, b in zip(times, times[1:])), times


def test_spoken_cues_follow_the_hold_timer(page, users, user):
    sensors = Sensors(page)
    sensors.tilt(0)
    page.add_init_script("""
      window.said = [];
      speechSynthesis.speak = (utterance) => window.said.push(utterance.text);
    """)
    page.clock.install()
    card, view = open_view(page, user, "left")
    view.get_by_label("Spoken cues").check()
    view.get_by_role("button", name="Start").click()
    page.clock.run_for(11_000)
    expect(view.locator(".timer")).to_have_attribute("data-state", "done")
    said = page.evaluate("window.said")
    assert said[0] == "Hold" and said[-1].startswith("Done"), said


def test_trying_again_once_sensors_work_and_escape_cancels(page, users, user):
    card, view = open_view(page, user, "left")
    expect(view.get_by_role("alert")).to_contain_text("no motion readings")
    view.get_by_role("button", name="Close").click()
    sensors = Sensors(page)  # motion access switched on
    sensors.tilt(25)
    card.get_by_role("button", name="Measure left leg with phone").click()
    expect(view.get_by_role("alert")).to_be_hidden()
    # Chromium rounds accelerometer readings to 0.1 m/s² (about ±0.4° here).
    expect(view.locator(".measure-digits")).to_have_text(re.compile(r"^(24\.5|25|25\.5)$"))
    expect(view.get_by_role("button", name="Use this angle")).to_be_visible()
    page.keyboard.press("Escape")
    expect(view).to_be_hidden()
    expect(card.locator("input[name$='[angle_left]']")).to_have_value("")
    expect(card.locator("input[name$='[angle_method_left]']")).to_have_value("manual")
