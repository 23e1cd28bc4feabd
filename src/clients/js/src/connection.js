// The one WebSocket of a tab (`/ws`): authenticates with a first `auth` frame (the token never
// rides in the URL), resumes every followed stream with `lastSeq` after a reconnect, reconnects
// with capped exponential backoff and jitter, pings to notice a dead link, and keeps an outbox of
// frames not yet acknowledged (shown as pending, resent after a reconnect).
//
// Close codes it acts on (PROTOCOL §3, §10): 4401 → ask for a new token (onAuthNeeded), 4403 → the
// session is not ours: start a new one (onSessionRefused), 1012 → the node restarts: reconnect at
// once (to another node, through the balancer). It never loops on a refused token: without a
// new token it waits.
//
// DOM-free: the WebSocket constructor, timers and randomness are injectable, so Node tests drive it.
// Part of the client library (agentbus-client); the web UI imports it from here.

import { BASE_MS, CAP_MS, delay } from './backoff.js';

/** For this long after a connection is lost, retries come within {@link FAST_CAP_MS}. */
export const FAST_RETRY_WINDOW_MS = 60_000;
export const FAST_CAP_MS = 2_000;

export const PING_MS = 15_000;
/** No frame for this long after a ping: the link is dead, reconnect. */
export const PONG_TIMEOUT_MS = 5_000;
/**
 * A connect that has not authenticated within this is given up and retried: a node that is down
 * behind a black hole (no RST) would otherwise hold the attempt for the browser's TCP timeout.
 */
export const CONNECT_TIMEOUT_MS = 5_000;
/** Frames kept for sending while offline. */
export const OUTBOX_MAX = 200;
/**
 * Frames that may be sent again after a connection dropped before their answer: reads, and
 * changes that are idempotent (a reaction or pin set twice is one). A chat with an
 * idempotencyKey is stored once however often it is sent. Anything else (starting a workflow,
 * deciding a gate, editing, deleting, cancelling) is not resent: its promise is rejected with
 * CONNECTION_LOST, and the view says so instead of acting twice.
 */
const RESENDABLE = new Set(['history', 'search', 'pins', 'presence', 'reaction', 'pin', 'read', 'ping']);
export function resendable(frame) {
  return RESENDABLE.has(frame.type) || (frame.type === 'chat' && !!frame.idempotencyKey);
}

export class Connection {
  /**
   * opts: url (ws://host/ws, or a function giving one per connect), token(): the current token, null, or a promise of one; session,
   * cookieAuth: true when a browser's HttpOnly session cookie signs the upgrade (single sign-on: no
   * token in script reach; the server answers auth_response itself), onFrame(frame), onState(state),
   * onAuthNeeded(), onSessionRefused(), WebSocket, setTimeout, clearTimeout, random, now.
   * @param {any} opts
   */
  constructor(opts) {
    this.o = { WebSocket: globalThis.WebSocket, setTimeout: globalThis.setTimeout.bind(globalThis),
      clearTimeout: globalThis.clearTimeout.bind(globalThis), random: Math.random, now: Date.now, ...opts };
    this.session = opts.session;
    this.streams = new Map();     // stream key → {frame (subscribe frame without lastSeq), lastSeq}
    this.sessionSeq = null;       // last seq of the session stream (resumed with ?sessionSeq=)
    this.outbox = [];             // [{frame, resolve, reject, sent}] awaiting an answer
    this.pending = new Map();     // id → outbox entry
    this.attempt = 0;
    this.state = 'idle';
    this.seq = 0;
    this.ws = null;
    this.stopped = false;
  }

  start() { this.stopped = false; this.#open(); }

  stop() {
    this.stopped = true;
    this.#clearTimers();
    if (this.ws) { try { this.ws.close(1000, 'bye'); } catch (e) { /* closing anyway */ } }
    this.#setState('stopped');
  }

  /** Reconnects now (after a new token, or a new session). */
  restart() {
    this.#clearTimers();
    if (this.ws) { this.ws.onclose = null; try { this.ws.close(1000, 'restart'); } catch (e) { /* */ } }
    this.ws = null;
    this.attempt = 0;
    this.#open();
  }

  /**
   * Sends a frame with an id and resolves with its answer (the frame whose replyTo is that id):
   * acks resolve, `error` answers reject. Queued while offline; resent after a reconnect until answered.
   */
  request(frame) {
    const id = frame.id || `c${Date.now().toString(36)}-${++this.seq}`;
    const f = { ...frame, id };
    return new Promise((resolve, reject) => {
      if (this.outbox.length >= OUTBOX_MAX) { reject(Object.assign(new Error('too many unsent frames'), { code: 'OUTBOX_FULL' })); return; }
      const entry = { frame: f, resolve, reject, sent: false };
      this.outbox.push(entry);
      this.pending.set(id, entry);
      if (this.state === 'online') this.#write(entry);
    });
  }

  /**
   * Gives the live connection a fresh token (an `auth` frame on an authenticated connection): the
   * server swaps the credentials and moves the connection's expiry, no reconnect. Offline, nothing
   * to do: the next connect asks `token()` anyway.
   */
  renew(token) {
    if (this.state !== 'online') return Promise.resolve(null);
    return this.request({ type: 'auth', token });
  }

  /** Fire-and-forget (typing, read markers): dropped while offline (they are moot by then). */
  send(frame) {
    if (this.state === 'online') this.ws.send(JSON.stringify(frame));
  }

  /** Follows a stream (channel or workflow) from `lastSeq`; kept and resumed after every reconnect. */
  follow(key, frame, lastSeq) {
    const s = { frame, lastSeq: lastSeq ?? null };
    this.streams.set(key, s);
    if (this.state === 'online') this.#subscribe(s);
  }

  unfollow(key, frame) {
    if (this.streams.delete(key) && this.state === 'online') this.ws.send(JSON.stringify({ type: 'unsubscribe', ...frame }));
  }

  /** How many frames wait for their answer (the UI shows them as pending). */
  get unsent() { return this.outbox.length; }

  #open() {
    if (this.stopped) return;
    if (this.o.cookieAuth) { this.#openWith(null); return; }
    const t = this.o.token();
    // A token provider may be asynchronous (a refresh against an identity provider).
    if (t && typeof t.then === 'function') {
      this.#setState(this.attempt ? 'reconnecting' : 'connecting');
      t.then((token) => this.#openWith(token), () => this.#openWith(null));
      return;
    }
    this.#openWith(t);
  }

  #openWith(token) {
    if (this.stopped) return;
    if (!token && !this.o.cookieAuth) { this.#setState('signed-out'); this.o.onAuthNeeded?.(); return; }
    this.#setState(this.attempt ? 'reconnecting' : 'connecting');
    const q = new URLSearchParams({ session: this.session });
    if (this.sessionSeq) q.set('sessionSeq', String(this.sessionSeq));
    let ws;
    try {
      // `url` may be a function: a client that knows several nodes picks one per connect.
      const url = typeof this.o.url === 'function' ? this.o.url() : this.o.url;
      ws = new this.o.WebSocket(`${url}?${q}`);
    } catch (e) {
      this.#retry();
      return;
    }
    this.ws = ws;
    const limit = this.o.connectTimeoutMs ?? CONNECT_TIMEOUT_MS; // (0: none, for tests that count timers)
    if (limit > 0) {
      this.connectTimer = this.o.setTimeout(() => {
        this.connectTimer = null;
        if (this.ws === ws && this.state !== 'online') ws.close(4000, 'connect timeout'); // onclose follows: retried
      }, limit);
    }
    // With the session cookie the upgrade itself signs in: the server's auth_response comes unasked.
    ws.onopen = () => { if (token) ws.send(JSON.stringify({ type: 'auth', id: 'auth', token })); };
    ws.onmessage = (e) => this.#onText(e.data);
    ws.onerror = () => { /* onclose follows */ };
    ws.onclose = (e) => this.#onClose(e.code, e.reason);
  }

  #onText(text) {
    let f;
    try { f = JSON.parse(text); } catch (e) { return; }
    this.#armPing();
    const answersAuth = f.replyTo === 'auth' || (this.o.cookieAuth && f.replyTo === undefined && this.state !== 'online');
    if (f.type === 'auth_response' && answersAuth) { if (f.success) this.#onAuth(f); return; }
    if (f.replyTo === 'auth') { this.#onAuthRefused(f); return; }
    if (f.stream && typeof f.seq === 'number') this.#track(f);
    if (f.replyTo !== undefined && this.pending.has(f.replyTo)) {
      const entry = this.pending.get(f.replyTo);
      this.pending.delete(f.replyTo);
      this.outbox.splice(this.outbox.indexOf(entry), 1);
      if (f.type === 'error') entry.reject(Object.assign(new Error(f.error || f.code), { code: f.code, frame: f }));
      else entry.resolve(f);
      this.o.onOutbox?.(this.outbox.length);
    }
    // Removed from a private channel (PROTOCOL §7.1): no longer followed, so not resubscribed on reconnect.
    if (f.type === 'unsubscribed' && f.reason === 'removed' && f.stream) this.streams.delete(f.stream);
    this.o.onFrame(f);
  }

  /**
   * The error that follows a refused auth_response says why. A refused token is never retried as
   * is: the app gets a new one (dev login again, or asks). Anything else (the session is someone
   * else's: 4403; the service is unavailable: 1013) is handled by the close that follows.
   */
  #onAuthRefused(f) {
    if (f.code !== 'NOT_AUTHENTICATED') return;
    this.#setState('signed-out');
    this.ws.onclose = null;
    this.ws.close(1000, 'auth refused');
    this.ws = null;
    this.o.onAuthNeeded?.(f.error);
  }

  #onAuth(f) {
    if (this.connectTimer) { this.o.clearTimeout(this.connectTimer); this.connectTimer = null; }
    this.attempt = 0;
    this.offlineSince = null;
    this.session = f.sessionId;
    if (this.sessionSeq === null && f.sessionSeq) this.sessionSeq = f.sessionSeq;
    this.user = { userId: f.userId, roles: f.roles || [] };
    this.#setState('online');
    for (const s of this.streams.values()) this.#subscribe(s);
    for (const entry of this.outbox) this.#write(entry);
    this.o.onOnline?.(f);
  }

  #track(f) {
    if (f.stream.startsWith('session:')) { this.sessionSeq = Math.max(this.sessionSeq || 0, f.seq); return; }
    for (const s of this.streams.values()) {
      if (streamOf(s.frame) === f.stream) s.lastSeq = Math.max(s.lastSeq || 0, f.seq);
    }
  }

  #subscribe(s) {
    const f = { type: 'subscribe', ...s.frame };
    if (s.lastSeq !== null) f.lastSeq = s.lastSeq;
    this.ws.send(JSON.stringify(f));
  }

  #write(entry) {
    entry.sent = true;
    this.ws.send(JSON.stringify(entry.frame));
  }

  #onClose(code, reason) {
    this.ws = null;
    this.#clearTimers();
    for (const entry of [...this.outbox]) {
      if (entry.sent && !resendable(entry.frame)) {
        this.outbox.splice(this.outbox.indexOf(entry), 1);
        this.pending.delete(entry.frame.id);
        entry.reject(Object.assign(new Error('the connection dropped before the answer: check whether it took effect'),
          { code: 'CONNECTION_LOST' }));
      }
    }
    this.o.onOutbox?.(this.outbox.length);
    if (this.stopped) return;
    if (code === 4401) { this.#setState('signed-out'); this.o.onAuthNeeded?.(reason); return; }
    if (code === 4403) {
      // The session id is someone else's: a new session, then connect again (once, not a loop).
      this.sessionSeq = null;
      this.session = this.o.onSessionRefused?.() || this.session;
      this.attempt = 0;
      this.#open();
      return;
    }
    if (code === 1012) { this.attempt = 0; this.#retry(100); return; } // node restarting: go elsewhere now
    this.#retry();
  }

  #retry(fixed) {
    const now = this.o.now();
    if (this.attempt === 0 || !this.offlineSince) this.offlineSince = now;
    // The first minute of an outage retries within 2 s (a node that comes back is found at once);
    // after that the ceiling grows to 30 s, so a long outage is not hammered.
    const cap = now - this.offlineSince < FAST_RETRY_WINDOW_MS ? FAST_CAP_MS : CAP_MS;
    const wait = fixed ?? delay(this.attempt++, this.o.random, BASE_MS, cap);
    this.nextRetryMs = wait;
    this.retryAt = now + wait;
    this.retryTimer = this.o.setTimeout(() => { this.retryTimer = null; this.#open(); }, wait);
    // Told after the timer is set, and on every retry: a view shows when the next attempt is.
    this.#setState('reconnecting', true);
  }

  #armPing() {
    if (this.o.pingMs === 0) return; // tests without a heartbeat
    if (this.pongTimer) { this.o.clearTimeout(this.pongTimer); this.pongTimer = null; }
    if (this.pingTimer) this.o.clearTimeout(this.pingTimer);
    this.pingTimer = this.o.setTimeout(() => {
      if (this.state !== 'online') return;
      this.ws.send(JSON.stringify({ type: 'ping' }));
      this.pongTimer = this.o.setTimeout(() => { if (this.ws) this.ws.close(4000, 'no pong'); }, PONG_TIMEOUT_MS);
    }, this.o.pingMs ?? PING_MS);
  }

  #clearTimers() {
    for (const t of ['pingTimer', 'pongTimer', 'retryTimer', 'connectTimer']) { if (this[t]) this.o.clearTimeout(this[t]); this[t] = null; }
  }

  #setState(s, again = false) {
    if (this.state === s && !again) return;
    this.state = s;
    this.o.onState?.(s, this);
  }
}

/** A fresh idempotency key for a frame that may be sent more than once (a chat resent after a drop). */
export function newKey() {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}

/** The stream a subscribe frame names. */
export function streamOf(frame) {
  if (frame.channel) return 'channel:' + frame.channel;
  if (frame.workflowId) return 'workflow:' + frame.workflowId;
  return null;
}
