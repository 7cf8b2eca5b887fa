// The installable app on every page: registers the service worker (/sw.js), shows
// "Update available" when a new one waits, offers "Install app" where the browser
// allows it, clears this person's cached pages on sign-out, and loads the offline
// outbox (outbox.js).

const banner = document.getElementById("update-banner");
let reloading = false;

function offerUpdate(registration) {
  const waiting = registration.waiting;
  if (!waiting || !navigator.serviceWorker.controller || !banner) return;
  banner.hidden = false;
  banner.querySelector("[data-reload]").onclick = () => {
    reloading = true;
    waiting.postMessage({ type: "skip-waiting" });
  };
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then((registration) => {
    offerUpdate(registration);
    if (document.querySelector("meta[name='tracker-user']")?.content) {
      // The pages to have offline even if not opened since the app was installed; when
      // an answer changed what they show (the warning-signs check) or the person chose
      // another language (tracker-state names it), fetched afresh, the offline page too.
      const state = document.querySelector("meta[name='tracker-state']")?.content || "";
      const fresh = localStorage.getItem("tracker-state") !== state;
      navigator.serviceWorker.ready.then((ready) => {
        ready.active?.postMessage({ type: "warm", urls: ["/", "/log", "/history"], fresh });
        localStorage.setItem("tracker-state", state);
      });
    }
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed") offerUpdate(registration);
      });
    });
  }).catch((error) => console.warn("service worker not registered", error));
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading) location.reload();
  });
}

// Sign-out: the worker forgets this person's pages before the form is sent.
for (const form of document.querySelectorAll("form[data-sign-out]")) {
  form.addEventListener("submit", (event) => {
    const worker = navigator.serviceWorker?.controller;
    if (!worker) return;
    event.preventDefault();
    const channel = new MessageChannel();
    const go = () => HTMLFormElement.prototype.submit.call(form);
    const timer = setTimeout(go, 1500);
    channel.port1.onmessage = () => { clearTimeout(timer); go(); };
    worker.postMessage({ type: "sign-out" }, [channel.port2]);
  });
}

// "Install app" (Settings) where the browser fires beforeinstallprompt.
let installPrompt = null;
const installButton = document.querySelector("[data-install]");
window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();
  installPrompt = event;
  if (installButton) installButton.hidden = false;
});
installButton?.addEventListener("click", async () => {
  if (!installPrompt) return;
  installPrompt.prompt();
  await installPrompt.userChoice;
  installPrompt = null;
  installButton.hidden = true;
});
window.addEventListener("appinstalled", () => { if (installButton) installButton.hidden = true; });

// iPhone and iPad: no install prompt; show the Share → Add to Home Screen steps.
const standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
const ios = /iPhone|iPad|iPod/.test(navigator.userAgent) ||
  (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
for (const steps of document.querySelectorAll("[data-ios-install]")) steps.hidden = !ios || standalone;

if (document.querySelector("meta[name='tracker-user']")?.content) {
  import("./outbox.js").catch((error) => console.error("offline outbox failed to load", error));
}
