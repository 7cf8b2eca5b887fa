// Page glue loaded on every page: time-zone autofill, confirm-before-submit, lazy hold timer.

function deviceTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

const zone = deviceTimeZone();
if (zone) {
  for (const input of document.querySelectorAll("input[data-detect-timezone]")) {
    if (!input.value || input.value === "UTC") input.value = zone;
  }
}

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

// Typing an angle or marking "made it worse" means the stretch was done: tick its card.
document.addEventListener("input", (event) => {
  const field = event.target;
  const card = field.closest?.(".stretch-card");
  if (!card || !/-(angle_\w+|worse)$/.test(field.name || "")) return;
  if (field.type === "checkbox" ? !field.checked : !field.value.trim()) return;
  const done = card.querySelector("input[name$='-done']");
  if (done && !done.checked) {
    done.checked = true;
    done.dispatchEvent(new Event("change", { bubbles: true }));
  }
});

if (document.querySelector("[data-timer]")) {
  import("./timer.js")
    .then((timer) => timer.initTimers(document))
    .catch((error) => console.error("hold timer failed to load", error));
}

// Measuring an angle with the phone's motion sensors, where a form has angle fields.
if (document.querySelector("input[data-measure]")) {
  import("./measure.js")
    .then((measure) => measure.initMeasure(document))
    .catch((error) => console.error("angle measuring failed to load", error));
}
