// The guided session (/guide): one step per screen — pain before, each stretch of
// today's plan (drawing, dose, hold timer, the angle for a raise, and Done / Skip /
// "This made my pain worse"), pain after, a summary with Save. The steps and their
// fields are rendered by the server (templates/logbook/guide.html) with the log form's
// names, so Save posts what the log form posts (outbox.js sends it, or keeps it on the
// phone when offline). The place and the answers are kept on the phone at every change
// (drafts.js, per person), so a reload, a closed app or a locked phone resumes here.

import { dateText, number, t, timeText } from "./i18n.js";

const form = document.querySelector("form[data-guided-session]");

/** The form's fields as [name, value] pairs, as a draft keeps them. */
function fieldsOf(target) {
  return [...new FormData(target).entries()].filter(([key]) => key !== "csrf_token");
}

/** Put ``entries`` back: answers enabled where given, values and ticks restored. */
function restoreFields(target, entries) {
  const given = new Map();
  for (const [key, value] of entries) given.set(key, [...(given.get(key) || []), value]);
  for (const field of target.elements) {
    if (!field.name || field.name === "csrf_token") continue;
    const values = given.get(field.name) || [];
    if (field.matches("[data-answer-field]")) field.disabled = !values.includes(field.value);
    else if (field.type === "radio" || field.type === "checkbox") field.checked = values.includes(field.value);
    else if (values.length) field.value = values[0];
  }
}

/** "You started a session today at 09:24.", or "… on Friday 4 December at 09:24." */
function startedWhen(ms) {
  const day = new Date(ms);
  const time = timeText(day);
  if (day.toDateString() === new Date().toDateString()) return t("You started a session today at {time}.", { time });
  return t("You started a session on {day} at {time}.",
    { day: dateText(day, { weekday: "long", day: "numeric", month: "long" }), time });
}

/** "Your left leg reached 45°: within today's target of 40–50°." */
function targetSentence({ leg, angle, low, high }) {
  const params = { angle: number(angle), low: number(low), high: number(high) };
  const left = leg === "left";
  if (angle < low) {
    return left ? t("Your left leg reached {angle}°: under today's target of {low}–{high}°.", params)
      : t("Your right leg reached {angle}°: under today's target of {low}–{high}°.", params);
  }
  if (angle > high) {
    return left ? t("Your left leg reached {angle}°: over today's target of {low}–{high}°.", params)
      : t("Your right leg reached {angle}°: over today's target of {low}–{high}°.", params);
  }
  return left ? t("Your left leg reached {angle}°: within today's target of {low}–{high}°.", params)
    : t("Your right leg reached {angle}°: within today's target of {low}–{high}°.", params);
}

/** A measured angle in the summary: "L 45°" for a leg, "45°" for both. */
function angleNote(side, value) {
  const angle = number(Number(value));
  // TRANSLATORS: the left leg's angle in the guided session's summary, short ("L 45°").
  if (side === "left") return t("L {angle}°", { angle });
  // TRANSLATORS: the right leg's angle in the guided session's summary, short ("R 45°").
  if (side === "right") return t("R {angle}°", { angle });
  return `${angle}°`;
}

function setup(drafts) {
  const steps = [...form.querySelectorAll("[data-step]")];
  const resume = form.querySelector("[data-resume]");
  let current = -1;

  const clientId = () => form.querySelector("input[name='client_id']").value;
  // Forgotten once its session is safe (saved or queued: outbox.js, by client_id).
  let begun = false; // nothing to keep until the first answer
  const save = () => begun && drafts?.saveDraft("guide", { client_id: clientId(), step: current, fields: fieldsOf(form) })
    .catch(() => {});
  const answered = () => { begun = true; save(); };

  function stopTimers() {
    for (const timer of form.querySelectorAll("[data-timer][data-state]")) {
      timer.dispatchEvent(new Event("timer-reset"));
    }
  }

  function show(index) {
    stopTimers();
    current = Math.max(0, Math.min(index, steps.length - 1));
    resume.hidden = true;
    steps.forEach((step, i) => { step.hidden = i !== current; });
    const step = steps[current];
    if (step.dataset.step === "stretch") enterStretch(step);
    if (step.dataset.step === "summary") summarise();
    window.scrollTo(0, 0);
    const heading = step.querySelector("h2, legend");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
    save();
  }

  const next = () => show(current + 1);

  function enterStretch(step) {
    step.querySelector("[data-answers]").hidden = false;
    step.querySelector("[data-worse-advice]").hidden = true;
    if (step.querySelector("input[data-measure]")) {
      import("./measure.js")
        .then((module) => module.initMeasure(step))
        .catch((error) => console.error("angle measuring failed to load", error));
    }
    const timer = step.querySelector("[data-timer]");
    if (timer && !timer.dataset.state) {
      import("./timer.js")
        .then((module) => module.initTimers(timer.parentElement, timer))
        .catch((error) => console.error("hold timer failed to load", error));
    }
  }

  function answer(step, kind) {
    const field = (name) => step.querySelector(`[name$='[${name}]'][data-answer-field]`);
    const sides = [...step.querySelectorAll("[data-answer-field][data-side]")];
    begun = true;
    field("done").disabled = kind === "skip";
    field("worse").disabled = kind !== "worse";
    // The sides done: the legs with an angle, else both.
    const measured = sides.filter((s) => step.querySelector(`[name$='[angle_${s.dataset.side}]']`)?.value.trim());
    for (const side of sides) {
      side.disabled = kind === "skip" || (measured.length > 0 && !measured.includes(side));
    }
    save();
    if (kind === "worse") {
      stopTimers();
      step.querySelector("[data-answers]").hidden = true;
      const advice = step.querySelector("[data-worse-advice]");
      advice.hidden = false;
      advice.querySelector("[data-next]").focus();
    } else {
      next();
    }
  }

  function summarise() {
    const list = form.querySelector("[data-summary]");
    list.replaceChildren();
    const pick = (name) => form.querySelector(`input[name='${name}']:checked`)?.value;
    let best = null;
    for (const step of steps.filter((s) => s.dataset.step === "stretch")) {
      const done = !step.querySelector("[name$='[done]']").disabled;
      const worse = !step.querySelector("[name$='[worse]']").disabled;
      const angles = [...step.querySelectorAll("input[data-measure]")]
        .filter((input) => input.value.trim())
        .map((input) => angleNote(input.dataset.measure, input.value.trim()));
      const item = document.createElement("li");
      item.className = "row";
      const name = document.createElement("span");
      name.textContent = step.dataset.name;
      const what = document.createElement("span");
      what.className = worse ? "badge warn" : "muted";
      what.textContent = worse ? t("made it worse") : done ? [t("done"), ...angles].join(" · ") : t("skipped");
      item.append(name, what);
      list.append(item);
      const leg = step.dataset.targetLeg;
      const angle = leg && step.querySelector(`input[name$='[angle_${leg}]']`)?.value;
      if (done && angle) best = { leg, angle: Number(angle), low: Number(step.dataset.targetLow), high: Number(step.dataset.targetHigh) };
    }
    const before = pick("pain_before");
    const after = pick("pain_after");
    form.querySelector("[data-summary-pain]").textContent =
      before !== undefined && after !== undefined ? t("Pain {before} → {after}", { before, after }) : "";
    const target = form.querySelector("[data-summary-target]");
    target.textContent = best ? targetSentence(best) : "";
  }

  form.addEventListener("click", (event) => {
    const step = event.target.closest("[data-step]");
    if (event.target.closest("[data-back]")) show(current - 1);
    else if (event.target.closest("[data-next]")) next();
    else if (step && event.target.closest("[data-answer]")) answer(step, event.target.closest("[data-answer]").dataset.answer);
    // One tap per step: choosing a pain score moves on (a tap on the same score too).
    else if (step && event.target.matches(".pain-scale input[type='radio']")) next();
  });
  form.addEventListener("input", answered);
  form.addEventListener("change", answered);
  // Kept on the phone (offline): this session is done; the outbox shows it on Today.
  form.addEventListener("queued", () => location.assign(form.dataset.after || "/"));

  form.hidden = false;
  return {
    show,
    restore: (draft) => {
      begun = true;
      restoreFields(form, draft.fields);
      show(draft.step);
    },
  };
}

async function start() {
  if (!form) return;
  let drafts = null;
  try {
    drafts = await import("./drafts.js");
  } catch (error) {
    console.error("drafts unavailable: answers are not kept", error);
  }
  const guide = setup(drafts);
  const draft = drafts ? await drafts.loadDraft("guide").catch(() => null) : null;
  if (!draft?.value?.fields) {
    guide.show(0);
    return;
  }
  const resume = form.querySelector("[data-resume]");
  form.querySelector("[data-resume-when]").textContent = startedWhen(draft.saved);
  for (const step of form.querySelectorAll("[data-step]")) step.hidden = true;
  resume.hidden = false;
  form.querySelector("[data-resume-continue]").addEventListener("click", () => guide.restore(draft.value));
  form.querySelector("[data-resume-restart]").addEventListener("click", async () => {
    await drafts.clearDraft("guide").catch(() => {});
    form.reset();
    for (const field of form.querySelectorAll("[data-answer-field]")) field.disabled = true;
    form.querySelector("input[name='client_id']").value = crypto.randomUUID();
    guide.show(0);
  });
  form.querySelector("[data-resume-continue]").focus();
}

start();
