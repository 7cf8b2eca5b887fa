// The push side of the service worker (imported by /sw.js with importScripts).
// Every push is WebKit's declarative Web Push JSON ({"web_push": 8030, "notification":
// {title, body, navigate, tag, lang, dir, actions?}, reminder_id, snooze?}): Safari
// 18.4+ shows it itself; here the same notification is shown from the same fields,
// with the same tag, so a re-sent occurrence replaces its notification. Every push
// shows a notification (Safari withdraws permission otherwise). Actions "Log now"
// and "Snooze 30 min" where the browser has them; a plain click focuses an open
// Backstretch window (or opens one) at the notification's page. Snoozing sends the
// signed token from the payload: a service worker cannot send the CSRF token.

const ICON = "/static/icons/icon-192.png";
const FALLBACK = { title: "Backstretch", body: "Time for your stretches.", url: "/guide", tag: "reminder" };

/** Where a tap goes: the path of the given URL, always on this worker's own origin
 * (the app may be reached by another name than its public address). */
function sameOriginPath(url) {
  try {
    const resolved = new URL(url || FALLBACK.url, self.location.origin);
    return new URL(resolved.pathname + resolved.search, self.location.origin).href;
  } catch {
    return new URL(FALLBACK.url, self.location.origin).href;
  }
}

/** The notification to show: the declarative JSON's fields, or (a push sent before
 * the declarative format, still queued at a push service) the older flat ones. */
function fromJson(json) {
  const note = json?.web_push === 8030 && json.notification && typeof json.notification === "object"
    ? json.notification : null;
  if (!note) return { ...FALLBACK, ...json };
  return {
    title: note.title || FALLBACK.title,
    body: note.body || FALLBACK.body,
    url: note.navigate || FALLBACK.url,
    tag: note.tag || FALLBACK.tag,
    lang: note.lang,
    dir: note.dir,
    reminder_id: json.reminder_id,
    snooze: json.snooze,
    actions: Array.isArray(note.actions) ? note.actions : [],
  };
}

function parse(event) {
  if (!event.data) return { ...FALLBACK };
  try {
    return fromJson(event.data.json());
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
  if (data.lang) options.lang = data.lang;
  if (data.dir) options.dir = data.dir;
  const maxActions = self.Notification?.maxActions ?? 0;
  if (data.snooze && maxActions >= 2) {
    const titles = Object.fromEntries((data.actions || []).map((a) => [a.action, a.title]));
    options.actions = [
      { action: "log", title: titles.log || "Log now" },
      { action: "snooze", title: titles.snooze || "Snooze 30 min" },
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
  if (action === "log") return openPage(sameOriginPath("/log"));
  return openPage(data.url || sameOriginPath(FALLBACK.url));
}

self.addEventListener("push", (event) => {
  event.waitUntil(showPush(parse(event)));
});

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(onClick(event.notification, event.action));
});

// For tests and for static/sw.js: the handlers without their events.
self.backstretchPush = { showPush, onClick, snooze, fromJson };
