// Settings, share links: copy the new link, or hand it to the phone's share sheet.

import { t } from "./i18n.js";

const status = document.querySelector("[data-copy-status]");

function say(text) {
  if (status) status.textContent = text;
}

for (const button of document.querySelectorAll("[data-copy]")) {
  const input = document.getElementById(button.dataset.copy);
  if (!input || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      say(t("Copied."));
    } catch {
      input.select();
      say(t("Select the link and copy it."));
    }
  });
}

for (const button of document.querySelectorAll("[data-share]")) {
  const input = document.getElementById(button.dataset.share);
  if (!input || !navigator.share) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.share({ title: t("My back pain diary"), url: input.value });
    } catch (error) {
      if (error.name !== "AbortError") say(t("Sharing did not work; copy the link instead."));
    }
  });
}
