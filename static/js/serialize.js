// Pure functions (no DOM, no storage): the log form and the check-in form, as
// FormData entries, to the JSON bodies of POST /api/v1/sessions and /checkins, and
// the form rules checked before an entry is queued offline. They mirror
// tracker/logbook/forms.py (session_payload) and tracker/logbook/schemas.py.

export const LIMITS = {
  pain: [0, 10], reps: [1, 50], hold_seconds: [1, 600], angle_deg: [0, 120],
  notes: 2000, note: 1000, entries: 50,
};
export const CONTEXTS = ["waking", "after_sitting", "evening", "other"];

const INT = /^-?\d{1,30}$/;
const NUM = /^-?\d{1,30}(\.\d{1,30})?$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

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

/** The log form's entries ([name, value] pairs, e.g. from `new FormData(form)`) to
 * the body of POST /api/v1/sessions. */
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
  const cards = [...new Set(form.keys()
    .map((key) => /^entries-(\d+)-stretch$/.exec(key))
    .filter(Boolean).map((m) => Number(m[1])))].sort((a, b) => a - b);
  payload.entries = [];
  for (const i of cards) {
    const p = `entries-${i}-`;
    if (!form.get(`${p}done`)) continue;
    const base = { stretch: form.get(`${p}stretch`) || "", worse: Boolean(form.get(`${p}worse`)) };
    for (const name of ["reps", "hold_seconds"]) {
      const value = number(form.get(p + name));
      if (value !== null) base[name] = value;
    }
    const sides = form.getAll(`${p}sides`);
    // entries-N-angle_left + entries-N-angle_method_left per side, or
    // entries-N-angle_deg + entries-N-angle_method for the whole body.
    const withAngle = (entry, angleName, methodName) => {
      const angle = number(form.get(p + angleName));
      if (angle !== null) entry.angle_deg = angle;
      const method = form.get(p + methodName);
      if (angle !== null && method) entry.angle_method = method;
      return entry;
    };
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

function checkRange(errors, key, value, [low, high], integer = true) {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || (integer && !Number.isInteger(value))) {
    errors[key] = [integer ? "Enter a whole number." : "Enter a number."];
  } else if (value < low || value > high) {
    errors[key] = [`Must be between ${low} and ${high}.`];
  }
}

/** The form rules, checked before a session is queued: {"dotted.field": [messages]},
 * empty when the server would accept it. `perSide`: the slugs of the form's per-side
 * stretches (cards with Left/Right ticks), which need a side ticked. */
export function sessionErrors(payload, perSide = new Set()) {
  const errors = {};
  if (!payload.entries.length) errors.entries = ["Tick at least one stretch you did."];
  if (payload.entries.length > LIMITS.entries) errors.entries = [`At most ${LIMITS.entries} stretches.`];
  for (const name of ["pain_before", "pain_after"]) checkRange(errors, name, payload[name], LIMITS.pain);
  if (!/[+-]\d{2}:\d{2}$|Z$/.test(payload.performed_at) || Number.isNaN(Date.parse(payload.performed_at))) {
    errors.performed_at = ["Enter a date and time."];
  }
  if (payload.notes.length > LIMITS.notes) errors.notes = [`At most ${LIMITS.notes} characters.`];
  payload.entries.forEach((entry, i) => {
    if (perSide.has(entry.stretch) && !entry.side) errors[`entries.${i}.side`] = ["Tick left, right or both."];
    checkRange(errors, `entries.${i}.reps`, entry.reps, LIMITS.reps);
    checkRange(errors, `entries.${i}.hold_seconds`, entry.hold_seconds, LIMITS.hold_seconds);
    checkRange(errors, `entries.${i}.angle_deg`, entry.angle_deg, LIMITS.angle_deg, false);
  });
  return errors;
}

export function checkinErrors(payload) {
  const errors = {};
  if (payload.score === null) errors.score = ["Choose a pain score."];
  else checkRange(errors, "score", payload.score, LIMITS.pain);
  if (!CONTEXTS.includes(payload.context)) errors.context = ["Choose when."];
  if ((payload.note || "").length > LIMITS.note) errors.note = [`At most ${LIMITS.note} characters.`];
  return errors;
}
