// Reminders page: enable Web Push on this device (permission asked from the tap
// itself), send a test, turn it off. The page works without this: reminders are
// plain forms; only subscribing a device needs JavaScript.

import { t, tn } from "./i18n.js";

const panel = document.getElementById("push-panel");
const status = document.getElementById("push-status");
const buttons = {
  enable: document.getElementById("push-enable"),
  test: document.getElementById("push-test"),
  disable: document.getElementById("push-disable"),
};

function show(state) {
  for (const p of panel.querySelectorAll(".push-state")) p.hidden = p.dataset.state !== state;
  // This phone now receives them: the "can't reach you" warnings no longer hold.
  if (state === "on") for (const w of document.querySelectorAll("[data-unreachable]")) w.hidden = true;
  buttons.enable.hidden = state !== "off";
  buttons.test.hidden = state !== "on";
  buttons.disable.hidden = state !== "on";
}

function say(text) {
  status.textContent = text;
}

function csrfToken() {
  return document.querySelector("input[name='csrf_token']")?.value || "";
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    // The API's message is English; `localized` says it in the page's language.
    throw new Error(data.localized?.message || data.message
      || t("The server answered {status}.", { status: response.status }));
  }
  return data;
}

function applicationServerKey(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

async function registration() {
  await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  return navigator.serviceWorker.ready;
}

async function refresh() {
  if (!supported) return show("unsupported");
  if (Notification.permission === "denied") return show("denied");
  const reg = await registration();
  const subscription = await reg.pushManager.getSubscription();
  if (subscription && Notification.permission === "granted") {
    // Keep the server's copy current (keys can rotate; another person may have used this browser).
    await api("POST", "/api/v1/push/subscriptions", subscription.toJSON());
    return show("on");
  }
  return show("off");
}

buttons.enable.addEventListener("click", async () => {
  buttons.enable.disabled = true;
  say(t("Asking for permission…"));
  try {
    // Called straight from the tap: iOS and some browsers refuse the prompt otherwise.
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      say("");
      return show(permission === "denied" ? "denied" : "off");
    }
    const reg = await registration();
    const subscription = await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: applicationServerKey(panel.dataset.publicKey),
    });
    await api("POST", "/api/v1/push/subscriptions", subscription.toJSON());
    say(t("This device will get your reminders."));
    show("on");
  } catch (error) {
    say(t("Could not turn on notifications: {error}", { error: error.message }));
  } finally {
    buttons.enable.disabled = false;
  }
});

buttons.test.addEventListener("click", async () => {
  buttons.test.disabled = true;
  say(t("Sending…"));
  try {
    const { devices } = await api("POST", "/api/v1/push/test");
    const sent = devices.filter((d) => d.outcome === "sent").length;
    say(tn("Sent to {sent} of {n} device.", "Sent to {sent} of {n} devices.", devices.length, { sent }));
  } catch (error) {
    say(error.message);
  } finally {
    buttons.test.disabled = false;
  }
});

buttons.disable.addEventListener("click", async () => {
  try {
    const reg = await registration();
    const subscription = await reg.pushManager.getSubscription();
    if (subscription) {
      await api("DELETE", "/api/v1/push/subscriptions", { endpoint: subscription.endpoint }).catch(() => {});
      await subscription.unsubscribe();
    }
    say(t("Notifications are off on this device."));
    show("off");
  } catch (error) {
    say(error.message);
  }
});

refresh().catch((error) => {
  show("off");
  say(t("Notifications could not be checked: {error}", { error: error.message }));
});
