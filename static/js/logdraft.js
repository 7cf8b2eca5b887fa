// The log form keeps what was typed (drafts.js, kind "log"): each change is saved on
// the phone; opening Log again puts it back ("We kept what you typed." / "Start
// over"), or offers it when last touched more than a day ago. app.js loads this only
// once there is a draft or the person types, so a first visit stays light.
//
// Value: {client_id, fields: [[name, value], …] (FormData, no CSRF token), open: [keys
// of open <details>]}. It is forgotten only once its session is safe, by client_id:
// queued or saved (outbox.js), or on the saved session's page (forgetSaved). A failed
// save never forgets it. Not restored into a form the server sent back with errors,
// nor on /log?draft=<id> (outbox.js refills a refused session there; this page's
// typing would replace the person's own draft).
import { clearDraft, forgetSession, loadDraft, saveDraft } from "./drafts.js";
import { intlLocale, t } from "./i18n.js";

const KIND = "log";
const NOT_FIELDS = new Set(["submit", "button", "reset", "image", "file", "fieldset", "output"]);

/** FormData entries to a draft's fields: text only, never the CSRF token. */
export function draftFields(entries) {
  return [...entries].filter(([name, value]) => name !== "csrf_token" && typeof value === "string")
    .map(([name, value]) => [name, value]);
}

/** What to set on each control ({name, type, value}) to show `fields`: a checkbox or
 * radio is checked when its name and value are there; the others take their name's
 * values in turn; null leaves a control be (not in the draft: a stretch added since). */
export function fillPlan(controls, fields) {
  const values = new Map();
  for (const [name, value] of fields) values.set(name, [...(values.get(name) || []), value]);
  return controls.map(({ name, type, value }) => {
    if (type === "checkbox" || type === "radio") return { checked: (values.get(name) || []).includes(value) };
    const queue = values.get(name);
    return queue?.length ? { value: queue.shift() } : null;
  });
}

/** Whether two drafts say the same, whatever their client_id, the time the page was
 * opened and the order (the cards follow the plan, which changes). */
export function sameFields(a, b) {
  const plain = (fields) => JSON.stringify(fields
    .filter(([name]) => name !== "client_id" && name !== "performed_at")
    .map((pair) => JSON.stringify(pair)).sort());
  return plain(a) === plain(b);
}

/** "Friday 4 December" (with the year when not this one: "Tuesday, 30 December
 * 2025"), in the person's zone and the page's language ("Freitag, 4. Dezember"). */
export function dayOf(ms, timeZone, now = Date.now()) {
  let zone = timeZone || undefined;
  try {
    new Intl.DateTimeFormat(intlLocale, { timeZone: zone });
  } catch {
    zone = undefined; // an unknown zone: the phone's
  }
  const yearOf = (when) => new Intl.DateTimeFormat("en", { year: "numeric", timeZone: zone }).format(when);
  const options = { weekday: "long", day: "numeric", month: "long", timeZone: zone };
  if (yearOf(ms) !== yearOf(now)) options.year = "numeric";
  return new Intl.DateTimeFormat(intlLocale, options).format(ms);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

const warn = (error) => console.warn("draft not kept", error);
const controls = (form) => [...form.elements].filter((c) => c.name && !NOT_FIELDS.has(c.type));
// A <details> by the card (or other element with an id) it belongs to.
const detailsKey = (d) => `${d.closest("[id]")?.id || ""}/${d.className}`;

function capture(form) {
  return {
    client_id: form.elements.client_id?.value || "",
    fields: draftFields(new FormData(form).entries()),
    open: [...form.querySelectorAll("details")].filter((d) => d.open).map(detailsKey),
  };
}

/** The form as the server sent it (what "Start over" goes back to). */
function served(form) {
  const fields = [];
  for (const c of controls(form)) {
    if (c.type === "checkbox" || c.type === "radio") {
      if (c.defaultChecked) fields.push([c.name, c.value]);
    } else if (c.tagName === "SELECT") {
      fields.push([c.name, ([...c.options].find((o) => o.defaultSelected) || c.options[0])?.value ?? ""]);
    } else {
      fields.push([c.name, c.defaultValue]);
    }
  }
  return { fields: draftFields(fields), open: [] };
}

/** measure.js keeps an angle "phone"-measured only while it holds the value the phone
 * put there: tell it which restored values those are. */
function markMeasured(form) {
  for (const input of form.querySelectorAll("input[data-measure]")) {
    const m = /^(.*)\[angle_(left|right|deg)\]$/.exec(input.name);
    const method = m && form.elements[`${m[1]}[angle_method${m[2] === "deg" ? "" : `_${m[2]}`}]`];
    if (method?.value === "phone" && input.value) input.dataset.measuredValue = input.value;
    else delete input.dataset.measuredValue;
  }
}

function apply(form, fields, only = () => true) {
  const all = controls(form);
  fillPlan(all.map(({ name, type, value }) => ({ name, type, value })), fields).forEach((step, i) => {
    if (!step || !only(all[i])) return;
    if ("checked" in step) all[i].checked = step.checked;
    else all[i].value = step.value;
  });
  markMeasured(form);
}

function fill(form, value) {
  apply(form, value.fields || []);
  // app.js opens the ticked cards, closes the others and updates the counters.
  form.dispatchEvent(new Event("tracker:form-filled", { bubbles: true }));
  const open = new Set(value.open || []);
  for (const d of form.querySelectorAll("details")) if (open.has(detailsKey(d))) d.open = true;
  for (const done of form.querySelectorAll("input[name$='[done]']:checked")) {
    for (let d = done.closest("details"); d; d = d.parentElement?.closest("details")) d.open = true;
  }
}

function button(text, className, onClick) {
  const node = el("button", { type: "button", class: className }, text);
  node.addEventListener("click", onClick);
  return node;
}

/** Keep the log form as the person's "log" draft, and put back or offer the one kept
 * before. `typed`: the person changed the form before this loaded. The form's
 * data-draft says where it stands: "kept", "offered" (stale, waiting) or "none". */
export async function initLogForm(form, { typed = false } = {}) {
  const state = (value) => { form.dataset.draft = value; };
  if (new URLSearchParams(location.search).has("draft")) return state("none");
  const pristine = served(form);
  let touched = typed;
  let offered = null;
  let box = null;
  const notice = (text, ...buttons) => {
    box?.remove();
    box = el("div", { class: "alert draft-notice", role: "status", tabindex: "-1" },
      el("p", {}, text), el("div", { class: "row" }, ...buttons));
    form.prepend(box);
    return box;
  };
  const quiet = () => {
    offered = null;
    box?.remove();
    state("none");
  };

  const save = () => {
    touched = true;
    if (offered) quiet(); // typing instead of choosing: a new session
    const now = capture(form);
    (sameFields(now.fields, pristine.fields) ? clearDraft(KIND) : saveDraft(KIND, now)).catch(warn);
  };
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("reset", () => { // outbox.js queued it and empties the form
    quiet();
    // A reset leaves hidden inputs be: the angle methods go back once it is done
    // (outbox.js gives the form its new client_id).
    setTimeout(() => apply(form, pristine.fields,
      (c) => c.type === "hidden" && c.name !== "client_id" && c.name !== "csrf_token"));
  });
  if (typed) save();

  const startOver = () => {
    clearDraft(KIND).catch(warn);
    fill(form, pristine);
    if (form.elements.client_id) form.elements.client_id.value = crypto.randomUUID();
    quiet();
    form.querySelector("input:not([type=hidden]), textarea, select")?.focus();
  };
  const kept = () => {
    state("kept");
    return notice(t("We kept what you typed."), button(t("Start over"), "secondary", startOver));
  };

  let draft = null;
  if (!touched && !document.querySelector("[data-error-summary]")) {
    draft = await loadDraft(KIND).catch(warn);
  }
  // Typed meanwhile: that is saved over it already.
  if (touched || !draft?.value?.fields || sameFields(draft.value.fields, pristine.fields)) return state("none");
  if (!draft.stale) {
    fill(form, draft.value);
    kept();
    return;
  }
  offered = draft;
  state("offered");
  notice(t("You have an unsaved session from {day}.", { day: dayOf(draft.saved, form.dataset.timezone) }),
    button(t("Continue where you left off"), "primary", () => {
      if (offered !== draft) return;
      offered = null;
      fill(form, draft.value);
      saveDraft(KIND, capture(form)).catch(warn);
      kept().focus();
    }),
    button(t("Start over"), "secondary", startOver));
}

/** The session page after a save (?saved=1): forget the draft it was typed in. */
export function forgetSaved(clientId) {
  if (clientId) forgetSession(clientId).catch(warn);
}
