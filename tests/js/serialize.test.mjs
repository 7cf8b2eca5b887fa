// node --test: the offline queue's form serializer and rules (static/js/serialize.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  cardField, checkinErrors, checkinPayload, formName, localToIso, number, sessionErrors,
  sessionPayload,
} from "../../static/js/serialize.js";

// Shared with tests/unit/test_logbook_forms.py: both sides build the same body.
const FIXTURE = JSON.parse(readFileSync(new URL("./session_form.json", import.meta.url), "utf8"));
// The log form's limits as outbox.js reads them from the page's inputs (formRules).
const rules = (slugs, perSide = []) => ({
  pain_before: { min: 0, max: 10, whole: true }, pain_after: { min: 0, max: 10, whole: true },
  notes: { maxLength: 2000 }, entries: { max: 50 },
  ...Object.fromEntries(slugs.flatMap((slug) => [
    [cardField(slug, "reps"), { min: 1, max: 50, whole: true }],
    [cardField(slug, "hold_seconds"), { min: 1, max: 600, whole: true }],
    ...(perSide.includes(slug)
      ? [[cardField(slug, "sides"), {}], [cardField(slug, "angle_left"), { min: 0, max: 120, whole: false }],
        [cardField(slug, "angle_right"), { min: 0, max: 120, whole: false }]]
      : [[cardField(slug, "angle_deg"), { min: 0, max: 120, whole: false }]]),
  ])),
});

const NOW = Date.UTC(2026, 10, 26, 9, 30, 0); // 2026-11-26 09:30Z

test("number: integers, decimals, blanks, text", () => {
  for (const [input, expected] of [["5", 5], [" 42 ", 42], ["-1", -1], ["40.5", 40.5],
    ["", null], ["  ", null], [undefined, null], ["abc", "abc"], ["1e3", "1e3"],
    ["1".repeat(31), "1".repeat(31)]]) {
    assert.deepEqual(number(input), expected, `number(${input})`);
  }
});

test("localToIso: wall time in the person's zone, DST gaps and folds like zoneinfo", () => {
  for (const [local, zone, expected] of [
    ["2026-06-01T08:15", "Europe/Berlin", "2026-06-01T08:15:00+02:00"],
    ["2026-01-01T08:15", "Europe/Berlin", "2026-01-01T08:15:00+01:00"],
    ["2026-01-01T08:15", "UTC", "2026-01-01T08:15:00+00:00"],
    ["2026-01-01T08:15", "Asia/Kolkata", "2026-01-01T08:15:00+05:30"],
    ["2026-01-01T08:15", "America/New_York", "2026-01-01T08:15:00-05:00"],
    // spring forward: 02:30 does not exist in Berlin, it moves on by the gap
    ["2027-03-28T02:30", "Europe/Berlin", "2027-03-28T03:30:00+02:00"],
    // fall back: 02:30 happens twice, the first one counts
    ["2026-10-25T02:30", "Europe/Berlin", "2026-10-25T02:30:00+02:00"],
    ["not a time", "Europe/Berlin", "not a time"],
  ]) {
    assert.equal(localToIso(local, zone), expected, `${local} in ${zone}`);
  }
});

for (const { case: name, timezone, now, form, body } of FIXTURE.cases) {
  test(`sessionPayload mirrors tracker/logbook/forms.py session_payload: ${name}`, () => {
    assert.deepEqual(sessionPayload(form, timezone, Date.parse(now)), body);
  });
}

test("formName: an entry's field is named by its stretch and side", () => {
  for (const [entry, field, name] of [
    [{ stretch: "cat-cow" }, "reps", "entries[cat-cow][reps]"],
    [{ stretch: "slr-strap", side: "left" }, "angle_deg", "entries[slr-strap][angle_left]"],
    [{ stretch: "slr-strap", side: "right" }, "angle_method", "entries[slr-strap][angle_method_right]"],
    [{ stretch: "slr-strap", side: "right" }, "side", "entries[slr-strap][sides]"],
    [{ stretch: "custom", side: "both" }, "angle_deg", "entries[custom][angle_deg]"],
    [{ stretch: "custom" }, "angle_method", "entries[custom][angle_method]"],
  ]) {
    assert.equal(formName(entry, field), name);
  }
});

test("sessionErrors: a per-side stretch (a card with sides) needs a side", () => {
  const body = sessionPayload(FIXTURE.cases[1].form, "UTC", Date.parse(FIXTURE.cases[1].now));
  // The server wants a side for a per-side stretch: say so before queuing.
  assert.deepEqual(sessionErrors(body, rules(["custom-reach", "slr-strap"], ["slr-strap"])), {
    "entries.1.side": ["Tick left, right or both."],
  });
  assert.deepEqual(sessionErrors(body, rules(["custom-reach", "slr-strap"])), {});
});

test("sessionErrors: the form's rules, read from its limits, by dotted field", () => {
  const ok = sessionPayload([["client_id", "c"], ["entries[a][done]", "1"]], "UTC", NOW);
  const limits = rules(["a", "s"], ["s"]);
  assert.deepEqual(sessionErrors(ok, limits), {});
  for (const [change, key] of [
    [(b) => { b.entries = []; }, "entries"],
    [(b) => { b.entries = Array.from({ length: 51 }, () => ({ stretch: "a" })); }, "entries"],
    [(b) => { b.pain_before = 11; }, "pain_before"],
    [(b) => { b.pain_after = -1; }, "pain_after"],
    [(b) => { b.pain_after = 2.5; }, "pain_after"],
    [(b) => { b.entries[0].reps = 0; }, "entries.0.reps"],
    [(b) => { b.entries[0].reps = 51; }, "entries.0.reps"],
    [(b) => { b.entries[0].reps = 2.5; }, "entries.0.reps"],
    [(b) => { b.entries[0].reps = "many"; }, "entries.0.reps"],
    [(b) => { b.entries[0].hold_seconds = 601; }, "entries.0.hold_seconds"],
    [(b) => { b.entries[0].angle_deg = 120.5; }, "entries.0.angle_deg"],
    [(b) => { b.entries[0].angle_deg = "steep"; }, "entries.0.angle_deg"],
    [(b) => { b.entries.push({ stretch: "s", side: "right", angle_deg: 121 }); }, "entries.1.angle_deg"],
    [(b) => { b.notes = "x".repeat(2001); }, "notes"],
    [(b) => { b.performed_at = "yesterday"; }, "performed_at"],
  ]) {
    const body = structuredClone(ok);
    change(body);
    assert.deepEqual(Object.keys(sessionErrors(body, limits)), [key]);
  }
  const edge = structuredClone(ok);
  Object.assign(edge, { pain_before: 0, pain_after: 10, notes: "x".repeat(2000) });
  Object.assign(edge.entries[0], { reps: 50, hold_seconds: 600, angle_deg: 119.5 });
  edge.entries.push({ stretch: "s", side: "left", angle_deg: 0 }, { stretch: "s", side: "right", angle_deg: 120 });
  assert.deepEqual(sessionErrors(edge, limits), {});
  // Limits come from the page: a tighter one is checked as given, none is not checked.
  const tight = { ...limits, [cardField("a", "reps")]: { min: 1, max: 3, whole: true } };
  assert.deepEqual(sessionErrors({ ...edge, entries: [{ stretch: "a", reps: 4 }] }, tight),
    { "entries.0.reps": ["Must be between 1 and 3."] });
  assert.deepEqual(sessionErrors({ ...edge, entries: [{ stretch: "a", reps: 4000 }] }), {});
});

test("checkinPayload and checkinErrors", () => {
  const body = checkinPayload([["client_id", "c"], ["score", "3"], ["context", "waking"]], "UTC", NOW);
  assert.deepEqual(body, { client_id: "c", recorded_at: "2026-11-26T09:30:00+00:00", score: 3, context: "waking" });
  // As outbox.js reads Today's check-in form: the score's radios, the context's options.
  const limits = { score: { min: 0, max: 10, whole: true },
    context: { options: ["waking", "after_sitting", "evening", "other"] }, note: { maxLength: 1000 } };
  assert.deepEqual(checkinErrors(body, limits), {});
  assert.deepEqual(Object.keys(checkinErrors({ ...body, score: null }, limits)), ["score"]);
  assert.deepEqual(Object.keys(checkinErrors({ ...body, score: 11 }, limits)), ["score"]);
  assert.deepEqual(Object.keys(checkinErrors({ ...body, context: "bed" }, limits)), ["context"]);
  assert.deepEqual(Object.keys(checkinErrors({ ...body, note: "x".repeat(1001) }, limits)), ["note"]);
  assert.deepEqual(checkinErrors({ ...body, note: "x".repeat(1000) }, limits), {});
});
