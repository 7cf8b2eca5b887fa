// The SMART Health Link viewer (/shl). The link (shlink:/ + base64url JSON {url, key,
// exp, flag, label, v}) is read from the URL fragment, which never reaches a server.
// The manifest is POSTed with the recipient's name (and the passcode for flag P); its
// file is a compact JWE (alg dir, enc A256GCM) decrypted here with WebCrypto, and the
// FHIR bundle inside is shown read-only. Every text goes in with textContent, in the
// page's language (./i18n.js).

import { t, tn, number, intlLocale } from "./i18n.js";

const PAIN = "72514-3";
const $ = (selector) => document.querySelector(selector);

function bytes(b64url) {
  const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(b64 + "===".slice((b64.length + 3) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function readLink(hash) {
  const at = hash.indexOf("shlink:/");
  if (at < 0) return null;
  try {
    const link = JSON.parse(new TextDecoder().decode(bytes(hash.slice(at + 8))));
    return typeof link.url === "string" && typeof link.key === "string" ? link : null;
  } catch {
    return null;
  }
}

export async function decrypt(jwe, key) {
  const [header, encryptedKey, iv, ciphertext, tag] = jwe.split(".");
  const protectedHeader = JSON.parse(new TextDecoder().decode(bytes(header)));
  if (protectedHeader.alg !== "dir" || protectedHeader.enc !== "A256GCM" || encryptedKey !== "") {
    throw new Error("unsupported encryption");
  }
  const aesKey = await crypto.subtle.importKey("raw", bytes(key), "AES-GCM", false, ["decrypt"]);
  const body = new Uint8Array([...bytes(ciphertext), ...bytes(tag)]);
  let plain = new Uint8Array(await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes(iv), additionalData: new TextEncoder().encode(header), tagLength: 128 },
    aesKey, body));
  if (protectedHeader.zip === "DEF") {
    const stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    plain = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return JSON.parse(new TextDecoder().decode(plain));
}

// ---------------------------------------------------------------- the report

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function table(caption, head, rows) {
  const wrap = el("div", null, "table-scroll");
  const tbl = el("table", null, "data");
  tbl.append(el("caption", caption));
  const tr = el("tr");
  for (const h of head) tr.append(Object.assign(el("th", h), { scope: "col" }));
  tbl.append(el("thead"), el("tbody"));
  tbl.tHead.append(tr);
  for (const row of rows) {
    const line = el("tr");
    row.forEach((cell, i) => line.append(i === 0 ? Object.assign(el("th", cell), { scope: "row" }) : el("td", cell)));
    tbl.tBodies[0].append(line);
  }
  wrap.append(tbl);
  return wrap;
}

const day = (iso) => (iso || "").slice(0, 10);
// "6 Dec 2026, 14:50", as the app's own pages write dates (its English is British);
// another page language formats in its own way.
const WHEN = new Intl.DateTimeFormat(intlLocale, {
  day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const when = (date) => WHEN.format(date);
// A day ("2026-11-16") as the app writes one: "Mon 16 Nov" (noon UTC: no zone moves it).
const DAY = new Intl.DateTimeFormat(intlLocale, {
  weekday: "short", day: "numeric", month: "short", timeZone: "UTC",
});
const dayLabel = (iso) => (iso ? DAY.format(new Date(`${iso}T12:00:00Z`)) : "–");
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x) => (x === null || x === undefined ? "–"
  : Number.isInteger(x) ? number(x, 0) : new Intl.NumberFormat(intlLocale, {
    minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x));
const codes = (resource) => (resource.code?.coding || []).map((c) => c.code);

function painSection(observations) {
  const section = el("section", null, "card");
  section.append(el("h2", t("Pain (0–10)")));
  const byDay = new Map();
  for (const o of observations) {
    const d = day(o.effectiveDateTime);
    if (!byDay.has(d)) byDay.set(d, []);
    byDay.get(d).push(o.valueInteger);
  }
  const days = [...byDay.keys()].sort();
  if (!days.length) {
    section.append(el("p", t("No pain scores in this period.")));
    return section;
  }
  const means = days.map((d) => mean(byDay.get(d)));
  const baseline = mean(means.slice(0, 3));
  const current = mean(means.slice(-7));
  const change = current - baseline;
  const summary = el("p", null, "summary");
  const params = { start: fmt(baseline), now: fmt(current), points: fmt(Math.abs(change)) };
  summary.textContent = (change <= 0
    ? t("Started at {start} (mean of the first 3 logged days), now {now} (mean of the last 7 logged days): down {points} points.", params)
    : t("Started at {start} (mean of the first 3 logged days), now {now} (mean of the last 7 logged days): up {points} points.", params)) +
    (change <= -2 || (baseline > 0 && -change / baseline >= 0.3) ? " " + t("A meaningful improvement (2 points or 30%).") : "");
  section.append(summary);
  section.append(table(t("Pain by day"), [t("Date"), t("Mean"), t("Lowest"), t("Highest"), t("Scores")],
    days.map((d) => { const s = byDay.get(d); return [dayLabel(d), fmt(mean(s)), Math.min(...s), Math.max(...s), s.length]; })));
  return section;
}

function legRaiseSection(observations) {
  const section = el("section", null, "card");
  section.append(el("h2", t("Straight-leg raise (best angle per day)")));
  const best = new Map();
  for (const o of observations) {
    const d = day(o.effectiveDateTime);
    const leg = (o.bodySite?.text || "").toLowerCase().startsWith("left") ? "left"
      : (o.bodySite?.text || "").toLowerCase().startsWith("right") ? "right" : "other";
    const row = best.get(d) || { left: null, right: null, other: null };
    row[leg] = Math.max(row[leg] ?? -Infinity, o.valueQuantity.value);
    best.set(d, row);
  }
  const days = [...best.keys()].sort();
  if (!days.length) {
    section.append(el("p", t("No leg raises measured in this period.")));
    return section;
  }
  section.append(table(t("Best angle in degrees"), [t("Date"), t("Left leg"), t("Right leg")],
    days.map((d) => [dayLabel(d), fmt(best.get(d).left), fmt(best.get(d).right ?? best.get(d).other)])));
  return section;
}

function answerValue(item) {
  const answer = (item.answer || [])[0] || {};
  return answer.valueInteger ?? answer.valueDecimal ?? answer.valueString ?? answer.valueCoding?.display ?? null;
}

function psfsSection(responses) {
  const section = el("section", null, "card");
  section.append(el("h2", t("Activities they find hard (PSFS, 0 = unable, 10 = as before)")));
  const rows = [];
  for (const r of responses.sort((a, b) => (a.authored || "").localeCompare(b.authored || ""))) {
    const items = (r.item || []).flatMap((i) => (i.item ? i.item : [i]));
    const scores = items.map(answerValue).filter((v) => typeof v === "number");
    rows.push([dayLabel(day(r.authored)), items.map((i) => t("{activity}: {score}", { activity: i.text || i.linkId, score: fmt(answerValue(i)) })).join("; "),
      scores.length ? fmt(mean(scores)) : "–"]);
  }
  section.append(table(t("Ratings"), [t("Date"), t("Activities"), t("Mean")], rows));
  return section;
}

function flagsSection(resources, painObservations) {
  const flags = [];
  for (const f of resources.filter((r) => r.resourceType === "Flag")) {
    flags.push([day(f.period?.start), f.code?.text || t("Flag")]);
  }
  // A session whose pain rose by 2 points or more (scores before and after stretching).
  const bySession = new Map();
  for (const o of painObservations) {
    const id = o.identifier?.[0]?.value || "";
    const [session, when] = id.split("/");
    if (when === "pain_before" || when === "pain_after") {
      const s = bySession.get(session) || { date: day(o.effectiveDateTime) };
      s[when] = o.valueInteger;
      bySession.set(session, s);
    }
  }
  for (const s of bySession.values()) {
    if (s.pain_after - s.pain_before >= 2) {
      flags.push([s.date, t("pain rose from {before} to {after} during a session", { before: s.pain_before, after: s.pain_after })]);
    }
  }
  const notes = painObservations.flatMap((o) => (o.note || []).map((n) => [day(o.effectiveDateTime), n.text]));
  const section = el("section", null, "card");
  section.append(el("h2", t("Flags and notes")));
  if (!flags.length && !notes.length) section.append(el("p", t("No flags or notes in this period.")));
  // [ISO day, text] pairs: in date order, each shown as the app writes a day.
  const byDate = (a, b) => a[0].localeCompare(b[0]);
  for (const [title, list] of [[t("Flags"), flags.sort(byDate)], [t("Notes"), notes.sort(byDate)]]) {
    if (!list.length) continue;
    section.append(el("h3", title));
    const ul = el("ul");
    for (const [iso, text] of list) ul.append(el("li", iso ? t("{date}: {text}", { date: dayLabel(iso), text }) : text));
    section.append(ul);
  }
  return section;
}

export function renderBundle(bundle, target) {
  const resources = (bundle.entry || []).map((e) => e.resource).filter(Boolean);
  const observations = resources.filter((r) => r.resourceType === "Observation");
  const pain = observations.filter((o) => codes(o).includes(PAIN));
  const angles = observations.filter((o) => o.valueQuantity?.code === "deg");
  const psfs = resources.filter((r) => r.resourceType === "QuestionnaireResponse");
  target.replaceChildren(
    el("p", t("The data as it was when the link was made: {when}.", { when: when(new Date(bundle.timestamp)) }), "hint"),
    painSection(pain), legRaiseSection(angles));
  if (psfs.length) target.append(psfsSection(psfs));
  target.append(flagsSection(resources, pain));
  target.hidden = false;
}

// ---------------------------------------------------------------- the page

function problem(text) {
  const box = $("[data-shl-problem]");
  box.textContent = text;
  box.hidden = false;
  $("[data-shl-form]").hidden = true;
}

async function open(link, form) {
  const error = $("[data-shl-error]");
  error.hidden = true;
  const body = { recipient: form.recipient.value.trim() };
  if (link.flag?.includes("P")) body.passcode = form.passcode.value;
  let response;
  try {
    response = await fetch(link.url, {
      method: "POST", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    error.textContent = t("The diary could not be fetched: check the connection and try again.");
    error.hidden = false;
    return;
  }
  if (response.status === 401) {
    const { remainingAttempts } = await response.json();
    if (remainingAttempts > 0) {
      error.textContent = tn("That passcode is not right. {n} try left.", "That passcode is not right. {n} tries left.", remainingAttempts);
      error.hidden = false;
      form.passcode.select();
    } else {
      problem(t("Too many wrong passcodes: this link is now locked. Ask the person who shared it for a new one."));
    }
    return;
  }
  if (!response.ok) {
    problem(response.status === 429 ? t("Too many attempts. Wait a little and try again.")
      : t("This link no longer works: it has expired, was withdrawn, or never existed. Ask the person who shared it for a new one."));
    return;
  }
  const manifest = await response.json();
  const file = (manifest.files || []).find((f) => f.contentType === "application/fhir+json" && f.embedded);
  try {
    if (!file) throw new Error("no file");
    const bundle = await decrypt(file.embedded, link.key);
    form.hidden = true;
    renderBundle(bundle, $("[data-shl-report]"));
  } catch {
    problem(t("The shared diary could not be decrypted: the link may be incomplete. Ask for it again."));
  }
}

function start() {
  const link = readLink(decodeURIComponent(location.hash));
  if (!link) {
    problem(t("This page opens a SMART Health Link: scan the QR code or open the whole link you were sent."));
    return;
  }
  if (new URL(link.url, location.href).origin !== location.origin) {
    problem(t("This viewer opens only links made by this site."));
    return;
  }
  if (link.label) {
    const label = $("[data-shl-label]");
    label.textContent = link.label;
    label.hidden = false;
  }
  if (link.exp && link.exp * 1000 <= Date.now()) {
    problem(t("This link has expired. Ask the person who shared it for a new one."));
    return;
  }
  const form = $("[data-shl-form]");
  if (link.exp) $("[data-shl-expiry]").textContent = t("The link works until {when}.", { when: when(new Date(link.exp * 1000)) });
  const needsPasscode = Boolean(link.flag?.includes("P"));
  $("[data-shl-passcode]").hidden = !needsPasscode;
  form.passcode.required = needsPasscode;
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    open(link, form).finally(() => { button.disabled = false; });
  });
}

start();
