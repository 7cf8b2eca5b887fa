// The offline outbox's storage and replay, shared by the pages (imported as a module)
// and the service worker (importScripts, for Background Sync): so it is a plain
// script that only sets self.BackstretchOutbox, and is handed the idb library.
//
// An item: {client_id, kind: "session"|"checkin", user, body, form, summary, created,
// status: "pending"|"rejected"|"gone", error}. `user` is the opaque key of the person
// who saved it (X-Tracker-User); an item is only ever sent while that person is
// signed in, and its client_id makes a repeated send a no-op on the server.
self.BackstretchOutbox = (() => {
  const NAME = "backstretch";
  const STORE = "outbox";
  const URLS = { session: "/api/v1/sessions", checkin: "/api/v1/checkins" };
  // Answers that will not change by sending again: show them to the person.
  const FINAL = (status) => status >= 400 && status < 500 && ![401, 403, 408, 425, 429].includes(status);

  function open(idb) {
    return idb.openDB(NAME, 1, {
      upgrade(db) {
        db.createObjectStore(STORE, { keyPath: "client_id" }).createIndex("user", "user");
      },
    });
  }

  async function items(db, user) {
    return user ? db.getAllFromIndex(STORE, "user", user) : [];
  }

  async function whoAndToken() {
    const response = await fetch("/api/v1/auth/csrf", { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`csrf ${response.status}`);
    const { csrf_token: token } = await response.json();
    return { user: response.headers.get("X-Tracker-User") || "", token };
  }

  async function reason(response) {
    try {
      const body = await response.json();
      // As the person's language says it (errors.py `localized`), else the API's English.
      const said = body.localized || body;
      return { status: response.status, message: said.message || "", fields: said.fields || {} };
    } catch {
      return { status: response.status, message: response.statusText, fields: {} };
    }
  }

  /** Send the signed-in person's pending items, oldest first. Stops at the first
   * network failure or server trouble (they stay pending for the next try).
   * Returns {sent, rejected} counts, and signedOut when nobody is signed in. */
  async function replay(db) {
    const done = { sent: 0, rejected: 0 };
    let who;
    try {
      who = await whoAndToken();
    } catch {
      return done; // offline, or the server is down
    }
    if (!who.user) return { ...done, signedOut: true }; // kept until they sign in again
    const pending = (await items(db, who.user)).filter((i) => i.status === "pending")
      .sort((a, b) => a.created - b.created);
    for (const item of pending) {
      let response;
      try {
        response = await fetch(URLS[item.kind], {
          method: "POST", credentials: "same-origin", cache: "no-store",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": who.token },
          body: JSON.stringify(item.body),
        });
      } catch {
        break;
      }
      if (response.ok) {
        await db.delete(STORE, item.client_id);
        done.sent += 1;
      } else if (FINAL(response.status)) {
        item.status = response.status === 410 ? "gone" : "rejected";
        item.error = await reason(response);
        await db.put(STORE, item);
        done.rejected += 1;
      } else {
        break;
      }
    }
    return done;
  }

  return { NAME, STORE, open, items, replay };
})();
