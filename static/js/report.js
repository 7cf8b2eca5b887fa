// Report page: show the print button (printing needs JavaScript; the page works without).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
