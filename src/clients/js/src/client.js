// agentbus-client: the high-level client of agentbus's /ws protocol (PROTOCOL §3), over the
// Connection (auth in the first frame, resume with lastSeq on any node, backoff with jitter, an
// outbox that never resends a non-idempotent request). No runtime dependencies: a browser's
// WebSocket, or Node 22's global one, or any constructor with the same shape (the `ws` package).

import { Connection, newKey, streamOf } from './connection.js';

/**
 * @typedef {import('./frames').ServerFrame} ServerFrame
 * @typedef {import('./frames').ClientFrame} ClientFrame
 * @typedef {'idle'|'connecting'|'online'|'reconnecting'|'signed-out'|'stopped'} State
 * @typedef {{channel?: string, workflowId?: string}} Target
 */

/** An error answer to a request: `code` is the protocol's (PROTOCOL §3), `frame` the whole answer. */
export class AgentbusError extends Error {
  /** @param {string} message @param {string} code @param {any} [frame] */
  constructor(message, code, frame) {
    super(message);
    this.name = 'AgentbusError';
    this.code = code;
    this.frame = frame;
  }
}

export class AgentbusClient {
  /**
   * @param {{
   *   url: string | (() => string),
   *   token: string | (() => string | null | Promise<string | null>),
   *   session?: string,
   *   WebSocket?: any,
   *   pingMs?: number,
   *   setTimeout?: (f: () => void, ms: number) => any,
   *   clearTimeout?: (t: any) => void,
   *   random?: () => number,
   * }} opts
   *   `url`: the node's `ws://host:port/ws` (or a balancer's), or a function giving one per
   *   connect (a client that knows several nodes moves on when one is gone). `token`: a JWT, or a provider called
   *   at every (re)connect — after a 4401 (expired) it is asked once for a fresh token before the
   *   client gives up and emits `auth_needed` (never a loop). `session`: the session id to use
   *   (default: a new one).
   */
  constructor(opts) {
    const provider = typeof opts.token === 'function' ? opts.token : () => /** @type {string} */ (opts.token);
    /** @type {Map<string, Set<(f: any) => void>>} */
    this.handlers = new Map();
    this.renewing = false;
    this.conn = new Connection({
      url: opts.url,
      session: opts.session || 's-' + newKey(),
      token: provider,
      WebSocket: opts.WebSocket,
      pingMs: opts.pingMs,
      ...(opts.setTimeout ? { setTimeout: opts.setTimeout } : {}),
      ...(opts.clearTimeout ? { clearTimeout: opts.clearTimeout } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      onFrame: (/** @type {any} */ f) => this.#emit(f),
      onState: (/** @type {State} */ s) => this.#emitLocal('state', s),
      onOnline: (/** @type {any} */ f) => { this.renewing = false; this.#emitLocal('online', f); },
      onOutbox: (/** @type {number} */ n) => this.#emitLocal('outbox', n),
      onAuthNeeded: (/** @type {string|undefined} */ why) => this.#authNeeded(why),
      onSessionRefused: () => 's-' + newKey(),
    });
  }

  /** Connects (and keeps reconnecting until {@link close}). Resolves once signed in. */
  connect() {
    const online = new Promise((resolve) => {
      if (this.state === 'online') { resolve(undefined); return; }
      const off = this.on('online', () => { off(); resolve(undefined); });
    });
    this.conn.start();
    return online;
  }

  close() { this.conn.stop(); }

  /** @returns {State} */
  get state() { return /** @type {State} */ (this.conn.state); }
  /** The signed-in user, once online. */
  get user() { return this.conn.user; }
  get session() { return this.conn.session; }
  /** Requests sent and not answered yet. */
  get unsent() { return this.conn.unsent; }

  /**
   * Listens to frames of `type` (`'*'` for all), or to the client's own events: `state`,
   * `online`, `outbox` (unanswered count), `auth_needed`. Returns the function that stops it.
   * @param {string} type @param {(f: any) => void} handler @returns {() => void}
   */
  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type)?.add(handler);
    return () => { this.handlers.get(type)?.delete(handler); };
  }

  /**
   * Sends a frame with an id and resolves with its answer; an `error` answer rejects with an
   * {@link AgentbusError}. Held while offline and sent on reconnect; a request that may not be
   * sent twice (a workflow start, a decision) and lost its connection before the answer rejects
   * with code `CONNECTION_LOST` instead of being resent.
   * @param {ClientFrame | Record<string, any>} frame @returns {Promise<any>}
   */
  request(frame) {
    return this.conn.request(frame).catch((/** @type {any} */ e) => {
      throw new AgentbusError(e.message, e.code || 'INTERNAL_ERROR', e.frame);
    });
  }

  /** Fire-and-forget (typing): dropped while offline. @param {Record<string, any>} frame */
  send(frame) { this.conn.send(frame); }

  /**
   * Follows a channel or a workflow: `handler` gets each of its events in seq order, from after
   * `lastSeq` when given (a replay first), and again after every reconnect without gaps or
   * repeats (the connection resumes from the last seq it saw). Returns the function that stops it.
   * @param {Target} target @param {(f: any) => void} handler @param {{lastSeq?: number}} [opts]
   * @returns {() => void}
   */
  subscribe(target, handler, opts = {}) {
    const stream = streamOf(target);
    if (!stream) throw new TypeError('subscribe needs {channel} or {workflowId}');
    const frame = target.channel ? { channel: target.channel } : { workflowId: target.workflowId };
    // `subscribed` carries the stream and its seq too (where it stands): not an event.
    const off = this.on('*', (f) => {
      if (f.stream === stream && typeof f.seq === 'number' && f.type !== 'subscribed') handler(f);
    });
    this.conn.follow(stream, frame, opts.lastSeq ?? null);
    return () => { off(); this.conn.unfollow(stream, frame); };
  }

  /**
   * Posts to a channel; resent safely after a drop (an idempotency key makes it stored once).
   * Resolves with the ack {stream, seq, messageId}.
   * @param {string} channel @param {string} content
   * @param {{threadId?: string, replyTo?: string, mentions?: string[], attachments?: string[]}} [extra]
   */
  post(channel, content, extra = {}) {
    return this.request({ type: 'chat', channel, content, idempotencyKey: newKey(), ...extra });
  }

  /** Starts a workflow in this session: resolves with {workflowId, stream}. @param {string} content @param {{workflow?: string, attachments?: string[]}} [extra] */
  startWorkflow(content, extra = {}) { return this.request({ type: 'user_input', content, ...extra }); }

  /** @param {string} workflowId */
  cancel(workflowId) { return this.request({ type: 'cancel', workflowId }); }

  /** Decides an approval. @param {string} approvalId @param {boolean} approved @param {string} [feedback] */
  respond(approvalId, approved, feedback) {
    return this.request({ type: 'approval_response', approvalId, approved, ...(feedback ? { feedback } : {}) });
  }

  /** A page of a channel's history. @param {string} channel @param {{before?: number, after?: number, limit?: number, threadId?: string}} [page] */
  history(channel, page = {}) { return this.request({ type: 'history', channel, ...page }); }

  /** @param {string} channel @param {boolean} typing */
  typing(channel, typing) { this.send({ type: typing ? 'typing_start' : 'typing_stop', channel }); }

  #authNeeded(/** @type {string|undefined} */ why) {
    // A provider gets one chance to hand a fresh token (the old one expired); then the app decides.
    if (!this.renewing) {
      this.renewing = true;
      this.conn.restart();
      return;
    }
    this.#emitLocal('auth_needed', why);
  }

  #emit(/** @type {any} */ f) {
    for (const h of this.handlers.get(f.type) || []) h(f);
    for (const h of this.handlers.get('*') || []) h(f);
  }

  #emitLocal(/** @type {string} */ type, /** @type {any} */ value) {
    for (const h of this.handlers.get(type) || []) h(value);
  }
}

export { Connection, newKey, streamOf } from './connection.js';
export { delay } from './backoff.js';
