// Page glue loaded on every page: time-zone preselect, confirm-before-submit, focus on a
// form's result, the error summary, the log form's cards, notes counter and draft,
// "Guide me" hold timers, and the phone's angle measuring where a form has angle fields.
import { t } from "./i18n.js";

function deviceTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

// Sign-up: choose the phone's zone when the person has not chosen one yet.
const zone = deviceTimeZone();
if (zone) {
  for (const field of document.querySelectorAll("[data-detect-timezone]")) {
    // A select offers a place once: the phone's name for it may be another of its names.
    const option = field.tagName === "SELECT"
      ? [...field.options].find((o) => o.value === zone || o.dataset.aliases?.split(" ").includes(zone))
      : { value: zone };
    if (option && (!field.value || field.value === "UTC")) field.value = option.value;
  }
}

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

// A form's result the page opens on (a new share link, an import): its autofocus puts
// focus there without JavaScript; this does it where a browser ignores autofocus on an
// element that is not a form field.
const result = document.querySelector("[data-result]");
if (result && document.activeElement !== result) result.focus();

// The error summary: the page opens on it, and its links move focus to their field
// (a plain #link only scrolls; a field inside a closed <details> is opened first).
// Delegated, so the summary outbox.js draws for a form checked offline works alike.
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  summary.focus();
  // Scrolling to a #fragment on load (the check-in form's) resets focus to the body.
  window.addEventListener("load", () => requestAnimationFrame(() => {
    if (!document.activeElement || document.activeElement === document.body) summary.focus();
  }));
}
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("[data-error-summary] a[href^='#']");
  const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) return;
  event.preventDefault();
  for (let d = field.closest("details"); d; d = d.parentElement?.closest("details")) d.open = true;
  field.scrollIntoView({ block: "center" });
  field.focus();
});

// Log form cards: ticking a card opens its fields and ticks both sides if none are;
// with JavaScript the "Reps, hold…" summary of an unticked card is not needed.
document.documentElement.classList.add("js");
function syncCard(card, fromTick) {
  const done = card.querySelector("input[name$='[done]']");
  const fields = card.querySelector("[data-card-fields]");
  if (!done || !fields) return;
  if (done.checked) {
    fields.open = true;
    const sides = card.querySelectorAll("input[name$='[sides]']");
    if (fromTick && sides.length && ![...sides].some((s) => s.checked)) {
      for (const s of sides) s.checked = true;
    }
  }
  card.classList.toggle("ticked", done.checked);
}
for (const card of document.querySelectorAll("[data-card]")) syncCard(card, false);
document.addEventListener("change", (event) => {
  const card = event.target.closest?.("[data-card]");
  if (card && /\[done\]$/.test(event.target.name || "")) syncCard(card, true);
});
// outbox.js reset the form after saving it offline, or filled it with a draft to fix:
// ticked cards open, the others close again.
document.addEventListener("tracker:form-filled", (event) => {
  for (const card of event.target.querySelectorAll("[data-card]")) {
    const fields = card.querySelector("[data-card-fields]");
    if (fields) fields.open = Boolean(card.querySelector("input[name$='[done]']")?.checked);
    syncCard(card, false);
  }
});

// Typing an angle or marking "made it worse" means the stretch was done: tick its card.
document.addEventListener("input", (event) => {
  const field = event.target;
  const card = field.closest?.(".stretch-card");
  if (!card || !/\[(angle_\w+|worse)\]$/.test(field.name || "")) return;
  if (field.type === "checkbox" ? !field.checked : !field.value.trim()) return;
  const done = card.querySelector("input[name$='[done]']");
  if (done && !done.checked) {
    done.checked = true;
    done.dispatchEvent(new Event("change", { bubbles: true }));
  }
});

// A visible character count for text areas with a limit.
for (const area of document.querySelectorAll("textarea[data-counter]")) {
  const out = document.getElementById(area.dataset.counter);
  if (!out) continue;
  const update = () => { out.textContent = t("{count} / {max} characters", { count: area.value.length, max: area.maxLength }); };
  area.addEventListener("input", update);
  area.form?.addEventListener("tracker:form-filled", update); // emptied or refilled by code
  update();
}

// The log form keeps what was typed until it is saved (js/logdraft.js, loaded once
// there is a draft to show or the person types, so a first visit stays light); the
// page of a session just saved forgets the draft it was typed in. (The guided
// session's form posts sessions too and keeps a draft of its own.)
const logForm = document.querySelector("form[data-offline='session']:not([data-guided-session])");
if (logForm && document.querySelector("meta[name='tracker-user']")?.content) {
  let typed = false;
  let loading = null;
  const start = () => {
    loading ||= import("./logdraft.js").then((drafts) => {
      logForm.removeEventListener("input", touched);
      logForm.removeEventListener("change", touched);
      return drafts.initLogForm(logForm, { typed });
    }).catch((error) => console.error("drafts failed to load", error));
  };
  const touched = () => {
    typed = true;
    start();
  };
  logForm.addEventListener("input", touched);
  logForm.addEventListener("change", touched);
  import("./drafts.js").then((drafts) => drafts.loadDraft("log")).then((draft) => {
    if (draft) start();
    else if (!loading) logForm.dataset.draft = "none";
  }).catch((error) => console.warn("drafts unavailable", error));
}
const savedSession = document.querySelector("[data-saved-session]");
if (savedSession) {
  import("./logdraft.js").then((drafts) => drafts.forgetSaved(savedSession.dataset.savedSession))
    .catch((error) => console.error("drafts failed to load", error));
}

// The warning-signs check: "None of these apply to me" and the signs exclude each other.
const none = document.querySelector("input[data-exclusive]");
if (none) {
  const signs = document.querySelectorAll("[data-exclusive-group] input[type='checkbox']");
  none.addEventListener("change", () => { if (none.checked) for (const s of signs) s.checked = false; });
  for (const s of signs) s.addEventListener("change", () => { if (s.checked) none.checked = false; });
}

// Hold timers: the stretch page shows its own; the log form's wait behind "Guide me".
const guides = document.querySelectorAll("button[data-guide]");
const shown = document.querySelector("[data-timer]:not([data-timer-on-demand])");
if (shown || guides.length) {
  const load = import("./timer.js");
  if (shown) {
    load.then((timer) => timer.initTimers(shown.parentElement, shown))
      .catch((error) => console.error("hold timer failed to load", error));
  }
  for (const button of guides) {
    const section = document.getElementById(button.dataset.guide);
    if (!section) continue;
    button.hidden = false;
    button.addEventListener("click", () => {
      load.then((timer) => {
        timer.initTimers(section.parentElement, section);
        button.hidden = true;
        button.setAttribute("aria-expanded", "true");
        section.querySelector("button")?.focus();
      }).catch((error) => console.error("hold timer failed to load", error));
    });
  }
}

// Measuring an angle with the phone's motion sensors, where a form has angle fields.
// (The guided session loads it itself, when a step with an angle shows.)
if (document.querySelector("input[data-measure]:not([data-guided-session] input)")) {
  import("./measure.js")
    .then((measure) => measure.initMeasure(document))
    .catch((error) => console.error("angle measuring failed to load", error));
}
