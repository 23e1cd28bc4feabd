// REST calls with the bearer token. Failures are errors with the server's code; a call that
// cannot reach the server (or gets 5xx / UNAVAILABLE) is retried with backoff by `retrying`, so a
// page load during a restart shows "retrying…" instead of a dead page.

import { delay } from '../core/backoff.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
  /** Worth trying again: the network, a 5xx, or the service saying it is unavailable. */
  get transient() { return this.status === 0 || this.status >= 500 || this.code === 'UNAVAILABLE'; }
}

/**
 * `onUnauthorized()` is told when a call with the current token answers 401 (it expired, or was
 * revoked). `byCookie()`: signed in by the single sign-on cookie, which the browser sends itself
 * (same-origin fetches carry it; no token is in script reach), so its 401 means signed out too.
 */
export function createApi(getToken, fetchImpl = globalThis.fetch.bind(globalThis), onUnauthorized = () => {}, byCookie = () => false) {
  async function call(method, path, body, extra = {}) {
    const headers = { ...(extra.headers || {}) };
    const token = getToken();
    if (token && !headers.Authorization) headers.Authorization = 'Bearer ' + token;
    let payload = body;
    if (body !== undefined && !(body instanceof FormData)) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
    let res;
    try {
      res = await fetchImpl(path, { method, headers, body: payload });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'the server cannot be reached');
    }
    const type = res.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await res.json().catch(() => null) : null;
    if (res.status === 401 && (token || byCookie()) && !extra.headers?.Authorization && !extra.quiet) onUnauthorized();
    if (!res.ok) throw new ApiError(res.status, data?.code, data?.message || data?.error || res.statusText);
    return data ?? {};
  }
  return {
    get: (p, extra) => call('GET', p, undefined, extra),
    post: (p, body, extra) => call('POST', p, body ?? {}, extra),
    raw: call,
    /** GETs a file as a blob (images and previews cannot send the Authorization header themselves). */
    async blob(path) {
      const token = getToken();
      const res = await fetchImpl(path, { headers: token ? { Authorization: 'Bearer ' + token } : {} });
      if (!res.ok) throw new ApiError(res.status, null, res.statusText);
      return res.blob();
    },
  };
}

/**
 * Calls `fn` until it succeeds or fails for good (a 4xx): transient failures are reported to
 * `onRetry(error, attempt, waitMs)` and retried after a backoff. `sleep` is injectable for tests.
 */
export async function retrying(fn, onRetry = () => {}, { attempts = Infinity, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), random } = {}) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ApiError) || !e.transient || attempt + 1 >= attempts) throw e;
      const wait = delay(attempt, random);
      onRetry(e, attempt + 1, wait);
      await sleep(wait);
    }
  }
}
