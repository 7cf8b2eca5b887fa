// The Progress page's charts: pain per day (points, the 7-day line, the start line and
// the shaded "meaningful drop" zone), the straight-leg raise per leg (with the
// programme's target band) and, once rated, the PSFS mean per rating set (with the
// first rating's line and the shaded "meaningful rise" zone, 2 points up). Flare-up pauses are hatched grey on both. The page already
// shows the same figures as text and tables; this only draws them. Used by the Progress
// page and the report; the page may name where the figures come from in data-figures
// (a shared report's reader is not signed in: /s/<token>/progress.json). uPlot is
// imported by the fingerprinted URL the page names in data-uplot, so it is cached like
// every other hashed static file (offline too).
//
// Reading a point: the legend always shows one day (the latest at first). A tap or a
// click picks a day and keeps it; a mouse hovering shows others and leaves it there
// again. Each chart is a slider for the keyboard: arrow keys, Home/End and Page
// Up/Down move the day, and its aria-valuetext says what the legend shows.
//
// Words through t() and dates and numbers through Intl in the page's language
// (./i18n.js): "7 Nov" and "4.5" on English pages, "7. Nov." and "4,5" on German ones.
import { dateText, number, t } from "./i18n.js";

let uPlot;

const DAY = 86400;
const THIS_YEAR = new Date().getFullYear();
const root = document.getElementById("progress");

function css(name, el = document.documentElement) {
  return getComputedStyle(el).getPropertyValue(name).trim();
}

// Dates are calendar days: plotted at UTC midnight and read back in UTC.
const toTs = (iso) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const utc = (ts) => new Date(ts * 1000);

// The app's date style (tracker/dates.py short_date) in the page's language: "7 Nov" /
// "7. Nov.", "Sat 7 Nov" / "Sa., 7. Nov.", and the year only when it is not this one.
function shortDate(ts, { weekday = false, year = null } = {}) {
  const d = utc(ts);
  const options = { day: "numeric", month: "short", timeZone: "UTC" };
  if (weekday) options.weekday = "short";
  if (year ?? d.getUTCFullYear() !== THIS_YEAR) options.year = "numeric";
  return dateText(d, options);
}

// Ticks on whole days only, as many as fit: every day, 2, 3, 7 or 14 days counted back
// from the last (so the latest day is always labelled), else the 1st of every 1, 2, 3,
// 6 or 12 months. One day of data gets one tick, never hours or years.
function dayTicks(min, max, width, space) {
  const first = Math.ceil(min / DAY) * DAY;
  const last = Math.floor(max / DAY) * DAY;
  if (last < first) return [];
  const room = Math.max(1, Math.floor(width / space));
  const days = (last - first) / DAY + 1;
  for (const step of [1, 2, 3, 7, 14]) {
    if (Math.ceil(days / step) <= room) {
      const ticks = [];
      for (let t = last; t >= first; t -= step * DAY) ticks.unshift(t);
      return ticks;
    }
  }
  const start = utc(first);
  for (const step of [1, 2, 3, 6, 12]) {
    const ticks = [];
    for (let m = start.getUTCFullYear() * 12 + start.getUTCMonth() + 1; ; m++) {
      const t = Date.UTC(Math.floor(m / 12), m % 12, 1) / 1000;
      if (t > last) break;
      if (m % step === 0) ticks.push(t);
    }
    if (ticks.length <= room || step === 12) return ticks;
  }
  return [];
}

// "7 Nov" under each tick; the year on a second line where it changes, when the chart
// spans two years or is not of this one.
function dayLabels(u, ticks) {
  const years = ticks.map((t) => utc(t).getUTCFullYear());
  const several = new Set([...years, utc(u.scales.x.min + DAY / 2).getUTCFullYear()]).size > 1;
  return ticks.map((t, i) => {
    const label = shortDate(t, { year: false });
    const newYear = i === 0 || years[i] !== years[i - 1];
    return newYear && (several || years[i] !== THIS_YEAR) ? `${label}\n${years[i]}` : label;
  });
}

function threshold(baseline) {
  // Meaningful: a drop of >= 2 points or >= 30% of the start, whichever comes first.
  return Math.max(baseline - 2, baseline * 0.7);
}

// A rectangle in data coordinates, clipped to the plot, under the series.
function rect(u, x0, x1, y0, y1) {
  const { bbox } = u;
  // whole pixels, so neighbouring days' rectangles meet without a seam
  const left = Math.round(Math.max(u.valToPos(x0, "x", true), bbox.left));
  const right = Math.round(Math.min(u.valToPos(x1, "x", true), bbox.left + bbox.width));
  const top = Math.round(Math.max(u.valToPos(y1, "y", true), bbox.top));
  const bottom = Math.round(Math.min(u.valToPos(y0, "y", true), bbox.top + bbox.height));
  return right > left && bottom > top ? [left, top, right - left, bottom - top] : null;
}

function shade(u, x0, x1, y0, y1, fill, edge) {
  const r = rect(u, x0, x1, y0, y1);
  if (!r) return;
  const { ctx } = u;
  ctx.save();
  ctx.fillStyle = fill;
  ctx.fillRect(...r);
  if (edge) {  // the band's top and bottom, so it reads against any background
    const line = Math.max(1, Math.round(uPlot.pxRatio));
    ctx.fillStyle = edge;
    ctx.fillRect(r[0], r[1], r[2], line);
    ctx.fillRect(r[0], r[1] + r[3] - line, r[2], line);
  }
  ctx.restore();
}

// The flare-up fill: thin grey diagonals over a faint grey, unlike any other shading.
function hatch(ctx) {
  const ratio = uPlot.pxRatio;
  const size = Math.round(7 * ratio);
  const tile = document.createElement("canvas");
  tile.width = tile.height = size;
  const c = tile.getContext("2d");
  c.fillStyle = css("--flare-soft");
  c.fillRect(0, 0, size, size);
  c.strokeStyle = css("--flare");
  c.lineWidth = 1.1 * ratio;
  c.beginPath();
  for (const k of [-1, 0, 1]) {  // one diagonal and its neighbours' ends, so tiles join
    c.moveTo(k * size, size);
    c.lineTo(k * size + size, 0);
  }
  c.stroke();
  return ctx.createPattern(tile, "repeat");
}

function flareRanges(flareUps) {
  return (flareUps || []).map((f) => [toTs(f.start_date) - DAY / 2, toTs(f.end_date) + DAY / 2]);
}

function shadeFlares(u, ranges) {
  if (!ranges.length) return;
  const pattern = hatch(u.ctx);
  for (const [x0, x1] of ranges) shade(u, x0, x1, u.scales.y.min, u.scales.y.max, pattern);
}

function axes(yLabel, yValues) {
  const grid = { stroke: css("--border"), width: 1 };
  const base = { stroke: css("--muted"), grid, ticks: grid, font: "12px system-ui, sans-serif" };
  const space = 46;
  return [
    { ...base, space, size: (u, values) => (values && values.some((v) => v.includes("\n")) ? 44 : 30),
      splits: (u, axis, min, max) => dayTicks(min, max, u.bbox.width / uPlot.pxRatio, space),
      values: dayLabels },
    { ...base, label: yLabel, labelSize: 18, size: 36, values: yValues },
  ];
}

// A legend figure: "4.5" / "4,5" (at most one decimal), "–" for none.
const figure = (u, v) => (v == null ? "–" : number(v));
const degrees = (v) => `${number(v)}°`;

function dateSeries(ranges) {
  const paused = (ts) => ranges.some(([x0, x1]) => ts > x0 && ts < x1);
  const value = (u, v) => {
    if (v == null) return "–";
    const date = shortDate(v, { weekday: true });
    return paused(v) ? t("{date} · flare-up pause", { date }) : date;
  };
  return { label: t("Date"), value };
}

// The day the legend reads, moved by tap, click and keys; see the header.
function readingPlugin(el) {
  let idx = null;
  const count = (u) => u.data[0].length;
  const describe = (u, i) => {
    const [date, ...values] = u.series.map((s, k) => s.value(u, u.data[k][i], k, i));
    return `${date}: ${values.map((v, k) => `${u.series[k + 1].label} ${v}`).join(", ")}`;
  };
  const select = (u, i) => {
    idx = Math.max(0, Math.min(count(u) - 1, i));
    u.setCursor({ left: u.valToPos(u.data[0][idx], "x"), top: u.over.clientHeight / 2 });
    el.setAttribute("aria-valuenow", String(idx));
    el.setAttribute("aria-valuetext", describe(u, idx));
  };
  const latest = (u) => {
    for (let i = count(u) - 1; i >= 0; i--) {
      if (u.data.slice(1).some((values) => values[i] != null)) return i;
    }
    return count(u) - 1;
  };
  const keys = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -7, PageUp: 7 };
  return {
    reselect: (u) => idx != null && select(u, idx),
    hooks: {
      ready: [(u) => {
        u.root.setAttribute("aria-hidden", "true");  // the slider speaks for it
        el.tabIndex = 0;
        el.setAttribute("role", "slider");
        el.setAttribute("aria-label", t("{chart}: arrow keys move between days", { chart: el.dataset.label }));
        el.setAttribute("aria-valuemin", "0");
        el.setAttribute("aria-valuemax", String(count(u) - 1));
        const pick = (event) => {
          const box = u.over.getBoundingClientRect();
          select(u, u.posToIdx(event.clientX - box.left));
        };
        u.over.addEventListener("pointerdown", pick);
        u.over.addEventListener("pointermove", (event) => {
          if (event.pointerType !== "mouse" && event.buttons) pick(event);
        });
        // uPlot clears the cursor when the mouse leaves; show the kept day again.
        u.over.addEventListener("mouseleave", () => select(u, idx));
        el.addEventListener("keydown", (event) => {
          let next;
          if (event.key in keys) next = idx + keys[event.key];
          else if (event.key === "Home") next = 0;
          else if (event.key === "End") next = count(u) - 1;
          else return;
          event.preventDefault();
          select(u, next);
        });
        select(u, latest(u));
      }],
    },
  };
}

function chart(el, opts, data) {
  const reading = readingPlugin(el);
  return new Promise((resolve) => {
    new uPlot({
      width: el.clientWidth,
      height: parseFloat(css("--plot-h", el)) || 230,
      cursor: { points: { size: 9 }, drag: { x: false, y: false }, y: false },
      legend: { live: true },
      plugins: [reading, { hooks: { ready: [(u) => resolve({ u, reading })] } }],
      ...opts,
    }, data, el);
  });
}

// Half a day either side of the first and last day, from the data itself: uPlot widens
// a single point's range around zero (one day would span decades).
const dayRange = { range: (u) => [u.data[0][0] - DAY / 2, u.data[0][u.data[0].length - 1] + DAY / 2] };

function painChart(el, pain, flareUps) {
  const x = pain.daily.map((d) => toTs(d.date));
  if (!el || !x.length) return null;
  const base = pain.baseline;
  const flares = flareRanges(flareUps);
  const line = (color, width) => ({ stroke: color, width });
  return chart(el, {
    scales: { x: { time: false, ...dayRange }, y: { range: [0, 10] } },
    axes: axes(t("Pain 0–10")),
    series: [
      dateSeries(flares),
      {
        label: t("Pain"),
        stroke: css("--muted"),
        paths: () => null,
        points: { show: true, size: x.length > 90 ? 4 : 6, fill: css("--muted") },
        value: figure,
      },
      { label: t("7-day"), ...line(css("--brand"), 3), value: figure },
      ...(base == null ? [] : [{ label: t("Start"), ...line(css("--warn"), 1.5), dash: [6, 4],
        value: () => number(base) }]),
    ],
    hooks: {
      drawAxes: [(u) => {
        if (base != null) shade(u, u.scales.x.min, u.scales.x.max, 0, threshold(base), css("--ok-soft"));
        shadeFlares(u, flares);
      }],
    },
  }, [x, pain.daily.map((d) => d.mean), pain.rolling_7d.map((d) => d.value),
    ...(base == null ? [] : [x.map(() => base)])]);
}

function slrChart(el, slr, flareUps) {
  const program = slr.program;
  const byDate = new Map(slr.daily.map((d) => [d.date, d]));
  const bands = new Map((program ? program.days : []).map((d) => [d.date, d]));
  for (const date of bands.keys()) if (!byDate.has(date)) byDate.set(date, { date });
  const dates = [...byDate.keys()].sort();
  if (!el || !dates.length) return null;
  const flares = flareRanges(flareUps);
  const affected = (name) => program && program.affected_leg === name;
  const labels = {
    left: () => (affected("left") ? t("Left (affected)") : t("Left")),
    right: () => (affected("right") ? t("Right (affected)") : t("Right")),
  };
  const leg = (name, color) => ({
    label: labels[name](),
    stroke: color,
    width: 2.5,
    spanGaps: true,
    points: { size: 6 },  // uPlot shows them while they are sparse enough to see
    value: (u, v) => (v == null ? "–" : degrees(v)),
  });
  const target = {
    label: t("Target"),
    stroke: css("--band-edge"),
    fill: css("--band"),
    width: 1,
    paths: () => null,
    points: { show: false },
    value: (u, v, s, i) => {
      const day = i == null ? null : bands.get(dates[i]);
      return day ? `${number(day.target_low)}–${number(day.target_high)}°` : "–";
    },
  };
  const data = [dates.map(toTs), dates.map((d) => byDate.get(d).best_left ?? null),
    dates.map((d) => byDate.get(d).best_right ?? null)];
  if (program) data.push(dates.map(() => null));
  return chart(el, {
    scales: { x: { time: false, ...dayRange }, y: { range: [0, 100] } },
    axes: axes(t("Degrees"), (u, ticks) => ticks.map((tick) => degrees(tick))),
    series: [dateSeries(flares), leg("left", css("--brand")), leg("right", css("--focus")),
      ...(program ? [target] : [])],
    hooks: {
      drawAxes: [(u) => {
        for (const d of bands.values()) {
          const ts = toTs(d.date);
          shade(u, ts - DAY / 2, ts + DAY / 2, d.target_low, d.target_high, css("--band"), css("--band-edge"));
        }
        shadeFlares(u, flares);
      }],
    },
  }, data);
}

// The PSFS: the mean of each rating set (0-10, 10 = as well as before); higher is better.
function psfsChart(el, psfs) {
  if (!el || !psfs || !psfs.ratings.length) return null;
  const x = psfs.ratings.map((r) => toTs(r.date));
  const first = psfs.mean.first;
  return chart(el, {
    scales: { x: { time: false, ...dayRange }, y: { range: [0, 10] } },
    axes: axes(t("Mean 0–10")),
    series: [
      dateSeries([]),
      { label: t("Mean"), stroke: css("--brand"), width: 3, points: { show: true, size: 7 }, value: figure },
      { label: t("First"), stroke: css("--warn"), width: 1.5, dash: [6, 4], value: () => number(first) },
    ],
    hooks: {
      drawAxes: [(u) => shade(u, u.scales.x.min, u.scales.x.max, Math.min(10, first + 2), 10, css("--ok-soft"))],
    },
  }, [x, psfs.ratings.map((r) => r.mean), x.map(() => first)]);
}

async function figures() {
  const url = root.dataset.figures || `/api/v1/progress?days=${encodeURIComponent(root.dataset.days)}`;
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`progress figures: HTTP ${response.status}`);
  return response.json();
}

async function main() {
  const [module, data] = await Promise.all([import(root.dataset.uplot), figures()]);
  uPlot = module.default;
  const charts = await Promise.all([
    painChart(document.querySelector("[data-chart='pain']"), data.pain, data.flare_ups),
    slrChart(document.querySelector("[data-chart='slr']"), data.slr, data.flare_ups),
    psfsChart(document.querySelector("[data-chart='psfs']"), data.psfs),
  ].filter(Boolean));
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const { u, reading } of charts) {
        u.batch(() => u.setSize({ width: u.root.parentElement.clientWidth, height: u.height }));
        reading.reselect(u);
      }
    });
  });
  // Drawn, with the legend reading a day: what the browser tests wait for.
  document.documentElement.dataset.charts = String(charts.length);
}

if (root) {
  main().catch((error) => {
    document.documentElement.dataset.charts = "failed";
    console.error("progress charts failed", error);
  });
}
