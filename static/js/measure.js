// The measuring view: a "Measure … with phone" button beside every angle field
// (input[data-measure]) opens a full-screen dialog that reads the motion sensors
// through inclinometer.js, runs the 10 s hold with the guided timer, and fills the
// field with the highest angle held steady, marking that leg's method as "phone".

import { intlLocale, number, t } from "./i18n.js";
import { Inclinometer } from "./inclinometer.js";
import { initTimers } from "./timer.js";

const RENDER_MS = 100;
const ANNOUNCE_MS = 3000; // the screen-reader readout speaks at most this often
const NO_SENSOR_MS = 2500; // no usable reading by then: no sensors here
const HOLD_SECONDS = 10;

const MESSAGES = {
  missing: () => t("This device gives no motion readings (a computer, or motion sensors switched off). Close this and type the angle in the field instead."),
  refused: () => t("Motion sensors were not allowed, so the phone cannot measure. Allow motion access for this site in the browser settings, or close this and type the angle instead."),
};

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function button(text, className) {
  const el = make("button", className, text);
  el.type = "button";
  return el;
}

function degrees(value) {
  return value === null ? "–" : number(value).replace("-", "−");
}

/** The hidden field that says how this angle was measured (same card, same side):
 * entries[<slug>][angle_method_left/right] for a leg's angle, [angle_method] for
 * [angle_deg] (the log form's names, tracker/logbook/forms.py). */
function methodField(input) {
  const match = /^(.*)\[angle_(left|right|deg)\]$/.exec(input.name);
  if (!match) return null;
  const name = `${match[1]}[angle_method${match[2] === "deg" ? "" : `_${match[2]}`}]`;
  return (input.form || document).querySelector(`input[name="${CSS.escape(name)}"]`);
}

function setMethod(input, method) {
  const field = methodField(input);
  if (field) field.value = method;
}

function fire(el) {
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

function tick(box) {
  if (box && !box.checked) {
    box.checked = true;
    fire(box);
  }
}

/** Motion permission, asked inside the tap (iOS needs the gesture); "granted" or not. */
function askPermission() {
  const asks = [];
  for (const Type of [window.DeviceMotionEvent, window.DeviceOrientationEvent]) {
    if (typeof Type?.requestPermission === "function") {
      asks.push(Type.requestPermission().catch(() => "denied"));
    }
  }
  if (!asks.length) return Promise.resolve("granted");
  return Promise.all(asks).then((answers) => (answers.includes("granted") ? "granted" : "denied"));
}

function hasSensorApi() {
  return "DeviceMotionEvent" in window || "DeviceOrientationEvent" in window;
}

function speak(text, enabled) {
  if (!enabled || !("speechSynthesis" in window)) return;
  try {
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = intlLocale; // the page's language, not the phone's
    window.speechSynthesis.speak(utterance);
  } catch {
    /* a spoken cue is a nicety */
  }
}

/** The dialog, built once per page and reused for every field. */
function buildView() {
  const dialog = make("dialog", "measure");
  dialog.setAttribute("aria-labelledby", "measure-title");
  const title = make("h2", "measure-title");
  title.id = "measure-title";
  const steps = make("ol", "measure-steps");
  steps.append(
    make("li", "", t("Lay the phone flat on the shin of the leg you raise: screen up, top of the phone toward the foot.")),
    // TRANSLATORS: "Set zero" is the button's label ("Set zero" below): say it alike.
    make("li", "", t("With the leg resting on the floor or bed, tap Set zero.")),
    make("li", "", t("Raise the straight leg slowly and hold it. For the assisted raise the helper keeps the phone in place.")),
  );
  const message = make("p", "alert warn measure-message");
  message.setAttribute("role", "alert");
  message.hidden = true;

  const live = make("div", "measure-live");
  const readout = make("p", "measure-readout");
  readout.setAttribute("aria-hidden", "true");
  const digits = make("span", "measure-digits", "–");
  readout.append(digits, make("span", "measure-unit", "°"));
  const state = make("p", "measure-state", t("Waiting for the sensors…"));
  const best = make("p", "measure-best");
  const status = make("p", "sr-only");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const zero = button(t("Set zero"), "secondary measure-zero");
  const timerSlot = make("div", "measure-timer");
  const speech = make("label", "measure-speech");
  const speechBox = make("input");
  speechBox.type = "checkbox";
  speech.append(speechBox, " ", t("Spoken cues"));
  speech.hidden = !("speechSynthesis" in window);
  live.append(readout, state, best, status, zero, timerSlot, speech);

  const use = button(t("Use this angle"), "primary");
  const cancel = button(t("Cancel"), "secondary");
  const actions = make("div", "measure-actions");
  actions.append(cancel, use);
  dialog.append(title, steps, message, live, actions);
  document.body.append(dialog);
  return { dialog, title, message, live, digits, state, best, status, zero, timerSlot, speechBox, use, cancel };
}

function newTimer(slot) {
  const section = make("section", "timer");
  section.dataset.timer = "";
  section.dataset.name = t("Hold the raise");
  section.dataset.hold = String(HOLD_SECONDS);
  section.dataset.reps = "1";
  section.dataset.sides = "both";
  section.hidden = true;
  slot.replaceChildren(section);
  initTimers(slot);
  return section;
}

function stopTimer(section) {
  // The timer has no API beyond its buttons: Reset stops its ticking and cues.
  if (section && (section.dataset.state === "running" || section.dataset.state === "paused")) {
    section.querySelector(".timer-actions button.secondary")?.click();
  }
}

export function initMeasure(root = document) {
  const fields = [...root.querySelectorAll("input[data-measure]")].filter((input) => input.id && !input.dataset.measureReady);
  if (!fields.length) return;
  let view = null;
  let current = null; // the open measurement

  function close() {
    if (!current) return;
    const { timer, observer, interval, noSensor, onMotion, onOrientation, lock } = current;
    lock?.release().catch(() => {});
    window.removeEventListener("devicemotion", onMotion);
    window.removeEventListener("deviceorientation", onOrientation);
    clearInterval(interval);
    clearTimeout(noSensor);
    observer.disconnect();
    stopTimer(timer);
    current = null;
    if (view.dialog.open) view.dialog.close();
  }

  function unavailable(kind) {
    if (!current) return;
    current.unavailable = kind;
    view.message.textContent = MESSAGES[kind]();
    view.message.hidden = false;
    view.live.hidden = true;
    view.use.hidden = true;
    view.cancel.textContent = t("Close");
  }

  function available() {
    current.unavailable = null;
    view.message.hidden = true;
    view.live.hidden = false;
    view.use.hidden = false;
    view.cancel.textContent = t("Cancel");
  }

  /** A first usable reading: sensors exist after all (a slow start is no "missing"). */
  function sensed(session) {
    if (session.seen) return;
    session.seen = true;
    if (session.unavailable === "missing") available();
  }

  // The phone lies on a shin for a while: keep its screen on while the view is open.
  async function keepAwake(session) {
    try {
      const lock = await navigator.wakeLock?.request("screen");
      if (current === session) session.lock = lock;
      else lock?.release().catch(() => {});
    } catch {
      /* not allowed or not supported: the screen may dim */
    }
  }

  function render() {
    if (!current) return;
    const { meter } = current;
    // Browsers fire deviceorientation only when it changes: a still phone's last
    // beta still holds, and the steady-hold tracker needs to see time pass.
    if (current.lastBeta !== null) meter.orientation(current.lastBeta, performance.now());
    const r = meter.reading();
    view.digits.textContent = degrees(r.display);
    if (r.display === null) view.state.textContent = t("Waiting for the sensors…");
    else if (r.moving) view.state.textContent = t("Moving — keep the phone still on the shin");
    else view.state.textContent = r.steady ? t("Steady") : t("Settling…");
    view.state.dataset.steady = r.steady ? "yes" : "no";
    view.best.textContent = r.best === null
      ? t("Hold the leg still for 2 s to keep an angle.")
      : t("Highest angle held 2 s: {angle}°", { angle: degrees(r.best) });
    view.use.disabled = meter.result() === null;
    view.zero.disabled = r.display === null;
    const now = performance.now();
    if (r.display !== null && now - current.announcedAt >= ANNOUNCE_MS) {
      const angle = degrees(r.display);
      const text = r.steady ? t("{angle} degrees, steady", { angle }) : t("{angle} degrees", { angle });
      if (text !== view.status.textContent) {
        view.status.textContent = text;
        current.announcedAt = now;
      }
    }
  }

  function start(input) {
    if (!view) {
      view = buildView();
      view.cancel.addEventListener("click", close);
      view.dialog.addEventListener("close", close);
      view.zero.addEventListener("click", () => {
        if (current?.meter.setZero()) {
          view.status.textContent = t("Zero set");
          current.announcedAt = performance.now();
          render();
        }
      });
      view.use.addEventListener("click", () => {
        if (!current) return;
        const value = current.meter.result();
        if (value === null) return;
        const target = current.input;
        const side = target.dataset.measure;
        target.value = String(value);
        target.dataset.measuredValue = target.value;
        fire(target);
        setMethod(target, "phone");
        const form = target.form || document;
        const card = target.closest(".stretch-card") || form;
        const prefix = target.name.replace(/\[angle_(left|right|deg)\]$/, "");
        tick(card.querySelector(`input[name="${CSS.escape(`${prefix}[done]`)}"]`));
        if (side === "left" || side === "right") {
          tick(card.querySelector(`input[name="${CSS.escape(`${prefix}[sides]`)}"][value="${side}"]`));
        }
        close(); // focus goes back to the Measure button (not the field: no keyboard popping up)
      });
    }
    // Ask first, while this tap still counts as a user gesture (iOS).
    const permission = askPermission();

    const side = input.dataset.measure;
    view.title.textContent = side === "left" ? t("Measure the left leg")
      : side === "right" ? t("Measure the right leg") : t("Measure the angle");
    view.status.textContent = "";
    const meter = new Inclinometer();
    const timer = newTimer(view.timerSlot);
    const observer = new MutationObserver(() => {
      const spoken = view.speechBox.checked;
      if (timer.dataset.state === "running" && timer.dataset.phase === "hold" && current?.lastCue !== "hold") {
        current.lastCue = "hold";
        speak(t("Hold"), spoken);
      } else if (timer.dataset.state === "done" && current?.lastCue !== "done") {
        current.lastCue = "done";
        const result = meter.result();
        speak(result === null ? t("Done") : t("Done. {angle} degrees", { angle: degrees(result) }), spoken);
      } else if (timer.dataset.state === "idle" && current) {
        current.lastCue = null;
      }
    });
    observer.observe(timer, { attributes: true, attributeFilter: ["data-state", "data-phase"] });
    const stamp = (event) => event.timeStamp || performance.now();
    const onMotion = (event) => {
      const a = event.accelerationIncludingGravity;
      if (!a || a.x === null || a.y === null || a.z === null) return;
      meter.motion({ x: a.x, y: a.y, z: a.z }, stamp(event));
      sensed(current);
    };
    const onOrientation = (event) => {
      if (event.beta === null || event.beta === undefined) return;
      meter.orientation(event.beta, stamp(event));
      current.lastBeta = event.beta;
      sensed(current);
    };
    current = {
      input, meter, timer, observer, onMotion, onOrientation, announcedAt: -Infinity, lastCue: null, lastBeta: null, seen: false, unavailable: null, lock: null,
      interval: setInterval(render, RENDER_MS),
      noSensor: setTimeout(() => { if (!current?.seen) unavailable("missing"); }, NO_SENSOR_MS),
    };
    const session = current;
    available();
    render();
    view.dialog.showModal();

    if (!hasSensorApi()) {
      unavailable("missing");
      return;
    }
    permission.then((answer) => {
      if (current !== session) return; // closed meanwhile
      if (answer !== "granted") {
        clearTimeout(session.noSensor);
        unavailable("refused");
        return;
      }
      window.addEventListener("devicemotion", onMotion);
      window.addEventListener("deviceorientation", onOrientation);
      keepAwake(session);
    });
  }

  for (const input of fields) {
    input.dataset.measureReady = "1";
    const side = input.dataset.measure;
    const open = button(side === "left" ? t("Measure left leg with phone")
      : side === "right" ? t("Measure right leg with phone") : t("Measure angle with phone"), "secondary measure-button");
    open.setAttribute("aria-controls", input.id);
    open.setAttribute("aria-haspopup", "dialog");
    open.addEventListener("click", () => start(input));
    (input.closest("label") || input).after(open);
    // Typing over a measured value makes it a typed one again.
    input.addEventListener("input", (event) => {
      if (event.isTrusted) setMethod(input, "manual");
    });
    // And whatever changed it before this script ran: "phone" holds only for the value
    // the phone measured (or the saved one the page came with).
    input.form?.addEventListener("submit", () => {
      const measured = input.dataset.measuredValue ?? input.defaultValue;
      if (input.value !== measured) setMethod(input, "manual");
    });
  }
}
