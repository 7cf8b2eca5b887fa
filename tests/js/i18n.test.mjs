// static/js/i18n.js without a page (node --test): English by default, a catalog given
// with useCatalog, as a German page's <script id="i18n-catalog"> gives it.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import * as i18n from "../../static/js/i18n.js";
import { sessionErrors } from "../../static/js/serialize.js";

const { dateText, number, t, tn, useCatalog } = i18n;

const GERMAN = {
  "Pain {before} → {after}": "Schmerz {before} → {after}",
  "At most {n} stretch.": ["Höchstens {n} Übung.", "Höchstens {n} Übungen."],
  "Tick at least one stretch you did.": "Hak mindestens eine Übung ab, die du gemacht hast.",
  "Must be between {min} and {max}.": "Muss zwischen {min} und {max} liegen.",
  "Untranslated yet": "",
};

afterEach(() => useCatalog("en", {}));

test("without a page: English, the message ids themselves", () => {
  assert.equal(i18n.lang, "en");
  assert.equal(i18n.intlLocale, "en-GB");
  assert.equal(t("Pain {before} → {after}", { before: 6, after: 4 }), "Pain 6 → 4");
  assert.equal(tn("{n} item", "{n} items", 1), "1 item");
  assert.equal(tn("{n} item", "{n} items", 3), "3 items");
  assert.equal(number(42.5), "42.5");
  assert.equal(dateText(Date.UTC(2026, 10, 7, 12)), "7 Nov");
});

test("fill: named placeholders, every time they occur; unknown ones stay", () => {
  assert.equal(t("{a} and {a}, not {b}", { a: "x" }), "x and x, not {b}");
  assert.equal(t("No placeholders {here}"), "No placeholders {here}");
  assert.equal(t("{n}%", { n: 0 }), "0%");
});

test("a catalog: the translation, its placeholders filled; missing or empty ones in English", () => {
  useCatalog("de", GERMAN);
  assert.equal(i18n.lang, "de");
  assert.equal(i18n.intlLocale, "de");
  assert.equal(t("Pain {before} → {after}", { before: 6, after: 4 }), "Schmerz 6 → 4");
  assert.equal(t("Untranslated yet"), "Untranslated yet");
  assert.equal(t("Not in the catalog {x}", { x: 1 }), "Not in the catalog 1");
});

test("plurals: the form the language's rule picks, {n} written the language's way", () => {
  useCatalog("de", GERMAN);
  assert.equal(tn("At most {n} stretch.", "At most {n} stretches.", 1), "Höchstens 1 Übung.");
  assert.equal(tn("At most {n} stretch.", "At most {n} stretches.", 0), "Höchstens 0 Übungen.");
  assert.equal(tn("At most {n} stretch.", "At most {n} stretches.", 1500), "Höchstens 1.500 Übungen.");
  // Untranslated plurals fall back to English, chosen by the rule.
  assert.equal(tn("{n} item", "{n} items", 2.5), "2,5 items");
  // A given n wins over the count.
  assert.equal(tn("At most {n} stretch.", "At most {n} stretches.", 2, { n: "zwei" }), "Höchstens zwei Übungen.");
});

test("numbers and dates in German", () => {
  useCatalog("de", {});
  assert.equal(number(42.5), "42,5");
  assert.equal(number(40), "40");
  assert.equal(number(1.25, 2), "1,25");
  assert.equal(number(1.26), "1,3");
  assert.equal(dateText(Date.UTC(2026, 10, 7, 12)), "7. Nov.");
  assert.equal(dateText(Date.UTC(2026, 11, 4, 12), { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }),
    "Freitag, 4. Dezember");
  assert.equal(i18n.timeText(Date.UTC(2026, 11, 4, 9, 5), { timeZone: "UTC" }), "09:05");
});

test("the scripts' messages follow the catalog (serialize.js's form rules)", () => {
  useCatalog("de", GERMAN);
  const payload = { entries: [], performed_at: "2026-12-06T09:00:00+01:00", notes: "", pain_before: 12 };
  assert.deepEqual(sessionErrors(payload, { pain_before: { min: 0, max: 10, whole: true } }), {
    entries: ["Hak mindestens eine Übung ab, die du gemacht hast."],
    pain_before: ["Muss zwischen 0 und 10 liegen."],
  });
  useCatalog("en", {});
  assert.deepEqual(sessionErrors({ ...payload, entries: [{ stretch: "a" }, { stretch: "b" }] }, { entries: { max: 1 } }),
    { entries: ["At most 1 stretch."] });
});
