// Backstretch's service worker: the offline app shell and, when static/sw-push.js
// exists, push notifications. Served at /sw.js (scope /) by tracker/pwa, which puts
// self.BACKSTRETCH in front of this file: {version, offline, shell: {plain URL ->
// hashed URL}, idb, replay, push}.
//
// Caches: "shell-<version>" (precached at install, cache-first), "assets-<version>"
// (other hashed static files, cache-first), "pages-<user>" (pages, network-first)
// and "api-<user>" (the JSON pages read, stale-while-revalidate). <user> is the
// opaque key the server sends as X-Tracker-User; another person's key, a signed-out
// page or the sign-out message empties the per-person caches. The offline page in
// the shell cache speaks the language it was fetched in; a "warm" message with
// fresh: true (pwa.js sends it when the page's tracker-state, which names the
// language, changed) fetches it again.
/* global BackstretchOutbox, idb */
const CONFIG = self.BACKSTRETCH;
importScripts(CONFIG.idb, CONFIG.replay);
if (CONFIG.push) importScripts(CONFIG.push);

const SHELL = `shell-${CONFIG.version}`;
const ASSETS = `assets-${CONFIG.version}`;
const HASHED = new Set(Object.values(CONFIG.shell));
const FINGERPRINT = /\.[0-9a-f]{8}\.[A-Za-z0-9]+$/;
const SWR_API = [/^\/api\/v1\/(progress|programs\/current|sessions|checkins)$/];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll([...HASHED, CONFIG.offline]);
    // The first worker takes over at once; a later one waits for "Reload".
    if (!self.registration.active) await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if ((name.startsWith("shell-") && name !== SHELL) || (name.startsWith("assets-") && name !== ASSETS)) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

async function personalCaches() {
  return (await caches.keys()).filter((n) => n.startsWith("pages-") || n.startsWith("api-"));
}

async function forgetPeopleExcept(user) {
  for (const name of await personalCaches()) {
    if (name !== `pages-${user}` && name !== `api-${user}`) await caches.delete(name);
  }
}

async function currentUser() {
  const page = (await personalCaches()).find((n) => n.startsWith("pages-"));
  return page ? page.slice("pages-".length) : "";
}

async function cacheFirst(request, cacheName, key = request) {
  const cached = await caches.match(key, { cacheName });
  if (cached) return cached;
  const response = await fetch(key);
  if (response.ok) await (await caches.open(cacheName)).put(key, response.clone());
  return response;
}

async function page(request) {
  try {
    const response = await fetch(request);
    const user = response.headers.get("X-Tracker-User") || "";
    await forgetPeopleExcept(user);
    if (user && response.ok && !response.redirected) {
      await (await caches.open(`pages-${user}`)).put(request, response.clone());
    }
    return response;
  } catch (error) {
    const user = await currentUser();
    if (user) {
      const cache = await caches.open(`pages-${user}`);
      const cached = await cache.match(request) || await cache.match(request, { ignoreSearch: true });
      if (cached) return cached;
    }
    return (await caches.match(CONFIG.offline, { cacheName: SHELL })) || Response.error();
  }
}

/** The offline page again, in the language the person now reads (it is precached
 * once at install; pwa.js asks for ``fresh`` pages when the language changes). */
async function refreshOffline() {
  try {
    const response = await fetch(CONFIG.offline, { credentials: "same-origin", redirect: "manual" });
    if (response.ok) await (await caches.open(SHELL)).put(CONFIG.offline, response);
  } catch {
    // offline now: keep the copy there is
  }
}

/** Keep the main pages of the signed-in person ready for offline use, even those
 * not visited since this worker took over; ``fresh`` fetches cached ones again.
 * Redirects are not followed: once the person has signed out, following one to the
 * sign-in page would start a new session behind the page's back, and the sign-in
 * form open on screen would then fail its CSRF check. */
async function warm(urls, fresh = false) {
  for (const url of urls) {
    const request = new Request(url, { credentials: "same-origin", redirect: "manual" });
    const user = await currentUser();
    if (!fresh && user && await caches.match(request, { cacheName: `pages-${user}` })) continue;
    try {
      await page(request);
    } catch {
      return;
    }
  }
}

async function staleWhileRevalidate(event) {
  const user = await currentUser();
  if (!user) return fetch(event.request);
  const cache = await caches.open(`api-${user}`);
  const cached = await cache.match(event.request);
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok && response.headers.get("X-Tracker-User") === user) {
      await cache.put(event.request, response.clone());
    }
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => {}));
    return cached;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const plain = CONFIG.shell[url.pathname];
  if (plain || HASHED.has(url.pathname)) {
    event.respondWith(cacheFirst(request, SHELL, plain || url.pathname));
  } else if (url.pathname.startsWith("/static/") && FINGERPRINT.test(url.pathname)) {
    event.respondWith(cacheFirst(request, ASSETS));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (SWR_API.some((re) => re.test(url.pathname))) {
    event.respondWith(staleWhileRevalidate(event));
  }
});

self.addEventListener("message", (event) => {
  const type = event.data?.type;
  if (type === "skip-waiting") {
    self.skipWaiting();
  } else if (type === "warm" && Array.isArray(event.data.urls)) {
    const urls = event.data.urls.filter((u) => typeof u === "string" && u.startsWith("/") && !u.startsWith("//"));
    const fresh = event.data.fresh === true;
    event.waitUntil(warm(urls.slice(0, 5), fresh)
      .then(() => (fresh ? refreshOffline() : undefined))
      .then(() => event.ports[0]?.postMessage({ done: true })));
  } else if (type === "sign-out") {
    event.waitUntil(forgetPeopleExcept("").then(() => event.ports[0]?.postMessage({ done: true })));
  }
});

async function replayOutbox() {
  const db = await BackstretchOutbox.open(idb);
  const done = await BackstretchOutbox.replay(db);
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage({ type: "outbox-changed", done });
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(replayOutbox());
});
