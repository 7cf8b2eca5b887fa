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

if (document.querySelector("[data-timer]")) {
  import("./timer.js")
    .then((timer) => timer.initTimers(document))
    .catch((error) => console.error("hold timer failed to load", error));
}
