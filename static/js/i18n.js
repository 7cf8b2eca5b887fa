// The scripts' words in the page's language. The page carries this language's "js"
// catalog as JSON (<script type="application/json" id="i18n-catalog">, tracker/i18n.py);
// English pages carry none and the message ids are the English text. Without a page
// (node --test) the scripts speak English; useCatalog sets a language and catalog.
//
//   t("Pain {before} → {after}", { before: 3, after: 2 })
//   tn("{n} stretch", "{n} stretches", count)             // n is the count unless given
//
// Mark strings only with these two names and a literal first argument: `make
// translations` extracts them (babel-js.cfg). Dates and numbers: dateText, number.

const hasPage = typeof document !== "undefined";

function pageCatalog() {
  const element = hasPage ? document.getElementById("i18n-catalog") : null;
  try {
    return element ? JSON.parse(element.textContent || "{}") : {};
  } catch {
    return {}; // a damaged catalog: English rather than no words at all
  }
}

let catalog = {};
/** The page's language ("de"). */
export let lang = "en";
/** The locale Intl writes in: English the British way ("7 Nov"), as the server does. */
export let intlLocale = "en-GB";
let plurals = null;

/** Speak `code` with `messages` (msgid -> text, or a plural's [one, other]); the
 * page's own catalog at load. For tests and pages that change language. */
export function useCatalog(code, messages = {}) {
  lang = code || "en";
  intlLocale = lang === "en" ? "en-GB" : lang;
  catalog = messages || {};
  plurals = new Intl.PluralRules(intlLocale);
}

useCatalog((hasPage && document.documentElement.lang) || "en", pageCatalog());

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The message in the page's language, its {placeholders} filled. */
export function t(msgid, params) {
  const found = catalog[msgid];
  return fill(typeof found === "string" && found ? found : msgid, params);
}

/** The singular or plural by the language's rule (CLDR "one" is the first form);
 * {n} is the count written the language's way unless params give it. */
export function tn(singular, plural, n, params) {
  const forms = catalog[singular];
  const index = plurals.select(n) === "one" ? 0 : 1;
  const text = Array.isArray(forms) && forms[index] ? forms[index] : (index === 0 ? singular : plural);
  return fill(text, { n: number(n), ...params });
}

/** 42.5 -> "42.5" / "42,5"; at most `digits` decimals. */
export function number(value, digits = 1) {
  return new Intl.NumberFormat(intlLocale, { maximumFractionDigits: digits }).format(value);
}

/** A date as the pages write it: "7 Nov" / "7. Nov." (options add the weekday, year...). */
export function dateText(date, options = { day: "numeric", month: "short" }) {
  return new Intl.DateTimeFormat(intlLocale, options).format(date);
}

/** A time of day, 24-hour: "09:24" (options: a timeZone). */
export function timeText(date, options = {}) {
  return new Intl.DateTimeFormat(intlLocale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...options })
    .format(date);
}
