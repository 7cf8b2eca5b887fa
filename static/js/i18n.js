// The scripts' words in the page's language. The page carries this language's "js"
// catalog as JSON (<script type="application/json" id="i18n-catalog">, tracker/i18n.py);
// English pages carry none and the message ids are the English text.
//
//   t("Pain {before} → {after}", { before: 3, after: 2 })
//   tn("{n} stretch", "{n} stretches", count)             // n is the count unless given
//
// Mark strings only with these two names and a literal first argument: `make
// translations` extracts them (babel-js.cfg). Dates and numbers: dateText, number.

const element = typeof document === "undefined" ? null : document.getElementById("i18n-catalog");
const catalog = element ? JSON.parse(element.textContent || "{}") : {};

/** The page's language ("de"); Intl writes English the British way, as the server does. */
export const lang = (typeof document !== "undefined" && document.documentElement.lang) || "en";
export const intlLocale = lang === "en" ? "en-GB" : lang;

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The message in the page's language, its {placeholders} filled. */
export function t(msgid, params) {
  const found = catalog[msgid];
  return fill(typeof found === "string" && found ? found : msgid, params);
}

const plurals = new Intl.PluralRules(intlLocale);

/** The singular or plural by the language's rule (CLDR "one" is the first form). */
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
