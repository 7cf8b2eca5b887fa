// The Progress page's charts: pain per day (points, the 7-day line, the start line and
// the shaded "meaningful drop" zone) and the straight-leg raise per leg (with the
// programme's target band shaded). The page already shows the same figures as text
// and tables; this only draws them. Used by the Progress page and the report; the page
// may name where the figures come from in data-figures (a shared report's reader is
// not signed in: /s/<token>/progress.json). uPlot is imported by the fingerprinted
// URL the page names in data-uplot, so it is cached like every other hashed static
// file (offline too).
let uPlot;

const DAY = 86400;
const root = document.getElementById("progress");

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// Dates are calendar days: plot them at UTC midnight and label them in UTC.
const toTs = (iso) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const tzDate = (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");
const dateLabel = (u, ts) => (ts == null ? "–" : new Date(ts * 1000).toISOString().slice(0, 10));

function threshold(baseline) {
  // Meaningful: a drop of >= 2 points or >= 30% of the start, whichever comes first.
  return Math.max(baseline - 2, baseline * 0.7);
}

// Shade a rectangle in data coordinates under the series.
function shade(u, x0, x1, y0, y1, color) {
  const { ctx, bbox } = u;
  const left = Math.max(u.valToPos(x0, "x", true), bbox.left);
  const right = Math.min(u.valToPos(x1, "x", true), bbox.left + bbox.width);
  const top = u.valToPos(y1, "y", true);
  const bottom = u.valToPos(y0, "y", true);
  if (right <= left) return;
  ctx.save();
  ctx.fillStyle = color;
  ctx.fillRect(left, top, right - left, bottom - top);
  ctx.restore();
}

function axes(yLabel, yValues) {
  const grid = { stroke: css("--border"), width: 1 };
  const base = { stroke: css("--muted"), grid, ticks: grid, font: "12px system-ui, sans-serif" };
  return [
    { ...base, space: 60 },
    { ...base, label: yLabel, labelSize: 18, size: 36, values: yValues },
  ];
}

// Touch: a tap or a drag on the chart moves the cursor, so the legend reads the point.
function touchPlugin() {
  return {
    hooks: {
      init(u) {
        const over = u.over;
        const move = (event) => {
          const touch = event.touches[0];
          if (!touch) return;
          const rect = over.getBoundingClientRect();
          u.setCursor({ left: touch.clientX - rect.left, top: touch.clientY - rect.top });
          event.preventDefault();
        };
        over.addEventListener("touchstart", move, { passive: false });
        over.addEventListener("touchmove", move, { passive: false });
      },
    },
  };
}

function options(el, extra) {
  return {
    width: el.clientWidth,
    height: 230,
    tzDate,
    cursor: { points: { size: 9 }, drag: { x: false, y: false } },
    legend: { live: true },
    plugins: [touchPlugin()],
    ...extra,
  };
}

function painChart(el, pain) {
  const x = pain.daily.map((d) => toTs(d.date));
  if (!x.length) return null;
  const base = pain.baseline;
  const line = (color, width) => ({ stroke: color, width });
  const opts = options(el, {
    scales: { x: { time: true }, y: { range: [0, 10] } },
    axes: axes("Pain 0–10"),
    series: [
      { label: "Date", value: dateLabel },
      {
        label: "Day",
        stroke: css("--muted"),
        paths: () => null,
        points: { show: true, size: 6, fill: css("--muted") },
        value: (u, v) => (v == null ? "–" : v.toFixed(1)),
      },
      { label: "7-day", ...line(css("--brand"), 3), value: (u, v) => (v == null ? "–" : v.toFixed(1)) },
      ...(base == null ? [] : [{ label: "Start", ...line(css("--warn"), 1.5), dash: [6, 4],
        value: () => base.toFixed(1) }]),
    ],
    hooks: {
      drawAxes: [(u) => {
        if (base == null) return;
        shade(u, u.scales.x.min, u.scales.x.max, 0, threshold(base), css("--ok-soft"));
      }],
    },
  });
  const data = [x, pain.daily.map((d) => d.mean), pain.rolling_7d.map((d) => d.value)];
  if (base != null) data.push(x.map(() => base));
  return new uPlot(opts, data, el);
}

function slrChart(el, slr) {
  const program = slr.program;
  const byDate = new Map(slr.daily.map((d) => [d.date, d]));
  if (program) for (const d of program.days) if (!byDate.has(d.date)) byDate.set(d.date, { date: d.date });
  const dates = [...byDate.keys()].sort();
  if (!dates.length) return null;
  const x = dates.map(toTs);
  const leg = (name, color) => ({
    label: program && program.affected_leg === name ? `${name[0].toUpperCase()}${name.slice(1)} (affected)`
      : `${name[0].toUpperCase()}${name.slice(1)}`,
    stroke: color,
    width: 2.5,
    spanGaps: true,
    points: { show: true, size: 6 },
    value: (u, v) => (v == null ? "–" : `${v}°`),
  });
  const opts = options(el, {
    scales: { x: { time: true, range: (u, min, max) => [min - DAY / 2, max + DAY / 2] },
      y: { range: [0, 100] } },
    axes: axes("Degrees", (u, ticks) => ticks.map((t) => `${t}°`)),
    series: [
      { label: "Date", value: dateLabel },
      leg("left", css("--brand")),
      leg("right", css("--focus")),
    ],
    hooks: {
      drawAxes: [(u) => {
        if (!program) return;
        for (const d of program.days) {
          const ts = toTs(d.date);
          shade(u, ts - DAY / 2, ts + DAY / 2, d.target_low, d.target_high, css("--warn-soft"));
        }
      }],
    },
  });
  const data = [x, dates.map((d) => byDate.get(d).best_left ?? null),
    dates.map((d) => byDate.get(d).best_right ?? null)];
  return new uPlot(opts, data, el);
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
  const charts = [
    painChart(document.querySelector("[data-chart='pain']"), data.pain),
    slrChart(document.querySelector("[data-chart='slr']"), data.slr),
  ].filter(Boolean);
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const chart of charts) chart.setSize({ width: chart.root.parentElement.clientWidth, height: 230 });
    });
  });
  document.documentElement.dataset.charts = String(charts.length);
}

if (root) {
  main().catch((error) => {
    document.documentElement.dataset.charts = "failed";
    console.error("progress charts failed", error);
  });
}
