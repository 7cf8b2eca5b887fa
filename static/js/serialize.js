// Pure functions (no DOM, no storage): the log form and the check-in form, as
// FormData entries, to the JSON bodies of POST /api/v1/sessions and /checkins, and
// the form rules checked before an entry is queued offline. They mirror
// tracker/logbook/forms.py (session_payload, form_name), whose docstring describes
// the form's names: a stretch card's fields are entries[<slug>][<field>].
//
// The rules hold no limits of their own: the page renders the API schemas' limits
// into its inputs (min, max, maxlength), and outbox.js passes them in as `rules`
// ({name: {min, max, maxLength, whole, options}}; see formRules there).
// The messages are in the page's language (i18n.js; English without a page).
import { number as numberText, t, tn } from "./i18n.js";

const INT = /^-?\d{1,30}$/;
const NUM = /^-?\d{1,30}(\.\d{1,30})?$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const CARD_FIELD = /^entries\[([^[\]]+)\]\[(\w+)\]$/;

/** Form text to a JSON value: integers and decimals become numbers, blanks null;
 * anything else stays text for the server's schema to name. */
export function number(value) {
  if (value === undefined || value === null || String(value).trim() === "") return null;
  const text = String(value).trim();
  return INT.test(text) || NUM.test(text) ? Number(text) : text;
}

/** Minutes east of UTC of `timeZone` at the instant `ms`. */
export function offsetMinutes(ms, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
}

function pad(n) {
  return String(Math.abs(n)).padStart(2, "0");
}

/** ISO 8601 with offset for an instant, as seen in `timeZone`. */
export function isoInZone(ms, timeZone) {
  const off = offsetMinutes(ms, timeZone);
  const wall = new Date(ms + off * 60000);
  const sign = off < 0 ? "-" : "+";
  return `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}` +
    `${sign}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** A datetime-local value ("2026-03-29T02:30") is wall time in the person's zone.
 * A time a DST gap skips moves forward by the gap, like zoneinfo with fold=0. */
export function localToIso(value, timeZone) {
  const m = LOCAL.exec(value);
  if (!m) return value; // the server's schema reports it
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  // The offsets half a day either side of that wall time; fold=0 prefers the earlier.
  const earlier = offsetMinutes(wall - 43200000, timeZone);
  const later = offsetMinutes(wall + 43200000, timeZone);
  const fits = (off) => offsetMinutes(wall - off * 60000, timeZone) === off;
  const off = fits(earlier) || !fits(later) ? earlier : later;
  const ms = wall - off * 60000;
  return isoInZone(ms, timeZone);
}

function getter(entries) {
  const all = new Map();
  for (const [key, value] of entries) {
    if (!all.has(key)) all.set(key, []);
    all.get(key).push(typeof value === "string" ? value : "");
  }
  return {
    get: (key) => (all.has(key) ? all.get(key)[0] : undefined),
    getAll: (key) => all.get(key) || [],
    keys: () => [...all.keys()],
  };
}

/** A stretch card's form name: entries[slr-strap][reps]. */
export function cardField(slug, field) {
  return `entries[${slug}][${field}]`;
}

const SIDED = { angle_deg: "angle_", angle_method: "angle_method_" };

/** The form field that `field` of `entry` (an entry of the body) came from: its
 * card's, a leg's angle for a per-side entry (tracker/logbook/forms.py form_name). */
export function formName(entry, field) {
  const sided = entry.side === "left" || entry.side === "right";
  let name = field;
  if (SIDED[field] && sided) name = SIDED[field] + entry.side;
  else if (field === "side") name = "sides";
  return cardField(entry.stretch, name);
}

/** The log form's entries ([name, value] pairs, e.g. from `new FormData(form)`) to
 * the body of POST /api/v1/sessions: one entry per ticked card, or per side ticked. */
export function sessionPayload(entries, timeZone, nowMs) {
  const form = getter(entries);
  const payload = { client_id: form.get("client_id") || "" };
  const when = form.get("performed_at");
  payload.performed_at = when ? localToIso(when, timeZone) : isoInZone(nowMs, timeZone);
  for (const name of ["pain_before", "pain_after"]) {
    const value = number(form.get(name));
    if (value !== null) payload[name] = value;
  }
  payload.notes = form.get("notes") || "";
  const slugs = new Set(form.keys().map((key) => CARD_FIELD.exec(key)?.[1]).filter(Boolean));
  payload.entries = [];
  for (const slug of slugs) {
    const posted = (field) => form.get(cardField(slug, field));
    if (!posted("done")) continue;
    const base = { stretch: slug, worse: Boolean(posted("worse")) };
    for (const name of ["reps", "hold_seconds"]) {
      const value = number(posted(name));
      if (value !== null) base[name] = value;
    }
    // A method without an angle is dropped, a blank one left to the server's default.
    const withAngle = (entry, angleField, methodField) => {
      const angle = number(posted(angleField));
      if (angle === null) return entry;
      entry.angle_deg = angle;
      const method = (posted(methodField) || "").trim();
      if (method) entry.angle_method = method;
      return entry;
    };
    const sides = form.getAll(cardField(slug, "sides"));
    if (sides.length) {
      for (const side of sides) {
        payload.entries.push(withAngle({ ...base, side }, `angle_${side}`, `angle_method_${side}`));
      }
    } else {
      payload.entries.push(withAngle(base, "angle_deg", "angle_method"));
    }
  }
  return payload;
}

/** The quick check-in form to the body of POST /api/v1/checkins. */
export function checkinPayload(entries, timeZone, nowMs) {
  const form = getter(entries);
  const payload = {
    client_id: form.get("client_id") || "",
    recorded_at: isoInZone(nowMs, timeZone),
    score: number(form.get("score")),
    context: form.get("context") || "other",
  };
  const note = form.get("note");
  if (note) payload.note = note;
  return payload;
}

/** `value` against an input's limits: a number (whole where the input steps by
 * whole numbers) from min to max. */
function checkRange(errors, key, value, rule) {
  if (!rule || value === undefined || value === null) return;
  const { min = -Infinity, max = Infinity, whole = false } = rule;
  if (typeof value !== "number" || (whole && !Number.isInteger(value))) {
    errors[key] = [whole ? t("Enter a whole number.") : t("Enter a number.")];
  } else if (value < min || value > max) {
    errors[key] = [t("Must be between {min} and {max}.", { min: numberText(min, 2), max: numberText(max, 2) })];
  }
}

function checkLength(errors, key, text, rule) {
  if (rule?.maxLength !== undefined && (text || "").length > rule.maxLength) {
    errors[key] = [tn("At most {n} character.", "At most {n} characters.", rule.maxLength)];
  }
}

/** The form rules, checked before a session is queued: {"dotted.field": [messages]},
 * empty when the server would accept it. `rules`: the form's limits by field name
 * (a card with a `sides` field is a per-side stretch, which needs a side ticked),
 * and `entries: {max}`, how many entries a session may have. */
export function sessionErrors(payload, rules = {}) {
  const errors = {};
  const most = rules.entries?.max;
  if (!payload.entries.length) errors.entries = [t("Tick at least one stretch you did.")];
  else if (most !== undefined && payload.entries.length > most) errors.entries = [tn("At most {n} stretch.", "At most {n} stretches.", most)];
  for (const name of ["pain_before", "pain_after"]) checkRange(errors, name, payload[name], rules[name]);
  if (!/[+-]\d{2}:\d{2}$|Z$/.test(payload.performed_at) || Number.isNaN(Date.parse(payload.performed_at))) {
    errors.performed_at = [t("Enter a date and time.")];
  }
  checkLength(errors, "notes", payload.notes, rules.notes);
  payload.entries.forEach((entry, i) => {
    if (rules[cardField(entry.stretch, "sides")] && !entry.side) errors[`entries.${i}.side`] = [t("Tick left, right or both.")];
    for (const field of ["reps", "hold_seconds", "angle_deg"]) {
      checkRange(errors, `entries.${i}.${field}`, entry[field], rules[formName(entry, field)]);
    }
  });
  return errors;
}

/** The check-in form's rules, as sessionErrors. */
export function checkinErrors(payload, rules = {}) {
  const errors = {};
  if (payload.score === null) errors.score = [t("Choose a pain score.")];
  else checkRange(errors, "score", payload.score, rules.score);
  const options = rules.context?.options;
  if (options && !options.includes(payload.context)) errors.context = [t("Choose when.")];
  checkLength(errors, "note", payload.note, rules.note);
  return errors;
}
