// The push side of the service worker (imported by /sw.js with importScripts).
// Every push shows a notification (Safari withdraws permission otherwise). Actions
// "Log now" and "Snooze 30 min" where the browser has them; a plain click focuses an
// open Backstretch window (or opens one) at the notification's page. Snoozing sends
// the signed token from the payload: a service worker cannot send the CSRF token.

const ICON = "/static/icons/icon-192.png";
const FALLBACK = { title: "Backstretch", body: "Time for your stretches.", url: "/log", tag: "reminder" };

function sameOriginPath(url) {
  try {
    const resolved = new URL(url || "/log", self.location.origin);
    return resolved.origin === self.location.origin ? resolved.href : new URL("/log", self.location.origin).href;
  } catch {
    return new URL("/log", self.location.origin).href;
  }
}

function parse(event) {
  if (!event.data) return { ...FALLBACK };
  try {
    return { ...FALLBACK, ...event.data.json() };
  } catch {
    return { ...FALLBACK, body: event.data.text() || FALLBACK.body };
  }
}

function showPush(data) {
  const options = {
    body: data.body,
    icon: ICON,
    badge: ICON,
    tag: data.tag,
    renotify: true,
    data: { url: sameOriginPath(data.url), reminder_id: data.reminder_id ?? null, snooze: data.snooze || null },
  };
  const maxActions = self.Notification?.maxActions ?? 0;
  if (data.snooze && maxActions >= 2) {
    options.actions = [
      { action: "log", title: "Log now" },
      { action: "snooze", title: "Snooze 30 min" },
    ];
  }
  return self.registration.showNotification(data.title, options);
}

async function snooze(data) {
  const response = await fetch("/api/v1/push/snooze", {
    method: "POST",
    credentials: "omit",
    headers: { "Content-Type": "application/json", Authorization: `Snooze ${data.snooze}` },
    body: JSON.stringify({ minutes: 30 }),
  });
  return response.ok;
}

async function openPage(url) {
  // matchAll only ever lists this origin's windows.
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const exact = windows.find((w) => w.url === url);
  if (exact) return exact.focus();
  const ours = windows.find((w) => w.focused) || windows[0];
  if (ours) {
    try {
      const moved = await ours.navigate(url); // null when the window is not ours to steer
      if (moved) return await moved.focus().catch(() => moved);
    } catch {
      // not controlled by this worker yet: open a window instead
    }
  }
  return self.clients.openWindow(url);
}

async function onClick(notification, action) {
  notification.close();
  const data = notification.data || {};
  if (action === "snooze" && data.snooze) return snooze(data);
  return openPage(data.url || sameOriginPath("/log"));
}

self.addEventListener("push", (event) => {
  event.waitUntil(showPush(parse(event)));
});

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(onClick(event.notification, event.action));
});

// For tests and for static/sw.js: the handlers without their events.
self.backstretchPush = { showPush, onClick, snooze };
