// node --test: the log form's draft, the parts without a page or IndexedDB
// (static/js/logdraft.js: what is kept, how it is put back; drafts.js: when a draft
// is stale).
import assert from "node:assert/strict";
import { test } from "node:test";

import { isStale, STALE_MS } from "../../static/js/drafts.js";
import { dayOf, draftFields, fillPlan, sameFields } from "../../static/js/logdraft.js";

const NOW = Date.UTC(2026, 11, 6, 9, 0, 0);

test("isStale: a draft last saved more than a day ago", () => {
  assert.equal(isStale(NOW, NOW), false);
  assert.equal(isStale(NOW - STALE_MS, NOW), false);
  assert.equal(isStale(NOW - STALE_MS - 1, NOW), true);
  assert.equal(isStale(undefined, NOW), true); // a damaged record is offered, not forced
});

test("draftFields: text values only, never the CSRF token", () => {
  const file = { name: "x.png" }; // what FormData gives for a file input
  assert.deepEqual(draftFields([["csrf_token", "t"], ["client_id", "c"], ["notes", "hi"], ["pic", file]]),
    [["client_id", "c"], ["notes", "hi"]]);
});

test("fillPlan: radios and checkboxes by name and value, the rest in order", () => {
  const controls = [
    { name: "client_id", type: "hidden", value: "fresh" },
    { name: "pain_before", type: "radio", value: "4" },
    { name: "pain_before", type: "radio", value: "5" },
    { name: "entries[slr-strap][done]", type: "checkbox", value: "1" },
    { name: "entries[slr-strap][sides]", type: "checkbox", value: "left" },
    { name: "entries[slr-strap][sides]", type: "checkbox", value: "right" },
    { name: "entries[slr-strap][angle_left]", type: "number", value: "" },
    { name: "entries[slr-strap][angle_method_left]", type: "hidden", value: "manual" },
    { name: "entries[new-one][reps]", type: "number", value: "8" }, // added since the draft
    { name: "entries[cat][done]", type: "checkbox", value: "1" }, // ticked now, not then
    { name: "performed_at", type: "datetime-local", value: "2026-12-06T10:00" },
    { name: "notes", type: "textarea", value: "" },
  ];
  const fields = [
    ["client_id", "kept"], ["pain_before", "5"], ["entries[slr-strap][done]", "1"],
    ["entries[slr-strap][sides]", "right"], ["entries[slr-strap][angle_left]", "42"],
    ["entries[slr-strap][angle_method_left]", "phone"],
    ["performed_at", "2026-12-05T08:30"], ["notes", "stiff"],
  ];
  assert.deepEqual(fillPlan(controls, fields), [
    { value: "kept" }, { checked: false }, { checked: true }, { checked: true },
    { checked: false }, { checked: true }, { value: "42" }, { value: "phone" }, null,
    { checked: false }, { value: "2026-12-05T08:30" }, { value: "stiff" },
  ]);
});

test("fillPlan: several controls of one name take its values in turn", () => {
  const controls = [{ name: "a", type: "text", value: "" }, { name: "a", type: "text", value: "" },
    { name: "a", type: "text", value: "" }];
  assert.deepEqual(fillPlan(controls, [["a", "1"], ["a", "2"]]), [{ value: "1" }, { value: "2" }, null]);
});

test("sameFields: whatever the client_id, the time the page was opened and the cards' order", () => {
  const a = [["client_id", "1"], ["entries[a][reps]", "5"], ["entries[b][reps]", "3"], ["notes", ""],
    ["performed_at", "2026-12-06T08:00"]];
  const b = [["client_id", "2"], ["entries[b][reps]", "3"], ["entries[a][reps]", "5"], ["notes", ""],
    ["performed_at", "2026-12-06T08:05"]];
  assert.equal(sameFields(a, b), true);
  assert.equal(sameFields(a, [...b.slice(0, 3), ["notes", "x"]]), false);
  assert.equal(sameFields(a, [...b.slice(0, 3), ["notes", ""], ["notes", ""]]), false);
  assert.equal(sameFields(a, [...b, ["pain_before", "3"]]), false);
});

test("dayOf: the day in the person's zone, the year only when it is not this one", () => {
  const lateFriday = Date.UTC(2026, 11, 4, 23, 30); // Saturday already in Berlin
  assert.equal(dayOf(lateFriday, "UTC", NOW), "Friday 4 December");
  assert.equal(dayOf(lateFriday, "Europe/Berlin", NOW), "Saturday 5 December");
  assert.equal(dayOf(Date.UTC(2025, 11, 30, 12), "UTC", NOW), "Tuesday, 30 December 2025");
  assert.equal(dayOf(lateFriday, "Not/AZone", NOW).endsWith("December"), true);
});
