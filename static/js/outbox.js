// Offline logging on the pages: the log form and the quick check-in save to this
// phone (IndexedDB) when there is no connection, after the form's rules pass; the
// outbox is sent when the connection comes back (the `online` event, the next app
// start, or Background Sync in the service worker). Unsent items are listed on
// Today and History; refused ones are shown with the reason, to fix or discard.
import { openDB } from "../vendor/idb/index.js";
import "./replay.js";
import { t, tn } from "./i18n.js";
import { checkinErrors, checkinPayload, formName, sessionErrors, sessionPayload } from "./serialize.js";

const outbox = self.BackstretchOutbox;
const user = document.querySelector("meta[name='tracker-user']")?.content || "";
const dbReady = outbox.open({ openDB });

const FORMS = {
  session: { payload: sessionPayload, errors: sessionErrors },
  checkin: { payload: checkinPayload, errors: checkinErrors },
};
// The fields' names in error messages, in the page's language.
const LABELS = {
  entries: t("Stretches"), pain_before: t("Pain before"), pain_after: t("Pain after"),
  performed_at: t("When"), notes: t("Notes"), score: t("Pain score"), context: t("When"), note: t("Note"),
};
// A stretch's field: "Straight-leg raise reps".
const ENTRY_LABELS = {
  reps: (stretch) => t("{stretch} reps", { stretch }),
  hold_seconds: (stretch) => t("{stretch} hold", { stretch }),
  angle_deg: (stretch) => t("{stretch} angle", { stretch }),
  angle_method: (stretch) => t("{stretch} angle", { stretch }),
  stretch: (stretch) => t("{stretch} stretch", { stretch }),
  side: (stretch) => t("{stretch} sides", { stretch }),
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function timeOf(iso) {
  const m = /T(\d{2}:\d{2})/.exec(iso || "");
  return m ? m[1] : "";
}

/** How an item is listed ("Session at 09:24 · 2 stretches"), in the language of
 * the page it was saved on. */
function summary(kind, body) {
  if (kind === "checkin") return t("Pain check-in {time} · {score}/10", { time: timeOf(body.recorded_at), score: body.score });
  const names = new Set(body.entries.map((e) => e.stretch));
  return tn("Session at {time} · {n} stretch", "Session at {time} · {n} stretches", names.size,
    { time: timeOf(body.performed_at) });
}

/** `text` with its [bracketed part] as a link to `href` (a sentence with a link in
 * it stays one message). */
function linked(text, href) {
  const m = /^(.*?)\[(.+?)\](.*)$/s.exec(text);
  return m ? [m[1], el("a", { href }, m[2]), m[3]] : [text];
}

const ENTRY_KEY = /^entries\.(\d+)\.(\w+)$/;

/** "entries.0.reps" -> "Straight-leg raise reps", for people, not field keys. */
function label(key, body) {
  const m = ENTRY_KEY.exec(key);
  if (m) {
    const slug = body?.entries?.[+m[1]]?.stretch || "";
    const card = slug && document.getElementById(`card-${slug}`);
    const name = card?.querySelector(".card-name, legend")?.textContent.trim() || slug;
    return ENTRY_LABELS[m[2]] ? ENTRY_LABELS[m[2]](name) : `${name} ${m[2]}`;
  }
  return LABELS[key] || key;
}

/** The id of the input an error is about (the error summary links to it): an
 * entry's field is named from the entry itself (serialize.js formName) and each
 * input's id is its name, as tracker/logbook/forms.py error_target links them. */
function target(key, body, form) {
  const first = (name) => form?.querySelector(`[name="${CSS.escape(name)}"]`)?.id || "";
  if (["pain_before", "pain_after", "score"].includes(key)) return first(key);
  if (key === "entries") return form?.querySelector("[data-card] input[name$='[done]']")?.id || "";
  const m = ENTRY_KEY.exec(key);
  if (!m) return first(key);
  const entry = body?.entries?.[+m[1]];
  if (!entry) return "";
  const field = { angle_method: "angle_deg", stretch: "done" }[m[2]] || m[2];
  return first(formName(entry, field)) || first(formName(entry, "done"));
}

/** The limits the page rendered into the form's inputs from the API schemas, by
 * name, for serialize.js to check the form before it is queued: min, max and
 * maxlength; whether a number input takes whole numbers only (its step); a radio
 * group's lowest and highest value; a select's options. */
function formRules(form) {
  const rules = {};
  for (const input of form.elements) {
    if (!input.name) continue;
    const rule = (rules[input.name] ||= {});
    const attr = (name) => (input.hasAttribute(name) ? Number(input.getAttribute(name)) : undefined);
    if (input.type === "radio") {
      const value = Number(input.value);
      rule.min = Math.min(rule.min ?? value, value);
      rule.max = Math.max(rule.max ?? value, value);
      rule.whole = (rule.whole ?? true) && Number.isInteger(value);
    } else if (input.tagName === "SELECT") {
      rule.options = [...input.options].map((option) => option.value);
    } else {
      Object.assign(rule, { min: attr("min"), max: attr("max"), maxLength: attr("maxlength") });
      if (input.type === "number") rule.whole = Number.isInteger(attr("step") ?? 1);
    }
  }
  if (form.dataset.entriesMax) rules.entries = { max: Number(form.dataset.entriesMax) };
  return rules;
}

function lines(fields, body) {
  // Both sides of one stretch fail alike: say it once.
  const out = new Map();
  for (const [key, messages] of Object.entries(fields)) {
    const name = key === "_schema" ? "" : label(key, body);
    const text = [].concat(messages).join(" ");
    out.set(`${name}\n${text}`, { key, name, text });
  }
  return [...out.values()];
}

/** The form's error summary, as templates/_macros.html form_errors draws it: each
 * line links to its field (app.js opens a closed card and focuses the field). */
function errorSummary(fields, body, kind, form) {
  const title = `offline-error-title-${kind}`;
  return el("div", { class: "error-summary offline-notice", role: "alert", tabindex: "-1",
    "aria-labelledby": title, "data-error-summary": "" },
  el("h2", { id: title }, t("There is a problem")),
  el("ul", {}, ...lines(fields, body).map(({ key, name, text }) => {
    // TRANSLATORS: an error about a field of a form: "Pain before: Enter a number."
    const said = name ? t("{field}: {message}", { field: name, message: text }) : text;
    const id = key === "_schema" ? "" : target(key, body, form);
    return el("li", {}, id ? el("a", { href: `#${id}` }, said) : said);
  })));
}

function errorList(fields, body) {
  return el("ul", {}, ...lines(fields, body).map(({ name, text }) => el("li", {},
    name ? el("b", {}, t("{field}:", { field: name })) : "", name ? " " : "", text)));
}

/** A refused item's field errors, or its message when the server named no field. */
function fixable(item) {
  const fields = item.error?.fields || {};
  return Object.keys(fields).length ? fields : { _schema: [item.error?.message || t("It was not accepted.")] };
}

/** Show `box` above the form in place of what was said before (an earlier notice,
 * or the server's error summary from the last post). */
function notice(form, box) {
  for (const old of form.parentElement.querySelectorAll(".offline-notice, [data-error-summary]")) old.remove();
  form.before(box);
  box.focus();
}

/** Cards were ticked or unticked by code (a reset, a restored draft): app.js opens
 * and marks them again. */
function refilled(form) {
  form.dispatchEvent(new Event("tracker:form-filled", { bubbles: true }));
}

/** A session queued or saved is safe: forget the log form's draft of it (js/logdraft.js;
 * a newer draft, another client_id, stays). */
function forgetDraft(clientId) {
  return import("./drafts.js").then((drafts) => drafts.forgetSession(clientId))
    .catch((error) => console.warn("draft not cleared", error));
}

async function queue(form, kind) {
  const spec = FORMS[kind];
  const zone = form.dataset.timezone || "UTC";
  const entries = [...new FormData(form).entries()].filter(([key]) => key !== "csrf_token");
  const body = spec.payload(entries, zone, Date.now());
  const errors = spec.errors(body, formRules(form));
  if (Object.keys(errors).length) {
    notice(form, errorSummary(errors, body, kind, form));
    return;
  }
  const db = await dbReady;
  await db.put(outbox.STORE, {
    client_id: body.client_id, kind, user, body, form: entries,
    summary: summary(kind, body), created: Date.now(), status: "pending", error: null,
  });
  if (kind === "session") await forgetDraft(body.client_id);
  form.reset();
  refilled(form);
  form.querySelector("input[name='client_id']").value = crypto.randomUUID();
  notice(form, el("div", { class: "alert ok offline-notice", role: "status", tabindex: "-1" },
    t("Saved on this phone; it will sync when you are back online.")));
  requestSync();
  render();
  form.dispatchEvent(new CustomEvent("queued", { bubbles: true }));
}

async function submit(event) {
  const form = event.target.closest("form[data-offline]");
  if (!form || !user) return;
  event.preventDefault();
  const kind = form.dataset.offline;
  if (!navigator.onLine) {
    await queue(form, kind);
    return;
  }
  let response;
  try {
    response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
  } catch {
    await queue(form, kind); // the network failed on the way
    return;
  }
  if (response.redirected && response.ok) {
    const clientId = form.querySelector("input[name='client_id']")?.value;
    if (clientId) await (await dbReady).delete(outbox.STORE, clientId); // a fixed draft
    if (clientId && kind === "session") await forgetDraft(clientId); // before Log can show it again
    // As a browser does on a redirect: keep the form's #fragment (the check-in posts
    // to /#checkin and comes back to "Check-in saved." by the form).
    const next = new URL(response.url);
    if (!next.hash) next.hash = new URL(form.action, location.href).hash;
    location.assign(next.href);
  } else {
    HTMLFormElement.prototype.submit.call(form); // let the server's page show its errors
  }
}

function requestSync() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync?.register("outbox"))
    .catch(() => {}); // no Background Sync: the online event and the next start cover it
}

export async function sync() {
  if (!user || !navigator.onLine) return;
  const db = await dbReady;
  const pending = (await outbox.items(db, user)).some((i) => i.status === "pending");
  if (!pending) return;
  const done = await outbox.replay(db);
  if (done.sent || done.rejected || done.signedOut) await render(done);
}

async function discard(clientId) {
  const db = await dbReady;
  await db.delete(outbox.STORE, clientId);
  render();
}

function refusal(item) {
  if (item.status === "gone") {
    const said = item.kind === "checkin"
      ? t("{summary}: this check-in was deleted on another device while it waited on this phone, so it was not saved again.", { summary: item.summary })
      : t("{summary}: this session was deleted on another device while it waited on this phone, so it was not saved again.", { summary: item.summary });
    return el("div", { class: "alert warn", role: "alert" },
      el("p", {}, said),
      el("button", { type: "button", class: "secondary", "data-discard": item.client_id }, t("Dismiss")));
  }
  const fix = item.kind === "session"
    ? el("a", { class: "button secondary", href: `/log?draft=${encodeURIComponent(item.client_id)}` }, t("Fix it"))
    : "";
  return el("div", { class: "alert error", role: "alert" },
    el("p", {}, t("{summary}, saved on this phone, was not accepted: {reason}",
      { summary: item.summary, reason: item.error?.message || t("refused") })),
    errorList(item.error?.fields || {}, item.body),
    el("div", { class: "row" }, fix,
      el("button", { type: "button", class: "danger", "data-discard": item.client_id }, t("Discard"))));
}

async function render(done) {
  const db = await dbReady;
  const mine = (await outbox.items(db, user)).sort((a, b) => a.created - b.created);
  const alerts = document.getElementById("outbox-alerts");
  if (done?.sent || done?.rejected) {
    for (const old of document.querySelectorAll(".offline-notice.ok")) old.remove(); // "it will sync": done
  }
  if (alerts) {
    alerts.replaceChildren(...mine.filter((i) => i.status !== "pending").map(refusal));
    if (done?.sent) {
      alerts.prepend(el("p", { class: "alert ok", role: "status" },
        tn("Synced {n} item saved on this phone.", "Synced {n} items saved on this phone.", done.sent)));
    }
    const waiting = mine.filter((i) => i.status === "pending").length;
    if (done?.signedOut && waiting) {
      // TRANSLATORS: the [bracketed words] become a link to the sign-in page.
      alerts.prepend(el("p", { class: "alert warn", role: "status" }, ...linked(tn(
        "You were signed out. {n} item saved on this phone will be sent once you [sign in again].",
        "You were signed out. {n} items saved on this phone will be sent once you [sign in again].", waiting), "/login")));
    }
  }
  for (const list of document.querySelectorAll("[data-outbox-list]")) {
    const pending = mine.filter((i) => i.status === "pending");
    list.hidden = !pending.length;
    list.querySelector("ul").replaceChildren(...pending.map((i) =>
      el("li", { class: "row unsynced" }, el("span", {}, i.summary), el("span", { class: "badge warn" }, t("not synced yet")))));
  }
}

/** /log?draft=<client_id>: put a refused session back into the form to fix it. */
async function restoreDraft() {
  const id = new URLSearchParams(location.search).get("draft");
  const form = document.querySelector("form[data-offline='session']");
  if (!id || !form) return;
  const item = await (await dbReady).get(outbox.STORE, id);
  if (!item || item.user !== user) return;
  for (const input of form.querySelectorAll("input[type=checkbox], input[type=radio]")) input.checked = false;
  for (const [name, value] of item.form) {
    for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.value === value) input.checked = true;
      } else {
        input.value = value;
      }
    }
  }
  refilled(form);
  // The item stays until the form is saved again under the same client_id.
  notice(form, errorSummary(fixable(item), item.body, "session", form));
}

if (user) {
  document.addEventListener("submit", submit);
  document.addEventListener("click", (event) => {
    const id = event.target.closest("[data-discard]")?.dataset.discard;
    if (id) discard(id);
  });
  window.addEventListener("online", sync);
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type === "outbox-changed") render(event.data.done);
  });
  restoreDraft().then(render).then(sync);
}
