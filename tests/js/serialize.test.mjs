// node --test: the offline queue's form serializer and rules (static/js/serialize.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  checkinErrors, checkinPayload, localToIso, number, sessionErrors, sessionPayload,
} from "../../static/js/serialize.js";

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

test("sessionPayload mirrors tracker/logbook/forms.py session_payload", () => {
  const form = [
    ["csrf_token", "x"], ["client_id", "0b0f6f3e-8a8c-4c1e-9d6e-2f7f3e6b1a11"],
    ["pain_before", "6"], ["pain_after", "4"], ["performed_at", "2026-11-26T10:05"],
    ["notes", "Looser."],
    ["entries-0-stretch", "slr-strap"], ["entries-0-done", "1"], ["entries-0-reps", "5"],
    ["entries-0-hold_seconds", "10"], ["entries-0-sides", "left"], ["entries-0-sides", "right"],
    ["entries-0-angle_left", "40"], ["entries-0-angle_method_left", "phone"],
    ["entries-0-angle_right", "70.5"], ["entries-0-angle_method_right", ""],
    ["entries-1-stretch", "cat-cow"], ["entries-1-reps", "10"], // not ticked: left out
    ["entries-2-stretch", "prone-press-up"], ["entries-2-done", "1"], ["entries-2-reps", ""],
    ["entries-2-hold_seconds", "3"], ["entries-2-worse", "1"], ["entries-2-angle_deg", ""],
  ];
  assert.deepEqual(sessionPayload(form, "Europe/Berlin", NOW), {
    client_id: "0b0f6f3e-8a8c-4c1e-9d6e-2f7f3e6b1a11",
    performed_at: "2026-11-26T10:05:00+01:00",
    pain_before: 6, pain_after: 4, notes: "Looser.",
    entries: [
      { stretch: "slr-strap", worse: false, reps: 5, hold_seconds: 10, side: "left", angle_deg: 40, angle_method: "phone" },
      { stretch: "slr-strap", worse: false, reps: 5, hold_seconds: 10, side: "right", angle_deg: 70.5 },
      { stretch: "prone-press-up", worse: true, hold_seconds: 3 },
    ],
  });
});

test("sessionPayload: a whole-body angle sends entries-N-angle_method; a ticked card without sides, no side", () => {
  const form = [
    ["client_id", "c"],
    ["entries-0-stretch", "custom-reach"], ["entries-0-done", "1"],
    ["entries-0-angle_deg", "35"], ["entries-0-angle_method", "phone"],
    // the polished log form: sides start unticked, angle inputs are sent blank
    ["entries-1-stretch", "slr-strap"], ["entries-1-done", "1"],
    ["entries-1-angle_left", ""], ["entries-1-angle_method_left", "manual"],
    ["entries-1-angle_right", ""], ["entries-1-angle_method_right", "manual"],
  ];
  const body = sessionPayload(form, "UTC", NOW);
  assert.deepEqual(body.entries, [
    { stretch: "custom-reach", worse: false, angle_deg: 35, angle_method: "phone" },
    { stretch: "slr-strap", worse: false },
  ]);
  // The server wants a side for a per-side stretch: say so before queuing.
  assert.deepEqual(sessionErrors(body, new Set(["slr-strap"])), {
    "entries.1.side": ["Tick left, right or both."],
  });
  assert.deepEqual(sessionErrors(body), {});
});

test("sessionPayload: no time given means now, in the person's zone", () => {
  const body = sessionPayload([["client_id", "c"], ["performed_at", ""]], "Europe/Berlin", NOW);
  assert.equal(body.performed_at, "2026-11-26T10:30:00+01:00");
  assert.deepEqual(body.entries, []);
});

test("sessionErrors: the form's rules, by dotted field", () => {
  const ok = sessionPayload([["client_id", "c"], ["entries-0-stretch", "a"], ["entries-0-done", "1"]], "UTC", NOW);
  assert.deepEqual(sessionErrors(ok), {});
  for (const [change, key] of [
    [(b) => { b.entries = []; }, "entries"],
    [(b) => { b.pain_before = 11; }, "pain_before"],
    [(b) => { b.pain_after = -1; }, "pain_after"],
    [(b) => { b.pain_after = 2.5; }, "pain_after"],
    [(b) => { b.entries[0].reps = 0; }, "entries.0.reps"],
    [(b) => { b.entries[0].reps = 51; }, "entries.0.reps"],
    [(b) => { b.entries[0].reps = "many"; }, "entries.0.reps"],
    [(b) => { b.entries[0].hold_seconds = 601; }, "entries.0.hold_seconds"],
    [(b) => { b.entries[0].angle_deg = 120.5; }, "entries.0.angle_deg"],
    [(b) => { b.notes = "x".repeat(2001); }, "notes"],
    [(b) => { b.performed_at = "yesterday"; }, "performed_at"],
  ]) {
    const body = structuredClone(ok);
    change(body);
    assert.deepEqual(Object.keys(sessionErrors(body)), [key]);
  }
  const edge = structuredClone(ok);
  Object.assign(edge, { pain_before: 0, pain_after: 10, notes: "x".repeat(2000) });
  Object.assign(edge.entries[0], { reps: 50, hold_seconds: 600, angle_deg: 120 });
  assert.deepEqual(sessionErrors(edge), {});
});

test("checkinPayload and checkinErrors", () => {
  const body = checkinPayload([["client_id", "c"], ["score", "3"], ["context", "waking"]], "UTC", NOW);
  assert.deepEqual(body, { client_id: "c", recorded_at: "2026-11-26T09:30:00+00:00", score: 3, context: "waking" });
  assert.deepEqual(checkinErrors(body), {});
  assert.deepEqual(Object.keys(checkinErrors({ ...body, score: null })), ["score"]);
  assert.deepEqual(Object.keys(checkinErrors({ ...body, score: 11 })), ["score"]);
  assert.deepEqual(Object.keys(checkinErrors({ ...body, context: "bed" })), ["context"]);
  assert.deepEqual(Object.keys(checkinErrors({ ...body, note: "x".repeat(1001) })), ["note"]);
});
