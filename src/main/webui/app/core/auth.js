// The token a tab signs in with, kept in localStorage (never in a URL), and what it says.

const KEY = 'agentbus.token';
const DEV = 'agentbus.dev';

/** The claims of a JWT (unverified: only to read expiry and roles; the server verifies). */
export function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch (e) {
    return null;
  }
}

/** Seconds until the token expires (negative when it has), or Infinity without `exp`. */
export function secondsLeft(token, now = Date.now()) {
  const c = token && claims(token);
  if (!c) return -1;
  return c.exp ? c.exp - now / 1000 : Infinity;
}

export function stored(storage = globalThis.localStorage) {
  const t = storage.getItem(KEY);
  return t && secondsLeft(t) > 5 ? t : null;
}

export function store(token, storage = globalThis.localStorage) { storage.setItem(KEY, token); }
export function forget(storage = globalThis.localStorage) { storage.removeItem(KEY); }

/** The dev identity picked at sign-in ({userId, displayName, roles}), to sign in again silently. */
export function devIdentity(storage = globalThis.localStorage) {
  try { return JSON.parse(storage.getItem(DEV) || 'null'); } catch (e) { return null; }
}
export function rememberDev(identity, storage = globalThis.localStorage) { storage.setItem(DEV, JSON.stringify(identity)); }
