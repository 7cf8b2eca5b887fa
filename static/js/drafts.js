// Drafts kept on this phone (IndexedDB): what a person typed survives leaving the
// page, a reload or a closed app, until it is saved or they start over.
//
//   saveDraft(kind, value)     keep `value` (any structured-cloneable object) as this
//                              person's draft of `kind` ("log", "guide"…), stored as
//                              {value, saved: Date.now()}
//   loadDraft(kind)            -> {value, saved, stale} or null; stale: last saved more
//                              than a day ago (offer it, do not force it)
//   clearDraft(kind, clientId) forget it; given a clientId, only if value.client_id
//                              is that one (its record was saved; a newer draft stays)
//   forgetSession(clientId)    clearDraft of both kinds a session is typed in
//
// One store keyed by [person, kind]; the person is the page's <meta name=
// "tracker-user"> (an opaque per-person key), so a draft is only read for the person
// signed in, and drafts stay on sign-out. No key (signed out): no drafts at all. The
// functions reject when IndexedDB fails; a draft is a nicety, so callers carry on.
import { openDB } from "../vendor/idb/index.js";

const STORE = "drafts";
export const STALE_MS = 24 * 60 * 60 * 1000;

let ready = null;

function db() {
  ready ||= openDB("backstretch-drafts", 1, {
    upgrade(database) {
      database.createObjectStore(STORE, { keyPath: ["person", "kind"] });
    },
    blocking() { // a newer version in another tab wants to upgrade: let it
      ready?.then((database) => database.close());
      ready = null;
    },
    terminated() {
      ready = null;
    },
  }).catch((error) => {
    ready = null;
    throw error;
  });
  return ready;
}

// Read every time, never cached and never a default.
const person = () => globalThis.document?.querySelector("meta[name='tracker-user']")?.content || "";

/** Whether a draft last saved at `saved` (ms) is more than a day old at `now`. */
export function isStale(saved, now = Date.now()) {
  return !(now - saved <= STALE_MS);
}

export async function saveDraft(kind, value) {
  const who = person();
  if (who) await (await db()).put(STORE, { person: who, kind, value, saved: Date.now() });
}

export async function loadDraft(kind) {
  const who = person();
  const found = who ? await (await db()).get(STORE, [who, kind]) : null;
  if (!found || found.person !== who) return null;
  return { value: found.value, saved: found.saved, stale: isStale(found.saved) };
}

/** Forget the drafts a session was typed in (the log form's, the guided session's),
 * once that session is safe: saved or queued. Matched by client_id, so a newer
 * draft stays. */
export function forgetSession(clientId) {
  return Promise.all(["log", "guide"].map((kind) => clearDraft(kind, clientId)));
}

export async function clearDraft(kind, clientId) {
  const who = person();
  if (!who) return;
  const tx = (await db()).transaction(STORE, "readwrite");
  // Read and delete in one transaction: a save cannot slip in between.
  const found = clientId === undefined || (await tx.store.get([who, kind]))?.value?.client_id === clientId;
  await Promise.all([found && tx.store.delete([who, kind]), tx.done]);
}
