// Guided hold timer: walks through holds and rests with cues (sound, vibration, and
// speech with data-voice), keeps the screen awake meanwhile, then fills the log form.
import { intlLocale, t, tn } from "./i18n.js";

const TICK_MS = 200;

function intAttr(value, fallback, min) {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= min ? n : fallback;
}

/** The ordered steps of a routine: every hold, with a rest between holds (none after the last). */
export function buildSteps({ hold, reps, sides, rest = 5 }) {
  const sideList = sides && sides.length ? sides : ["both"];
  const holds = sideList.length * reps;
  const steps = [];
  let previous = null;
  for (let rep = 1; rep <= reps; rep++) {
    for (const side of sideList) {
      if (previous && rest > 0) {
        steps.push({ kind: "rest", seconds: rest, rep, side, switchSide: side !== previous.side });
      }
      const step = { kind: "hold", seconds: hold, rep, side, number: previous ? previous.number + 1 : 1, of: holds };
      steps.push(step);
      previous = step;
    }
  }
  return steps;
}

function describe(step, reps) {
  if (step.kind === "rest") {
    if (step.switchSide && step.side === "left") return t("Switch to the left leg");
    if (step.switchSide && step.side === "right") return t("Switch to the right leg");
    return t("Relax");
  }
  const params = { rep: step.rep, reps };
  if (step.side === "left") return t("Hold — left leg, rep {rep} of {reps}", params);
  if (step.side === "right") return t("Hold — right leg, rep {rep} of {reps}", params);
  return t("Hold — rep {rep} of {reps}", params);
}

/** What is said when a step starts: "Relax, 5 seconds". */
function announced(step, reps) {
  // TRANSLATORS: {step} is what to do now ("Relax", "Hold — rep 1 of 3").
  return tn("{step}, {n} second", "{step}, {n} seconds", step.seconds, { step: describe(step, reps) });
}

function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// One AudioContext for the page, created on the first Start tap (browsers need a gesture).
let audio = null;

function unlockAudio() {
  try {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume().catch(() => {});
  } catch {
    audio = null;
  }
}

function beep(frequency, at = 0) {
  try {
    if (!audio) return;
    const start = audio.currentTime + at;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + 0.2);
  } catch {
    /* sound is a nicety */
  }
}

function cue(kind) {
  try {
    navigator.vibrate?.(kind === "done" ? [200, 100, 200] : 200);
  } catch {
    /* not supported */
  }
  if (kind === "hold") beep(880);
  else if (kind === "rest") beep(660);
  else if (kind === "done") {
    beep(880);
    beep(1320, 0.22);
  }
}

/** Say ``text`` aloud where the device can (speechSynthesis); a cue is a nicety. */
function say(text) {
  try {
    if (!("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = intlLocale; // the page's language, not the phone's
    window.speechSynthesis.speak(utterance);
  } catch {
    /* no voice here */
  }
}

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function setField(el, apply) {
  if (!el) return;
  apply(el);
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

/** Fill the card whose fields are named `${prefix}[reps]` etc. (data-fill, e.g.
 * "entries[slr-strap]": the log form's names, tracker/logbook/forms.py). */
function fillForm(section, prefix, { hold, reps, sides }) {
  const scope = section.closest("form") || document;
  const named = (field) => scope.querySelectorAll(`[name="${CSS.escape(`${prefix}[${field}]`)}"]`);
  setField(named("reps")[0], (el) => { el.value = String(reps); });
  setField(named("hold_seconds")[0], (el) => { el.value = String(hold); });
  setField(named("done")[0], (el) => { el.checked = true; });
  for (const box of named("sides")) {
    if (sides.includes(box.value)) setField(box, (el) => { el.checked = true; });
  }
}

function mountTimer(section) {
  const ds = section.dataset;
  const hold = intAttr(ds.hold, 20, 1);
  const reps = intAttr(ds.reps, 1, 1);
  const rest = intAttr(ds.rest, 5, 0);
  const sides = (ds.sides || "both").split(",").map((s) => s.trim()).filter(Boolean);
  const steps = buildSteps({ hold, reps, sides, rest });
  const totalMs = steps.reduce((sum, step) => sum + step.seconds * 1000, 0);
  const doneText = ds.fill ? t("Done — logged in the form below") : t("Done");
  const voice = "voice" in ds; // data-voice: spoken cues too, where the device speaks

  const name = make("p", "timer-name", ds.name || t("Hold timer"));
  const countdown = make("p", "timer-count");
  countdown.setAttribute("role", "timer");
  const now = make("p", "timer-now");
  const bar = make("progress", "timer-bar");
  bar.max = totalMs;
  bar.value = 0;
  bar.setAttribute("aria-hidden", "true");
  const progress = make("p", "timer-progress");
  const startButton = make("button", "primary", t("Start"));
  const resetButton = make("button", "secondary", t("Reset"));
  startButton.type = resetButton.type = "button";
  const actions = make("div", "timer-actions");
  actions.append(startButton, resetButton);
  const live = make("p", "sr-only");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("role", "status");
  section.replaceChildren(name, countdown, now, bar, progress, actions, live);

  // State: idle | running | paused | done. `index` is the current step; while running
  // `endsAt` is when it ends, otherwise `leftMs` is what remains of it.
  let state = "idle";
  let index = 0;
  let endsAt = 0;
  let leftMs = steps[0].seconds * 1000;
  let interval = null;
  let lock = null;
  let locking = false;

  const msLeft = () => (state === "running" ? endsAt - performance.now() : leftMs);

  function render() {
    section.dataset.state = state;
    const step = steps[index];
    section.dataset.phase = state === "done" ? "done" : step.kind;
    const left = Math.max(0, msLeft());
    countdown.textContent = state === "done" ? "✓" : String(Math.ceil(left / 1000));
    if (state === "done") now.textContent = doneText;
    else if (state === "idle") now.textContent = t("Get into position");
    else if (state === "paused") now.textContent = t("Paused · {step}", { step: describe(step, reps) });
    else now.textContent = describe(step, reps);

    const doneMs = state === "done" ? totalMs
      : steps.slice(0, index).reduce((sum, s) => sum + s.seconds * 1000, 0) + step.seconds * 1000 - left;
    bar.value = doneMs;
    const remaining = clock((totalMs - doneMs) / 1000);
    if (state === "done") progress.textContent = tn("{n} hold done", "All {n} holds done", step.of);
    else if (step.kind === "hold") {
      progress.textContent = t("Hold {number} of {of} · {remaining} left", { number: step.number, of: step.of, remaining });
    } else {
      const upcoming = steps[index + 1];
      progress.textContent = t("Next: hold {number} of {of} · {remaining} left",
        { number: upcoming.number, of: upcoming.of, remaining });
    }

    startButton.textContent = { idle: t("Start"), running: t("Pause"), paused: t("Resume"), done: t("Restart") }[state];
    resetButton.disabled = state === "idle";
  }

  function announce(text) {
    live.textContent = text;
    if (voice) say(text);
  }

  async function keepAwake() {
    if (lock || locking || !navigator.wakeLock) return;
    locking = true;
    try {
      const sentinel = await navigator.wakeLock.request("screen");
      if (state !== "running") {
        sentinel.release().catch(() => {});
        return;
      }
      lock = sentinel;
      lock.addEventListener?.("release", () => { if (lock === sentinel) lock = null; });
    } catch {
      lock = null;
    } finally {
      locking = false;
    }
  }

  function letSleep() {
    const sentinel = lock;
    lock = null;
    try {
      sentinel?.release().catch(() => {});
    } catch {
      /* already released */
    }
  }

  function stopTicking() {
    clearInterval(interval);
    interval = null;
  }

  function tick() {
    if (state !== "running") return;
    const t = performance.now();
    const before = index;
    // Catch up on every boundary passed (throttled tabs, fast-forwarded clocks).
    while (t >= endsAt) {
      if (index === steps.length - 1) return finish();
      index += 1;
      endsAt += steps[index].seconds * 1000;
    }
    if (index !== before) {
      const step = steps[index];
      cue(step.kind);
      announce(announced(step, reps));
    }
    render();
  }

  function run() {
    state = "running";
    endsAt = performance.now() + leftMs;
    stopTicking();
    interval = setInterval(tick, TICK_MS);
    keepAwake();
    render();
  }

  function start() {
    index = 0;
    leftMs = steps[0].seconds * 1000;
    cue("hold");
    announce(announced(steps[0], reps));
    run();
  }

  function pause() {
    leftMs = Math.max(0, endsAt - performance.now());
    state = "paused";
    stopTicking();
    letSleep();
    announce(t("Paused"));
    render();
  }

  function reset() {
    stopTicking();
    letSleep();
    state = "idle";
    index = 0;
    leftMs = steps[0].seconds * 1000;
    announce(t("Timer reset"));
    render();
  }

  function finish() {
    stopTicking();
    letSleep();
    state = "done";
    leftMs = 0;
    if (ds.fill) fillForm(section, ds.fill, { hold, reps, sides });
    cue("done");
    announce(doneText);
    render();
  }

  startButton.addEventListener("click", () => {
    unlockAudio();
    if (state === "idle" || state === "done") start();
    else if (state === "running") pause();
    else {
      run();
      announce(describe(steps[index], reps));
    }
  });
  resetButton.addEventListener("click", reset);
  // The guided session stops a timer when the person leaves its step.
  section.addEventListener("timer-reset", () => { if (state !== "idle") reset(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || state !== "running") return;
    keepAwake();
    tick();
  });

  section.hidden = false;
  render();
}

/** Mount the timers under ``root`` (or only ``only``, a "Guide me" button's timer). */
export function initTimers(root = document, only = null) {
  for (const section of root.querySelectorAll("[data-timer]")) {
    if (section.dataset.state) continue; // already mounted
    if (only && section !== only) continue;
    mountTimer(section);
  }
}
